"""Review 2 #4: a sensitive key person whom nobody's to-do list carries (no controller or case
owner who keeps their grid's to-do: an old record, a keeper deactivated or gone from the grid)
is found by the clocks sweep, which tells the town's leaders and clerks who see sensitive
categories once (cleared when a keeper is named); the key-person list filters them out."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from fengqiao.cases.models import Notification
from fengqiao.registry import services, sla
from fengqiao.registry.models import KeyPerson
from fengqiao.registry.tests.factories import make_key_person, make_person
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def center(town):
    """The town's staff who see sensitive categories (told), and a clerk who does not (not told)."""
    return {
        "leader": builders.make_user("leader_vs", "town_leader", regions=[town.town], view_sensitive=True),
        "clerk": builders.make_user("clerk_vs", "clerk", regions=[town.town], view_sensitive=True),
        "plain_clerk": builders.make_user("clerk_plain", "clerk", regions=[town.town]),
    }


def _notices(user):
    return list(Notification.objects.filter(user=user).order_by("id"))


def test_an_old_orphan_is_told_once_to_the_center(town, center, worker_a):
    with time_machine.travel(START, tick=False):
        orphan = make_key_person(make_person(town.grid_a, 41, name="孙小明"), "community_correction")
        kept = make_key_person(make_person(town.grid_a, 42), "drug_rehabilitation", controller=worker_a)
        make_key_person(make_person(town.grid_a, 43), "left_behind_elderly")  # plain: needs no keeper
        gone = make_key_person(make_person(town.grid_a, 44), "released_prisoner", active=False)
        result = sla.sweep()
    assert result["keepers_missing"] == 1 and result["keepers_missing_told"] == 1
    orphan.refresh_from_db()
    assert orphan.keeper_missing_noticed_at == START
    for user in (center["leader"], center["clerk"]):
        [notice] = _notices(user)
        assert str(orphan.pk) in notice.text and town.grid_a.name in notice.text
        assert "孙小明" not in notice.text and notice.case_id is None
    assert _notices(center["plain_clerk"]) == [] and _notices(worker_a) == []
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        again = sla.sweep()
    assert again["keepers_missing"] == 1 and again["keepers_missing_told"] == 0
    assert len(_notices(center["leader"])) == 1  # once only
    kept.refresh_from_db()
    gone.refresh_from_db()
    assert kept.keeper_missing_noticed_at is None and gone.keeper_missing_noticed_at is None


def test_a_deactivated_keeper_is_told_and_naming_one_clears_it(town, center, worker_a):
    admin = builders.make_user("admin_kp", "administrator", regions=[town.town])
    with time_machine.travel(START, tick=False):
        key_person = services.save_key_person(
            None,
            by=admin,
            person=make_person(town.grid_a, 45),
            category="community_correction",
            controller=worker_a,
        )
        assert sla.sweep()["keepers_missing"] == 0
    worker_a.is_active = False
    worker_a.save(update_fields=["is_active"])
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        assert sla.sweep()["keepers_missing_told"] == 1
    assert len(_notices(center["leader"])) == 1
    worker_c = builders.make_user("worker_c", "grid_worker", grids=[town.grid_a])
    services.save_key_person(KeyPerson.objects.get(pk=key_person.pk), by=admin, controller=worker_c)
    assert KeyPerson.objects.get(pk=key_person.pk).keeper_missing_noticed_at is None
    with time_machine.travel(START + dt.timedelta(days=2), tick=False):
        assert sla.sweep()["keepers_missing"] == 0
    # the new keeper leaves the grid: told again, once
    worker_c.grids.set([town.grid_b])
    with time_machine.travel(START + dt.timedelta(days=3), tick=False):
        assert sla.sweep()["keepers_missing_told"] == 1
        assert sla.sweep()["keepers_missing_told"] == 0
    assert len(_notices(center["leader"])) == 2
    assert KeyPerson.objects.get(pk=key_person.pk).keeper_missing_noticed_at == START + dt.timedelta(days=3)


def test_the_sweep_clears_the_notice_once_a_keeper_is_back(town, center, worker_a):
    with time_machine.travel(START, tick=False):
        orphan = make_key_person(make_person(town.grid_a, 46), "drug_rehabilitation")
        sla.sweep()
    KeyPerson.objects.filter(pk=orphan.pk).update(case_owner=worker_a)  # e.g. by the import
    with time_machine.travel(START + dt.timedelta(hours=1), tick=False):
        assert sla.sweep()["keepers_missing_cleared"] == 1
    assert KeyPerson.objects.get(pk=orphan.pk).keeper_missing_noticed_at is None


def test_the_checkclocks_command_tells_once(town, center):
    from django.core.management import call_command

    make_key_person(make_person(town.grid_a, 47), "community_correction")
    call_command("checkclocks")
    call_command("checkclocks")
    mine = [n for n in _notices(center["clerk"]) if n.verb == Notification.Verb.OTHER]
    assert len(mine) == 1  # mediation's screening notices go out too: only this one counted


def test_the_list_filters_key_persons_without_a_keeper(client, town, center, worker_a):
    orphan = make_key_person(make_person(town.grid_a, 48, name="钱小红"), "community_correction")
    kept = make_key_person(
        make_person(town.grid_a, 49, name="周小兵"), "community_correction", controller=worker_a
    )
    plain = make_key_person(make_person(town.grid_a, 50), "left_behind_elderly")
    api = builders.api_client(center["leader"])
    rows = api.get("/api/v1/registry/key-persons/", {"without_keeper": "true"}).json()["results"]
    assert [row["id"] for row in rows] == [orphan.pk]
    others = api.get("/api/v1/registry/key-persons/", {"without_keeper": "false"}).json()["results"]
    assert {row["id"] for row in others} == {kept.pk, plain.pk}
    client.force_login(center["clerk"])
    page = client.get(reverse("registry:keyperson_list"), {"without_keeper": "true"}).content.decode()
    assert "钱小红" in page and "周小兵" not in page
    # what the viewer does not see stays unseen: the plain clerk sees no sensitive key person
    hidden = builders.api_client(center["plain_clerk"]).get(
        "/api/v1/registry/key-persons/", {"without_keeper": "true"}
    )
    assert hidden.json()["results"] == []
