"""The center's organisation (中心组织): departments, windows, function rooms and the duty roster."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from fengqiao.core.models import TimeStampedModel
from fengqiao.core.scoping import Scope, ScopedQuerySet
from fengqiao.core.validators import validate_phone


def path_prefixes(path: str) -> list[str]:
    """Every ancestor path of a materialised path, itself included: "a/b/c/" -> ["a/", "a/b/", "a/b/c/"]."""
    parts = [part for part in path.split("/") if part]
    return ["".join(f"{part}/" for part in parts[: i + 1]) for i in range(len(parts))]


def town_scope_q(scope: Scope, lookup: str = "town") -> Q:
    """Rows whose town (reached through `lookup`, "" for a Region itself) belongs to the scope.

    The hall, its rooms and the duty roster are the town's shared facts, so everyone working in the
    town sees them: county and town staff (their path is above the town), village cadres and
    village committees (their path is below it) and grid workers (their grids lie in its villages).
    """
    from fengqiao.regions.models import Region

    prefix = f"{lookup}__" if lookup else ""
    query = Q(pk__in=[])
    for path in scope.region_paths:
        query |= Q(**{f"{prefix}path__startswith": path}) | Q(**{f"{prefix}path__in": path_prefixes(path)})
    if scope.grid_ids:
        towns = Region.objects.filter(children__grids__id__in=scope.grid_ids).values("pk")
        query |= Q(**{f"{lookup or 'pk'}__in": towns})
    return query


class DepartmentQuerySet(ScopedQuerySet["Department"]):
    """Center staff see the departments of their area; an officer sees only their own department."""

    region_path_lookup = "region__path"
    department_lookup = "id"

    def visible_to(self, user: Any) -> ScopedQuerySet[Department]:
        from fengqiao.accounts.models import Role
        from fengqiao.core.scoping import scope_of

        scope = scope_of(user)
        if not scope.everything and getattr(user, "role", None) == Role.DEPARTMENT_OFFICER:
            return self.filter(id__in=scope.department_ids)
        return super().visible_to(user)


class Department(TimeStampedModel):
    """A station or department that handles cases (站所 / 部门)."""

    class Kind(models.TextChoices):
        CENTER = "center", _("Governance center")
        POLICE = "police", _("Police station")
        JUDICIAL = "judicial", _("Judicial office")
        PETITION = "petition", _("Petition office")
        EMERGENCY = "emergency", _("Emergency management")
        ENVIRONMENT = "environment", _("Environmental protection")
        EDUCATION = "education", _("Education")
        MARKET = "market", _("Market regulation")
        VILLAGE_COMMITTEE = "village_committee", _("Village committee")
        OTHER = "other", _("Other")

    class Stationing(models.TextChoices):
        PERMANENT = "permanent", _("Permanent (常驻)")
        ROTATING = "rotating", _("Rotating (轮驻)")
        ON_CALL = "on_call", _("On call (随叫随驻)")

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    stationing = models.CharField(
        _("stationing"), max_length=12, choices=Stationing.choices, default=Stationing.ON_CALL
    )
    in_hall = models.BooleanField(_("stationed in the hall"), default=False)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("area served"),
        on_delete=models.PROTECT,
        related_name="departments",
    )
    contact_name = models.CharField(_("contact person"), max_length=60, blank=True)
    contact_phone = models.CharField(
        _("contact phone"), max_length=20, blank=True, validators=[validate_phone]
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__path", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="department_unique_name")]

    def __str__(self) -> str:
        return self.name


_M = TypeVar("_M", bound=models.Model)


class CenterScopedQuerySet(ScopedQuerySet[_M], Generic[_M]):
    """Windows, rooms and duty shifts are visible to everyone working in their town."""

    region_path_lookup = "town__path"

    def scope_q(self, scope: Scope) -> Q:
        return town_scope_q(scope, "town")


class WindowQuerySet(CenterScopedQuerySet["Window"]):
    pass


class RoomQuerySet(CenterScopedQuerySet["Room"]):
    pass


class DutyShiftQuerySet(CenterScopedQuerySet["DutyShift"]):
    pass


class Window(TimeStampedModel):
    """A permanent reception window in the hall (窗口)."""

    town = models.ForeignKey(
        "regions.Region", verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=60)
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="windows"
    )

    objects = WindowQuerySet.as_manager()

    class Meta:
        verbose_name = _("window")
        verbose_name_plural = _("windows")
        ordering = ["town", "number"]
        constraints = [models.UniqueConstraint(fields=["town", "number"], name="window_unique_number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.name}"


class Room(TimeStampedModel):
    """A function room of the center (功能室), such as the mediation room."""

    class Purpose(models.TextChoices):
        MEDIATION = "mediation", _("Dispute mediation")
        LEGAL_AID = "legal_aid", _("Legal aid")
        COUNSELLING = "counselling", _("Psychological counselling")
        ANTI_CULT = "anti_cult", _("Anti-cult")
        ANTI_DRUG = "anti_drug", _("Anti-drug")
        WATCH = "watch", _("Mass prevention and control")
        RAILWAY = "railway", _("Railway protection")
        DELIBERATION = "deliberation", _("Consultation and deliberation")
        VIDEO = "video", _("Video surveillance")
        RECEPTION = "reception", _("Leader reception")
        ARCHIVE = "archive", _("Archives")
        OTHER = "other", _("Other")

    town = models.ForeignKey(
        "regions.Region", verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=60)
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    description = models.CharField(_("description"), max_length=200, blank=True)

    objects = RoomQuerySet.as_manager()

    class Meta:
        verbose_name = _("function room")
        verbose_name_plural = _("function rooms")
        ordering = ["town", "name"]
        constraints = [models.UniqueConstraint(fields=["town", "name"], name="room_unique_name")]

    def __str__(self) -> str:
        return self.name


class DutyShift(TimeStampedModel):
    """The section-level leader on duty at the center for one day (科级领导坐班)."""

    town = models.ForeignKey(
        "regions.Region", verbose_name=_("town"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("date"))
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("leader on duty"),
        on_delete=models.PROTECT,
        related_name="duty_shifts",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = DutyShiftQuerySet.as_manager()

    class Meta:
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty roster")
        ordering = ["town", "date"]
        constraints = [models.UniqueConstraint(fields=["town", "date"], name="duty_one_leader_per_day")]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.leader}"
