"""The audit trail (审计): services call `record` inside their transaction.

Services never see the request, so "from where" comes from a context variable that
`AuditContextMiddleware` fills for the duration of each request (and that is empty for commands
and background tasks).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models

from fengqiao.core.models import AuditEvent


@dataclass(frozen=True)
class AuditContext:
    ip_address: str | None = None
    user_agent: str = ""


_NO_CONTEXT = AuditContext()
_context: contextvars.ContextVar[AuditContext] = contextvars.ContextVar(
    "audit_context",
    default=_NO_CONTEXT,
)


@contextmanager
def audit_context(ip_address: str | None, user_agent: str = "") -> Iterator[None]:
    token = _context.set(AuditContext(ip_address=ip_address, user_agent=user_agent[:300]))
    try:
        yield
    finally:
        _context.reset(token)


def record(
    action: str,
    *,
    by: Any,
    obj: models.Model | None = None,
    changes: dict[str, Any] | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
) -> AuditEvent:
    """Append one audit row. `action` is a dotted verb such as ``department.update``."""
    ctx = _context.get()
    actor = by if getattr(by, "is_authenticated", False) else None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        object_repr = object_repr or str(obj)[:200]
    return AuditEvent.objects.create(
        actor=actor,
        actor_name=(actor.get_username() if actor else (str(by) if by else "system"))[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        changes=changes or {},
        ip_address=ctx.ip_address,
        user_agent=ctx.user_agent,
    )


def diff(instance: models.Model, before: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """The fields whose values changed, as {field: [old, new]} with JSON-safe values."""
    changed: dict[str, Any] = {}
    for field in fields:
        old, new = before.get(field), getattr(instance, field)
        if old != new:
            changed[field] = [_jsonable(old), _jsonable(new)]
    return changed


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    return {field: getattr(instance, field) for field in fields}


def _jsonable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)
