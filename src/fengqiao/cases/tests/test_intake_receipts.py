"""Intake's idempotency keys in `core.idempotency` receipts (scope "cases.intake"), and migration
0007 carrying the keys stored on case rows over, so a retry sent before the move still replays."""

from __future__ import annotations

import datetime as dt
import importlib

from django.apps import apps

from fengqiao.cases.models import Case
from fengqiao.cases.services.intake import IDEMPOTENCY_SCOPE
from fengqiao.cases.tests.apitools import CASES, client_for, intake_body
from fengqiao.cases.tests.conftest import make_case
from fengqiao.core.models import IdempotencyReceipt

migration = importlib.import_module("fengqiao.cases.migrations.0007_intake_keys_to_idempotency_receipts")


def test_a_keyed_intake_writes_one_receipt_pointing_at_its_case(frozen, clerk):
    case = make_case(clerk, idempotency_key="k-1")
    receipt = IdempotencyReceipt.objects.get()
    assert (receipt.user, receipt.scope, receipt.key, receipt.object_id) == (
        clerk,
        IDEMPOTENCY_SCOPE,
        "k-1",
        str(case.pk),
    )
    # The case row no longer carries the key.
    assert case.idempotency_key == "" and case.request_hash == ""


def _to_legacy(case: Case, owner: str, key: str) -> None:
    """What intake stored before receipts: the key on the case, scoped by its user."""
    receipt = IdempotencyReceipt.objects.get(object_id=str(case.pk), scope=IDEMPOTENCY_SCOPE)
    Case.objects.filter(pk=case.pk).update(idempotency_key=f"{owner}:{key}", request_hash=receipt.fingerprint)
    IdempotencyReceipt.objects.all().delete()


def test_keys_stored_on_cases_before_the_move_still_replay_and_conflict(frozen, town, clerk):
    client = client_for(clerk)
    first = client.post(CASES, intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-old")
    case = Case.objects.get(pk=first.json()["id"])
    _to_legacy(case, str(clerk.pk), "k-old")

    migration.keys_to_receipts(apps, None)
    frozen.shift(dt.timedelta(minutes=1))  # the API tells a replay by the case being older

    again = client.post(CASES, intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-old")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    other = client.post(CASES, intake_body(title="另一件事"), format="json", HTTP_IDEMPOTENCY_KEY="k-old")
    assert other.status_code == 422 and other.json()["code"] == "idempotency_conflict"
    assert Case.objects.count() == 1


def test_the_migration_skips_marks_that_are_not_intake_keys_and_keeps_the_public(frozen, town, clerk):
    public = make_case(None, idempotency_key="p-1", point=None, town=town.town)
    _to_legacy(public, "public", "p-1")
    marked = make_case(clerk)
    Case.objects.filter(pk=marked.pk).update(idempotency_key="demo-mediation-1", request_hash="")
    gone = make_case(clerk)
    Case.objects.filter(pk=gone.pk).update(idempotency_key="999999:k-9", request_hash="f" * 64)

    migration.keys_to_receipts(apps, None)
    migration.keys_to_receipts(apps, None)  # twice: nothing doubles

    receipt = IdempotencyReceipt.objects.get()
    assert (receipt.user, receipt.key, receipt.object_id) == (None, "p-1", str(public.pk))
    assert make_case(None, idempotency_key="p-1", point=None, town=town.town).pk == public.pk
