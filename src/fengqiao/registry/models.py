"""The grid registry (网格基础信息): people, households, houses, places, organisations (人地事物组织),
key persons (重点人员) with their visits, and patrols (巡查).

Every row belongs to a grid; every QuerySet scopes through it (`grid` for grid roles, the grid's
village path for center staff). Personal identifiers (resident IDs, phones, exact addresses) are
stored in full and masked on the way out (`registry.privacy`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fengqiao.core.models import TimeStampedModel
from fengqiao.core.scoping import ScopedQuerySet
from fengqiao.core.validators import (
    normalize_resident_id,
    resident_id_birth_date,
    resident_id_sex,
    validate_phone,
    validate_resident_id,
)
from fengqiao.registry.validators import validate_credit_code


def registry_reader(user: Any) -> bool:
    """Whether the user's role reads the registry at all (see `privacy.REGISTRY_ROLES`)."""
    from fengqiao.registry.privacy import reads_registry

    return reads_registry(user)


class GridScopedQuerySet(ScopedQuerySet[Any]):
    """Rows tied to a grid: grid roles see their grids, center staff their town's grids.

    Roles that do not work with the registry (department officers, auditors) see nothing,
    although their scope covers an area: a department's area gives it the map, not the people.
    """

    region_path_lookup = "grid__village__path"
    grid_lookup = "grid_id"

    def visible_to(self, user: Any) -> Any:
        from fengqiao.registry.privacy import grid_role_q

        if not registry_reader(user):
            return self.none()
        visible = super().visible_to(user)
        narrowed = grid_role_q(self.model._meta.label_lower, user)
        return visible if narrowed is None else visible.filter(narrowed)


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class House(TimeStampedModel):
    """A house or flat in a building (房屋): where people live, placed on the map and in a grid."""

    address = models.CharField(_("address"), max_length=200)
    building = models.CharField(_("building"), max_length=60, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    rented_out = models.BooleanField(_("rented out"), default=False)
    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="houses"
    )

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["grid_id", "address"]

    def __str__(self) -> str:
        # The building label is part of the exact address: only its masked start shows here
        # (form choices, the person's and household's pages, page titles).
        from fengqiao.registry.privacy import mask_address

        label = str(_("House %(id)s") % {"id": self.pk})
        return f"{label} · {mask_address(self.building)}" if self.building else label


