"""The working-day calendar (工作日历): statutory holidays, adjusted working weekends, working hours."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from fengqiao.core import calendar
from fengqiao.core.models import CalendarVersion, Holiday

SHANGHAI = ZoneInfo("Asia/Shanghai")


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


@pytest.fixture
def holidays_2026(db):
    # The migration seeds every year; a transactional test elsewhere may have flushed the table.
    calendar.seed_holidays([2026])


def test_every_year_chinese_calendar_knows_is_seeded_with_its_exceptions_only(db):
    calendar.seed_holidays()  # adds nothing when the migration's rows are there
    years = {day.year for day in Holiday.objects.values_list("date", flat=True)}
    assert years == set(range(2004, 2027))
    # Only exceptions are stored (about 25 a year), not every date.
    assert Holiday.objects.count() < 23 * 40


def test_national_day_2026_and_its_adjusted_working_days(holidays_2026):
    for day in range(1, 8):
        assert not calendar.is_workday(dt.date(2026, 10, day)), day
    assert calendar.is_workday(dt.date(2026, 10, 10))  # Saturday 调休上班
    assert calendar.is_workday(dt.date(2026, 9, 20))  # Sunday 调休上班
    assert not calendar.is_workday(dt.date(2026, 9, 25))  # Friday, Mid-autumn festival
    assert not calendar.is_workday(dt.date(2026, 10, 11))  # an ordinary Sunday
    assert Holiday.objects.get(date=dt.date(2026, 10, 10)).name == "国庆节调休上班"
    assert Holiday.objects.get(date=dt.date(2026, 10, 1)).name == "国庆节"


def test_weekdays_are_assumed_for_a_year_the_table_does_not_know(db):
    assert calendar.is_workday(dt.date(2031, 10, 1))  # a Wednesday
    assert not calendar.is_workday(dt.date(2031, 10, 4))  # a Saturday


def test_working_days_on_the_eve_of_national_day_skip_the_holiday(holidays_2026):
    eve = local(2026, 9, 30, 10, 0)
    assert calendar.add_working_days(eve, 0) == local(2026, 9, 30, 17, 0)
    assert calendar.add_working_days(eve, 1) == local(2026, 10, 8, 17, 0)
    # Thursday 8th, Friday 9th, then the adjusted working Saturday the 10th.
    assert calendar.add_working_days(eve, 3) == local(2026, 10, 10, 17, 0)
    assert calendar.add_working_days(eve, 4) == local(2026, 10, 12, 17, 0)


def test_zero_working_days_from_a_holiday_is_the_next_working_day(holidays_2026):
    assert calendar.add_working_days(local(2026, 10, 3, 12, 0), 0) == local(2026, 10, 8, 17, 0)


def test_working_hours_stop_overnight_and_over_the_holiday(holidays_2026):
    assert calendar.add_working_hours(local(2026, 9, 30, 16, 0), 2) == local(2026, 10, 8, 10, 0)
    assert calendar.add_working_hours(local(2026, 9, 30, 16, 0), 1) == local(2026, 9, 30, 17, 0)
    # Starting at night counts from the next morning.
    assert calendar.add_working_hours(local(2026, 11, 2, 20, 0), 1.5) == local(2026, 11, 3, 10, 30)
    # The adjusted working Saturday counts.
    assert calendar.add_working_hours(local(2026, 10, 9, 16, 0), 4) == local(2026, 10, 10, 12, 0)
    assert calendar.add_working_hours(local(2026, 10, 3, 11, 0), dt.timedelta()) == local(2026, 10, 3, 11, 0)


def test_working_time_between_counts_only_working_periods(holidays_2026):
    assert calendar.working_time_between(
        local(2026, 9, 30, 16, 0), local(2026, 10, 8, 10, 0)
    ) == dt.timedelta(hours=2)
    assert calendar.working_time_between(local(2026, 10, 1), local(2026, 10, 8)) == dt.timedelta()
    assert calendar.working_time_between(local(2026, 11, 3, 10), local(2026, 11, 2, 10)) == dt.timedelta()
    # One full week of five working days.
    assert calendar.working_time_between(local(2026, 11, 2), local(2026, 11, 9)) == 5 * calendar.WORKING_DAY


def test_utc_inputs_are_counted_in_shanghai_time(holidays_2026):
    # 2026-09-30 23:30 UTC is already the morning of National Day in Shanghai.
    start = dt.datetime(2026, 9, 30, 23, 30, tzinfo=dt.UTC)
    assert calendar.add_working_hours(start, 1) == local(2026, 10, 8, 10, 0)


def test_naive_datetimes_are_refused(db):
    with pytest.raises(ValueError, match="aware"):
        calendar.add_working_hours(dt.datetime(2026, 11, 2, 10), 1)


def test_an_administrators_correction_is_seen_at_once(holidays_2026):
    monday = dt.date(2026, 11, 2)
    assert calendar.is_workday(monday)
    token = CalendarVersion.current()
    Holiday.objects.create(date=monday, is_workday=False, name="临时放假")
    assert CalendarVersion.current() != token
    assert not calendar.is_workday(monday)
    Holiday.objects.filter(date=monday).update(is_workday=True)
    assert calendar.is_workday(monday)
    Holiday.objects.filter(date=monday).delete()
    assert calendar.is_workday(monday)


def test_the_year_is_read_once_per_version(holidays_2026, django_assert_num_queries):
    calendar.is_workday(dt.date(2026, 11, 2))
    # The version token only: the year's exceptions are cached.
    with django_assert_num_queries(1):
        calendar.add_working_days(local(2026, 9, 30, 10), 10)


def test_seeding_is_idempotent_and_keeps_corrections(holidays_2026):
    Holiday.objects.filter(date=dt.date(2026, 10, 10)).update(name="改过的名字")
    assert calendar.seed_holidays([2026]) == 0
    assert Holiday.objects.get(date=dt.date(2026, 10, 10)).name == "改过的名字"


def test_an_administrator_adds_a_holiday_and_it_is_audited(holidays_2026, administrator):
    from fengqiao.core.models import AuditEvent

    monday = dt.date(2026, 11, 2)
    calendar.set_holiday(monday, by=administrator, is_workday=False, name="临时调整")
    assert not calendar.is_workday(monday)
    assert AuditEvent.objects.get(action="holiday.set").changes == {"holiday": [None, [False, "临时调整"]]}
    # Back to what the plain week says: the row goes.
    calendar.set_holiday(monday, by=administrator, is_workday=True)
    assert calendar.is_workday(monday) and not Holiday.objects.filter(date=monday).exists()


def test_only_administrators_change_the_calendar(holidays_2026, clerk):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        calendar.set_holiday(dt.date(2026, 11, 2), by=clerk, is_workday=False)
