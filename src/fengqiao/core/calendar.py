"""The working-day calendar (工作日历): which days count, and time counted in working hours.

The rules, so every clock in Fengqiao counts the same way:

* A date is a working day when it is Monday to Friday, unless the `Holiday` table says otherwise:
  a statutory holiday on a weekday is a day off (`is_workday=False`), an adjusted weekend day
  (调休上班, e.g. Saturday 2026-10-10 after National Day) is a working day (`is_workday=True`).
  The table is seeded from chinese-calendar for the years it knows (2004-2026) and corrected by
  administrators; for any other year a plain Monday-to-Friday week is assumed.
* A working day has `WORKING_PERIODS` of working time, in local time (`settings.TIME_ZONE`,
  Asia/Shanghai): 09:00-17:00, eight hours. One block rather than the hall's real opening hours,
  because deadlines are counted in whole working hours and days, not in minutes of lunch break.
* `add_working_days(start, n)`: the end of working time (17:00) of the n-th working day after the
  day of `start`; the day of `start` does not count, as time limits in Chinese administrative law
  are counted (期间开始的当日不计算在内). `n = 0` is the end of the working day of `start` itself
  (or of the next working day when `start` is not on one).
* `add_working_hours(start, hours)`: the instant when that much working time has passed after
  `start`; time outside working periods does not pass.
* `working_time_between(a, b)`: the working time inside [a, b) (zero when b is not after a).

The exceptions of each year are cached per process. Every write to `Holiday` gives
`CalendarVersion` a new random token in the writer's transaction, and each calculation reads the
token first (one primary-key query), so an administrator's correction is seen by every process on
its next calculation.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils import timezone

if TYPE_CHECKING:
    from fengqiao.core.models import Holiday

#: Working time of a working day, in local time: (start, end) pairs, sorted, not overlapping.
WORKING_PERIODS: tuple[tuple[dt.time, dt.time], ...] = ((dt.time(9, 0), dt.time(17, 0)),)
#: Working time in one working day.
WORKING_DAY = sum(
    (
        dt.datetime.combine(dt.date.min, end) - dt.datetime.combine(dt.date.min, start)
        for start, end in WORKING_PERIODS
    ),
    dt.timedelta(),
)
#: No deadline is counted more than this many days ahead (a guard against a runaway loop).
MAX_DAYS = 3660

#: Chinese names of chinese-calendar's holidays (its own names are English).
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


@dataclass
class WorkCalendar:
    """The exceptions of the years loaded so far, valid for one `CalendarVersion` token."""

    token: str
    years: dict[int, dict[dt.date, bool]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def exceptions(self, year: int) -> dict[dt.date, bool]:
        found = self.years.get(year)
        if found is None:
            from fengqiao.core.models import Holiday

            rows = Holiday.objects.filter(date__year=year).values_list("date", "is_workday").order_by()
            found = dict(rows)
            with self.lock:
                self.years[year] = found
        return found

    def is_workday(self, day: dt.date) -> bool:
        return self.exceptions(day.year).get(day, day.weekday() < 5)


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calendar: WorkCalendar | None = None


_cache = _Cache()


def get_calendar() -> WorkCalendar:
    """The process's calendar, dropped first if any process changed the `Holiday` table."""
    from fengqiao.core.models import CalendarVersion

    token = CalendarVersion.current()
    calendar = _cache.calendar
    if calendar is not None and calendar.token == token:
        return calendar
    with _cache.lock:
        if _cache.calendar is None or _cache.calendar.token != token:
            _cache.calendar = WorkCalendar(token=token)
        return _cache.calendar


def forget_calendar() -> None:
    """Drop this process's cached calendar (the next calculation reloads it)."""
    with _cache.lock:
        _cache.calendar = None


def _local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("calendar calculations need aware datetimes")
    return timezone.localtime(moment, timezone.get_default_timezone())


