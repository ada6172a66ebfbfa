"""Case handling (一站式受理): cases, their assignments to departments, timeline, clocks and feedback.

The lifecycle (which action moves a case from which status to which) is `cases/workflow.py`; every
change of state is a function in `cases/services/`; deadlines are computed by `cases/sla.py` on the
working-day calendar (`core/calendar.py`) and stored on the rows, so the clock sweep
(`fengqiao checkclocks`) needs nothing but an indexed query.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from fengqiao.core.models import TimeStampedModel
from fengqiao.core.scoping import Scope, ScopedQuerySet, path_q, scope_of


class Kind(models.TextChoices):
    """What kind of matter a case is (GLOSSARY.md)."""

    APPEAL = "appeal", _("Appeal")
    DISPUTE = "dispute", _("Dispute")
    HAZARD = "hazard", _("Safety hazard")
    OPINION = "opinion", _("Public opinion")
    PETITION = "petition", _("Petition")
    CONSULTATION = "consultation", _("Legal consultation")


class Channel(models.TextChoices):
    """How a case came in (渠道)."""

    WINDOW = "window", _("Window")
    PHONE = "phone", _("Phone")
    WECHAT = "wechat", _("WeChat grid group")
    PATROL = "patrol", _("Grid patrol")
    VIDEO = "video", _("Video surveillance")
    ONLINE = "online", _("Online platform")
    LEADER_DUTY = "leader_duty", _("Leader reception")
    REFERRAL = "referral", _("Referred from above")


class Urgency(models.TextChoices):
    """How fast a case must move (一般 / 紧急 / 特急)."""

    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class Status(models.TextChoices):
    """The statuses of the lifecycle (DESIGN.md); only `cases.workflow` decides the moves."""

    REPORTED = "reported", _("Reported")
    ACCEPTED = "accepted", _("Accepted")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    SUSPENDED = "suspended", _("Suspended")
    RESOLVED = "resolved", _("Resolved")
    VERIFIED = "verified", _("Verified")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    ESCALATED = "escalated", _("Escalated")
    DUPLICATE = "duplicate", _("Duplicate")
    MERGED = "merged", _("Merged")


#: Statuses whose clock runs: the acceptance clock while reported, the resolution clock after.
CLOCK_STATUSES = (Status.REPORTED, Status.ACCEPTED, Status.DISPATCHED, Status.IN_PROGRESS)
#: Statuses from which the case will not move again by itself (closed, declined, left the town).
FINAL_STATUSES = (Status.CLOSED, Status.REJECTED, Status.ESCALATED, Status.DUPLICATE, Status.MERGED)


class SLAState(models.TextChoices):
    """Time-limit warning (黄牌 / 红牌 预警)."""

    NORMAL = "normal", _("On time")
    WARNING = "warning", _("Warning")
    OVERDUE = "overdue", _("Overdue")


class EmergencyNumber(models.TextChoices):
    """Where to send an emergency the center does not take (shown when declining)."""

    POLICE = "110", _("110 Police")
    FIRE = "119", _("119 Fire")
    AMBULANCE = "120", _("120 Ambulance")
    TRAFFIC = "122", _("122 Traffic accidents")


# --- Categories and SLA policy (policy is data, edited by administrators) ----------------------


class CategoryQuerySet(models.QuerySet["Category"]):
    def active(self) -> CategoryQuerySet:
        return self.filter(active=True)

    def for_kind(self, kind: str) -> CategoryQuerySet:
        return self.filter(kind=kind)


class Category(TimeStampedModel):
    """A category of cases (事件分类), two levels deep per kind: a top level and its children."""

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name = models.CharField(_("name"), max_length=60)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = CategoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["kind", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "parent", "name"], name="category_unique_name"),
            models.UniqueConstraint(
                fields=["kind", "name"], condition=Q(parent__isnull=True), name="category_unique_top_name"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parent.name} / {self.name}" if self.parent_id and self.parent else self.name

    def clean(self) -> None:
        if self.parent_id is not None and self.parent is not None:
            if self.parent.parent_id is not None:
                raise ValidationError(
                    {"parent": _("Categories are two levels deep: pick a top-level parent.")}
                )
            if self.parent.kind != self.kind:
                raise ValidationError({"parent": _("The parent category belongs to another kind.")})


class SLAPolicy(TimeStampedModel):
    """A time limit (办理时限) for a kind of case, optionally for one urgency.

    `ack_hours` is the working time the center has to decide on acceptance (受理) and a department
    to acknowledge an assignment (签收); `resolve_days` the working days from acceptance to
    resolution. A case turns yellow after `warn_share` of its time has passed. A row with a blank
    urgency applies to every urgency without a row of its own.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, blank=True)
    ack_hours = models.PositiveIntegerField(_("working hours to accept or acknowledge"))
    resolve_days = models.PositiveIntegerField(_("working days to resolve"))
    warn_share = models.DecimalField(
        _("warning share"),
        max_digits=3,
        decimal_places=2,
        default=0.8,
        help_text=_("Share of the time after which a case turns yellow, e.g. 0.80."),
    )

    class Meta:
        verbose_name = _("SLA policy")
        verbose_name_plural = _("SLA policies")
        ordering = ["kind", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "urgency"], name="slapolicy_unique_kind_urgency"),
            models.CheckConstraint(
                condition=Q(warn_share__gt=0) & Q(warn_share__lt=1),
                name="slapolicy_warn_share_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.get_urgency_display() or '*'}"


# --- Cases --------------------------------------------------------------------------------------


class CaseQuerySet(ScopedQuerySet["Case"]):
    """Who sees which case (DESIGN.md "Data scoping").

    Center staff and leaders see the cases of their town (or village) paths; grid workers the
    cases in their grids and those they reported; department officers only cases with an
    assignment to their department (their department's area gives them nothing here).
    """

    # Regions are matched through a subquery below, not by joining the region table here.
    region_path_lookup = None
    grid_lookup = "grid_id"

    def scope_q(self, scope: Scope) -> Q:
        query = super().scope_q(scope)
        if scope.region_paths:
            # `town_id IN (SELECT id ... path LIKE ...)` rather than a join on the region's path:
            # PostgreSQL then filters while walking an index in list order and stops at the
            # page's end (0.1 ms) instead of joining and sorting every case in scope (20 ms at
            # 10 k cases, growing with N). A village cadre's path is below the town's: match the
            # case's village too.
            from fengqiao.regions.models import Region

            regions = Region.objects.filter(path_q("path", scope.region_paths)).values("pk")
            query |= Q(town__in=regions) | Q(village__in=regions)
        if scope.department_ids:
            query |= Q(
                Exists(Assignment.objects.filter(case=OuterRef("pk"), department_id__in=scope.department_ids))
            )
        return query

    def visible_to(self, user: Any) -> CaseQuerySet:
        from fengqiao.accounts.models import Role

        scope = scope_of(user)
        if scope.everything:
            return self.all()
        if scope.is_empty:
            return self.none()
        if getattr(user, "role", None) == Role.DEPARTMENT_OFFICER:
            return self.filter(
                Exists(Assignment.objects.filter(case=OuterRef("pk"), department_id__in=scope.department_ids))
            )
        return self.filter(self.scope_q(scope) | Q(reported_by=user))

    def open(self) -> CaseQuerySet:
        return self.exclude(status__in=FINAL_STATUSES)

    def clock_running(self) -> CaseQuerySet:
        return self.filter(status__in=CLOCK_STATUSES)


class CaseNumberPrefix(models.Model):
    """The prefix of a town's case numbers in a year (编号前缀), e.g. "AG" in AG-2026-000001.

    The numbers themselves come from `core.sequences` (scope `case_number_scope(town)`), gap-free.
    A year's row is written when its first number is given, from the town's latest prefix, so a
    later change of another year's prefix does not change this year's numbers.
    """

    town = models.ForeignKey(
        "regions.Region", verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    prefix = models.CharField(_("prefix"), max_length=8)

    class Meta:
        verbose_name = _("case number prefix")
        verbose_name_plural = _("case number prefixes")
        constraints = [
            models.UniqueConstraint(fields=["town", "year"], name="casenumberprefix_unique_town_year")
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.year}"


def case_number_scope(town: Any) -> str:
    """The `core.sequences` scope of a town's case numbers."""
    return f"cases.case:{getattr(town, 'pk', town)}"


class Case(TimeStampedModel):
    """One matter brought to the center (事件 / 工单), whatever its kind, from intake to closing.

    `status` only changes through `cases.services` (checked by `cases.workflow`). The deadlines of
    the running clock are stored on the row: `ack_due_at` (decide on acceptance), `resolve_due_at`
    (resolve, from acceptance), `due_at` (whichever of the two is running now) and `warn_at` (when
    the case turns yellow); `sla_state` is flipped by the sweep in `cases.sla`.
    """

    number = models.CharField(_("case number"), max_length=24)
    tracking_code = models.CharField(_("tracking code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices)
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)

    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "regions.Grid",
        verbose_name=_("grid"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    village = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="village_cases",
    )
    town = models.ForeignKey(
        "regions.Region", verbose_name=_("town"), on_delete=models.PROTECT, related_name="town_cases"
    )
    location_override_reason = models.CharField(
        _("reason for overriding the location"),
        max_length=200,
        blank=True,
        help_text=_("Why the grid differs from the one the point lies in."),
    )

    reporter_name = models.CharField(_("reporter's name"), max_length=60, blank=True)
    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )

    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.REPORTED)
    sla_state = models.CharField(
        _("time limit"), max_length=8, choices=SLAState.choices, default=SLAState.NORMAL
    )
    ack_due_at = models.DateTimeField(_("accept by"), null=True, blank=True)
    resolve_due_at = models.DateTimeField(_("resolve by"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning at"), null=True, blank=True)
    overdue_at = models.DateTimeField(_("overdue since"), null=True, blank=True)
    second_notice_at = models.DateTimeField(_("second notice due"), null=True, blank=True)
    paused_at = models.DateTimeField(_("suspended at"), null=True, blank=True)
    paused_total = models.DurationField(_("working time suspended"), null=True, blank=True)
    suspended_from = models.CharField(_("suspended from"), max_length=16, choices=Status.choices, blank=True)
    extension_count = models.PositiveSmallIntegerField(_("deadline extensions"), default=0)

    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected at"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)

    result = models.TextField(_("result"), blank=True)
    reject_reason = models.CharField(_("reason for declining"), max_length=500, blank=True)
    emergency_number = models.CharField(
        _("emergency number given"), max_length=3, choices=EmergencyNumber.choices, blank=True
    )
    escalation_reason = models.CharField(_("reason for escalating"), max_length=500, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("times reopened"), default=0)
    rework_count = models.PositiveSmallIntegerField(_("times sent back for rework"), default=0)
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("duplicate of / merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )

    idempotency_key = models.CharField(_("idempotency key"), max_length=200, blank=True, editable=False)
    request_hash = models.CharField(_("request hash"), max_length=64, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    Status = Status
    Kind = Kind
    Channel = Channel
    Urgency = Urgency
    SLAState = SLAState

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["town", "number"], name="case_unique_number_per_town"),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="case_unique_idempotency_key",
            ),
        ]
        indexes = [
            # The clock sweep's three questions, over open cases only (healthchecks' partial index).
            models.Index(
                fields=["warn_at"], condition=Q(status__in=CLOCK_STATUSES), name="case_open_warn_at"
            ),
            models.Index(fields=["due_at"], condition=Q(status__in=CLOCK_STATUSES), name="case_open_due_at"),
            models.Index(
                fields=["second_notice_at"],
                condition=Q(status__in=CLOCK_STATUSES, sla_state="overdue"),
                name="case_overdue_second_notice",
            ),
            models.Index(fields=["status", "-created_at"], name="case_status_created"),
            models.Index(fields=["town", "-created_at"], name="case_town_created"),
            models.Index(fields=["grid", "-created_at"], name="case_grid_created"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status not in FINAL_STATUSES

    @property
    def clock_running(self) -> bool:
        return self.status in CLOCK_STATUSES

    def reporter_phone_for(self, user: Any) -> str:
        """The reporter's phone as this user may see it: masked without `view_sensitive`."""
        from fengqiao.core.masking import mask_phone

        if not self.reporter_phone:
            return ""
        if getattr(user, "view_sensitive", False):
            return self.reporter_phone
        return mask_phone(self.reporter_phone)

    def reporter_name_for(self, user: Any) -> str:
        """The reporter's name as this user may see it (masked without `view_sensitive`)."""
        from fengqiao.core.masking import mask_name

        if self.anonymous:
            return str(_("Anonymous"))
        if getattr(user, "view_sensitive", False):
            return self.reporter_name
        return mask_name(self.reporter_name)


class AssignmentQuerySet(ScopedQuerySet["Assignment"]):
    """An assignment is visible to its department's officers and to whoever sees its case."""

    def visible_to(self, user: Any) -> AssignmentQuerySet:
        from fengqiao.accounts.models import Role

        scope = scope_of(user)
        if scope.everything:
            return self.all()
        if scope.is_empty:
            return self.none()
        if getattr(user, "role", None) == Role.DEPARTMENT_OFFICER:
            return self.filter(department_id__in=scope.department_ids)
        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))

    def open(self) -> AssignmentQuerySet:
        return self.filter(status__in=Assignment.OPEN_STATUSES)


class Assignment(TimeStampedModel):
    """One item of a case sent to one department (吹哨 / 转办), with its own deadlines.

    `pending -> acknowledged -> done`, or `returned` with a reason; `cancelled` when its case is
    merged or closed without it. One department leads; the case is resolved when the lead is done.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead")
        ASSIST = "assist", _("Assisting")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be acknowledged")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        DONE = "done", _("Done")
        RETURNED = "returned", _("Returned")
        CANCELLED = "cancelled", _("Cancelled")

    OPEN_STATUSES = (Status.PENDING, Status.ACKNOWLEDGED)

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="assignments"
    )
    department = models.ForeignKey(
        "center.Department",
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=8, choices=Role.choices, default=Role.LEAD)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    note = models.TextField(_("instructions"), blank=True)
    result = models.TextField(_("result"), blank=True)
    reason = models.CharField(_("reason for returning"), max_length=500, blank=True)
    ack_due_at = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    due_at = models.DateTimeField(_("complete by"), null=True, blank=True)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("dispatched by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acknowledged by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("completed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    #: Set by the sweep when the acknowledgement (报到) or completion deadline passed: each lateness
    #: is announced once.
    ack_late_at = models.DateTimeField(_("late to acknowledge since"), null=True, blank=True)
    late_at = models.DateTimeField(_("late to complete since"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=Q(role="lead", status__in=("pending", "acknowledged")),
                name="assignment_one_open_lead",
            ),
            models.UniqueConstraint(
                fields=["case", "department"],
                condition=Q(status__in=("pending", "acknowledged")),
                name="assignment_one_open_per_department",
            ),
        ]
        indexes = [
            models.Index(
                fields=["department", "status", "due_at"],
                condition=Q(status__in=("pending", "acknowledged")),
                name="assignment_open_inbox",
            ),
            models.Index(
                fields=["ack_due_at"],
                condition=Q(status="pending", ack_late_at__isnull=True),
                name="assignment_ack_due",
            ),
            models.Index(
                fields=["due_at"],
                condition=Q(status__in=("pending", "acknowledged"), late_at__isnull=True),
                name="assignment_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} → {self.department}"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class CaseEventQuerySet(models.QuerySet["CaseEvent"]):
    def update(self, **kwargs: Any) -> int:
        raise TypeError("the case timeline is append-only")

    def visible_to(self, user: Any) -> CaseEventQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))


class CaseEvent(models.Model):
    """One step of a case's timeline (流转记录): who did what, from which status to which, when.

    Written only by the services, in the transaction of the change; never edited.
    """

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_name = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=32)
    from_status = models.CharField(_("from status"), max_length=16, choices=Status.choices, blank=True)
    to_status = models.CharField(_("to status"), max_length=16, choices=Status.choices, blank=True)
    note = models.TextField(_("note"), blank=True)
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    data = models.JSONField(_("details"), default=dict, blank=True)

    objects = CaseEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case timeline")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise TypeError("the case timeline is append-only")
        super().save(*args, **kwargs)


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is random: the original name is kept in a field, never trusted as a path.
    import secrets

    from django.utils import timezone

    extension = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}.get(
        instance.content_type, "pdf"
    )
    return f"cases/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class Attachment(models.Model):
    """A photo or document attached to a case or an assignment (附件): type sniffed, metadata stripped."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="attachments"
    )
    assignment = models.ForeignKey(
        Assignment,
        verbose_name=_("assignment"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class SupervisionQuerySet(models.QuerySet["Supervision"]):
    def visible_to(self, user: Any) -> SupervisionQuerySet:
        return self.filter(case__in=Case.objects.visible_to(user).values("pk"))

    def unanswered(self) -> SupervisionQuerySet:
        return self.filter(answered_at__isnull=True)


class Supervision(models.Model):
    """A supervision order (督办) on a late or stuck case: level 1 to the duty leader, level 2 higher.

    Raised automatically by the clock sweep when a case turns overdue (level 1) and when it stays
    overdue for `CASE_SECOND_NOTICE_WORKING_DAYS` more working days (level 2), or by a leader. One
    automatic order per case, level and missed deadline (`due_at`), enforced by a constraint.
    """

    class Level(models.IntegerChoices):
        FIRST = 1, _("Level 1 (duty leader)")
        SECOND = 2, _("Level 2 (town leaders)")

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="supervisions"
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, default=Level.FIRST)
    due_at = models.DateTimeField(_("missed deadline"), null=True, blank=True)
    automatic = models.BooleanField(_("raised by the clock"), default=True)
    raised_at = models.DateTimeField(_("raised at"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    addressee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("addressed to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="supervisions",
        help_text=_("The duty leader of the day for level 1; blank for level 2 (all town leaders)."),
    )
    note = models.TextField(_("note"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answer = models.TextField(_("answer"), blank=True)

    objects = SupervisionQuerySet.as_manager()

    class Meta:
        verbose_name = _("supervision order")
        verbose_name_plural = _("supervision orders")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "level", "due_at"],
                condition=Q(automatic=True),
                name="supervision_once_per_deadline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.number} L{self.level}"


class Feedback(models.Model):
    """The public's rating after closing (回访 / 评价)."""

    class Rating(models.TextChoices):
        SATISFIED = "satisfied", _("Satisfied")
        BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
        UNSATISFIED = "unsatisfied", _("Unsatisfied")

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="feedback")
    rating = models.CharField(_("rating"), max_length=20, choices=Rating.choices)
    comment = models.TextField(_("comment"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The clerk who called back; blank when the public rated online."),
    )
    at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.case.number} {self.rating}"


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_user(self, user: Any) -> NotificationQuerySet:
        return self.filter(user=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)

    def undelivered(self) -> NotificationQuerySet:
        return self.filter(delivered_at__isnull=True)


class Notification(models.Model):
    """One message in a user's in-app inbox (站内通知), also sent out through `cases.notify`."""

    class Verb(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned to your department")
        RETURNED = "returned", _("Assignment returned")
        ACKNOWLEDGED = "acknowledged", _("Assignment acknowledged")
        COMPLETED = "completed", _("Assignment completed")
        RESOLVED = "resolved", _("Case resolved, to verify")
        REWORK = "rework", _("Sent back for rework")
        WARNING = "warning", _("Time limit warning")
        OVERDUE = "overdue", _("Overdue")
        LATE = "late", _("Assignment late")
        SUPERVISION = "supervision", _("Supervision order")
        REOPENED = "reopened", _("Case reopened")
        OTHER = "other", _("Other")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    verb = models.CharField(_("verb"), max_length=16, choices=Verb.choices)
    case = models.ForeignKey(
        Case,
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    text = models.CharField(_("text"), max_length=300)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("sent out at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_attempt_at = models.DateTimeField(_("last delivery attempt"), null=True, blank=True)
    last_error = models.CharField(_("last delivery error"), max_length=300, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(
                fields=["created_at"], condition=Q(delivered_at__isnull=True), name="notification_undelivered"
            ),
        ]

    def __str__(self) -> str:
        return self.text