class Household(TimeStampedModel):
    """A household (户): its number, head and address; its members are the persons pointing at it.

    `wardens` are the safety wardens (安全员) who cover it.
    """

    number = models.CharField(_("household number"), max_length=30, unique=True)
    head = models.ForeignKey(
        "registry.Person",
        verbose_name=_("head of household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    house = models.ForeignKey(
        House, verbose_name=_("house"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="households"
    )
    wardens = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("safety wardens"),
        blank=True,
        related_name="covered_households",
        limit_choices_to={"role": "safety_warden"},
    )

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.number


class Person(TimeStampedModel):
    """A resident (实有人口) of a grid, identified by the resident ID number.

    `sex` and `birth_date` are derived from the ID on every save, never typed in.
    """

    class Residence(models.TextChoices):
        REGISTERED = "registered", _("Registered resident")
        FLOATING = "floating", _("Floating population")
        LEFT_BEHIND = "left_behind", _("Left-behind")
        OVERSEAS = "overseas", _("Overseas")

    name = models.CharField(_("name"), max_length=60)
    resident_id = models.CharField(
        _("resident ID number"), max_length=18, unique=True, validators=[validate_resident_id]
    )
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, editable=False)
    birth_date = models.DateField(_("date of birth"), editable=False)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True, default="汉族")
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    residence_type = models.CharField(
        _("residence type"), max_length=12, choices=Residence.choices, default=Residence.REGISTERED
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    house = models.ForeignKey(
        House,
        verbose_name=_("house"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    address = models.CharField(_("current address"), max_length=200, blank=True)
    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="persons"
    )

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["grid_id", "name", "id"]
        permissions = [
            ("export_personal_data", _("May export personal data (unmasked with view_sensitive)")),
        ]
        indexes = [models.Index(fields=["grid", "name"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.derive_from_resident_id()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "resident_id" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sex", "birth_date"}
        super().save(*args, **kwargs)

    def derive_from_resident_id(self) -> None:
        self.resident_id = normalize_resident_id(self.resident_id)
        birth = resident_id_birth_date(self.resident_id)
        if birth is not None:
            self.birth_date = birth
        if len(self.resident_id) == 18 and self.resident_id[16].isdigit():
            self.sex = resident_id_sex(self.resident_id)

    def age_on(self, day: dt.date) -> int:
        birth = self.birth_date
        return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


class Place(TimeStampedModel):
    """A place (场所) of a grid: religious venue, school, enterprise, market, clinic, ...

    The unified social credit code is optional; when present it is valid and unique.
    """

    class Kind(models.TextChoices):
        RELIGIOUS = "religious", _("Religious venue")
        SCHOOL = "school", _("School")
        ENTERPRISE = "enterprise", _("Enterprise")
        MARKET = "market", _("Market")
        CLINIC = "clinic", _("Clinic")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.OTHER)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    responsible = models.ForeignKey(
        Person,
        verbose_name=_("responsible person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="places_responsible",
    )
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="places"
    )

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["grid_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="place_unique_credit_code"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organization(TimeStampedModel):
    """An organisation (组织) in a grid: enterprise, social organisation, party branch, watch team.

    A watch team's `members` are the watch members (群防群治队员) who log in.
    """

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise")
        SOCIAL = "social", _("Social organisation")
        PARTY_BRANCH = "party_branch", _("Party branch")
        WATCH_TEAM = "watch_team", _("Watch team")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=14, choices=Kind.choices)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True, validators=[validate_credit_code]
    )
    leader_name = models.CharField(_("leader"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="organizations"
    )
    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="organizations"
    )

    objects = GridScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["grid_id", "name"]

    def __str__(self) -> str:
        return self.name


class VisitState(models.TextChoices):
    """Where a key person's next visit stands: on time, due soon (yellow), missed (red)."""

    OK = "ok", _("On schedule")
    WARNING = "warning", _("Due soon")
    OVERDUE = "overdue", _("Missed")


class KeyPersonQuerySet(ScopedQuerySet["KeyPerson"]):
    """Key persons in scope, without the sensitive categories the viewer may not see.

    The rule for sensitive categories lives in `privacy.sensitive_category_q`.
    """

    region_path_lookup = "person__grid__village__path"
    grid_lookup = "person__grid_id"

    def visible_to(self, user: Any) -> Any:
        from fengqiao.registry.privacy import reads_key_persons, sensitive_category_q

        if not reads_key_persons(user):
            return self.none()
        return super().visible_to(user).filter(sensitive_category_q(user))

    def due_for(self, user: Any, *, now: dt.datetime | None = None) -> Any:
        """The visible, active key persons whose visit is due soon or missed: the to-do list.

        Read from the stored reminder time, not the swept state, so the list is right even when
        no sweeper has run since (the sweep only keeps `visit_state` current for filters).
        """
        from django.utils import timezone

        return (
            self.visible_to(user)
            .filter(active=True, visit_warn_at__lte=now or timezone.now())
            .order_by("next_visit_due_at", "id")
        )


class KeyPerson(TimeStampedModel):
    """A key person (重点人员) under the grid's care, with a category, risk level and visit rhythm.

    `next_visit_due_at` and `visit_warn_at` are stored on the row (behind partial indexes) so
    `registry.sla.sweep` claims due rows with conditional updates.
    """

    class Category(models.TextChoices):
        COMMUNITY_CORRECTION = "community_correction", _("Community correction")
        RELEASED_PRISONER = "released_prisoner", _("Released prisoner")
        SEVERE_MENTAL_DISORDER = "severe_mental_disorder", _("Severe mental disorder")
        DRUG_REHABILITATION = "drug_rehabilitation", _("Drug rehabilitation")
        PETITION_PRONE = "petition_prone", _("Petition-prone")
        KEY_YOUTH = "key_youth", _("Key youth")
        LEFT_BEHIND_ELDERLY = "left_behind_elderly", _("Left-behind elderly")
        LEFT_BEHIND_CHILD = "left_behind_child", _("Left-behind child")
        OTHER = "other", _("Other")

    class Risk(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="key_records"
    )
    category = models.CharField(_("category"), max_length=24, choices=Category.choices)
    risk_level = models.CharField(_("risk level"), max_length=8, choices=Risk.choices, default=Risk.LOW)
    controller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("controller"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_persons_controlled",
    )
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("helper"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_persons_helped",
    )
    case_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="key_persons_owned",
        help_text=_("包案人: the official answering for this person."),
    )
    visit_every_days = models.PositiveSmallIntegerField(_("visit every (days)"), default=30)
    last_visit_at = models.DateTimeField(_("last visit"), null=True, blank=True)
    next_visit_due_at = models.DateTimeField(_("next visit due"), null=True, blank=True)
    visit_warn_at = models.DateTimeField(_("visit reminder from"), null=True, blank=True)
    visit_state = models.CharField(
        _("visit state"), max_length=8, choices=VisitState.choices, default=VisitState.OK
    )
    active = models.BooleanField(_("under care"), default=True)
    note = models.TextField(_("note"), blank=True)
    # When the sweep told the center that this (sensitive) key person has no keeper
    # (`sla.sweep`); claimed with a conditional update so it is told once, cleared once one is set.
    keeper_missing_noticed_at = models.DateTimeField(_("no keeper noticed at"), null=True, blank=True)

    objects = KeyPersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("key person")
        verbose_name_plural = _("key persons")
        ordering = ["next_visit_due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "category"], name="keyperson_unique_category"),
        ]
        indexes = [
            models.Index(
                fields=["visit_warn_at"],
                condition=Q(active=True, visit_state="ok"),
                name="keyperson_warn_at",
            ),
            models.Index(
                fields=["next_visit_due_at"],
                condition=Q(active=True) & ~Q(visit_state="overdue"),
                name="keyperson_due_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_category_display()})"

    @property
    def visit_state_now(self) -> str:
        """The visit state at this moment, from the stored times (whatever the last sweep wrote)."""
        from django.utils import timezone

        from fengqiao.registry.sla import state_at

        return state_at(self.next_visit_due_at, self.visit_warn_at, timezone.now())


class VisitQuerySet(GridScopedQuerySet):
    """Visits in scope, without the visits of key persons in a category the viewer may not see."""

    def visible_to(self, user: Any) -> Any:
        from fengqiao.registry.privacy import department_categories, sensitive_category_q

        if department_categories(user):
            # A department officer reads the visits of the key persons they read, nothing else.
            return self.filter(key_person__in=KeyPerson.objects.visible_to(user).values("pk"))
        visible = super().visible_to(user)
        return visible.filter(Q(key_person__isnull=True) | sensitive_category_q(user, prefix="key_person__"))


class Visit(TimeStampedModel):
    """A visit (走访) to a key person or a household, by a grid worker, with note and position.

    A visit sent three times from a phone is one row: its `Idempotency-Key` has a receipt
    (`core.idempotency`, scope "registry.visit", the visitor's own).
    """

    key_person = models.ForeignKey(
        KeyPerson,
        verbose_name=_("key person"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="visits"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("visited by"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("visited at"))
    note = models.TextField(_("note"), blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(key_person__isnull=False) | Q(household__isnull=False),
                name="visit_has_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d} {self.key_person or self.household}"


def visit_photo_path(instance: VisitPhoto, filename: str) -> str:
    # A random stored name: the photo shows a person's home, its path must not be guessable.
    import secrets

    from django.utils import timezone

    extension = "png" if instance.content_type == "image/png" else "jpg"
    return f"registry/visits/{timezone.now():%Y/%m}/{secrets.token_urlsafe(16)}.{extension}"


class VisitPhotoQuerySet(models.QuerySet["VisitPhoto"]):
    def visible_to(self, user: Any) -> Any:
        """The photos of the visits the user sees (personal data: the visit's scope, no wider)."""
        return self.filter(visit__in=Visit.objects.visible_to(user).values("pk"))


class VisitPhoto(models.Model):
    """A photo taken on a visit (走访照片), shrunk on the phone and stripped of its metadata here.

    `idempotency_key` (scoped to the uploader) makes a photo sent again from the outbox one row.
    """

    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("file"), upload_to=visit_photo_path, max_length=200)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(
        _("idempotency key"), max_length=200, null=True, blank=True, unique=True, editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = VisitPhotoQuerySet.as_manager()

    replayed = False

    class Meta:
        verbose_name = _("visit photo")
        verbose_name_plural = _("visit photos")
        ordering = ["visit_id", "id"]

    def __str__(self) -> str:
        return f"{self.visit_id}/{self.pk}"


class PatrolQuerySet(ScopedQuerySet["Patrol"]):
    region_path_lookup = "grid__village__path"
    grid_lookup = "grid_id"

    def visible_to(self, user: Any) -> Any:
        from fengqiao.registry.privacy import grid_role_q

        if not registry_reader(user):
            return self.none()
        narrowed = grid_role_q("registry.patrol", user)
        visible = super().visible_to(user)
        return visible if narrowed is None else visible.filter(narrowed)


class Patrol(TimeStampedModel):
    """A patrol (巡查) of a grid by one worker: started, checked in along the way, ended."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("On patrol")
        ENDED = "ended", _("Ended")

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="patrols"
    )
    grid = models.ForeignKey(
        "regions.Grid", verbose_name=_("grid"), on_delete=models.PROTECT, related_name="patrols"
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.ACTIVE)
    note = models.TextField(_("note"), blank=True)
    # The phone makes the patrol's key when the worker presses "start", so the check-ins queued
    # after it offline can name the patrol before the server has answered (field/README.md): its
    # receipt (`core.idempotency`, scope "registry.patrol_start") finds the patrol by that key.

    objects = PatrolQuerySet.as_manager()

    #: Set by the services on the instance they return: True when a retry answered an earlier request.
    replayed = False

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["worker"], condition=Q(status="active"), name="patrol_one_active_per_worker"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.started_at:%Y-%m-%d %H:%M}"


class PatrolCheckin(models.Model):
    """One GPS check-in (打卡) along a patrol."""

    patrol = models.ForeignKey(
        Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="checkins"
    )
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    at = models.DateTimeField(_("time"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    replayed = False

    class Meta:
        verbose_name = _("patrol check-in")
        verbose_name_plural = _("patrol check-ins")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%H:%M} ({self.lon}, {self.lat})"


class PatrolFinding(models.Model):
    """A finding on a patrol (巡查发现), filed at once as a case of channel "patrol"."""

    patrol = models.ForeignKey(
        Patrol, verbose_name=_("patrol"), on_delete=models.CASCADE, related_name="findings"
    )
    case = models.OneToOneField(
        "cases.Case", verbose_name=_("case"), on_delete=models.PROTECT, related_name="patrol_finding"
    )
    at = models.DateTimeField(_("time"))

    replayed = False

    class Meta:
        verbose_name = _("patrol finding")
        verbose_name_plural = _("patrol findings")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return str(self.case)


class ImportJob(models.Model):
    """An Excel import (导入) in progress or done: the file, its progress and its report.

    The file is kept on the row (imports are a few MB at most) so a worker on another machine can
    read it without shared storage.
    """

    class Kind(models.TextChoices):
        PERSONS = "persons", _("Persons")
        HOUSEHOLDS = "households", _("Households")
        PLACES = "places", _("Places")
        KEY_PERSONS = "key_persons", _("Key persons")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Checking")
        INVALID = "invalid", _("Refused: see the report")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    filename = models.CharField(_("file name"), max_length=200, blank=True)
    content = models.BinaryField(_("file"), editable=False)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    unchanged_count = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.JSONField(_("report"), default=list, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.filename}"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.INVALID, self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


__all__ = [
    "GridScopedQuerySet",
    "House",
    "Household",
    "ImportJob",
    "KeyPerson",
    "Organization",
    "Patrol",
    "PatrolCheckin",
    "PatrolFinding",
    "Person",
    "Place",
    "Sex",
    "Visit",
    "VisitPhoto",
    "VisitState",
]