def _periods(day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
    tz = timezone.get_default_timezone()
    return [
        (dt.datetime.combine(day, start, tzinfo=tz), dt.datetime.combine(day, end, tzinfo=tz))
        for start, end in WORKING_PERIODS
    ]


def is_workday(day: dt.date) -> bool:
    """Whether `day` is a working day (see the module rules)."""
    return get_calendar().is_workday(day)


def next_workday(day: dt.date, *, calendar: WorkCalendar | None = None) -> dt.date:
    """The first working day strictly after `day`."""
    calendar = calendar or get_calendar()
    for _step in range(MAX_DAYS):
        day += dt.timedelta(days=1)
        if calendar.is_workday(day):
            return day
    raise ValueError("no working day within ten years")


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The end of working time of the `days`-th working day after the day of `start`."""
    if days < 0:
        raise ValueError("days must not be negative")
    calendar = get_calendar()
    day = _local(start).date()
    if days == 0:
        if not calendar.is_workday(day):
            day = next_workday(day, calendar=calendar)
    else:
        for _count in range(days):
            day = next_workday(day, calendar=calendar)
    return _periods(day)[-1][1]


def add_working_hours(start: dt.datetime, hours: float | dt.timedelta) -> dt.datetime:
    """The instant when `hours` of working time have passed after `start`."""
    remaining = hours if isinstance(hours, dt.timedelta) else dt.timedelta(hours=hours)
    if remaining < dt.timedelta():
        raise ValueError("hours must not be negative")
    calendar = get_calendar()
    cursor = _local(start)
    if not remaining:
        return cursor
    day = cursor.date()
    for _step in range(MAX_DAYS):
        if calendar.is_workday(day):
            for period_start, period_end in _periods(day):
                begin = max(period_start, cursor)
                if begin >= period_end:
                    continue
                available = period_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        day += dt.timedelta(days=1)
    raise ValueError("the deadline is more than ten years ahead")


def working_time_between(a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """The working time inside [a, b); zero when `b` is not after `a`."""
    total = dt.timedelta()
    if b <= a:
        return total
    calendar = get_calendar()
    a, b = _local(a), _local(b)
    day = a.date()
    while day <= b.date():
        if calendar.is_workday(day):
            for period_start, period_end in _periods(day):
                begin, end = max(period_start, a), min(period_end, b)
                if end > begin:
                    total += end - begin
        day += dt.timedelta(days=1)
    return total


def chinese_calendar_exceptions(years: Iterable[int] | None = None) -> list[tuple[dt.date, bool, str]]:
    """(date, is_workday, name) for each exception chinese-calendar knows, in the given years."""
    from chinese_calendar import constants

    wanted = set(years) if years is not None else None
    rows = [
        (day, False, HOLIDAY_NAMES.get(str(name), str(name)))
        for day, name in constants.holidays.items()
        if day.weekday() < 5
    ]
    rows += [
        (day, True, f"{HOLIDAY_NAMES.get(str(name), str(name))}调休上班")
        for day, name in constants.workdays.items()
        if day.weekday() >= 5
    ]
    return sorted(row for row in rows if wanted is None or row[0].year in wanted)


def seed_holidays(years: Iterable[int] | None = None) -> int:
    """Store chinese-calendar's exceptions for the years (all it knows by default); dates already in
    the table (an administrator's correction) are left alone. Returns the number of rows added."""
    from fengqiao.core.models import Holiday

    rows = chinese_calendar_exceptions(years)
    existing = set(Holiday.objects.filter(date__in=[row[0] for row in rows]).values_list("date", flat=True))
    new = [
        Holiday(date=day, is_workday=workday, name=name[:60])
        for day, workday, name in rows
        if day not in existing
    ]
    if new:
        Holiday.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


# --- administrators' corrections (each audited) ------------------------------------------------


def _require_administrator(by: Any) -> None:
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    if not (getattr(by, "is_active", False) and getattr(by, "is_administrator", False)):
        raise PermissionDenied(_("Only administrators may change the working-day calendar."))


def set_holiday(day: dt.date, *, by: Any, is_workday: bool, name: str = "") -> Holiday:
    """Record a holiday or an adjusted working day (调休) for `day`; audited.

    Storing what the plain week already says (a working Monday, a Saturday off) removes the row
    instead, so the table keeps only exceptions (the returned row is then unsaved). Every process
    sees the change on its next calculation (the version token moves in this transaction).
    """
    from django.db import transaction

    from fengqiao.core.audit import record
    from fengqiao.core.models import Holiday

    _require_administrator(by)
    with transaction.atomic():
        row = Holiday.objects.select_for_update().filter(date=day).first()
        before = [row.is_workday, row.name] if row else None
        if is_workday == (day.weekday() < 5):
            if row is not None:
                row.delete()
            record(
                "holiday.delete",
                by=by,
                object_type="core.holiday",
                object_id=str(day),
                object_repr=str(day),
                changes={"holiday": [before, None]},
            )
            return Holiday(date=day, is_workday=is_workday, name=name)
        row = row or Holiday(date=day)
        row.is_workday, row.name = is_workday, (name or "").strip()[:60]
        row.save()
        record("holiday.set", by=by, obj=row, changes={"holiday": [before, [row.is_workday, row.name]]})
        return row
