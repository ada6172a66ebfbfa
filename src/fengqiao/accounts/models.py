"""Accounts (账号): users, their role and the area or department they answer for."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from fengqiao.core.scoping import ScopedQuerySet
from fengqiao.core.validators import validate_phone


class Role(models.TextChoices):
    """The roles of GLOSSARY.md; a user holds exactly one."""

    CLERK = "clerk", _("Window clerk")
    DUTY_LEADER = "duty_leader", _("Duty leader")
    TOWN_LEADER = "town_leader", _("Town leader")
    DEPARTMENT_OFFICER = "department_officer", _("Department officer")
    GRID_WORKER = "grid_worker", _("Grid worker")
    WATCH_MEMBER = "watch_member", _("Watch member")
    SAFETY_WARDEN = "safety_warden", _("Safety warden")
    MEDIATOR = "mediator", _("Mediator")
    AUDITOR = "auditor", _("Auditor")
    ADMINISTRATOR = "administrator", _("Administrator")


#: Roles whose scope is a set of grids rather than regions.
GRID_ROLES = frozenset({Role.GRID_WORKER, Role.WATCH_MEMBER, Role.SAFETY_WARDEN})
#: Roles that work at the center itself and may see the whole town.
CENTER_ROLES = frozenset({Role.CLERK, Role.DUTY_LEADER, Role.TOWN_LEADER, Role.ADMINISTRATOR})


class UserQuerySet(ScopedQuerySet["User"]):
    """Users are visible within the areas and departments of the viewer.

    A region-scoped viewer (center staff, leaders) sees the staff of that region, the grid
    workers of its grids and the officers of its departments; a grid worker sees the people of
    their grids; a department officer only their own department. Everyone sees themselves.
    """

    region_path_lookup = "regions__path"
    grid_lookup = "grids__id"
    department_lookup = "department_id"
    scope_needs_distinct = True

    def visible_to(self, user: Any) -> ScopedQuerySet[User]:
        from fengqiao.core.scoping import path_q, scope_of

        scope = scope_of(user)
        if scope.everything:
            return self.all()
        if scope.is_empty:
            return self.none()
        if user.role == Role.DEPARTMENT_OFFICER:
            # The department's area gives an officer the map, not the town's staff list.
            query = models.Q(department_id__in=scope.department_ids)
        else:
            query = self.scope_q(scope)
            query |= path_q("grids__village__path", scope.region_paths)
            query |= path_q("department__region__path", scope.region_paths)
        return self.filter(query | models.Q(pk=user.pk)).distinct()


class FengqiaoUserManager(UserManager["User"]):
    def get_queryset(self) -> UserQuerySet:
        return UserQuerySet(self.model, using=self._db)

    def visible_to(self, user: Any) -> ScopedQuerySet[User]:
        return self.get_queryset().visible_to(user)


class User(AbstractUser):
    """A person who logs in (用户): center staff, department officers, grid workers, ..."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.CLERK)
    full_name = models.CharField(_("full name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    department = models.ForeignKey(
        "center.Department",
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    regions = models.ManyToManyField(
        "regions.Region",
        verbose_name=_("regions in scope"),
        blank=True,
        related_name="staff",
        help_text=_("The villages, towns or counties this user answers for."),
    )
    grids = models.ManyToManyField(
        "regions.Grid",
        verbose_name=_("grids in scope"),
        blank=True,
        related_name="members",
        help_text=_("For grid workers, watch members and safety wardens: their grids."),
    )
    view_sensitive = models.BooleanField(
        _("may see unmasked personal data"),
        default=False,
        help_text=_("Resident ID numbers and phones are masked for everyone else."),
    )

    objects: ClassVar[FengqiaoUserManager] = FengqiaoUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    def clean(self) -> None:
        super().clean()
        error = assignment_error(self.role, self.department_id)
        if error:
            raise ValidationError({"department": error})

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMINISTRATOR


def assignment_error(role: str, department_id: int | None) -> str | None:
    """Why this role and department do not go together, or None when they do."""
    if role == Role.DEPARTMENT_OFFICER and department_id is None:
        return str(_("A department officer needs a department."))
    if role != Role.DEPARTMENT_OFFICER and department_id is not None:
        return str(_("Only department officers belong to a department."))
    return None
