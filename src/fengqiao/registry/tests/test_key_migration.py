"""Migrations registry 0006 and field 0002: the keys kept on visits, patrols, check-ins, findings
and `PhotoUpload` rows become `core.IdempotencyReceipt`s, so a request sent before the move and
sent again after it answers its first result (and another body is still a 422)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from fengqiao.cases.models import Attachment
from fengqiao.cases.services import create_case
from fengqiao.core.models import IdempotencyReceipt
from fengqiao.field.tests.conftest import logged_in
from fengqiao.field.tests.test_photos import _jpeg
from fengqiao.registry.tests.factories import make_key_person, make_person
from fengqiao.testing import builders

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("migrations")]

BEFORE = [("registry", "0005_wipe_finished_import_files"), ("field", "0001_initial")]
AFTER = [
    ("registry", "0006_keys_to_idempotency_receipts"),
    ("field", "0002_photo_receipts_to_idempotency_receipts"),
]


def _digest(body):
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _latest():
    """The newest migration of registry and field: today's code runs on it (and later tests)."""
    graph = MigrationExecutor(connection).loader.graph
    return [node for node in graph.leaf_nodes() if node[0] in ("registry", "field")]


def test_keys_kept_on_rows_replay_after_the_move(town, worker_a):
    key_person = make_key_person(make_person(town.grid_a, 61), "left_behind_elderly")
    case = create_case(by=worker_a, kind="hazard", channel="patrol", title="路灯不亮", grid=town.grid_a)
    attachment = Attachment.objects.create(
        case=case,
        file="cases/x.jpg",
        original_name="x.jpg",
        content_type="image/jpeg",
        size=3,
        sha256="0" * 64,
        uploaded_by=worker_a,
    )
    old = _migrate(BEFORE)
    uid = worker_a.pk
    at = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    visit_body = {
        "key_person": key_person.pk,
        "household": None,
        "at": None,
        "note": "走访",
        "lon": None,
        "lat": None,
    }
    Visit = old.get_model("registry", "Visit")
    visit = Visit.objects.create(
        key_person_id=key_person.pk,
        grid_id=town.grid_a.pk,
        by_id=uid,
        at=at,
        note="走访",
        idempotency_key=f"{uid}:v-1",
        # Stored before bodies were compared as sent: the filled-in time was hashed.
        request_hash=_digest({**visit_body, "at": at.isoformat()}),
    )
    Patrol = old.get_model("registry", "Patrol")
    start_body = {"grid": town.grid_a.pk, "note": "", "started_at": None}
    patrol = Patrol.objects.create(
        worker_id=uid,
        grid_id=town.grid_a.pk,
        started_at=timezone.now() - dt.timedelta(hours=1),
        status="ended",
        ended_at=timezone.now(),
        idempotency_key=f"{uid}:p-1",
        request_hash=_digest(start_body),
        end_idempotency_key=f"{uid}:e-1",
    )
    checkin_body = {"patrol": patrol.pk, "lon": 106.805, "lat": 35.505, "note": "", "at": None}
    checkin = old.get_model("registry", "PatrolCheckin").objects.create(
        patrol_id=patrol.pk,
        lon=106.805,
        lat=35.505,
        at=timezone.now() - dt.timedelta(minutes=30),
        idempotency_key=f"{uid}:c-1",
        request_hash=_digest(checkin_body),
    )
    finding = old.get_model("registry", "PatrolFinding").objects.create(
        patrol_id=patrol.pk, case_id=case.pk, at=timezone.now(), idempotency_key=f"{uid}:f-1"
    )
    old.get_model("field", "PhotoUpload").objects.create(user_id=uid, key="ph-1", attachment_id=attachment.pk)

    _migrate(AFTER)
    _migrate(_latest())

    assert IdempotencyReceipt.objects.filter(user=worker_a, scope__startswith="registry.").count() == 5
    api = builders.api_client(worker_a)
    base = "/api/v1/registry"
    replayed = api.post(
        f"{base}/visits/",
        {"key_person": key_person.pk, "note": "走访"},
        format="json",
        headers={"Idempotency-Key": "v-1"},
    )
    assert replayed.status_code == 201 and replayed.json()["id"] == visit.pk
    assert replayed["Idempotent-Replayed"] == "true"
    other = api.post(
        f"{base}/visits/",
        {"key_person": key_person.pk, "note": "另一次"},
        format="json",
        headers={"Idempotency-Key": "v-1"},
    )
    assert other.status_code == 422
    started = api.post(
        f"{base}/patrols/", {"grid": town.grid_a.pk}, format="json", headers={"Idempotency-Key": "p-1"}
    )
    assert started.json()["id"] == patrol.pk and started["Idempotent-Replayed"] == "true"
    assert [p["id"] for p in api.get(f"{base}/patrols/", {"key": "p-1"}).json()["results"]] == [patrol.pk]
    checked = api.post(
        f"{base}/patrols/{patrol.pk}/checkins/",
        {"lon": 106.805, "lat": 35.505},
        format="json",
        headers={"Idempotency-Key": "c-1"},
    )
    assert checked.json()["id"] == checkin.pk and checked["Idempotent-Replayed"] == "true"
    ended = api.post(
        f"{base}/patrols/{patrol.pk}/end/", {}, format="json", headers={"Idempotency-Key": "e-1"}
    )
    assert ended.status_code in (200, 201) and ended["Idempotent-Replayed"] == "true"
    found = api.post(
        f"{base}/patrols/{patrol.pk}/findings/",
        {"kind": "hazard", "title": "路灯不亮", "lon": "106.805", "lat": "35.505"},
        format="json",
        headers={"Idempotency-Key": "f-1"},
    )
    assert found["Idempotent-Replayed"] == "true" and found.json()["case"] == finding.case_id
    photo = logged_in(worker_a).post(
        f"/field/api/cases/{case.pk}/photos/", {"file": _jpeg()}, headers={"Idempotency-Key": "ph-1"}
    )
    assert photo.status_code == 200 and photo.json()["id"] == attachment.pk
    assert Attachment.objects.filter(case=case).count() == 1
