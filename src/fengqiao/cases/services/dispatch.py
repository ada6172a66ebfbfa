"""Dispatch (吹哨 / 转办) and the departments' answers: acknowledge (报到), return (退回), complete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.cases import sla, workflow
from fengqiao.cases.exceptions import CaseError
from fengqiao.cases.models import Assignment, Case, Notification, Status
from fengqiao.cases.services.common import (
    department_officers,
    ensure_own_assignment,
    ensure_visible,
    grid_workers,
    lock_assignment,
    lock_case,
    notify,
    record_event,
)
from fengqiao.center.models import Department


def _bad(field: str, message: str) -> CaseError:
    return CaseError(message, code="invalid", http_status=400, fields={field: message})


def _department(value: Any) -> Department:
    if isinstance(value, Department):
        return value
    try:
        return Department.objects.select_related("region").get(pk=value)
    except (Department.DoesNotExist, ValueError, TypeError):
        raise _bad("assignments", _("There is no department %(id)s.") % {"id": str(value)[:20]}) from None


def _serves(department: Department, case: Case) -> bool:
    """A department works for the case's town when its area contains the town or lies inside it."""
    area, town = department.region.path, case.town.path
    return town.startswith(area) or area.startswith(town)


@transaction.atomic
def dispatch_case(
    case: Case, *, by: Any, assignments: Sequence[Mapping[str, Any]], note: str = ""
) -> list[Assignment]:
    """Send the case, or items of it, to departments (吹哨): one lead, others assisting.

    Each item is ``{"department": Department or id, "role": "lead"|"assist", "note": str,
    "due": aware datetime or None}``; without `due` an item is due with the case. A case without an
    open lead needs exactly one lead among the items. Starts each assignment's acknowledgement
    clock; writes one `dispatch` timeline row per item; notifies the departments' officers.
    """
    case = lock_case(case)
    ensure_visible(case, by)
    step = workflow.check(case, "dispatch", by=by, assignments=list(assignments))
    now = timezone.now()
    open_items = list(case.assignments.filter(status__in=Assignment.OPEN_STATUSES))
    has_lead = any(item.role == Assignment.Role.LEAD for item in open_items)
    busy = {item.department_id for item in open_items}
    items = []
    for raw in assignments:
        department = _department(raw.get("department"))
        role = raw.get("role") or Assignment.Role.LEAD
        if role not in Assignment.Role.values:
            raise _bad("assignments", _("The role must be lead or assist."))
        if not department.is_active or not _serves(department, case):
            raise _bad(
                "assignments", _("%(department)s does not work in this town.") % {"department": department}
            )
        if department.pk in busy:
            raise _bad(
                "assignments",
                _("%(department)s already has this case.") % {"department": department},
            )
        due = raw.get("due")
        if due is not None and (not isinstance(due, dt.datetime) or timezone.is_naive(due) or due <= now):
            raise _bad("assignments", _("A deadline must be a time in the future."))
        busy.add(department.pk)
        items.append((department, role, str(raw.get("note") or ""), due))
    leads = sum(1 for _department_, role, _note, _due in items if role == Assignment.Role.LEAD)
    if leads > 1 or (has_lead and leads):
        raise _bad("assignments", _("A case has one lead department at a time."))
    if not has_lead and not leads:
        raise _bad("assignments", _("Name the lead department."))

    fields = ["status", "updated_at"]
    if case.dispatched_at is None:
        case.dispatched_at = now
        fields.append("dispatched_at")
    if case.resolve_due_at is None:  # resolved on the spot was refused, or a reworked old case
        fields += sla.start_resolve_clock(case, now=now)
    # An item cannot be given longer than the case itself (the row is not saved yet: a refusal
    # here writes nothing).
    for due in (item[3] for item in items):
        if due is not None and case.resolve_due_at is not None and due > case.resolve_due_at:
            raise _bad(
                "assignments",
                _("An assignment's deadline cannot be after the case's own deadline (%(due)s).")
                % {"due": timezone.localtime(case.resolve_due_at).strftime("%Y-%m-%d %H:%M")},
            )
    case.status = step.target
    case.save(update_fields=fields)

    created = []
    for index, (department, role, item_note, due) in enumerate(items):
        ack_due, complete_due = sla.assignment_deadlines(case, now=now, due=due)
        assignment = Assignment.objects.create(
            case=case,
            department=department,
            role=role,
            note=item_note,
            ack_due_at=ack_due,
            due_at=complete_due,
            dispatched_by=by,
        )
        created.append(assignment)
        record_event(
            case,
            step,
            by=by,
            at=now,
            note=item_note or note,
            assignment=assignment,
            data={"department": department.name, "role": role, "due_at": complete_due.isoformat()},
            # Only the first row carries the change of status.
            from_status=step.source if index == 0 else step.target,
        )
        notify(
            department_officers([department.pk]),
            Notification.Verb.ASSIGNED,
            case,
            _("Case %(number)s was assigned to %(department)s: %(title)s")
            % {"number": case.number, "department": department.name, "title": case.title},
        )
    return created


