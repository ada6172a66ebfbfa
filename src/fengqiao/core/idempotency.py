"""Idempotent creation (幂等): a request sent again with the same `Idempotency-Key` gets the first
answer instead of creating a second object.

    case, created = idempotency.once(
        by=user, scope="cases.intake", key=key, body=normalised_fields,
        create=lambda: _insert_case(...), conflict=lambda: CaseError(..., http_status=422),
    )

One `IdempotencyReceipt` per (user, scope, key) holds a fingerprint of the body and a reference to
what the first request created:

* no key: `create()` runs, nothing is kept;
* a new key: the receipt is inserted first, then `create()` runs, then the receipt points at the
  result, all in one savepoint (a refused `create()` leaves no receipt behind);
* the same key and the same body: the first object, `created=False`;
* the same key and another body: `conflict()` is raised (callers answer 422);
* the same key at the same moment (PostgreSQL): the second insert waits on the unique index until
  the first request commits, then fails, and answers as a replay; if the first rolls back, the
  second goes ahead. SQLite serialises writers at BEGIN, so there is no race to lose.

The body is what the caller normalised from the request (ids, not objects): the same request
must give the same fingerprint, whatever the order of its fields.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from fengqiao.core.exceptions import DomainError
from fengqiao.core.models import IdempotencyReceipt

T = TypeVar("T", bound=models.Model)
#: Other forms of the same request: bodies, or a function of the first object giving them.
AlsoMatches = Iterable[Mapping[str, Any]] | Callable[[Any], Iterable[Mapping[str, Any]]]

#: Longest stored key (the APIs accept 100 characters; longer keys are cut, as they always were).
KEY_MAX = 200


class IdempotencyConflict(DomainError):
    """The key was used before with another body (422)."""

    http_status = 422
    code = "idempotency_conflict"


def fingerprint(body: Mapping[str, Any]) -> str:
    """The SHA-256 of the body as canonical JSON (sorted keys; dates and the like as text)."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def _principal(by: Any) -> Any:
    return by if getattr(by, "is_authenticated", False) and getattr(by, "pk", None) is not None else None


def _find(principal: Any, scope: str, key: str) -> IdempotencyReceipt | None:
    owner = {"user__isnull": True} if principal is None else {"user": principal}
    receipts = IdempotencyReceipt.objects.filter(scope=scope, key=key, **owner)
    return receipts.select_related("content_type").first()


def _target(receipt: IdempotencyReceipt) -> Any:
    """What the receipt points at, or None when it is gone (or was never linked)."""
    if receipt.content_type is None or not receipt.object_id:
        return None
    model = receipt.content_type.model_class()
    if model is None:
        return None
    return model._default_manager.filter(pk=receipt.object_id).first()


def _replay(
    receipt: IdempotencyReceipt,
    digests: set[str],
    conflict: Callable[[], Exception],
    also_matches: AlsoMatches,
) -> Any:
    target = _target(receipt)
    if target is None or receipt.fingerprint in digests:
        return target  # None: what the key made is gone, whatever the body was
    older = also_matches(target) if callable(also_matches) else ()
    if receipt.fingerprint in {fingerprint(other) for other in older}:
        return target
    raise conflict()


def _default_conflict() -> Exception:
    return IdempotencyConflict(_("This idempotency key was already used for a different request."))


def once(
    *,
    by: Any,
    scope: str,
    key: str | None,
    body: Mapping[str, Any],
    create: Callable[[], T],
    conflict: Callable[[], Exception] = _default_conflict,
    also_matches: AlsoMatches = (),
) -> tuple[T, bool]:
    """`create()` once per (user, scope, key): (the object, True) the first time, (the first
    object, False) on a replay with the same body; `conflict()` raised for another body.

    `also_matches`: other forms of the same request whose fingerprints count as the same body
    (receipts stored under an older way of normalising it); a function of the first object when
    the old form depends on it (e.g. a time the server filled in).
    """
    if not key:
        return create(), True
    key = key[:KEY_MAX]
    principal = _principal(by)
    digest = fingerprint(body)
    digests = {digest}
    if not callable(also_matches):
        digests |= {fingerprint(other) for other in also_matches}
    existing = _find(principal, scope, key)
    if existing is not None:
        found = _replay(existing, digests, conflict, also_matches)
        if found is not None:
            return found, False
        # What the key created is gone: the key is free again, as it was before receipts.
        existing.delete()
    with transaction.atomic():
        try:
            with transaction.atomic():
                receipt = IdempotencyReceipt.objects.create(
                    user=principal, scope=scope, key=key, fingerprint=digest
                )
        except IntegrityError:
            # A concurrent request with this key committed while this one waited on the index.
            winner = _find(principal, scope, key)
            found = _replay(winner, digests, conflict, also_matches) if winner is not None else None
            if found is None:
                raise
            return found, False
        obj = create()
        receipt.content_type = ContentType.objects.get_for_model(obj)
        receipt.object_id = str(obj.pk)
        receipt.save(update_fields=["content_type", "object_id"])
    return obj, True
