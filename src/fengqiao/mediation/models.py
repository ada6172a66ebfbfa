"""Dispute mediation (人民调解): disputes are cases (`kind=dispute`) with what mediation adds.

A `Dispute` is one-to-one with its `cases.Case`; the case carries the lifecycle, clocks and
timeline (registration = accepted, agreement or failure = resolved, archived dossier = closed).
Here live the parties, investigation notes, sessions (调解笔录), agreements (调解协议书) with their
terms, follow-up visits (回访), the dossier checklist (卷宗) and the grids' screening reports (排查).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from fengqiao.core.models import TimeStampedModel
from fengqiao.core.scoping import ScopedQuerySet, path_q, scope_of


class DisputeType(models.TextChoices):
    """The Ministry of Justice's statistical categories of disputes (矛盾纠纷类型)."""

    MARRIAGE_FAMILY = "marriage_family", _("Marriage and family")
    NEIGHBOUR = "neighbour", _("Neighbours")
    HOUSING_HOMESTEAD = "housing_homestead", _("Housing and homestead")
    CONTRACT = "contract", _("Contracts")
    BUSINESS = "business", _("Production and business")
    DAMAGES = "damages", _("Damages")
    LAND_FOREST = "land_forest", _("Land and forest")
    EXPROPRIATION = "expropriation", _("Land expropriation and demolition")
    POLLUTION = "pollution", _("Environmental pollution")
    LABOUR = "labour", _("Labour")
    CONSUMER = "consumer", _("Consumer")
    MEDICAL = "medical", _("Medical")
    TRAFFIC = "traffic", _("Road traffic accidents")
    PROPERTY_MANAGEMENT = "property_management", _("Property management")
    DEBT = "debt", _("Debts")
    OTHER = "other", _("Other")


class Source(models.TextChoices):
    """Where a dispute came from (纠纷来源)."""

    APPLICATION = "application", _("Party's application")
    INITIATIVE = "initiative", _("Committee's own initiative")
    SCREENING = "screening", _("Screening")
    REFERRAL = "referral", _("Referral")


class Referral(models.TextChoices):
    """Who referred the dispute (诉调 / 警调 / 检调 / 访调 对接)."""

    COURT = "court", _("Court")
    POLICE = "police", _("Police")
    PROCURATORATE = "procuratorate", _("Procuratorate")
    PETITION = "petition", _("Petition office")
    GOVERNMENT = "government", _("Government department")


class RiskGrade(models.TextChoices):
    NONE = "", _("None")
    YELLOW = "yellow", _("Yellow")
    ORANGE = "orange", _("Orange")
    RED = "red", _("Red")


class Outcome(models.TextChoices):
    PENDING = "", _("Pending")
    AGREEMENT = "agreement", _("Agreement")
    FAILURE = "failure", _("Failure")


class Route(models.TextChoices):
    """Where parties are pointed after a failed mediation."""

    LITIGATION = "litigation", _("Litigation")
    ARBITRATION = "arbitration", _("Arbitration")
    ADMINISTRATIVE = "administrative", _("Administrative channel")


# --- organisations -------------------------------------------------------------------------------


class MediationOrganizationQuerySet(models.QuerySet["MediationOrganization"]):
    def visible_to(self, user: Any) -> MediationOrganizationQuerySet:
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        if scope.is_empty:
            return self.none()
        query = path_q("town__path", scope.region_paths) | Q(members=user)
        if scope.department_ids:
            query |= Q(department_id__in=scope.department_ids)
        return self.filter(query).distinct()


class MediationOrganization(TimeStampedModel):
    """A people's mediation committee (人民调解委员会) of a town or village, with its mediators.

    `abbreviation` makes the dossier numbers: "(2026)安人调字第12号" for "安人调".
    """

    name = models.CharField(_("name"), max_length=80)
    town = models.ForeignKey(
        "regions.Region", verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "center.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="mediation_organizations",
        help_text=_("The judicial office or village committee the committee belongs to."),
    )
    abbreviation = models.CharField(_("dossier abbreviation"), max_length=12)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mediators"),
        blank=True,
        related_name="mediation_organizations",
    )

    objects = MediationOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("mediation organisation")
        verbose_name_plural = _("mediation organisations")
        ordering = ["town", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="mediationorg_unique_name")]

    def __str__(self) -> str:
        return self.name


