"""Read helpers for the shell pages, always scoped."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from fengqiao.accounts.models import Role
from fengqiao.center.models import Department, DutyShift, Room, Window
from fengqiao.regions.models import Grid, Region


def home_context(user: Any) -> dict[str, Any]:
    """The figures and lists a role's home page shows, each limited to the user's scope."""
    grids = Grid.objects.visible_to(user).select_related("village")
    context: dict[str, Any] = {
        "my_grids": grids.prefetch_related("members")
        if user.role != Role.DEPARTMENT_OFFICER
        else grids.none(),
        "village_count": Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE).count(),
        "grid_count": grids.count(),
        "department_count": Department.objects.visible_to(user).count(),
        "window_count": Window.objects.visible_to(user).count(),
        "room_count": Room.objects.visible_to(user).count(),
        "my_department": user.department if user.role == Role.DEPARTMENT_OFFICER else None,
        "upcoming_duty": DutyShift.objects.visible_to(user)
        .filter(leader=user, date__gte=timezone.localdate())
        .order_by("date")[:5],
    }
    if context["my_department"] is not None:
        context["colleagues"] = context["my_department"].officers.filter(is_active=True).order_by("username")
    return context
