"""Review 2 #8: a patrol finding's Idempotency-Key stands for the finding as sent (kind, category,
title, description, point): the same key with other content is a 422, not a replay. Receipts
carried over by migration 0006 hold only `{"patrol": id}` and keep replaying on their patrol."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType

from fengqiao.cases.models import Case, Category
from fengqiao.core.idempotency import fingerprint
from fengqiao.core.models import IdempotencyReceipt
from fengqiao.registry import services
from fengqiao.registry.models import Patrol, PatrolFinding
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db

BODY = {"kind": "hazard", "title": "井盖缺失", "description": "东沟村口", "lon": 106.805, "lat": 35.505}


def _start(api, town):
    return api.post("/api/v1/registry/patrols/", {"grid": town.grid_a.pk}, format="json").json()["id"]


def _find(api, pk, body, key="k-1"):
    return api.post(f"/api/v1/registry/patrols/{pk}/findings/", body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.mark.parametrize(
    "change",
    [
        {"title": "路灯不亮"},
        {"kind": "dispute"},
        {"description": "西沟村口"},
        {"lon": 106.9},
        {"lat": None, "lon": None},
        {"category": "lamp"},
    ],
)
def test_the_same_key_with_other_content_is_422(town, worker_a, change):
    lamp = Category.objects.create(kind="hazard", name="路灯损坏")
    if change.get("category") == "lamp":
        change = {"category": lamp.pk}
    api = builders.api_client(worker_a)
    pk = _start(api, town)
    first = _find(api, pk, BODY)
    assert first.status_code == 201
    refused = _find(api, pk, {**BODY, **change})
    assert refused.status_code == 422, refused.json()
    assert Case.objects.count() == 1


def test_the_same_content_replays_whatever_at_and_number_form(town, worker_a):
    api = builders.api_client(worker_a)
    pk = _start(api, town)
    first = _find(api, pk, BODY)
    again = _find(api, pk, {**BODY, "lon": "106.805", "title": " 井盖缺失 ", "at": None})
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.json()["case"] == first.json()["case"] and Case.objects.count() == 1


def test_the_key_on_another_patrol_is_still_422(town, worker_a):
    api = builders.api_client(worker_a)
    pk = _start(api, town)
    assert _find(api, pk, BODY).status_code == 201
    api.post(f"/api/v1/registry/patrols/{pk}/end/")
    other = _start(api, town)
    assert _find(api, other, BODY).status_code == 422


def test_a_key_stored_by_the_migration_still_replays(town, worker_a):
    """Migration 0006 wrote `{"patrol": id}` receipts: no content to compare, so they replay."""
    api = builders.api_client(worker_a)
    pk = _start(api, town)
    first = services.report_patrol_finding(
        Patrol.objects.get(pk=pk), by=worker_a, kind="hazard", title="井盖缺失"
    )
    IdempotencyReceipt.objects.create(
        user=worker_a,
        scope=services.SCOPE_PATROL_FINDING,
        key="old-1",
        fingerprint=fingerprint({"patrol": pk}),
        content_type=ContentType.objects.get_for_model(PatrolFinding),
        object_id=str(first.pk),
    )
    replayed = _find(api, pk, {**BODY, "title": "另一个标题"}, key="old-1")
    assert replayed.status_code == 201 and replayed["Idempotent-Replayed"] == "true"
    assert replayed.json()["case"] == first.case_id and Case.objects.count() == 1