# --- disputes ------------------------------------------------------------------------------------


class DisputeQuerySet(ScopedQuerySet["Dispute"]):
    """Who sees which dispute.

    A mediator sees the disputes they lead or help with and those of their organisations; a
    department officer those of organisations under their department (the judicial office, a
    village committee) and those their unit was invited to; center staff, leaders and auditors the
    town; grid workers the disputes of their grids.
    """

    def visible_to(self, user: Any) -> DisputeQuerySet:
        from fengqiao.accounts.models import Role

        scope = scope_of(user)
        if scope.everything:
            return self.all()
        if scope.is_empty:
            return self.none()
        role = getattr(user, "role", None)
        if role == Role.MEDIATOR:
            through = Dispute.mediators.through
            helping = Exists(through.objects.filter(dispute_id=OuterRef("pk"), user_id=user.pk))
            orgs = MediationOrganization.objects.filter(members=user).values("pk")
            return self.filter(Q(lead_mediator=user) | Q(helping) | Q(organization__in=orgs))
        if role == Role.DEPARTMENT_OFFICER:
            invited = Exists(
                Dispute.invited_units.through.objects.filter(
                    dispute_id=OuterRef("pk"), department_id__in=scope.department_ids
                )
            )
            return self.filter(Q(organization__department_id__in=scope.department_ids) | Q(invited))
        query = Q(pk__in=[])
        if scope.region_paths:
            query |= path_q("case__town__path", scope.region_paths) | path_q(
                "case__village__path", scope.region_paths
            )
        if scope.grid_ids:
            query |= Q(case__grid_id__in=scope.grid_ids)
        return self.filter(query)


