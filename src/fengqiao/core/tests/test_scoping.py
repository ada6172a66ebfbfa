"""Who sees what (数据权限): one matrix over the roles and every scoped model of the foundation.

As in DESIGN.md "Data scoping": a grid worker sees their grid and its village; center staff and
leaders the town; a department officer their department and the town's map; administrators
everything; inactive and anonymous users nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from fengqiao.accounts.models import Role, User
from fengqiao.accounts.queries import get_user_for_user
from fengqiao.center.models import Department, DutyShift, Room, Window
from fengqiao.core.scoping import Scope, get_for_user, scope_of
from fengqiao.regions.models import Grid, Region
from fengqiao.testing import builders
from fengqiao.testing.builders import api_client

TOWN = {"town", "village_a", "village_b"}
HALL = {"window", "room", "duty"}
# Accounts of the town, the deactivated one included (center staff still see who it was).
TOWN_STAFF = {
    *("clerk", "leader", "duty_leader", "mediator", "auditor", "inactive"),
    *("worker_a", "worker_b", "police", "judicial"),
}


@pytest.fixture
def world(town, clerk, leader, worker_a, worker_b, police, judicial, mediator, auditor, administrator):
    duty_leader = builders.make_user("duty_leader", Role.DUTY_LEADER, regions=[town.town])
    county_staff = builders.make_user("county_staff", Role.TOWN_LEADER, regions=[town.county])
    inactive = builders.make_user("inactive", Role.CLERK, regions=[town.town], is_active=False)
    objects: dict[str, Any] = {
        "county": town.county,
        "town": town.town,
        "village_a": town.village_a,
        "village_b": town.village_b,
        "grid_a": town.grid_a,
        "grid_b": town.grid_b,
        "police_station": town.police_station,
        "judicial_office": town.judicial_office,
        "window": Window.objects.create(
            town=town.town, number=1, name="综合受理", department=town.police_station
        ),
        "room": Room.objects.create(town=town.town, name="人民调解室", purpose=Room.Purpose.MEDIATION),
        "duty": DutyShift.objects.create(town=town.town, date=dt.date(2026, 5, 6), leader=duty_leader),
    }
    users = {
        user.username: user
        for user in (
            clerk,
            leader,
            duty_leader,
            worker_a,
            worker_b,
            police,
            judicial,
            mediator,
            auditor,
            administrator,
            county_staff,
            inactive,
        )
    }
    return objects, users


MODELS = {
    "region": (Region, {"county", "town", "village_a", "village_b"}),
    "grid": (Grid, {"grid_a", "grid_b"}),
    "department": (Department, {"police_station", "judicial_office"}),
    "window": (Window, {"window"}),
    "room": (Room, {"room"}),
    "duty": (DutyShift, {"duty"}),
}
TOWN_VIEW = TOWN | {"grid_a", "grid_b", "police_station", "judicial_office"} | HALL
EXPECTED: dict[str, tuple[set[str], set[str]]] = {
    # persona: (objects seen, accounts seen)
    "clerk": (TOWN_VIEW, TOWN_STAFF),
    "leader": (TOWN_VIEW, TOWN_STAFF),
    "duty_leader": (TOWN_VIEW, TOWN_STAFF),
    "mediator": (TOWN_VIEW, TOWN_STAFF),
    "auditor": (TOWN_VIEW, TOWN_STAFF),
    "county_staff": (
        TOWN_VIEW | {"county"},
        TOWN_STAFF | {"county_staff"},
    ),
    "worker_a": ({"village_a", "grid_a"} | HALL, {"worker_a"}),
    "worker_b": ({"village_b", "grid_b"} | HALL, {"worker_b"}),
    "police": (TOWN | {"grid_a", "grid_b", "police_station"} | HALL, {"police"}),
    "judicial": (TOWN | {"grid_a", "grid_b", "judicial_office"} | HALL, {"judicial"}),
    "administrator": (
        set().union(*(keys for _, keys in MODELS.values())),
        {*TOWN_STAFF, "admin", "county_staff"},
    ),
    "inactive": (set(), set()),
}


def visible(objects: dict[str, Any], viewer: Any) -> set[str]:
    seen = set()
    for model, keys in MODELS.values():
        ids = set(model.objects.visible_to(viewer).values_list("pk", flat=True))
        seen |= {key for key in keys if objects[key].pk in ids}
    return seen


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_the_scope_matrix(world, persona):
    objects, users = world
    viewer = users["admin" if persona == "administrator" else persona]
    expected_objects, expected_users = EXPECTED[persona]
    assert visible(objects, viewer) == expected_objects
    assert set(User.objects.visible_to(viewer).values_list("username", flat=True)) == expected_users


def test_anonymous_users_see_nothing(world):
    objects, _users = world
    assert visible(objects, AnonymousUser()) == set()
    assert visible(objects, None) == set()
    assert not User.objects.visible_to(AnonymousUser()).exists()


def test_a_superuser_sees_everything_whatever_the_role(world):
    objects, _users = world
    root = User.objects.create_superuser("root", password=builders.PASSWORD, role=Role.GRID_WORKER)
    assert scope_of(root) == Scope(everything=True)
    assert "county" in visible(objects, root)


def test_a_department_officer_without_a_department_sees_nothing(town):
    officer = User.objects.create_user("lost", role=Role.DEPARTMENT_OFFICER)
    assert scope_of(officer).is_empty
    assert not Grid.objects.visible_to(officer).exists()


def test_a_grid_worker_with_two_grids_sees_both_villages(town):
    worker = builders.make_user("w2", Role.GRID_WORKER, grids=[town.grid_a, town.grid_b])
    villages = Region.objects.visible_to(worker).filter(level=Region.Level.VILLAGE)
    assert set(villages) == {town.village_a, town.village_b}


def test_the_scope_is_cached_and_can_be_forgotten(town, worker_a, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from fengqiao.core.scoping import forget_scope

    scope_of(worker_a)
    with django_assert_num_queries(0):
        scope_of(worker_a)
    forget_scope(worker_a)
    with CaptureQueriesContext(connection) as queries:
        scope_of(worker_a)
    assert len(queries) > 0


def test_get_for_user_gives_the_same_404_for_missing_and_out_of_scope(town, worker_b):
    errors = []
    for pk in (town.grid_a.pk, 999_999, "not-a-number", None):
        with pytest.raises(Http404) as excinfo:
            get_for_user(Grid.objects, worker_b, pk)
        errors.append((type(excinfo.value), excinfo.value.args))
    assert len(set(errors)) == 1
    assert get_for_user(Grid.objects, worker_b, town.grid_b.pk) == town.grid_b


def test_get_user_for_user(town, worker_a, worker_b, clerk):
    assert get_user_for_user(clerk, worker_a.pk) == worker_a
    for pk in (worker_a.pk, 999_999):
        with pytest.raises(Http404):
            get_user_for_user(worker_b, pk)


def test_pages_and_api_answer_out_of_scope_exactly_like_missing(client, town, worker_b):
    from django.urls import reverse

    client.force_login(worker_b)
    out_of_scope = client.get(reverse("regions:grid_detail", args=[town.grid_a.pk]))
    missing = client.get(reverse("regions:grid_detail", args=[999_999]))
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.content == missing.content
    assert client.get(reverse("regions:grid_detail", args=[town.grid_b.pk])).status_code == 200

    api = api_client(worker_b)
    out_of_scope = api.get(f"/api/v1/grids/{town.grid_a.pk}/")
    missing = api.get("/api/v1/grids/999999/")
    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()
    assert [grid["id"] for grid in api.get("/api/v1/grids/").json()["results"]] == [town.grid_b.pk]
