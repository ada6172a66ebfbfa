"""Visits: the to-do list turns yellow then red (frozen time); a visit sent three times is one."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from fengqiao.registry import sla
from fengqiao.registry.models import KeyPerson, Visit, VisitState
from fengqiao.registry.tests.factories import make_key_person, make_person
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def _visit_steps(result):
    return {key: result[key] for key in ("visits_warned", "visits_overdue")}


def test_a_due_visit_turns_yellow_then_red(client, town, worker_a):
    with time_machine.travel(START, tick=False):
        key_person = make_key_person(make_person(town.grid_a, 21), "left_behind_child", visit_every_days=9)
    assert key_person.next_visit_due_at == START + dt.timedelta(days=9)
    assert key_person.visit_warn_at == START + dt.timedelta(days=6)

    with time_machine.travel(START + dt.timedelta(days=5), tick=False):
        client.force_login(worker_a)  # sessions expire: log in at each frozen moment
        assert _visit_steps(sla.sweep()) == {"visits_warned": 0, "visits_overdue": 0}
        assert f'data-pk="{key_person.pk}"' not in client.get(reverse("registry:todo")).content.decode()

    with time_machine.travel(START + dt.timedelta(days=6, minutes=1), tick=False):
        client.force_login(worker_a)
        assert _visit_steps(sla.sweep()) == {"visits_warned": 1, "visits_overdue": 0}
        assert _visit_steps(sla.sweep()) == {"visits_warned": 0, "visits_overdue": 0}  # flipped once only
        body = client.get(reverse("registry:todo")).content.decode()
        assert f'class="table-warning" data-state="warning" data-pk="{key_person.pk}"' in body

    with time_machine.travel(START + dt.timedelta(days=9, minutes=1), tick=False):
        client.force_login(worker_a)
        assert _visit_steps(sla.sweep()) == {"visits_warned": 0, "visits_overdue": 1}
        body = client.get(reverse("registry:todo")).content.decode()
        assert f'class="table-danger" data-state="overdue" data-pk="{key_person.pk}"' in body
        todo = builders.api_client(worker_a).get("/api/v1/registry/todo/").json()
        assert [(row["id"], row["visit_state"], row["visit_state_now"]) for row in todo] == [
            (key_person.pk, "overdue", "overdue")
        ]

        # A visit puts the clock back to green and takes the person off the list.
        client.post(reverse("registry:visit_create", args=[key_person.pk]), {"note": "已走访"})
        key_person.refresh_from_db()
        assert key_person.visit_state == VisitState.OK
        assert key_person.next_visit_due_at == timezone.now() + dt.timedelta(days=9)
        assert f'data-pk="{key_person.pk}"' not in client.get(reverse("registry:todo")).content.decode()


def test_a_visit_sent_three_times_is_one_visit(worker_a, data):
    api = builders.api_client(worker_a)
    key = str(uuid.uuid4())
    body = {"key_person": data.elderly_a.pk, "note": "离线时记录", "at": "2026-11-02T10:00:00+08:00"}
    answers = [
        api.post("/api/v1/registry/visits/", body, format="json", HTTP_IDEMPOTENCY_KEY=key) for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [201, 201, 201]
    assert [a.headers.get("Idempotent-Replayed") for a in answers] == [None, "true", "true"]
    assert len({a.json()["id"] for a in answers}) == 1
    assert Visit.objects.count() == 1
    conflict = api.post(
        "/api/v1/registry/visits/", {**body, "note": "别的"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert conflict.status_code == 422 and conflict.json()["code"] == "idempotency_conflict"
    assert Visit.objects.count() == 1


def test_a_retry_without_at_is_the_same_visit(worker_a, data):
    """The server fills `at` with now; the retry is compared as sent, so it is no conflict."""
    api = builders.api_client(worker_a)
    key = str(uuid.uuid4())
    body = {"key_person": data.elderly_a.pk, "note": "离线时记录"}
    first = api.post("/api/v1/registry/visits/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=5)):
        again = api.post("/api/v1/registry/visits/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Visit.objects.count() == 1
    other = api.post(
        "/api/v1/registry/visits/", {**body, "note": "别的"}, format="json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert other.status_code == 422 and Visit.objects.count() == 1


def test_another_user_with_the_same_key_gets_a_visit_of_their_own(town, worker_a, data):
    other = builders.make_user("worker_a2", "grid_worker", grids=[town.grid_a])
    body = {"key_person": data.elderly_a.pk, "at": "2026-11-02T10:00:00+08:00"}
    for user in (worker_a, other):
        answer = builders.api_client(user).post(
            "/api/v1/registry/visits/", body, format="json", HTTP_IDEMPOTENCY_KEY="k1"
        )
        assert answer.status_code == 201
    assert Visit.objects.count() == 2


def test_an_older_visit_sent_late_does_not_move_the_clock_back(worker_a, data):
    api = builders.api_client(worker_a)
    api.post("/api/v1/registry/visits/", {"key_person": data.elderly_a.pk}, format="json")
    due = KeyPerson.objects.get(pk=data.elderly_a.pk).next_visit_due_at
    api.post(
        "/api/v1/registry/visits/",
        {"key_person": data.elderly_a.pk, "at": "2026-01-01T10:00:00+08:00"},
        format="json",
    )
    assert KeyPerson.objects.get(pk=data.elderly_a.pk).next_visit_due_at == due
    assert Visit.objects.count() == 2


def test_the_to_do_list_is_right_even_when_no_sweep_ran(client, town, worker_a):
    with time_machine.travel(START, tick=False):
        key_person = make_key_person(make_person(town.grid_a, 22), "key_youth", visit_every_days=30)
    with time_machine.travel(START + dt.timedelta(days=31), tick=False):
        client.force_login(worker_a)
        body = client.get(reverse("registry:todo")).content.decode()
        assert f'class="table-danger" data-state="overdue" data-pk="{key_person.pk}"' in body
        assert KeyPerson.objects.get(pk=key_person.pk).visit_state == VisitState.OK  # not swept


def test_the_key_person_list_filters_on_under_care_as_the_field_page_asks(town, worker_a):
    cared = make_key_person(make_person(town.grid_a, 61), "left_behind_child")
    make_key_person(make_person(town.grid_a, 62), "left_behind_child", active=False)
    body = builders.api_client(worker_a).get("/api/v1/registry/key-persons/?limit=500&active=true").json()
    assert [row["id"] for row in body["results"]] == [cared.pk]
