"""The duty roster page: a month as a calendar, edited whole by administrators in one POST."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from fengqiao.center.models import DutyShift
from fengqiao.core.models import AuditEvent
from fengqiao.testing import builders

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
URL = reverse("center:duty_roster")


def month_post(**days):
    """A whole month's form: every day empty except those given as d05=leader."""
    data = {f"day-{day:02d}": "" for day in range(1, 31)}
    for key, user in days.items():
        data[f"day-{key[1:]}"] = str(user.pk) if user else ""
    return data


def test_the_month_page_shows_the_calendar_with_prev_and_next(client, town, clerk, duty_leader):
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 10, 9), leader=duty_leader)
    client.force_login(clerk)
    response = client.get(URL, {"month": "2026-10"}, **EN)
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="roster-month">2026-10<' in page
    assert "?month=2026-09" in page and "?month=2026-11" in page
    assert "值班甲" in page
    assert "<select" not in page  # read-only for the clerk
    assert len(response.context["weeks"]) == 5  # 2026-10-01 is a Thursday: five calendar weeks


def test_working_days_follow_the_chinese_calendar(client, town, clerk):
    client.force_login(clerk)
    page = client.get(URL, {"month": "2026-10"}).content.decode()

    def working(day):
        return re.search(rf'data-date="{day}" data-working="(\d)"', page).group(1) == "1"

    assert not working("2026-10-01")  # National Day
    assert not working("2026-10-07")  # National Day holiday on a Wednesday
    assert working("2026-10-10")  # an adjusted working Saturday
    assert working("2026-10-09")  # a plain Friday
    assert not working("2026-10-11")  # a plain Sunday


def test_the_administrators_holiday_corrections_decide_the_working_days(client, town, clerk):
    from fengqiao.core.models import Holiday

    Holiday.objects.update_or_create(
        date=dt.date(2026, 10, 12), defaults={"is_workday": False, "name": "防汛停工"}
    )  # a plain Monday made a day off
    Holiday.objects.update_or_create(
        date=dt.date(2026, 10, 18), defaults={"is_workday": True, "name": "调休上班"}
    )  # a plain Sunday made a working day
    client.force_login(clerk)
    page = client.get(URL, {"month": "2026-10"}).content.decode()
    assert 'data-date="2026-10-12" data-working="0"' in page
    assert 'data-date="2026-10-18" data-working="1"' in page
    assert 'data-date="2026-10-13" data-working="1"' in page


def test_years_the_calendar_does_not_know_fall_back_to_weekdays(client, town, clerk):
    client.force_login(clerk)
    page = client.get(URL, {"month": "2031-01"}).content.decode()
    assert 'data-date="2031-01-01" data-working="1"' in page  # Wednesday; holidays unknown
    assert 'data-date="2031-01-04" data-working="0"' in page  # Saturday


def test_a_malformed_month_shows_an_error_and_this_month(client, town, clerk):
    client.force_login(clerk)
    with time_machine.travel(dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC), tick=False):
        response = client.get(URL, {"month": "2026-13"}, **EN)
    assert response.status_code == 200
    assert "Give the month as YYYY-MM" in response.content.decode()
    assert response.context["month"] == dt.date(2026, 11, 1)


def test_the_administrator_edits_the_whole_month_in_one_post(
    client, town, administrator, duty_leader, leader
):
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 2), leader=duty_leader)
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 3), leader=duty_leader)
    client.force_login(administrator)
    page = client.get(URL, {"month": "2026-11"}).content.decode()
    assert page.count("<select") == 30
    response = client.post(
        f"{URL}?month=2026-11&town={town.town.pk}", month_post(d02=leader, d04=duty_leader, d30=leader)
    )
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?month=2026-11&town={town.town.pk}"
    assert dict(DutyShift.objects.values_list("date", "leader")) == {
        dt.date(2026, 11, 2): leader.pk,
        dt.date(2026, 11, 4): duty_leader.pk,
        dt.date(2026, 11, 30): leader.pk,
    }
    [row] = AuditEvent.objects.filter(action="duty_roster.set")
    assert set(row.changes["created"]) == {"2026-11-04", "2026-11-30"}
    assert row.changes["cleared"] == {"2026-11-03": "值班甲"}


def test_a_bad_leader_on_one_day_saves_nothing_and_says_which(
    client, town, administrator, duty_leader, worker_a
):
    client.force_login(administrator)
    response = client.post(f"{URL}?month=2026-11", month_post(d02=duty_leader, d05=worker_a), **EN)
    assert response.status_code == 200
    form = response.context["form"]
    assert "day-05" in form.errors
    assert "Select a valid choice" in response.content.decode()
    assert not DutyShift.objects.exists()
    assert not AuditEvent.objects.filter(action="duty_roster.set").exists()


def test_a_leader_no_longer_eligible_cannot_be_moved_to_another_day(client, town, administrator, duty_leader):
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 2), leader=duty_leader)
    duty_leader.role = "clerk"
    duty_leader.save()
    client.force_login(administrator)
    # Keeping the existing day is fine; adding them to another day is refused as a whole.
    response = client.post(f"{URL}?month=2026-11", month_post(d02=duty_leader, d03=duty_leader), **EN)
    assert response.status_code == 200
    assert "2026-11-03: 值班甲 is not an active duty leader or town leader." in response.content.decode()
    assert list(DutyShift.objects.values_list("date", flat=True)) == [dt.date(2026, 11, 2)]


@pytest.mark.parametrize("persona", ["clerk", "leader", "police"])
def test_non_administrators_cannot_post_the_roster(client, town, persona, request, duty_leader):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(f"{URL}?month=2026-11", month_post(d02=duty_leader))
    assert response.status_code == 403
    assert not DutyShift.objects.exists()


def test_the_roster_page_has_a_fixed_number_of_queries(
    client, town, administrator, duty_leader, django_assert_max_num_queries
):
    for day in range(1, 31):
        DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, day), leader=duty_leader)
    for i in range(10):
        builders.make_user(f"lead{i}", "town_leader", regions=[town.town])
    client.force_login(administrator)
    # 16: the working-day calendar adds its version token and the year's Holiday rows.
    with django_assert_max_num_queries(16):
        response = client.get(URL, {"month": "2026-11"})
    assert response.content.decode().count("<select") == 30


def test_a_grid_worker_reads_the_roster_of_their_town(client, town, worker_b, duty_leader):
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 2), leader=duty_leader)
    client.force_login(worker_b)
    response = client.get(URL, {"month": "2026-11"})
    assert response.context["town"] == town.town
    assert "值班甲" in response.content.decode()
