"""Read helpers for the center's organisation, always scoped."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from fengqiao.accounts.models import GRID_ROLES, Role, User
from fengqiao.center.models import Department, DutyShift, Room, Window, path_prefixes
from fengqiao.core.calendar import get_calendar as workday_calendar
from fengqiao.core.scoping import get_for_user
from fengqiao.regions.models import Region

#: Roles that may sit at the center as the day's duty leader (科级领导坐班) or lead a village.
LEADER_ROLES = frozenset({Role.DUTY_LEADER, Role.TOWN_LEADER})


def center_today() -> dt.date:
    """Today at the center: the date in the installation's time zone (Asia/Shanghai), not in UTC.

    Just after midnight in Shanghai it is still the previous day in UTC; the roster follows the
    wall clock of the hall.
    """
    return timezone.localdate(timezone=timezone.get_default_timezone())


def get_department_for_user(user: Any, pk: Any) -> Department:
    """The department if the user may see it; 404 if it is missing or out of scope."""
    department: Department = get_for_user(Department.objects, user, pk)
    return department


def get_window_for_user(user: Any, pk: Any) -> Window:
    """The window if the user may see it; 404 if it is missing or out of scope."""
    window: Window = get_for_user(Window.objects, user, pk)
    return window


def get_room_for_user(user: Any, pk: Any) -> Room:
    """The function room if the user may see it; 404 if it is missing or out of scope."""
    room: Room = get_for_user(Room.objects, user, pk)
    return room


def get_village_for_user(user: Any, pk: Any) -> Region:
    """The village if the user may see it; 404 if it is missing, out of scope or not a village."""
    village: Region = get_for_user(Region.objects.filter(level=Region.Level.VILLAGE), user, pk)
    return village


def towns_for(user: Any) -> QuerySet[Region]:
    """The towns whose hall and duty roster the user sees (the same rule as `Window.objects`)."""
    from fengqiao.center.models import town_scope_q
    from fengqiao.core.scoping import scope_of

    towns = Region.objects.filter(level=Region.Level.TOWN)
    scope = scope_of(user)
    if scope.everything:
        return towns
    if scope.is_empty:
        return towns.none()
    return towns.filter(town_scope_q(scope, ""))


def duty_today_for(user: Any) -> DutyShift | None:
    """Today's duty shift (Asia/Shanghai date) in the user's town, if there is one.

    Everyone working in the town sees it, grid workers included; a user spanning several towns
    (county staff, administrators) gets the first town in tree order.
    """
    return (
        DutyShift.objects.visible_to(user)
        .filter(date=center_today())
        .select_related("leader", "town")
        .order_by("town__path")
        .first()
    )


def eligible_duty_leaders(town: Region) -> QuerySet[User]:
    """Active users of a leader role whose regions cover the town: who may be rostered there."""
    return (
        User.objects.filter(is_active=True, role__in=LEADER_ROLES, regions__path__in=path_prefixes(town.path))
        .distinct()
        .order_by("full_name", "username")
    )


def eligible_liaison_cadres(village: Region) -> QuerySet[User]:
    """Active staff whose regions cover the village (its town or county): who may be its cadres."""
    return (
        User.objects.filter(is_active=True, regions__path__in=path_prefixes(village.path))
        .exclude(role__in=GRID_ROLES)
        .distinct()
        .order_by("full_name", "username")
    )


def parse_month(value: str | None, *, default: dt.date) -> dt.date | None:
    """The first day of the month written `YYYY-MM`; `default`'s month when empty; None when malformed."""
    if not value:
        return default.replace(day=1)
    try:
        parsed = dt.datetime.strptime(value.strip(), "%Y-%m").date()
    except ValueError:
        return None
    return parsed if 1900 <= parsed.year <= 9999 else None


def month_days(month: dt.date) -> list[dt.date]:
    first = month.replace(day=1)
    return [first.replace(day=day) for day in range(1, calendar.monthrange(first.year, first.month)[1] + 1)]


def shift_month(month: dt.date, delta: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + delta
    return dt.date(index // 12, index % 12 + 1, 1)


def is_working_day(day: dt.date) -> bool:
    """A working day on the center's calendar (`core.calendar`): statutory holidays and adjusted
    working weekends from the `Holiday` table, administrators' corrections included; a plain
    Monday-to-Friday week for years the table does not know."""
    return workday_calendar().is_workday(day)


@dataclass(frozen=True)
class RosterDay:
    date: dt.date
    working: bool
    shift: DutyShift | None
    is_today: bool


def roster_weeks(town: Region, month: dt.date) -> list[list[RosterDay | None]]:
    """The month as calendar weeks (Monday first); cells outside the month are None. One query."""
    days = month_days(month)
    shifts = {
        shift.date: shift
        for shift in DutyShift.objects.filter(
            town=town, date__gte=days[0], date__lte=days[-1]
        ).select_related("leader")
    }
    today = center_today()
    cells: list[RosterDay | None] = [None] * days[0].weekday()
    work = workday_calendar()
    cells += [RosterDay(day, work.is_workday(day), shifts.get(day), day == today) for day in days]
    cells += [None] * (-len(cells) % 7)
    return [cells[i : i + 7] for i in range(0, len(cells), 7)]
