"""Idempotent creation (`core.idempotency.once`): one object per (user, scope, key), the first
answer again for the same body, a 422 for another body, and one object when the same key arrives
at once (the thread tests need PostgreSQL)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from fengqiao.core import idempotency
from fengqiao.core.exceptions import DomainError
from fengqiao.core.models import IdempotencyReceipt, Sequence
from fengqiao.testing.concurrency import postgresql_only, run_at_once

BODY = {"title": "路口积水", "grid": 3, "lon": 106.805}


class Made:
    """Creates a fresh object per call (a `Sequence` row: any model would do) and counts calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self) -> Sequence:
        self.calls += 1
        return Sequence.objects.create(scope=f"made-{Sequence.objects.count()}-{self.calls}", year=2026)


def _once(by: Any, key: str | None, body: dict[str, Any] = BODY, scope: str = "test.create", **kwargs: Any):
    create = kwargs.pop("create", None) or Made()
    return idempotency.once(by=by, scope=scope, key=key, body=body, create=create, **kwargs)


def test_without_a_key_every_request_creates(db, clerk):
    made = Made()
    first, created_first = _once(clerk, None, create=made)
    second, created_second = _once(clerk, "", create=made)
    assert first.pk != second.pk and created_first and created_second
    assert made.calls == 2 and not IdempotencyReceipt.objects.exists()


def test_the_same_key_and_body_answers_the_first_object(db, clerk):
    made = Made()
    results = [_once(clerk, "k-1", create=made) for _ in range(3)]
    assert [created for _obj, created in results] == [True, False, False]
    assert len({obj.pk for obj, _created in results}) == 1
    assert made.calls == 1
    receipt = IdempotencyReceipt.objects.get()
    assert (receipt.user, receipt.scope, receipt.key) == (clerk, "test.create", "k-1")
    assert receipt.object_id == str(results[0][0].pk) and receipt.fingerprint == idempotency.fingerprint(BODY)


def test_the_order_of_the_fields_does_not_matter(db, clerk):
    first, _ = _once(clerk, "k-1")
    again, created = _once(clerk, "k-1", body=dict(reversed(list(BODY.items()))))
    assert again.pk == first.pk and not created


def test_the_same_key_with_another_body_is_a_422_conflict(db, clerk):
    _once(clerk, "k-1")
    with pytest.raises(idempotency.IdempotencyConflict) as error:
        _once(clerk, "k-1", body={**BODY, "title": "另一件事"})
    assert error.value.http_status == 422 and error.value.code == "idempotency_conflict"


def test_the_caller_chooses_the_conflict_error(db, clerk):
    class Mine(DomainError):
        http_status = 422

    _once(clerk, "k-1")
    with pytest.raises(Mine):
        _once(clerk, "k-1", body={}, conflict=lambda: Mine("no"))


def test_other_forms_of_the_body_may_count_as_the_same(db, clerk):
    old_form = {**BODY, "at": None}
    first, _ = _once(clerk, "k-1", body=old_form)
    again, created = _once(clerk, "k-1", body=BODY, also_matches=[old_form])
    assert again.pk == first.pk and not created


def test_the_other_forms_may_depend_on_the_first_object(db, clerk):
    # E.g. an old receipt that hashed a time the server filled in: known only from the object.
    first, _ = _once(clerk, "k-1", body={**BODY, "made": "made-0-1"})
    again, created = _once(clerk, "k-1", body=BODY, also_matches=lambda obj: [{**BODY, "made": obj.scope}])
    assert again.pk == first.pk and not created
    with pytest.raises(idempotency.IdempotencyConflict):
        _once(clerk, "k-1", body=BODY, also_matches=lambda obj: [{**BODY, "made": "other"}])


def test_keys_belong_to_their_user_and_scope(db, clerk, worker_a):
    mine, _ = _once(clerk, "k-1")
    theirs, _ = _once(worker_a, "k-1")
    other_scope, _ = _once(clerk, "k-1", scope="test.other")
    assert len({mine.pk, theirs.pk, other_scope.pk}) == 3


def test_the_public_shares_one_namespace(db):
    first, _ = _once(None, "k-1")
    again, created = _once(AnonymousUser(), "k-1")
    assert again.pk == first.pk and not created
    assert IdempotencyReceipt.objects.get().user is None


def test_a_refused_create_leaves_no_receipt_and_the_key_free(db, clerk):
    def refuse() -> Sequence:
        raise DomainError("refused")

    with transaction.atomic():  # the caller's transaction goes on after the refusal
        with pytest.raises(DomainError):
            _once(clerk, "k-1", create=refuse)
        assert not IdempotencyReceipt.objects.exists()
        obj, created = _once(clerk, "k-1")
    assert created and IdempotencyReceipt.objects.get().object_id == str(obj.pk)


@pytest.mark.parametrize("body", [BODY, {"title": "另一件事"}], ids=["same body", "other body"])
def test_a_key_whose_object_is_gone_is_free_again(db, clerk, body):
    first, _ = _once(clerk, "k-1")
    first.delete()
    again, created = _once(clerk, "k-1", body=body)
    assert created and again.pk != first.pk
    assert IdempotencyReceipt.objects.get().object_id == str(again.pk)


def test_overlong_keys_are_cut_to_the_stored_length(db, clerk):
    first, _ = _once(clerk, "k" * 300)
    again, created = _once(clerk, "k" * 250)
    assert again.pk == first.pk and not created


# --- concurrency (PostgreSQL) ----------------------------------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_twenty_requests_with_one_key_at_once_create_one_object(clerk):
    made = Made()

    def work(_index: int) -> tuple[int, bool]:
        with transaction.atomic():
            obj, created = _once(clerk, "same", create=made)
            return obj.pk, created

    results = run_at_once(20, work)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({pk for pk, _created in results}) == 1
    assert sorted(created for _pk, created in results) == [False] * 19 + [True]
    assert made.calls == 1 and IdempotencyReceipt.objects.count() == 1


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_one_key_with_different_bodies_at_once_creates_one_and_refuses_the_others(clerk):
    def work(index: int) -> int:
        with transaction.atomic():
            obj, _created = _once(clerk, "same", body={**BODY, "title": f"第{index}件"})
            return obj.pk

    results = run_at_once(10, work)
    created = [r for r in results if isinstance(r, int)]
    conflicts = [r for r in results if isinstance(r, idempotency.IdempotencyConflict)]
    assert len(created) == 1 and len(conflicts) == 9, results
