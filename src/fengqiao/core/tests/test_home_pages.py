"""Each role's home page (首页): its own content, and nothing from outside the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fengqiao.accounts.models import Role
from fengqiao.center.models import DutyShift, Room, Window
from fengqiao.core import audit
from fengqiao.testing import builders

HOME = reverse("core:home")


@pytest.fixture
def hall(town, leader):
    Window.objects.create(town=town.town, number=1, name="综合受理窗口", department=town.police_station)
    Room.objects.create(town=town.town, name="人民调解室", purpose=Room.Purpose.MEDIATION)
    Room.objects.create(town=town.town, name="心理咨询室", purpose=Room.Purpose.COUNSELLING)
    town.village_a.liaison_leaders.add(leader)
    return town


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def test_the_clerk_gets_the_center_workbench(client, hall, clerk, worker_a):
    page = home(client, clerk)
    assert 'data-testid="home-center"' in page
    assert "Center workbench" in page
    assert "综合受理窗口" in page and "安国派出所" in page
    assert "人民调解室" in page and "心理咨询室" in page


def test_the_duty_leader_gets_the_workbench_with_their_duty_days(client, hall):
    duty_leader = builders.make_user("duty1", Role.DUTY_LEADER, regions=[hall.town])
    day = timezone.localdate() + dt.timedelta(days=2)
    DutyShift.objects.create(town=hall.town, date=day, leader=duty_leader)
    page = home(client, duty_leader)
    assert 'data-testid="home-center"' in page
    assert 'data-testid="my-duty"' in page
    assert day.strftime("%Y-%m-%d") in page


def test_the_town_leader_gets_the_town_overview(client, hall, leader, worker_a, worker_b):
    page = home(client, leader)
    assert 'data-testid="home-leader"' in page
    assert "Town overview" in page
    for text in ("东沟村", "西沟村", "东沟村网格", "西沟村网格", "worker_a", "worker_b"):
        assert text in page
    assert 'data-testid="my-villages"' in page


def test_a_department_officer_gets_their_department_only(client, hall, police, judicial):
    page = home(client, police)
    assert 'data-testid="home-department"' in page
    assert "安国派出所" in page
    assert "综合受理窗口" in page  # the department's window
    assert "police" in page
    assert "安国司法所" not in page
    assert "judicial" not in page


@pytest.mark.parametrize(
    ("persona", "own", "other"), [("worker_a", "东沟村", "西沟村"), ("worker_b", "西沟村", "东沟村")]
)
def test_a_grid_worker_gets_my_grid_and_nothing_of_the_other_grid(client, hall, request, persona, own, other):
    worker = request.getfixturevalue(persona)
    other_worker = request.getfixturevalue("worker_b" if persona == "worker_a" else "worker_a")
    page = home(client, worker)
    assert 'data-testid="home-grid"' in page
    assert f"{own}网格" in page
    assert other not in page
    assert other_worker.username not in page
    assert "安国派出所" not in page


def test_a_grid_workers_home_shows_the_people_and_liaisons_of_the_grid(client, hall, worker_a, leader):
    watcher = builders.make_user("watch1", Role.WATCH_MEMBER, grids=[hall.grid_a], full_name="赵守望")
    page = home(client, worker_a)
    assert "赵守望" in page
    assert leader.display_name in page
    assert 'data-testid="home-grid"' in home(client, watcher)


def test_a_grid_worker_without_a_grid_is_told_so(client, town):
    lonely = builders.make_user("w9", Role.GRID_WORKER)
    assert "No grid is assigned to you yet." in home(client, lonely)


def test_the_mediator_gets_the_mediation_home(client, hall, mediator):
    page = home(client, mediator)
    assert 'data-testid="home-mediator"' in page
    assert "人民调解室" in page
    assert "心理咨询室" not in page
    assert "安国司法所" in page


def test_the_auditor_gets_the_audit_home_with_linked_figures(client, hall, auditor, clerk):
    audit.record("auth.login_failed", by="clerk", obj=clerk)
    page = home(client, auditor)
    assert 'data-testid="home-auditor"' in page
    assert "auth.login_failed" in page
    assert f"{reverse('core:audit_list')}?action=auth.login_failed" in page


def test_the_administrator_gets_the_administration_home(client, hall, administrator, clerk):
    page = home(client, administrator)
    assert 'data-testid="home-admin"' in page
    assert reverse("admin:index") in page
    assert reverse("admin:accounts_user_changelist") in page


def queries_for_home(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(HOME).status_code == 200
    return len(queries)


@pytest.mark.parametrize("persona", ["clerk", "leader", "worker_a", "police", "mediator", "administrator"])
def test_the_home_page_query_count_does_not_grow_with_the_town(client, hall, request, persona):
    client.force_login(request.getfixturevalue(persona))
    client.get(HOME)
    before = queries_for_home(client)
    for n in range(3, 13):
        village = builders.make_region(f"6208021012{n:02d}", f"村{n}", "village", parent=hall.town)
        grid = builders.make_grid(f"G{n}", f"网格{n}", village)
        builders.make_user(f"w{n}", Role.GRID_WORKER, grids=[grid, hall.grid_a])
        village.liaison_leaders.add(request.getfixturevalue("leader"))
    assert queries_for_home(client) == before
