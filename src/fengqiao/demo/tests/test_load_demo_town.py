"""The demo town has the reference town's figures (REFERENCE_TOWN.md)."""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import chinese_calendar

from fengqiao.accounts.models import Role, User
from fengqiao.center.models import Department, DutyShift, Room, Window
from fengqiao.core.models import AuditEvent
from fengqiao.demo.tests.conftest import OCTOBER_2026
from fengqiao.regions.models import Grid, Region


def test_it_builds_the_region_tree(demo_town):
    county = Region.objects.get(code="620802000000")
    town = Region.objects.get(code="620802101000")
    assert (county.name, county.level, county.parent) == ("崆峒区", "county", None)
    assert (town.name, town.level, town.parent) == ("安国镇", "town", county)
    villages = list(Region.objects.filter(parent=town).order_by("code"))
    assert len(villages) == 20
    assert [v.code for v in villages] == [f"620802101{n:03d}" for n in range(201, 221)]
    assert villages[0].name == "东沟村"
    assert len({v.name for v in villages}) == 20
    assert all(v.level == "village" and v.name.endswith("村") for v in villages)
    assert all(v.path == f"620802000000/620802101000/{v.code}/" for v in villages)


def test_it_gives_every_village_one_grid(demo_town):
    grids = list(Grid.objects.select_related("village").order_by("code"))
    assert [g.code for g in grids] == [f"AG{n:02d}" for n in range(1, 21)]
    assert [g.village.code for g in grids] == [f"620802101{n:03d}" for n in range(201, 221)]
    assert all(g.name == f"{g.village.name}网格" for g in grids)
    assert grids[0].name == "东沟村网格"
    # Cells of roughly 2.5 km x 2.5 km: a few square kilometres each.
    assert all(3e6 < (g.area_m2 or 0) < 10e6 for g in grids)


def test_it_has_the_grid_people_of_the_reference_town(demo_town):
    roles = Counter(User.objects.values_list("role", flat=True))
    assert roles[Role.GRID_WORKER] == 20
    assert roles[Role.WATCH_MEMBER] == 88
    assert roles[Role.SAFETY_WARDEN] == 137
    assert roles[Role.DUTY_LEADER] == 6


def test_it_makes_workerNN_the_worker_of_the_NNth_village_grid(demo_town):
    for n in range(1, 21):
        worker = User.objects.get(username=f"worker{n:02d}")
        assert worker.role == Role.GRID_WORKER
        assert list(worker.grids.values_list("code", flat=True)) == [f"AG{n:02d}"]
    assert list(Grid.objects.get(code="AG01").workers.values_list("username", flat=True)) == ["worker01"]


def test_it_spreads_watch_members_and_wardens_over_every_village(demo_town):
    for role in (Role.WATCH_MEMBER, Role.SAFETY_WARDEN):
        per_grid = Counter(
            User.grids.through.objects.filter(user__role=role).values_list("grid__code", flat=True)
        )
        assert len(per_grid) == 20
        assert max(per_grid.values()) - min(per_grid.values()) <= 1
        # One grid each, and they cannot log in.
        members = User.objects.filter(role=role)
        assert all(m.grids.count() == 1 and not m.has_usable_password() for m in members)


def test_it_gives_people_plausible_unique_chinese_names(demo_town):
    names = list(User.objects.exclude(username="admin").values_list("full_name", flat=True))
    assert len(names) == len(set(names))
    assert all(2 <= len(name) <= 3 for name in names)
    assert all("\u4e00" <= char <= "\u9fff" for name in names for char in name)


