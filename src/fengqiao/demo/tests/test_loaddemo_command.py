"""`fengqiao loaddemo`: idempotent, fast the second time, refused in production."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from fengqiao.accounts.models import User
from fengqiao.center.models import Department, DutyShift, Room, Window
from fengqiao.core.models import AuditEvent, Holiday
from fengqiao.demo.exceptions import DemoError
from fengqiao.demo.tests.conftest import database_digest
from fengqiao.demo.town import load_demo_town
from fengqiao.regions.models import Grid, Region

MODELS = (Region, Grid, User, Department, Window, Room, DutyShift, AuditEvent)


def _counts() -> dict[str, int]:
    counts = {model.__name__: model.objects.count() for model in MODELS}
    for name, through in [
        ("user_grids", User.grids.through),
        ("user_regions", User.regions.through),
        ("liaison_leaders", Region.liaison_leaders.through),
        ("liaison_cadres", Region.liaison_cadres.through),
    ]:
        counts[name] = through.objects.count()
    return counts


def _loaddemo(*args: str) -> str:
    out = StringIO()
    call_command("loaddemo", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_demo_logins_and_the_url(db):
    output = _loaddemo("--date", "2026-10-15")
    assert "http://127.0.0.1:8000/" in output
    assert "fengqiao-demo" in output
    for username in ("admin", "clerk", "leader", "police", "judicial", "mediator", "auditor"):
        assert f"  {username} " in output
    for n in range(1, 21):
        assert f"  worker{n:02d} " in output
    assert "东沟村网格" in output
    assert "AG01" in output
    assert "watch001" not in output  # people without a login are not listed


def test_a_second_run_creates_nothing(db):
    _loaddemo("--date", "2026-10-15")
    before, digest = _counts(), database_digest()
    _loaddemo("--date", "2026-10-15")
    assert _counts() == before
    assert database_digest() == digest


def test_a_second_run_skips_the_heavy_part(db, django_assert_max_num_queries):
    assert load_demo_town(today=dt.date(2026, 10, 15)).built
    # A complete town is recognised by a few counts; only the roster is looked at. Each app's
    # demo data adds one count of its own (surveillance, mediation, registry).
    with django_assert_max_num_queries(22):
        summary = load_demo_town(today=dt.date(2026, 10, 15))
    assert not summary.built
    assert summary.duty_shifts_created == 0
    assert (summary.villages, summary.grids, summary.windows, summary.rooms) == (20, 20, 5, 12)


def test_a_second_run_in_a_new_month_adds_that_months_roster(db):
    load_demo_town(today=dt.date(2026, 10, 15))
    summary = load_demo_town(today=dt.date(2026, 11, 3))
    assert not summary.built
    assert summary.duty_shifts_created == 21  # November 2026 has no holiday
    assert DutyShift.objects.filter(date__month=11).count() == 21
    assert DutyShift.objects.filter(date__month=10).count() == 18


def test_it_keeps_roster_days_an_administrator_changed(db):
    load_demo_town(today=dt.date(2026, 10, 15))
    shift = DutyShift.objects.get(date=dt.date(2026, 10, 8))
    other = User.objects.filter(role="duty_leader").exclude(pk=shift.leader_id).first()
    shift.leader = other
    shift.save()
    DutyShift.objects.filter(date=dt.date(2026, 10, 9)).delete()
    summary = load_demo_town(today=dt.date(2026, 10, 15))
    assert summary.duty_shifts_created == 1  # only the deleted day comes back
    assert DutyShift.objects.get(date=dt.date(2026, 10, 8)).leader == other


def test_it_falls_back_to_monday_to_friday_for_years_the_calendar_does_not_know(db):
    load_demo_town(today=dt.date(2031, 3, 1))
    dates = list(DutyShift.objects.values_list("date", flat=True))
    assert len(dates) == 21  # March 2031: 21 weekdays
    assert all(day.weekday() < 5 for day in dates)


def test_it_follows_an_administrators_correction_of_the_calendar(db):
    # A day off declared locally (say, for a flood) is not a duty day; an extra working
    # Sunday is.
    Holiday.objects.create(date=dt.date(2026, 10, 12), is_workday=False, name="防汛停工")
    Holiday.objects.create(date=dt.date(2026, 10, 18), is_workday=True, name="调休上班")
    load_demo_town(today=dt.date(2026, 10, 15))
    dates = set(DutyShift.objects.values_list("date", flat=True))
    assert dt.date(2026, 10, 12) not in dates
    assert dt.date(2026, 10, 18) in dates
    assert len(dates) == 18


def test_it_repairs_an_incomplete_town(db):
    load_demo_town(today=dt.date(2026, 10, 15))
    complete = _counts()
    Room.objects.filter(name="知心姐姐调解室").delete()
    User.objects.filter(username__startswith="warden").delete()
    summary = load_demo_town(today=dt.date(2026, 10, 15))
    assert summary.built
    after = _counts()
    # Everything is back; only the audit trail has grown by the repair's row.
    assert after.pop("AuditEvent") == complete.pop("AuditEvent") + 1
    assert after == complete


def test_it_does_not_reset_a_changed_password(db):
    load_demo_town(today=dt.date(2026, 10, 15))
    clerk = User.objects.get(username="clerk")
    clerk.set_password("another-Long-passphrase-7")
    clerk.save()
    User.objects.filter(username="watch001").delete()  # force the heavy part
    assert load_demo_town(today=dt.date(2026, 10, 15)).built
    assert User.objects.get(username="clerk").check_password("another-Long-passphrase-7")


@override_settings(DEMO_ALLOWED=False)
def test_it_refuses_in_production(db):
    with pytest.raises(CommandError, match="production"):
        _loaddemo()
    with pytest.raises(DemoError):
        load_demo_town()
    assert not Region.objects.exists()
    assert not User.objects.exists()
