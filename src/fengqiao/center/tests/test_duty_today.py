"""Every page's shell shows today's duty leader, on the Asia/Shanghai date."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from fengqiao.center.models import DutyShift
from fengqiao.testing import builders


@pytest.fixture
def two_days(town, duty_leader):
    second = builders.make_user("duty2", "town_leader", regions=[town.town], full_name="值班乙")
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 27), leader=duty_leader)
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 28), leader=second)


def shell_text(client, url_name):
    page = client.get(reverse(url_name)).content.decode()
    start = page.index('data-testid="duty-today"')
    return page[start : page.index("</span>", start)]


@pytest.mark.parametrize("url_name", ["center:department_list", "center:hall", "center:duty_roster"])
@time_machine.travel(dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC), tick=False)
def test_center_pages_show_todays_duty_leader(client, clerk, two_days, url_name):
    client.force_login(clerk)
    assert "值班甲" in shell_text(client, url_name)


@time_machine.travel(dt.datetime(2026, 11, 27, 16, 5, tzinfo=dt.UTC), tick=False)
def test_just_after_midnight_in_shanghai_it_is_already_tomorrow(client, clerk, two_days):
    # 16:05 UTC on the 27th is 00:05 on the 28th in Shanghai.
    client.force_login(clerk)
    text = shell_text(client, "center:hall")
    assert "值班乙" in text
    assert "值班甲" not in text


@time_machine.travel(dt.datetime(2026, 11, 27, 15, 55, tzinfo=dt.UTC), tick=False)
def test_just_before_midnight_in_shanghai_it_is_still_today(client, clerk, two_days):
    client.force_login(clerk)
    assert "值班甲" in shell_text(client, "center:hall")


@pytest.mark.parametrize("persona", ["worker_b", "police", "leader"])
@time_machine.travel(dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC), tick=False)
def test_everyone_working_in_the_town_sees_the_duty_leader(client, two_days, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert "值班甲" in shell_text(client, "center:hall")


@time_machine.travel(dt.datetime(2026, 11, 29, 10, 0, tzinfo=dt.UTC), tick=False)
def test_a_day_without_a_shift_says_none_scheduled(client, clerk, two_days):
    client.force_login(clerk)
    assert "值班" not in shell_text(client, "center:hall").replace("今日值班领导", "")


@time_machine.travel(dt.datetime(2026, 11, 27, 10, 0, tzinfo=dt.UTC), tick=False)
def test_another_towns_duty_leader_is_not_shown(client, town, two_days):
    other_town = builders.make_region("620802102000", "别镇", "town", parent=town.county)
    stranger = builders.make_user("stranger", "clerk", regions=[other_town])
    client.force_login(stranger)
    assert "值班甲" not in shell_text(client, "center:hall")