def test_it_creates_the_center_staff_with_their_scope(demo_town):
    town = Region.objects.get(code="620802101000")
    admin = User.objects.get(username="admin")
    assert (admin.role, admin.is_staff, admin.is_superuser) == (Role.ADMINISTRATOR, True, True)
    for username, role in [
        ("clerk", Role.CLERK),
        ("leader", Role.TOWN_LEADER),
        ("mediator", Role.MEDIATOR),
        ("auditor", Role.AUDITOR),
        *((f"duty{n:02d}", Role.DUTY_LEADER) for n in range(1, 7)),
    ]:
        user = User.objects.get(username=username)
        assert user.role == role
        assert list(user.regions.all()) == [town]
        assert not user.is_superuser
    police = User.objects.get(username="police")
    judicial = User.objects.get(username="judicial")
    assert (police.role, police.department.kind) == (Role.DEPARTMENT_OFFICER, "police")
    assert (judicial.role, judicial.department.kind) == (Role.DEPARTMENT_OFFICER, "judicial")


def test_it_creates_the_departments(demo_town):
    town = Region.objects.get(code="620802101000")
    town_departments = {d.kind: d for d in Department.objects.filter(region=town)}
    expected = {
        "police": ("permanent", True),
        "judicial": ("permanent", True),
        "petition": ("permanent", True),
        "center": ("permanent", True),
        "emergency": ("rotating", False),
        "environment": ("on_call", False),
        "education": ("on_call", False),
        "market": ("rotating", False),
    }
    assert {kind: (d.stationing, d.in_hall) for kind, d in town_departments.items()} == expected
    assert town_departments["police"].name == "安国派出所"
    assert town_departments["judicial"].name == "安国司法所"
    committees = Department.objects.filter(kind="village_committee").select_related("region")
    assert committees.count() == 20
    assert {c.region.code for c in committees} == set(
        Region.objects.filter(level="village").values_list("code", flat=True)
    )
    assert all(c.region.level == "village" for c in committees)


def test_it_creates_five_windows_each_with_a_department(demo_town):
    windows = list(Window.objects.select_related("department").order_by("number"))
    assert [w.number for w in windows] == [1, 2, 3, 4, 5]
    assert [w.department.kind for w in windows] == ["police", "judicial", "petition", "center", "judicial"]


def test_it_creates_twelve_rooms_with_the_named_mediation_room(demo_town):
    rooms = {room.name: room.purpose for room in Room.objects.all()}
    assert len(rooms) == 12
    assert rooms["知心姐姐调解室"] == Room.Purpose.MEDIATION
    for purpose in (
        "legal_aid",
        "counselling",
        "anti_cult",
        "anti_drug",
        "watch",
        "railway",
        "deliberation",
        "video",
    ):
        assert purpose in rooms.values()


def test_it_rosters_one_duty_leader_on_each_working_day_of_the_month(demo_town):
    shifts = list(DutyShift.objects.select_related("leader").order_by("date"))
    dates = [shift.date for shift in shifts]
    assert len(dates) == len(set(dates))
    assert all(d.year == 2026 and d.month == 10 for d in dates)
    assert all(chinese_calendar.is_workday(d) for d in dates)
    assert len(dates) == 18  # October 2026: 22 weekdays - 5 holiday weekdays + 1 adjusted Saturday
    assert OCTOBER_2026.replace(day=1) not in dates  # National Day
    assert OCTOBER_2026.replace(day=10) in dates  # the adjusted working Saturday
    assert demo_town.duty_shifts_created == 18
    leaders = [shift.leader for shift in shifts]
    assert {leader.role for leader in leaders} == {Role.DUTY_LEADER}
    assert len({leader.username for leader in leaders}) == 6
    assert all(a != b for a, b in pairwise(leaders))


def test_it_links_a_leader_and_a_cadre_to_every_village(demo_town):
    for village in Region.objects.filter(level="village"):
        assert village.liaison_leaders.count() == 1
        assert village.liaison_leaders.get().role in (Role.TOWN_LEADER, Role.DUTY_LEADER)
        cadres = list(village.liaison_cadres.all())
        assert len(cadres) == 1
        # A cadre's scope is the villages they answer for.
        assert village in cadres[0].regions.all()


def test_it_writes_an_audit_row_for_the_load(demo_town):
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions == {"demo.load": 1, "demo.duty_roster": 1, "grid.set_boundary": 20}
    assert set(
        AuditEvent.objects.filter(action="grid.set_boundary").values_list("actor_name", flat=True)
    ) == {"admin"}
