"""Accounts (账号): users, their role and the area or department they answer for."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from fengqiao.core.scoping import ScopedQuerySet


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
    """Users are visible within the areas and departments of the viewer."""

    region_path_lookup = "regions__path"
    grid_lookup = "grids__id"
    department_lookup = "department_id"
    scope_needs_distinct = True

    def visible_to(self, user: Any) -> ScopedQuerySet[User]:
        from fengqiao.core.scoping import scope_of

        scope = scope_of(user)
        if scope.everything:
            return self.all()
        if scope.is_empty:
            return self.none()
        # A region-scoped viewer also sees the people working in the grids of that region.
        query = self.scope_q(scope)
        for path in scope.region_paths:
            query |= models.Q(grids__village__path__startswith=path)
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
    phone = models.CharField(_("phone"), max_length=20, blank=True)
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

    objects = FengqiaoUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.get_full_name() or self.username

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMINISTRATOR
