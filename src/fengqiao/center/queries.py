"""Read helpers for the center's organisation, always scoped."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from fengqiao.center.models import Department, DutyShift
from fengqiao.core.scoping import get_for_user


def get_department_for_user(user: Any, pk: Any) -> Department:
    """The department if the user may see it; 404 if it is missing or out of scope."""
    return get_for_user(Department.objects, user, pk)


def duty_today_for(user: Any) -> DutyShift | None:
    """Today's duty shift (Asia/Shanghai date) in the user's town, if there is one."""
    return (
        DutyShift.objects.visible_to(user)
        .filter(date=timezone.localdate())
        .select_related("leader", "town")
        .order_by("town__path")
        .first()
    )