@transaction.atomic
def acknowledge_assignment(assignment: Assignment, *, by: Any, note: str = "") -> Assignment:
    """The department reports for duty (报到 / 签收): the assignment's acknowledgement clock stops.

    The case goes in progress. Writes an `acknowledge` timeline row; tells the dispatcher.
    """
    case, assignment = lock_assignment(assignment)
    step = workflow.check(case, "acknowledge", by=by, assignment=assignment)
    ensure_own_assignment(assignment, by)
    now = timezone.now()
    assignment.status = Assignment.Status.ACKNOWLEDGED
    assignment.acknowledged_at, assignment.acknowledged_by = now, by
    assignment.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    case.status = step.target
    case.save(update_fields=["status", "updated_at"])
    record_event(case, step, by=by, at=now, note=note, assignment=assignment)
    notify(
        [assignment.dispatched_by],
        Notification.Verb.ACKNOWLEDGED,
        case,
        _("%(department)s acknowledged case %(number)s.")
        % {"department": assignment.department.name, "number": case.number},
    )
    return assignment


@transaction.atomic
def return_assignment(assignment: Assignment, *, by: Any, reason: str) -> Assignment:
    """The department sends the assignment back (退回) with a reason.

    A returned lead sends the case back to `accepted` for the center to dispatch again (the case's
    resolution clock keeps running: a return counts against the center, not as resolved). Writes a
    `return` timeline row; tells the dispatcher.
    """
    case, assignment = lock_assignment(assignment)
    step = workflow.check(case, "return", by=by, assignment=assignment, reason=reason)
    ensure_own_assignment(assignment, by)
    now = timezone.now()
    assignment.status = Assignment.Status.RETURNED
    assignment.reason, assignment.returned_at = reason.strip()[:500], now
    assignment.save(update_fields=["status", "reason", "returned_at", "updated_at"])
    case.status = step.target
    case.save(update_fields=["status", "updated_at"])
    record_event(case, step, by=by, at=now, note=reason, assignment=assignment)
    notify(
        [assignment.dispatched_by],
        Notification.Verb.RETURNED,
        case,
        _("%(department)s returned case %(number)s: %(reason)s")
        % {"department": assignment.department.name, "number": case.number, "reason": reason[:120]},
    )
    return assignment


@transaction.atomic
def complete_assignment(assignment: Assignment, *, by: Any, result: str) -> Assignment:
    """The department records what it did and completes the assignment (办结).

    When the lead completes, the case is resolved (its resolution clock stops) and goes to the grid
    worker for verification. Writes a `complete` timeline row; tells the dispatcher and, when the
    case is resolved, the case's grid workers.
    """
    case, assignment = lock_assignment(assignment)
    step = workflow.check(case, "complete", by=by, assignment=assignment, result=result)
    ensure_own_assignment(assignment, by)
    now = timezone.now()
    assignment.status = Assignment.Status.DONE
    assignment.result, assignment.done_at, assignment.done_by = result.strip(), now, by
    assignment.save(update_fields=["status", "result", "done_at", "done_by", "updated_at"])
    fields = ["status", "updated_at"]
    resolves = step.changes_status and step.target == Status.RESOLVED
    if resolves:
        case.result, case.resolved_at = assignment.result, now
        fields += ["result", "resolved_at"]
    case.status = step.target
    case.save(update_fields=fields)
    record_event(case, step, by=by, at=now, note=result, assignment=assignment)
    notify(
        [assignment.dispatched_by],
        Notification.Verb.COMPLETED,
        case,
        _("%(department)s completed case %(number)s.")
        % {"department": assignment.department.name, "number": case.number},
    )
    if resolves:
        notify(
            grid_workers(case),
            Notification.Verb.RESOLVED,
            case,
            _("Case %(number)s is resolved: please verify on site.") % {"number": case.number},
        )
    return assignment
