"""Findings' idempotency keys in `core.idempotency` receipts (scope "surveillance.finding"): the
same report again is the first finding, another report with the key a 422, and keys stored on the
case before the move (migration 0002) still replay."""

from __future__ import annotations

import importlib

from django.apps import apps

from fengqiao.cases.models import Case
from fengqiao.core.models import IdempotencyReceipt
from fengqiao.surveillance.models import VideoFinding
from fengqiao.surveillance.services import FINDING_SCOPE
from fengqiao.testing.builders import api_client

migration = importlib.import_module(
    "fengqiao.surveillance.migrations.0002_finding_keys_to_idempotency_receipts"
)
BODY = {"title": "路口积水", "description": "监控发现", "kind": "hazard", "urgency": "urgent"}


def _url(camera):
    return f"/api/v1/cameras/{camera.pk}/findings/"


def test_a_keyed_finding_writes_one_receipt_pointing_at_the_finding(worker_a, camera_a):
    response = api_client(worker_a).post(_url(camera_a), BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert response.status_code == 201, response.content
    receipt = IdempotencyReceipt.objects.get()
    assert (receipt.user, receipt.scope, receipt.key) == (worker_a, FINDING_SCOPE, "k-1")
    assert receipt.object_id == str(VideoFinding.objects.get().pk)


def test_another_report_with_the_same_key_is_a_422_and_writes_nothing(worker_a, camera_a):
    client = api_client(worker_a)
    client.post(_url(camera_a), BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    changed = {**BODY, "title": "另一件"}
    other = client.post(_url(camera_a), changed, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_conflict"
    assert Case.objects.count() == 1 and VideoFinding.objects.count() == 1


def test_the_same_report_about_another_camera_is_another_request(clerk, camera_a, camera_b):
    client = api_client(clerk)
    client.post(_url(camera_a), BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = client.post(_url(camera_b), BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert VideoFinding.objects.count() == 1


def test_a_key_of_the_case_api_is_not_a_findings_key(worker_a, camera_a):
    # Receipts are per scope: the phone's intake outbox and the finding form may draw the same key.
    client = api_client(worker_a)
    intake = {"kind": "hazard", "channel": "patrol", "title": "井盖缺失", "lon": 106.805, "lat": 35.505}
    assert client.post("/api/v1/cases/", intake, format="json", HTTP_IDEMPOTENCY_KEY="k-1").status_code == 201
    finding = client.post(_url(camera_a), BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert finding.status_code == 201 and Case.objects.count() == 2


def test_keys_stored_on_the_case_before_the_move_still_replay_and_conflict(worker_a, camera_a):
    client = api_client(worker_a)
    first = client.post(_url(camera_a), BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-old")
    finding = VideoFinding.objects.get()
    # What the finding stored before receipts: the key on its case, in intake's namespace.
    Case.objects.filter(pk=finding.case_id).update(
        idempotency_key=f"{worker_a.pk}:k-old", request_hash="0" * 64
    )
    IdempotencyReceipt.objects.all().delete()

    migration.finding_keys_to_receipts(apps, None)
    migration.finding_keys_to_receipts(apps, None)  # twice: nothing doubles

    assert IdempotencyReceipt.objects.get().scope == FINDING_SCOPE
    again = client.post(_url(camera_a), BODY, format="json", HTTP_IDEMPOTENCY_KEY="k-old")
    assert again.status_code == 201 and again.json() == first.json()
    changed = {**BODY, "title": "别的"}
    other = client.post(_url(camera_a), changed, format="json", HTTP_IDEMPOTENCY_KEY="k-old")
    assert other.status_code == 422
    assert Case.objects.count() == 1 and VideoFinding.objects.count() == 1