class Dispute(TimeStampedModel):
    """A dispute between parties (矛盾纠纷), handled by mediation; its `case` runs the lifecycle."""

    class Track(models.TextChoices):
        PEOPLE = "people", _("People's mediation")

    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="dispute"
    )
    track = models.CharField(_("track"), max_length=12, choices=Track.choices, default=Track.PEOPLE)
    dispute_type = models.CharField(_("type"), max_length=24, choices=DisputeType.choices)
    amount = models.DecimalField(
        _("amount involved (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    people_count = models.PositiveIntegerField(_("people involved"), default=2)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.APPLICATION)
    referral = models.CharField(_("referred by"), max_length=16, choices=Referral.choices, blank=True)
    risk_grade = models.CharField(_("risk grade"), max_length=8, choices=RiskGrade.choices, blank=True)
    risk_criminal = models.BooleanField(_("risk of turning criminal"), default=False)
    risk_group_petition = models.BooleanField(_("risk of a group petition"), default=False)
    organization = models.ForeignKey(
        MediationOrganization,
        verbose_name=_("mediation organisation"),
        on_delete=models.PROTECT,
        related_name="disputes",
    )
    lead_mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("lead mediator"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="led_disputes",
    )
    mediators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("other mediators"),
        blank=True,
        related_name="helped_disputes",
    )
    invited_units = models.ManyToManyField(
        "center.Department", verbose_name=_("invited units"), blank=True, related_name="invited_disputes"
    )
    room = models.ForeignKey(
        "center.Room",
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    screening = models.ForeignKey(
        "Screening",
        verbose_name=_("found in screening"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disputes",
    )

    dossier_year = models.PositiveSmallIntegerField(_("dossier year"))
    dossier_seq = models.PositiveIntegerField(_("dossier sequence"))
    dossier_number = models.CharField(_("dossier number"), max_length=40, unique=True)
    registered_at = models.DateTimeField(_("registered at"))
    rights_notice_given = models.BooleanField(_("notice of rights and duties given"), default=False)
    facts = models.TextField(_("facts"), blank=True)

    settle_due_on = models.DateField(_("settle by"))
    settle_extended_days = models.PositiveIntegerField(_("days of extension"), default=0)
    settle_extension_consent = models.TextField(_("parties' consent to the extension"), blank=True)
    #: Set by the sweep when the settle deadline passed without an outcome (announced once per deadline;
    #: an extension clears it).
    settle_overdue_at = models.DateTimeField(_("settle deadline passed at"), null=True, blank=True)

    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_at = models.DateTimeField(_("outcome at"), null=True, blank=True)
    failure_reason = models.TextField(_("reason for failure"), blank=True)
    failure_route = models.CharField(_("route offered"), max_length=16, choices=Route.choices, blank=True)
    archived_at = models.DateTimeField(_("archived at"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("archived by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = DisputeQuerySet.as_manager()

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "dossier_year", "dossier_seq"], name="dispute_unique_dossier_seq"
            ),
        ]

    def __str__(self) -> str:
        return self.dossier_number

    @property
    def current_agreement(self) -> Agreement | None:
        return self.agreements.order_by("-id").first()


class PartyQuerySet(models.QuerySet["Party"]):
    def visible_to(self, user: Any) -> PartyQuerySet:
        return self.filter(dispute__in=Dispute.objects.visible_to(user).values("pk"))


class Party(TimeStampedModel):
    """A party to a dispute (当事人): applicant, respondent, third party, or an agent of one."""

    class Role(models.TextChoices):
        APPLICANT = "applicant", _("Applicant")
        RESPONDENT = "respondent", _("Respondent")
        THIRD_PARTY = "third_party", _("Third party")
        AGENT = "agent", _("Agent")

    class Gender(models.TextChoices):
        MALE = "male", _("Male")
        FEMALE = "female", _("Female")

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="parties"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    name = models.CharField(_("name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=8, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True, default="汉族")
    resident_id = models.CharField(_("resident ID"), max_length=18, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    occupation = models.CharField(_("occupation"), max_length=60, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    represents = models.ForeignKey(
        "self",
        verbose_name=_("agent of"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="agents",
    )

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["dispute", "role", "id"]

    def __str__(self) -> str:
        return self.name


class InvestigationNote(models.Model):
    """A record of investigation (调查记录): who was asked what, where, and what was found."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="investigations"
    )
    at = models.DateTimeField(_("time"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    persons = models.CharField(_("persons interviewed"), max_length=200, blank=True)
    content = models.TextField(_("content"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("investigator"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("investigation note")
        verbose_name_plural = _("investigation notes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.persons}"


class MediationSession(models.Model):
    """One mediation session (调解会): planned ahead, then held with its minutes (调解笔录), or
    cancelled or postponed with a reason.

    `held_at` is when it takes (took) place and `ends_at` when it ends: a room is booked for that
    span, and two planned or held sessions may not overlap in one room. A session recorded straight
    away (`record_session`) is `held` from the start.
    """

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("To be continued")
        AGREEMENT = "agreement", _("Agreement reached")
        FAILURE = "failure", _("No agreement")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")
        POSTPONED = "postponed", _("Postponed")

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="sessions"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.HELD)
    held_at = models.DateTimeField(_("held at"))
    ends_at = models.DateTimeField(_("ends at"))
    place = models.CharField(_("place"), max_length=120, blank=True)
    room = models.ForeignKey(
        "center.Room",
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    planned_participants = models.TextField(_("planned participants"), blank=True)
    participants = models.TextField(_("participants"), blank=True)
    minutes = models.TextField(_("minutes"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.CONTINUE)
    status_reason = models.TextField(_("reason for cancelling or postponing"), blank=True)
    postponed_to = models.ForeignKey(
        "self",
        verbose_name=_("postponed to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["held_at", "id"]
        indexes = [models.Index(fields=["room", "held_at"], name="mediationsession_room_time")]

    def __str__(self) -> str:
        return f"{self.held_at:%Y-%m-%d %H:%M}"


class Agreement(TimeStampedModel):
    """The mediation agreement (调解协议书, or an oral agreement recorded): its content and confirmation."""

    class Form(models.TextChoices):
        WRITTEN = "written", _("Written")
        ORAL = "oral", _("Oral")

    class CourtDecision(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed as valid")
        REJECTED = "rejected", _("Not confirmed")

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="agreements"
    )
    form = models.CharField(_("form"), max_length=8, choices=Form.choices, default=Form.WRITTEN)
    facts = models.TextField(_("facts"))
    points_in_dispute = models.TextField(_("points in dispute and responsibilities"))
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmation_applied_on = models.DateField(_("judicial confirmation applied on"), null=True, blank=True)
    confirmation_court = models.CharField(_("court"), max_length=80, blank=True)
    court_decision = models.CharField(
        _("court decision"), max_length=12, choices=CourtDecision.choices, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    #: Set by the sweep when the mediator was reminded of the confirmation deadline (once).
    confirmation_reminded_at = models.DateTimeField(_("reminded of confirmation at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.dispute.dossier_number}"

    @property
    def confirmation_due_on(self) -> Any:
        """The last day to apply for judicial confirmation: 30 days after it takes effect."""
        import datetime as dt

        return self.effective_on + dt.timedelta(days=30) if self.effective_on else None


class AgreementTerm(models.Model):
    """One agreed term with the manner, place and time of performance, and whether it was performed."""

    class Performance(models.TextChoices):
        DUE = "due", _("Due")
        DONE = "done", _("Done")
        PARTLY = "partly", _("Partly done")
        NOT_DONE = "not_done", _("Not done")

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="terms"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    content = models.TextField(_("term"))
    manner = models.CharField(_("manner of performance"), max_length=200, blank=True)
    place = models.CharField(_("place of performance"), max_length=120, blank=True)
    due_on = models.DateField(_("perform by"), null=True, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    performance = models.CharField(
        _("performance"), max_length=10, choices=Performance.choices, default=Performance.DUE
    )
    performance_note = models.CharField(_("performance note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("agreement term")
        verbose_name_plural = _("agreement terms")
        ordering = ["agreement", "position"]

    def __str__(self) -> str:
        return f"{self.position}. {self.content[:40]}"


class FollowUp(models.Model):
    """A follow-up visit after agreement (回访): how the terms are kept, whether the dispute is at rest."""

    class Method(models.TextChoices):
        VISIT = "visit", _("Visit")
        PHONE = "phone", _("Phone")

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="follow_ups"
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices, default=Method.VISIT)
    content = models.TextField(_("content"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.due_on or self.done_at}"


class DocumentKind(models.TextChoices):
    """The documents of a dossier (卷宗材料); `REQUIRED_DOCUMENTS` must be present to archive."""

    REGISTRATION = "registration", _("Application or registration form")
    RIGHTS_NOTICE = "rights_notice", _("Notice of rights and duties")
    IDENTITY = "identity", _("Parties' identity documents")
    MINUTES = "minutes", _("Mediation minutes")
    AGREEMENT = "agreement", _("Mediation agreement")
    COVER = "cover", _("Dossier cover")
    AUTHORISATION = "authorisation", _("Authorisation")
    INVESTIGATION = "investigation", _("Investigation notes")
    EVIDENCE = "evidence", _("Evidence")
    PERFORMANCE = "performance", _("Proof of performance")
    FOLLOW_UP = "follow_up", _("Follow-up record")
    CONFIRMATION = "confirmation", _("Judicial confirmation papers")


REQUIRED_DOCUMENTS = (
    DocumentKind.REGISTRATION,
    DocumentKind.RIGHTS_NOTICE,
    DocumentKind.IDENTITY,
    DocumentKind.MINUTES,
    DocumentKind.AGREEMENT,
    DocumentKind.COVER,
)


#: Documents the system can print and attach to the dossier itself (`attach_generated_document`).
GENERATED_DOCUMENTS = (
    DocumentKind.REGISTRATION,
    DocumentKind.MINUTES,
    DocumentKind.AGREEMENT,
    DocumentKind.COVER,
)


def dossier_document_path(instance: DossierDocument, filename: str) -> str:
    # A random stored name: the original name is kept in a field, never trusted as a path.
    import secrets

    from django.utils import timezone

    extension = {"image/jpeg": "jpg", "image/png": "png"}.get(instance.content_type, "pdf")
    return f"mediation/{timezone.now():%Y/%m}/{secrets.token_hex(16)}.{extension}"


class DossierDocumentQuerySet(models.QuerySet["DossierDocument"]):
    def visible_to(self, user: Any) -> DossierDocumentQuerySet:
        return self.filter(dispute__in=Dispute.objects.visible_to(user).values("pk"))


class DossierDocument(models.Model):
    """A document filed in the dossier: a scan or photo uploaded (identity copies, evidence, signed
    papers ...), a generated PDF attached (registration form, minutes, agreement, cover), or, for
    older records, a paper copy noted without a file.

    `sensitive` files may show identifiers in full (every upload, and generated documents printed
    for a holder of `view_sensitive`): only holders of that right download them.
    """

    class Origin(models.TextChoices):
        UPLOAD = "upload", _("Uploaded")
        GENERATED = "generated", _("Generated")
        PAPER = "paper", _("Paper copy")

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=120, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), default=1)
    origin = models.CharField(_("origin"), max_length=10, choices=Origin.choices, default=Origin.PAPER)
    file = models.FileField(_("file"), upload_to=dossier_document_path, max_length=200, blank=True)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(_("content type"), max_length=40, blank=True)
    size = models.PositiveIntegerField(_("size (bytes)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    sensitive = models.BooleanField(_("may show identifiers in full"), default=False)
    session = models.ForeignKey(
        MediationSession,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("added by"), on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = DossierDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier document")
        verbose_name_plural = _("dossier documents")
        ordering = ["dispute", "id"]

    def __str__(self) -> str:
        return self.title or self.get_kind_display()


# --- screening -----------------------------------------------------------------------------------


class ScreeningQuerySet(ScopedQuerySet["Screening"]):
    region_path_lookup = "grid__village__path"
    grid_lookup = "grid_id"

    def scope_q(self, scope: Any) -> Q:
        query = super().scope_q(scope)
        if scope.region_paths:
            # Town staff's path is above the village's.
            query |= path_q("grid__village__parent__path", scope.region_paths)
        return query


class Screening(models.Model):
    """A grid's screening report for one period (矛盾纠纷排查), or the slot still waiting for it.

    Slots are opened by the sweep for every grid and period; `warn_at` and `due_at` are stored
    like a case's, and `sla_state` turns yellow then red while nothing is submitted. A report
    lists what was found (each item becomes a dispute case) or is a zero report (零报告).
    """

    class State(models.TextChoices):
        NORMAL = "normal", _("On time")
        WARNING = "warning", _("Warning")
        OVERDUE = "overdue", _("Overdue")

    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="screenings"
    )
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period to"))
    warn_at = models.DateTimeField(_("warning at"))
    due_at = models.DateTimeField(_("due"))
    sla_state = models.CharField(_("time limit"), max_length=8, choices=State.choices, default=State.NORMAL)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    zero_report = models.BooleanField(_("zero report"), default=False)
    note = models.TextField(_("note"), blank=True)

    objects = ScreeningQuerySet.as_manager()

    class Meta:
        verbose_name = _("screening report")
        verbose_name_plural = _("screening reports")
        ordering = ["-period_start", "grid"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "period_start"], name="screening_unique_period")
        ]
        indexes = [
            models.Index(fields=["warn_at"], condition=Q(submitted_at__isnull=True), name="screening_open")
        ]

    def __str__(self) -> str:
        return f"{self.grid} {self.period_start}"


class ScreeningItem(models.Model):
    """A dispute found in a screening (排查发现): it becomes a dispute case the moment it is reported."""

    screening = models.ForeignKey(
        Screening, verbose_name=_("screening"), on_delete=models.CASCADE, related_name="items"
    )
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="screening_item"
    )
    dispute_type = models.CharField(_("type"), max_length=24, choices=DisputeType.choices)
    people_count = models.PositiveIntegerField(_("people involved"), default=2)
    risk_grade = models.CharField(_("risk grade"), max_length=8, choices=RiskGrade.choices, blank=True)

    class Meta:
        verbose_name = _("screening item")
        verbose_name_plural = _("screening items")
        ordering = ["screening", "id"]

    def __str__(self) -> str:
        return str(self.case_id)
