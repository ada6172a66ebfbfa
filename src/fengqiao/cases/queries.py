"""Read helpers for case handling, always scoped (`visible_to`); 404 alike for missing and out of scope."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404

from fengqiao.accounts.models import Role
from fengqiao.cases.models import (
    CLOCK_STATUSES,
    Assignment,
    Case,
    CaseEvent,
    Notification,
    SLAState,
    Status,
    Supervision,
)
from fengqiao.core.scoping import get_for_user


def get_case_for_user(user: Any, pk: Any) -> Case:
    """The case if the user may see it; Http404 if it is missing or out of scope."""
    case: Case = get_for_user(Case.objects.select_related("town", "village", "grid", "category"), user, pk)
    return case


def get_assignment_for_user(user: Any, pk: Any) -> Assignment:
    """The assignment if the user may see it (their department's, or of a case they see); else 404."""
    assignment: Assignment = get_for_user(Assignment.objects.select_related("case", "department"), user, pk)
    return assignment


def get_supervision_for_user(user: Any, pk: Any) -> Supervision:
    supervision: Supervision = get_for_user(Supervision.objects.select_related("case"), user, pk)
    return supervision


def get_case_by_tracking_code(code: str) -> Case:
    """The case a member of the public follows by its tracking code (the portal); 404 otherwise."""
    code = (code or "").strip().upper()
    case = Case.objects.filter(tracking_code=code).first() if code else None
    if case is None:
        raise Http404
    return case


def department_inbox(user: Any) -> QuerySet[Assignment]:
    """The open assignments of the user's department, soonest deadline first."""
    if getattr(user, "role", None) != Role.DEPARTMENT_OFFICER or not getattr(user, "department_id", None):
        return Assignment.objects.none()
    return (
        Assignment.objects.visible_to(user)
        .open()
        .select_related("case", "department")
        .order_by("due_at", "id")
    )


def unread_count(user: Any) -> int:
    """The badge on the inbox: the user's unread notifications."""
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def inbox(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("case").order_by("-created_at", "-id")


@dataclass(frozen=True)
class RouteStep:
    """One step of the route map (流转轨迹): the event and the time since the previous step."""

    event: CaseEvent
    took: dt.timedelta | None


def route_map(case: Case) -> list[RouteStep]:
    """The case's timeline, oldest first, each step with how long it took since the one before."""
    events = list(
        CaseEvent.objects.filter(case=case)
        .select_related("actor", "assignment__department")
        .order_by("at", "id")
    )
    steps = []
    previous: dt.datetime | None = None
    for event in events:
        steps.append(RouteStep(event=event, took=event.at - previous if previous else None))
        previous = event.at
    return steps


# --- the dispatcher's queue (调度台) ---------------------------------------------------------------


def _bucket_q() -> dict[str, Q]:
    open_assignment = Exists(
        Assignment.objects.filter(case=OuterRef("pk"), status__in=Assignment.OPEN_STATUSES)
    )
    returned = Exists(Assignment.objects.filter(case=OuterRef("pk"), status=Assignment.Status.RETURNED))
    running = Q(status__in=CLOCK_STATUSES)
    return {
        "new": Q(status=Status.REPORTED),
        "to_dispatch": Q(status=Status.ACCEPTED) & ~Q(open_assignment) & ~Q(returned),
        "returned": Q(status=Status.ACCEPTED) & ~Q(open_assignment) & Q(returned),
        "warning": running & Q(sla_state=SLAState.WARNING),
        "overdue": running & Q(sla_state=SLAState.OVERDUE),
        "to_verify": Q(status=Status.RESOLVED),
    }


#: The queue's tabs, in the order the dispatcher works them.
QUEUE_BUCKETS = ("new", "to_dispatch", "returned", "warning", "overdue", "to_verify")


def dispatcher_queue(user: Any, bucket: str) -> QuerySet[Case]:
    """The cases of one tab of the dispatcher's queue, soonest deadline first."""
    if bucket not in QUEUE_BUCKETS:
        raise ValueError(f"unknown queue bucket {bucket!r}")
    return (
        Case.objects.visible_to(user)
        .filter(_bucket_q()[bucket])
        .select_related("grid", "village", "category")
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )


def queue_counts(user: Any) -> dict[str, int]:
    """How many cases wait in each tab (one query)."""
    buckets = _bucket_q()
    # Every tab holds open cases only: count over those (status index), not every case ever
    # taken in, so the badges cost the same at 1 M cases as at 10 k.
    waiting = (Status.REPORTED, Status.ACCEPTED, Status.RESOLVED, *CLOCK_STATUSES)
    counts = (
        Case.objects.visible_to(user)
        .filter(status__in=set(waiting))
        .aggregate(**{name: Count("pk", filter=buckets[name]) for name in QUEUE_BUCKETS})
    )
    return {name: counts[name] or 0 for name in QUEUE_BUCKETS}
