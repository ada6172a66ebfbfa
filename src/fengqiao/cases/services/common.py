"""What every case service shares: locking, scope checks, the timeline row, notifications."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from fengqiao.accounts.models import GRID_ROLES, Role
from fengqiao.cases import sla
from fengqiao.cases.models import Assignment, Case, CaseEvent
from fengqiao.cases.workflow import Step
from fengqiao.core.audit import record


def lock_case(case: Case | int) -> Case:
    """The case's current row, locked until the transaction ends (judge the fresh row, not the caller's)."""
    pk = case.pk if isinstance(case, Case) else case
    # of=("self",): lock the case only, not the town row joined in (which every case shares).
    return Case.objects.select_for_update(of=("self",)).select_related("town").get(pk=pk)


def lock_assignment(assignment: Assignment | int) -> tuple[Case, Assignment]:
    """Lock the assignment's case first, then the assignment (always in this order: no deadlocks)."""
    pk = assignment.pk if isinstance(assignment, Assignment) else assignment
    case_id = Assignment.objects.values_list("case_id", flat=True).get(pk=pk)
    case = lock_case(case_id)
    return case, Assignment.objects.select_for_update(of=("self",)).select_related("department").get(pk=pk)


def ensure_visible(case: Case, by: Any) -> None:
    """Defence in depth behind `get_case_for_user`: a user acts only on cases in their scope.

    Pages and the API answer 404 before getting here; a service called with a case out of scope
    (a bug, a script) is refused outright. The public (`by=None`) reaches a case by its tracking
    code in the portal, which is its own check.
    """
    if by is None:
        return
    if not Case.objects.visible_to(by).filter(pk=case.pk).exists():
        raise PermissionDenied(_("This case is outside your area."))


def ensure_own_assignment(assignment: Assignment, by: Any) -> None:
    """Department officers act only on their own department's assignments."""
    if getattr(by, "department_id", None) != assignment.department_id:
        raise PermissionDenied(_("This assignment belongs to another department."))


def ensure_grid_of(case: Case, by: Any) -> None:
    """A grid worker verifies only cases in their own grids."""
    if getattr(by, "role", None) in GRID_ROLES and not by.grids.filter(pk=case.grid_id).exists():
        raise PermissionDenied(_("Only the grid worker of the case's grid may verify it."))


def actor_name(by: Any) -> str:
    if by is None or not getattr(by, "is_authenticated", False):
        return "public"
    return str(by.get_username())[:150]


def record_event(
    case: Case,
    step: Step | None,
    *,
    by: Any,
    at: dt.datetime,
    action: str | None = None,
    note: str = "",
    assignment: Assignment | None = None,
    data: dict[str, Any] | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> CaseEvent:
    """Append one row to the case's timeline (and, for administrative decisions, to the audit trail)."""
    action = action or (step.action if step else "note")
    event = CaseEvent.objects.create(
        case=case,
        at=at,
        actor=by if getattr(by, "is_authenticated", False) else None,
        actor_name=actor_name(by),
        action=action,
        from_status=from_status if from_status is not None else (step.source if step else case.status),
        to_status=to_status if to_status is not None else (step.target if step else case.status),
        note=note,
        assignment=assignment,
        data=data or {},
    )
    if step is not None and step.transition.audited:
        record(
            f"case.{action}",
            by=by,
            obj=case,
            changes={"status": [event.from_status, event.to_status], "note": note, **(data or {})},
        )
    return event


def notify(users: Iterable[Any], verb: str, case: Case, text: str) -> list[int]:
    """In-app notifications now (in the transaction), outbound delivery after commit."""
    from fengqiao.cases import tasks

    ids = sla.create_notifications(users, verb, case, text)
    if ids:
        transaction.on_commit(lambda: tasks.enqueue_delivery(ids))
    return ids


def department_officers(department_ids: Iterable[int]) -> list[Any]:
    from fengqiao.accounts.models import User

    return list(
        User.objects.filter(is_active=True, role=Role.DEPARTMENT_OFFICER, department_id__in=department_ids)
    )


def grid_workers(case: Case) -> list[Any]:
    from fengqiao.accounts.models import User

    if case.grid_id is None:
        return []
    return list(User.objects.filter(is_active=True, role=Role.GRID_WORKER, grids=case.grid_id))


def center_staff(case: Case) -> list[Any]:
    """The clerks of the case's town (who re-dispatch, verify and close)."""
    from fengqiao.accounts.models import User
    from fengqiao.center.models import path_prefixes

    return list(
        User.objects.filter(
            is_active=True, role=Role.CLERK, regions__path__in=path_prefixes(case.town.path)
        ).distinct()
    )
