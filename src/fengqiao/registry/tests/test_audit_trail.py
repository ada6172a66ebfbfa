"""Audit #15: who covers a household and who is in a watch team are audited (ids of who came and
went); a house's building label and a person's birth date never go into the trail in clear."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from fengqiao.core.models import AuditEvent
from fengqiao.registry import services
from fengqiao.registry.models import House, Organization
from fengqiao.registry.tests.factories import make_household, make_person
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db


def test_warden_coverage_changes_are_audited(town, clerk):
    first = builders.make_user("warden_1", "safety_warden", grids=[town.grid_a])
    second = builders.make_user("warden_2", "safety_warden", grids=[town.grid_a])
    household = make_household(town.grid_a, "H-7")
    services.save_household(household, by=clerk, wardens=[first])
    services.save_household(household, by=clerk, wardens=[second])
    services.save_household(household, by=clerk, wardens=[second])  # no change, no row
    rows = AuditEvent.objects.filter(action="registry.household.wardens").order_by("id")
    assert [row.changes for row in rows] == [
        {"added": [first.pk], "removed": []},
        {"added": [second.pk], "removed": [first.pk]},
    ]
    assert {row.object_id for row in rows} == {str(household.pk)}


def test_watch_team_member_changes_are_audited(town, clerk):
    member = builders.make_user("watch_1", "watch_member", grids=[town.grid_a])
    team = services.save_organization(
        None, by=clerk, name="东沟村巡防队", kind="watch_team", grid=town.grid_a
    )
    services.save_organization(team, by=clerk, members=[member])
    services.save_organization(Organization.objects.get(pk=team.pk), by=clerk, members=[])
    rows = AuditEvent.objects.filter(action="registry.organization.members").order_by("id")
    assert [row.changes for row in rows] == [
        {"added": [member.pk], "removed": []},
        {"added": [], "removed": [member.pk]},
    ]


def test_building_and_birth_date_stay_out_of_the_trail(town, clerk):
    house = services.save_house(
        None, by=clerk, address="东沟村三组12号", building="东沟村3组12号院2单元", grid=town.grid_a
    )
    services.save_house(House.objects.get(pk=house.pk), by=clerk, building="东沟村3组14号院1单元")
    person = make_person(town.grid_a, 51)
    services.save_person(person, by=clerk, birth_date=dt.date(1981, 3, 4))
    trail = json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)), ensure_ascii=False)
    for secret in ("2单元", "1单元", "1981-03-04", "1980-01-01"):
        assert secret not in trail, secret
    update = AuditEvent.objects.get(action="registry.house.update")
    assert update.changes == {"building": "changed"}
