"""The organisation services: administrators only, one audit row with the diff each, rules enforced."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from fengqiao.center import services
from fengqiao.center.exceptions import CenterError
from fengqiao.center.models import Department, DutyShift, Room, Window
from fengqiao.core.exceptions import DomainError
from fengqiao.core.models import AuditEvent
from fengqiao.testing import builders


@pytest.fixture(autouse=True)
def english():
    """Messages are matched in English; the default language is zh-hans."""
    with translation.override("en"):
        yield


def test_center_error_is_a_domain_error():
    assert issubclass(CenterError, DomainError)


@pytest.mark.parametrize("persona", ["clerk", "leader", "police", "worker_a", "auditor"])
def test_only_administrators_may_change_the_organisation(town, persona, request, hall):
    user = request.getfixturevalue(persona)
    calls = [
        lambda: services.create_department(by=user, name="X", kind="other", region=town.town),
        lambda: services.update_department(town.police_station, by=user, name="Y"),
        lambda: services.deactivate_department(town.police_station, by=user),
        lambda: services.create_window(
            by=user, town=town.town, number=3, name="W", department=town.police_station
        ),
        lambda: services.update_window(hall["windows"][0], by=user, name="W"),
        lambda: services.create_room(by=user, town=town.town, name="R", purpose="other"),
        lambda: services.update_room(hall["rooms"][0], by=user, name="R"),
        lambda: services.set_duty_roster(town.town, dt.date(2026, 11, 1), {}, by=user),
        lambda: services.set_village_liaisons(town.village_a, leaders=[], cadres=[], by=user),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert not AuditEvent.objects.filter(actor=user).exists()


def test_an_inactive_administrator_may_not_either(town, administrator):
    administrator.is_active = False
    with pytest.raises(PermissionDenied):
        services.create_room(by=administrator, town=town.town, name="R", purpose="other")


def test_create_department_writes_one_audit_row(town, administrator):
    department = services.create_department(
        by=administrator, name=" 安国环保站 ", kind="environment", region=town.town, in_hall=True
    )
    assert department.name == "安国环保站"
    [row] = AuditEvent.objects.filter(object_type="center.department")
    assert row.action == "department.create"
    assert row.object_id == str(department.pk)
    assert row.changes["kind"] == [None, "environment"]
    assert row.changes["region"] == [None, "安国镇"]
    assert row.changes["in_hall"] == [None, True]


def test_update_department_audits_only_the_changed_fields(town, administrator):
    services.update_department(
        town.police_station, by=administrator, stationing="permanent", name="安国派出所", region=town.town
    )
    [row] = AuditEvent.objects.filter(action="department.update")
    assert row.changes == {"stationing": ["on_call", "permanent"]}
    # Nothing changed, nothing written.
    services.update_department(town.police_station, by=administrator, stationing="permanent")
    assert AuditEvent.objects.filter(action="department.update").count() == 1


def test_update_department_refuses_a_duplicate_name_and_unknown_fields(town, administrator):
    with pytest.raises(CenterError, match="already has a department named"):
        services.update_department(town.police_station, by=administrator, name="安国司法所")
    with pytest.raises(TypeError):
        services.update_department(town.police_station, by=administrator, is_active=False)
    assert Department.objects.get(pk=town.police_station.pk).name == "安国派出所"
    assert not AuditEvent.objects.filter(action__startswith="department.").exists()


def test_deactivate_and_reactivate_department(town, administrator):
    services.deactivate_department(town.judicial_office, by=administrator)
    with pytest.raises(CenterError) as error:
        services.deactivate_department(town.judicial_office, by=administrator)
    assert error.value.http_status == 409
    services.reactivate_department(town.judicial_office, by=administrator)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions == ["department.deactivate", "department.reactivate"]


def test_windows_are_staffed_by_an_active_department_of_their_town(town, administrator):
    window = services.create_window(
        by=administrator, town=town.town, number=1, name="派出所窗口", department=town.police_station
    )
    [row] = AuditEvent.objects.filter(action="window.create")
    assert row.changes["department"] == [None, "安国派出所"]
    other_county = builders.make_region("620803000000", "别区", "county")
    other_town = builders.make_region("620803101000", "别镇", "town", parent=other_county)
    elsewhere = builders.make_department("别镇派出所", "police", other_town)
    with pytest.raises(CenterError, match="does not work in"):
        services.update_window(window, by=administrator, department=elsewhere)
    with pytest.raises(CenterError, match="already has a window number 1"):
        services.create_window(
            by=administrator, town=town.town, number=1, name="又一个", department=town.judicial_office
        )
    with pytest.raises(CenterError, match="is not a town"):
        services.create_window(
            by=administrator, town=town.village_a, number=9, name="村", department=town.judicial_office
        )
    services.deactivate_department(town.judicial_office, by=administrator)
    with pytest.raises(CenterError, match="is not active"):
        services.update_window(window, by=administrator, department=town.judicial_office)
    services.update_window(window, by=administrator, number=5, name="综合窗口")
    [row] = AuditEvent.objects.filter(action="window.update")
    assert row.changes == {"number": [1, 5], "name": ["派出所窗口", "综合窗口"]}
    assert Window.objects.get().department == town.police_station


def test_rooms_have_a_purpose_and_unique_names(town, administrator):
    room = services.create_room(by=administrator, town=town.town, name="知心姐姐调解室", purpose="mediation")
    [row] = AuditEvent.objects.filter(action="room.create")
    assert row.changes["purpose"] == [None, "mediation"]
    services.update_room(room, by=administrator, description="一楼东侧")
    [row] = AuditEvent.objects.filter(action="room.update")
    assert row.changes == {"description": ["", "一楼东侧"]}
    with pytest.raises(CenterError, match="already has a room named"):
        services.create_room(by=administrator, town=town.town, name="知心姐姐调解室", purpose="other")
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.update_room(room, by=administrator, purpose="bakery")
    assert Room.objects.get().purpose == "mediation"


NOV = dt.date(2026, 11, 1)


def test_set_duty_roster_creates_changes_and_clears_with_one_audit_row(
    town, administrator, duty_leader, leader
):
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 2), leader=duty_leader)
    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 3), leader=duty_leader)
    summary = services.set_duty_roster(
        town.town,
        NOV,
        {
            dt.date(2026, 11, 2): leader,  # changed
            dt.date(2026, 11, 3): None,  # cleared
            dt.date(2026, 11, 4): duty_leader,  # created
            dt.date(2026, 11, 5): None,  # nothing to clear
        },
        by=administrator,
    )
    shifts = dict(DutyShift.objects.values_list("date", "leader"))
    assert shifts == {dt.date(2026, 11, 2): leader.pk, dt.date(2026, 11, 4): duty_leader.pk}
    [row] = AuditEvent.objects.filter(action="duty_roster.set")
    assert row.changes == {
        "month": "2026-11",
        "created": {"2026-11-04": "值班甲"},
        "changed": {"2026-11-02": ["值班甲", "leader"]},
        "cleared": {"2026-11-03": "值班甲"},
    }
    assert summary == {key: row.changes[key] for key in ("created", "changed", "cleared")}


@pytest.mark.parametrize("bad", ["worker_a", "clerk", "inactive", "other_town"])
def test_one_bad_leader_saves_nothing(town, administrator, duty_leader, bad, request):
    if bad == "inactive":
        user = builders.make_user("gone", "duty_leader", regions=[town.town], is_active=False)
    elif bad == "other_town":
        other_town = builders.make_region("620802102000", "别镇", "town", parent=town.county)
        user = builders.make_user("far", "town_leader", regions=[other_town])
    else:
        user = request.getfixturevalue(bad)
    with pytest.raises(CenterError, match="2026-11-05"):
        services.set_duty_roster(
            town.town,
            NOV,
            {dt.date(2026, 11, 2): duty_leader, dt.date(2026, 11, 5): user},
            by=administrator,
        )
    assert not DutyShift.objects.exists()
    assert not AuditEvent.objects.filter(action="duty_roster.set").exists()


def test_a_county_leader_may_sit_in_the_towns_center(town, administrator):
    county_leader = builders.make_user("county", "town_leader", regions=[town.county])
    services.set_duty_roster(town.town, NOV, {dt.date(2026, 11, 9): county_leader}, by=administrator)
    assert DutyShift.objects.get().leader == county_leader


def test_set_duty_roster_refuses_days_outside_the_month_and_non_towns(town, administrator, duty_leader):
    with pytest.raises(CenterError, match="2026-12-01 is not in 2026-11"):
        services.set_duty_roster(town.town, NOV, {dt.date(2026, 12, 1): duty_leader}, by=administrator)
    with pytest.raises(CenterError, match="is not a town"):
        services.set_duty_roster(town.village_a, NOV, {}, by=administrator)


def test_an_unchanged_roster_writes_no_audit_row(town, administrator, duty_leader):
    services.set_duty_roster(town.town, NOV, {dt.date(2026, 11, 2): duty_leader}, by=administrator)
    services.set_duty_roster(town.town, NOV, {dt.date(2026, 11, 2): duty_leader}, by=administrator)
    assert AuditEvent.objects.filter(action="duty_roster.set").count() == 1


def test_set_village_liaisons(town, administrator, leader, clerk, duty_leader):
    services.set_village_liaisons(town.village_a, leaders=[leader], cadres=[clerk], by=administrator)
    assert list(town.village_a.liaison_leaders.all()) == [leader]
    assert list(town.village_a.liaison_cadres.all()) == [clerk]
    services.set_village_liaisons(town.village_a, leaders=[duty_leader], cadres=[clerk], by=administrator)
    rows = list(AuditEvent.objects.filter(action="village.liaisons").order_by("id"))
    assert len(rows) == 2
    assert rows[1].changes == {"liaison_leaders": {"added": ["值班甲"], "removed": ["leader"]}}


def test_village_liaisons_are_checked(town, administrator, clerk, worker_a, police):
    with pytest.raises(CenterError, match="not an active duty leader"):
        services.set_village_liaisons(town.village_a, leaders=[clerk], cadres=[], by=administrator)
    with pytest.raises(CenterError, match="not an active town cadre"):
        services.set_village_liaisons(town.village_a, leaders=[], cadres=[worker_a], by=administrator)
    with pytest.raises(CenterError, match="does not work in"):
        services.set_village_liaisons(town.village_a, leaders=[], cadres=[police], by=administrator)
    with pytest.raises(CenterError, match="is not a village"):
        services.set_village_liaisons(town.town, leaders=[], cadres=[], by=administrator)
    assert not town.village_a.liaison_cadres.exists()
    assert not AuditEvent.objects.filter(action="village.liaisons").exists()
