"""Read helpers for the shell pages, always scoped: what each role's home page shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from fengqiao.accounts.models import Role, User
from fengqiao.center.models import Department, DutyShift, Room, Window
from fengqiao.core.models import AuditEvent
from fengqiao.regions.models import Grid, Region

#: The home page of each role (grid roles share "my grid").
HOME_KINDS: dict[str, str] = {
    Role.CLERK: "center",
    Role.DUTY_LEADER: "center",
    Role.TOWN_LEADER: "leader",
    Role.DEPARTMENT_OFFICER: "department",
    Role.GRID_WORKER: "grid",
    Role.WATCH_MEMBER: "grid",
    Role.SAFETY_WARDEN: "grid",
    Role.MEDIATOR: "mediator",
    Role.AUDITOR: "auditor",
    Role.ADMINISTRATOR: "admin",
}


def home_kind(user: Any) -> str:
    if user.is_superuser:
        return "admin"
    return HOME_KINDS.get(user.role, "center")


def _counts(user: Any) -> dict[str, int]:
    return {
        "village_count": Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE).count(),
        "grid_count": Grid.objects.visible_to(user).count(),
        "department_count": Department.objects.visible_to(user).filter(is_active=True).count(),
        "window_count": Window.objects.visible_to(user).count(),
        "room_count": Room.objects.visible_to(user).count(),
    }


def _upcoming_duty(user: Any) -> Any:
    return (
        DutyShift.objects.visible_to(user)
        .filter(leader=user, date__gte=timezone.localdate())
        .select_related("town")
        .order_by("date")[:5]
    )


def _active_members() -> Prefetch:
    return Prefetch("members", queryset=User.objects.filter(is_active=True).order_by("username"))


def center_home(user: Any) -> dict[str, Any]:
    """Center workbench (clerk, duty leader): the hall's windows and rooms, counts, my duty days."""
    return {
        **_counts(user),
        "windows": Window.objects.visible_to(user).select_related("department").order_by("number"),
        "rooms": Room.objects.visible_to(user).order_by("name"),
        "upcoming_duty": _upcoming_duty(user),
    }


def leader_home(user: Any) -> dict[str, Any]:
    """Town overview (town leader): every village with its grids and workers; villages I lead."""
    villages = (
        Region.objects.visible_to(user)
        .filter(level=Region.Level.VILLAGE)
        .annotate(grids_total=Count("grids", distinct=True))
        .prefetch_related(
            Prefetch("grids", queryset=Grid.objects.prefetch_related(_active_members()).order_by("code")),
            "liaison_leaders",
        )
        .order_by("path")
    )
    return {
        **_counts(user),
        "villages": villages,
        "my_villages": user.liaison_villages_as_leader.filter(pk__in=villages.values("pk")).order_by("path"),
        "upcoming_duty": _upcoming_duty(user),
    }


def department_home(user: Any) -> dict[str, Any]:
    """Department home (department officer): the department, its people and its windows."""
    department = Department.objects.visible_to(user).filter(pk=user.department_id).first()
    context: dict[str, Any] = {
        "my_department": department,
        "grid_count": Grid.objects.visible_to(user).count(),
    }
    if department is not None:
        context["colleagues"] = department.officers.filter(is_active=True).order_by("username")
        context["my_windows"] = (
            Window.objects.visible_to(user).filter(department=department).order_by("number")
        )
    return context


def grid_home(user: Any) -> dict[str, Any]:
    """My grid (grid worker, watch member, safety warden): my grids, who works in them, the village."""
    grids = (
        Grid.objects.visible_to(user)
        .select_related("village")
        .prefetch_related(_active_members(), "village__liaison_cadres", "village__liaison_leaders")
        .order_by("code")
    )
    return {"my_grids": grids}


def mediator_home(user: Any) -> dict[str, Any]:
    """Mediation (mediator): the mediation rooms and the judicial offices of the area."""
    return {
        "mediation_rooms": Room.objects.visible_to(user)
        .filter(purpose=Room.Purpose.MEDIATION)
        .select_related("town"),
        "judicial_offices": Department.objects.visible_to(user).filter(
            kind=Department.Kind.JUDICIAL, is_active=True
        ),
        "village_count": Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE).count(),
    }


def auditor_home(user: Any) -> dict[str, Any]:
    """Audit (auditor): the newest events and the last day's log-in trouble, each a filtered link."""
    events = AuditEvent.objects.visible_to(user)
    since = timezone.now() - dt.timedelta(hours=24)
    day = events.filter(at__gte=since).aggregate(
        failures=Count("id", filter=Q(action="auth.login_failed")),
        lockouts=Count("id", filter=Q(action="auth.lockout")),
        changes=Count("id", filter=~Q(action__startswith="auth.")),
    )
    return {"recent_events": events[:10], "day": day, "since": timezone.localdate(since)}


def admin_home(user: Any) -> dict[str, Any]:
    """Administration (administrator): accounts by role and the configuration pages."""
    users = User.objects.visible_to(user)
    by_role = dict(users.filter(is_active=True).values_list("role").annotate(n=Count("id")).order_by())
    roles = [(value, label, by_role.get(value, 0)) for value, label in Role.choices]
    return {
        **_counts(user),
        "roles": roles,
        "inactive_count": users.filter(is_active=False).count(),
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }


HOME_CONTEXTS = {
    "center": center_home,
    "leader": leader_home,
    "department": department_home,
    "grid": grid_home,
    "mediator": mediator_home,
    "auditor": auditor_home,
    "admin": admin_home,
}


def home_context(user: Any) -> dict[str, Any]:
    """The figures and lists a role's home page shows, each limited to the user's scope."""
    kind = home_kind(user)
    return {"home_kind": kind, **HOME_CONTEXTS[kind](user)}
