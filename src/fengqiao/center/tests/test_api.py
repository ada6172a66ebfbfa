"""/api/v1/departments/, windows, rooms and the duty roster: scoped, filtered, query counts pinned."""

from __future__ import annotations

import datetime as dt

import time_machine

from fengqiao.center.models import DutyShift
from fengqiao.testing import builders


def test_an_officer_lists_only_their_own_department(town, police):
    response = builders.api_client(police).get("/api/v1/departments/")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["安国派出所"]


def test_another_department_is_a_404_in_the_api(town, police, worker_b):
    api = builders.api_client(police)
    assert api.get(f"/api/v1/departments/{town.judicial_office.pk}/").status_code == 404
    assert api.get("/api/v1/departments/999999/").status_code == 404
    assert api.get(f"/api/v1/departments/{town.police_station.pk}/").status_code == 200
    worker_api = builders.api_client(worker_b)
    assert worker_api.get(f"/api/v1/departments/{town.police_station.pk}/").status_code == 404


def test_departments_filter_by_kind_stationing_and_hall(town, clerk):
    builders.make_department("安国信访办", "petition", town.town, in_hall=True, stationing="permanent")
    api = builders.api_client(clerk)

    def names(query):
        return sorted(row["name"] for row in api.get("/api/v1/departments/", query).json()["results"])

    assert names({}) == ["安国信访办", "安国司法所", "安国派出所"]
    assert names({"kind": "judicial"}) == ["安国司法所"]
    assert names({"stationing": "permanent"}) == ["安国信访办"]
    assert names({"in_hall": "false"}) == ["安国司法所", "安国派出所"]
    assert api.get("/api/v1/departments/", {"kind": "bakery"}).status_code == 400


def test_the_department_list_api_has_a_fixed_number_of_queries(town, clerk, django_assert_max_num_queries):
    for i in range(30):
        builders.make_department(f"部门{i}", "other", town.town)
    api = builders.api_client(clerk)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/departments/")
    assert response.json()["count"] == 32


def test_windows_and_rooms_are_listed_for_the_town(town, worker_b, hall):
    api = builders.api_client(worker_b)
    windows = api.get("/api/v1/windows/").json()["results"]
    assert [(w["number"], w["department_name"]) for w in windows] == [(1, "安国派出所"), (2, "安国司法所")]
    rooms = api.get("/api/v1/rooms/").json()["results"]
    assert {r["purpose"] for r in rooms} == {"mediation", "legal_aid"}


def test_the_duty_roster_api_lists_a_month(town, clerk, duty_leader, django_assert_max_num_queries):
    for day in (1, 2, 30):
        DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, day), leader=duty_leader)
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 12, 1), leader=duty_leader)
    api = builders.api_client(clerk)
    with django_assert_max_num_queries(6):
        response = api.get("/api/v1/duty/", {"month": "2026-11"})
    rows = response.json()["results"]
    assert [row["date"] for row in rows] == ["2026-11-01", "2026-11-02", "2026-11-30"]
    assert rows[0]["leader"] == {"id": duty_leader.pk, "name": "值班甲", "phone": "13800000001"}
    assert api.get("/api/v1/duty/", {"month": "November"}).status_code == 400


@time_machine.travel(dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC), tick=False)
def test_duty_today_answers_with_the_leader(town, worker_a, duty_leader):
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 27), leader=duty_leader, note="全天")
    response = builders.api_client(worker_a).get("/api/v1/duty/today/")
    assert response.status_code == 200
    assert response.json() == {
        "date": "2026-11-27",
        "town": town.town.pk,
        "leader": {"id": duty_leader.pk, "name": "值班甲", "phone": "13800000001"},
        "note": "全天",
    }


@time_machine.travel(dt.datetime(2026, 11, 27, 16, 30, tzinfo=dt.UTC), tick=False)
def test_duty_today_follows_the_shanghai_date_after_midnight(town, clerk, duty_leader):
    other = builders.make_user("duty2", "town_leader", regions=[town.town], full_name="值班乙")
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 27), leader=duty_leader)
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 28), leader=other)
    body = builders.api_client(clerk).get("/api/v1/duty/today/").json()
    assert body["date"] == "2026-11-28"
    assert body["leader"]["name"] == "值班乙"


@time_machine.travel(dt.datetime(2026, 11, 27, 2, 0, tzinfo=dt.UTC), tick=False)
def test_duty_today_without_a_shift_keeps_its_shape(town, clerk):
    body = builders.api_client(clerk).get("/api/v1/duty/today/").json()
    assert body == {"date": "2026-11-27", "town": None, "leader": None, "note": ""}


def test_the_api_needs_a_login(db):
    assert builders.api_client().get("/api/v1/duty/today/").status_code in (401, 403)
    assert builders.api_client().get("/api/v1/departments/").status_code in (401, 403)


def test_the_schema_has_no_warnings_for_the_center(db, capsys):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--file", "/dev/null")
    err = capsys.readouterr().err
    for name in ("fengqiao/center/", "Department", "Window", "Room", "DutyShift", "DutyToday"):
        assert name not in err
