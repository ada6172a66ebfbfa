"""The visit clock of key persons (走访提醒): when the next visit is due, and the sweep.

A key person's next visit is due `visit_every_days` after the last visit (or after being put
under care). From `visit_warn_at` (a few days before it) the visit is on the grid worker's
to-do list in yellow (`warning`, "due"); once `next_visit_due_at` has passed without a visit it
turns red (`overdue`, "missed"). Both moments are stored on the row; `sweep(now)` flips states
with conditional updates, so two sweepers never flip a row twice and a stopped sweeper loses
nothing. The states are also correct between sweeps: `state_at` computes them from the row.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from fengqiao.registry.models import KeyPerson, VisitState

#: Days before the due date a visit shows on the to-do list: a third of the rhythm, 1 to 3 days.
MAX_WARN_DAYS = 3


def warn_window(every_days: int) -> dt.timedelta:
    return dt.timedelta(days=max(1, min(MAX_WARN_DAYS, every_days // 3)))


def state_at(due: dt.datetime | None, warn: dt.datetime | None, now: dt.datetime) -> str:
    if due is not None and now >= due:
        return VisitState.OVERDUE
    if warn is not None and now >= warn:
        return VisitState.WARNING
    return VisitState.OK


def schedule(key_person: KeyPerson, *, since: dt.datetime, now: dt.datetime | None = None) -> None:
    """Set the next due time, the reminder time and the state from `since` (last visit or start)."""
    now = now or timezone.now()
    due = since + dt.timedelta(days=key_person.visit_every_days)
    key_person.next_visit_due_at = due
    key_person.visit_warn_at = due - warn_window(key_person.visit_every_days)
    key_person.visit_state = state_at(due, key_person.visit_warn_at, now)


def sweep(now: dt.datetime | None = None) -> dict[str, Any]:
    """Turn due visits yellow and missed visits red; returns how many rows each step flipped."""
    now = now or timezone.now()
    active = KeyPerson.objects.filter(active=True)
    overdue = active.filter(
        visit_state__in=[VisitState.OK, VisitState.WARNING], next_visit_due_at__lte=now
    ).update(visit_state=VisitState.OVERDUE)
    warned = active.filter(visit_state=VisitState.OK, visit_warn_at__lte=now).update(
        visit_state=VisitState.WARNING
    )
    return {"visits_warned": warned, "visits_overdue": overdue}
