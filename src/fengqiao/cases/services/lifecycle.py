"""The case's own transitions: accept, decline, resolve, verify, close, reopen, escalate, suspend,
resume, extend, duplicate, merge and the public's feedback. One function per business event; each
runs in one transaction on the locked row, asks `workflow.check`, and writes its timeline row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.cases import sla, workflow
from fengqiao.cases.exceptions import CaseError
from fengqiao.cases.models import (
    FINAL_STATUSES,
    Assignment,
    Case,
    EmergencyNumber,
    Feedback,
    Notification,
    Status,
)
from fengqiao.cases.services.common import (
    center_staff,
    department_officers,
    ensure_grid_of,
    ensure_visible,
    grid_workers,
    lock_case,
    notify,
    record_event,
)
from fengqiao.core import calendar


def _begin(case: Case, action: str, by: Any, **fields: Any) -> tuple[Case, workflow.Step, dt.datetime]:
    case = lock_case(case)
    step = workflow.check(case, action, by=by, **fields)
    ensure_visible(case, by)
    return case, step, timezone.now()


def _cancel_open_assignments(case: Case, *, by: Any, at: dt.datetime, why: str) -> None:
    for assignment in case.assignments.filter(status__in=Assignment.OPEN_STATUSES):
        assignment.status = Assignment.Status.CANCELLED
        assignment.save(update_fields=["status", "updated_at"])
        record_event(case, None, by=by, at=at, action="cancel_assignment", note=why, assignment=assignment)


def _reopen_lead(case: Case, *, by: Any, at: dt.datetime, why: str) -> Assignment | None:
    """Give the last completed lead assignment back to its department for rework (acknowledged)."""
    if case.assignments.filter(status__in=Assignment.OPEN_STATUSES, role=Assignment.Role.LEAD).exists():
        return None
    lead = (
        case.assignments.filter(role=Assignment.Role.LEAD, status=Assignment.Status.DONE)
        .order_by("-done_at")
        .first()
    )
    if lead is None:
        return None
    previous = lead.result
    lead.status, lead.done_at, lead.done_by, lead.result = Assignment.Status.ACKNOWLEDGED, None, None, ""
    lead.save(update_fields=["status", "done_at", "done_by", "result", "updated_at"])
    record_event(
        case,
        None,
        by=by,
        at=at,
        action="rework_assignment",
        note=why,
        assignment=lead,
        data={"previous": previous},
    )
    notify(
        department_officers([lead.department_id]),
        Notification.Verb.REWORK,
        case,
        _("Case %(number)s came back for rework: %(why)s") % {"number": case.number, "why": why[:120]},
    )
    return lead


@transaction.atomic
def accept_case(case: Case, *, by: Any, note: str = "") -> Case:
    """Take the case on (受理): the acceptance clock stops and the resolution clock starts.

    Writes an `accept` timeline row.
    """
    case, step, now = _begin(case, "accept", by, note=note)
    case.status, case.accepted_at = step.target, now
    fields = sla.start_resolve_clock(case, now=now)
    case.save(update_fields=["status", "accepted_at", "updated_at", *fields])
    record_event(case, step, by=by, at=now, note=note)
    return case


@transaction.atomic
def reject_case(case: Case, *, by: Any, reason: str, emergency_number: str = "") -> Case:
    """Decline the case (不予受理) with a reason and, for an emergency, the number to call instead.

    The clock stops for good. Writes a `reject` timeline row and an audit row.
    """
    case, step, now = _begin(case, "reject", by, reason=reason)
    if emergency_number and emergency_number not in EmergencyNumber.values:
        raise CaseError(
            _("Not an emergency number: %(number)s.") % {"number": emergency_number[:10]},
            code="invalid",
            http_status=400,
            fields={"emergency_number": _("Choose 110, 119, 120 or 122.")},
        )
    case.status, case.rejected_at = step.target, now
    case.reject_reason, case.emergency_number = reason.strip()[:500], emergency_number
    case.save(update_fields=["status", "rejected_at", "reject_reason", "emergency_number", "updated_at"])
    record_event(case, step, by=by, at=now, note=reason, data={"emergency_number": emergency_number})
    return case


@transaction.atomic
def resolve_case_on_spot(case: Case, *, by: Any, result: str) -> Case:
    """Resolve the case at the window (当场办结), accepting it first if needed; the clock stops.

    Writes a `resolve_on_spot` timeline row; the center then verifies and closes it.
    """
    case, step, now = _begin(case, "resolve_on_spot", by, result=result)
    case.accepted_at = case.accepted_at or now
    case.status, case.resolved_at, case.result = step.target, now, result.strip()
    case.save(update_fields=["status", "accepted_at", "resolved_at", "result", "updated_at"])
    record_event(case, step, by=by, at=now, note=result)
    return case


@transaction.atomic
def resolve_case(case: Case, *, by: Any, result: str) -> Case:
    """Declare the case done (办结) with its result; the resolution clock stops.

    A department officer may resolve only a case their department holds an open assignment of.
    Writes a `resolve` timeline row; asks the case's grid workers to verify.
    """
    case, step, now = _begin(case, "resolve", by, result=result)
    if (
        workflow.role_of(by) in workflow.OFFICERS
        and not case.assignments.filter(
            department_id=by.department_id, status__in=Assignment.OPEN_STATUSES
        ).exists()
    ):
        raise PermissionDenied(_("Your department holds no open assignment of this case."))
    case.status, case.resolved_at, case.result = step.target, now, result.strip()
    case.save(update_fields=["status", "resolved_at", "result", "updated_at"])
    record_event(case, step, by=by, at=now, note=result)
    notify(
        grid_workers(case),
        Notification.Verb.RESOLVED,
        case,
        _("Case %(number)s is resolved: please verify on site.") % {"number": case.number},
    )
    return case


@transaction.atomic
def verify_case(case: Case, *, by: Any, passed: bool, note: str = "") -> Case:
    """Check the result (核查), often on site by the grid worker.

    Passed: the case is verified, ready to close. Failed: back in progress for rework
    (`rework_count` + 1), the lead department's assignment reopened, the resolution clock running
    again (its old deadline if still ahead). Writes a `verify` timeline row.
    """
    case, step, now = _begin(case, "verify", by, passed=passed)
    ensure_grid_of(case, by)
    fields = ["status", "updated_at"]
    if passed:
        case.verified_at = now
        fields.append("verified_at")
    else:
        case.rework_count += 1
        case.resolved_at = None
        fields += ["rework_count", "resolved_at", *sla.resume_resolve_clock(case, now=now)]
    case.status = step.target
    case.save(update_fields=fields)
    record_event(case, step, by=by, at=now, note=note, data={"passed": bool(passed)})
    if not passed:
        _reopen_lead(case, by=by, at=now, why=note or str(_("verification failed")))
    return case


@transaction.atomic
def close_case(case: Case, *, by: Any, note: str = "") -> Case:
    """Close the case (结案). Writes a `close` timeline row; the public may then rate it."""
    case, step, now = _begin(case, "close", by, note=note)
    case.status, case.closed_at = step.target, now
    case.save(update_fields=["status", "closed_at", "updated_at"])
    record_event(case, step, by=by, at=now, note=note)
    _cancel_open_assignments(case, by=by, at=now, why=str(_("case closed")))
    return case


def _reopen(case: Case, *, by: Any, now: dt.datetime, target: str, why: str) -> list[str]:
    case.status = target
    case.reopen_count += 1
    case.closed_at = case.verified_at = case.resolved_at = None
    fields = ["status", "reopen_count", "closed_at", "verified_at", "resolved_at", "updated_at"]
    # A reopened case is a new round of handling, with a fresh resolution deadline.
    fields += sla.start_resolve_clock(case, now=now)
    return fields


def _after_reopen(case: Case, *, by: Any, now: dt.datetime, why: str) -> None:
    """The lead's rework and the notices, once the case's own timeline row is written (so the
    route map reads `reopen` / `record_feedback` before `rework_assignment`)."""
    _reopen_lead(case, by=by, at=now, why=why)
    notify(
        center_staff(case),
        Notification.Verb.REOPENED,
        case,
        _("Case %(number)s was reopened: %(why)s") % {"number": case.number, "why": why[:120]},
    )


@transaction.atomic
def reopen_case(case: Case, *, by: Any, reason: str) -> Case:
    """Reopen a closed case (重新办理) with a reason: back in progress, the clock running again.

    Writes a `reopen` timeline row and an audit row; tells the center and the lead department.
    """
    case, step, now = _begin(case, "reopen", by, reason=reason)
    fields = _reopen(case, by=by, now=now, target=step.target, why=reason)
    case.save(update_fields=fields)
    record_event(case, step, by=by, at=now, note=reason)
    _after_reopen(case, by=by, now=now, why=reason)
    return case


@transaction.atomic
def escalate_case(case: Case, *, by: Any, reason: str) -> Case:
    """Send the case up to the county (上报) with a reason: it leaves the town's clock and queues.

    Open assignments are cancelled. Writes an `escalate` timeline row and an audit row.
    """
    case, step, now = _begin(case, "escalate", by, reason=reason)
    case.status, case.escalated_at, case.escalation_reason = step.target, now, reason.strip()[:500]
    case.paused_at = None
    case.save(update_fields=["status", "escalated_at", "escalation_reason", "paused_at", "updated_at"])
    record_event(case, step, by=by, at=now, note=reason)
    _cancel_open_assignments(case, by=by, at=now, why=str(_("case escalated")))
    return case


@transaction.atomic
def suspend_case(case: Case, *, by: Any, reason: str) -> Case:
    """Suspend the case (中止) with a leader's approval: its clocks stop until resumed.

    Writes a `suspend` timeline row and an audit row.
    """
    case, step, now = _begin(case, "suspend", by, reason=reason)
    case.suspended_from, case.paused_at, case.status = case.status, now, step.target
    case.save(update_fields=["suspended_from", "paused_at", "status", "updated_at"])
    record_event(case, step, by=by, at=now, note=reason)
    return case


@transaction.atomic
def resume_case(case: Case, *, by: Any, note: str = "") -> Case:
    """Resume a suspended case (恢复): every deadline moves later by the working time it was paused.

    Writes a `resume` timeline row (with the paused working time) and an audit row.
    """
    case, step, now = _begin(case, "resume", by, note=note)
    paused = calendar.working_time_between(case.paused_at, now) if case.paused_at else dt.timedelta()
    case.paused_total = (case.paused_total or dt.timedelta()) + paused
    case.status = step.target
    fields = sla.shift_for_pause(case, paused, now=now)
    case.paused_at, case.suspended_from = None, ""
    case.save(update_fields=["status", "paused_total", "paused_at", "suspended_from", "updated_at", *fields])
    record_event(
        case, step, by=by, at=now, note=note, data={"paused_working_seconds": int(paused.total_seconds())}
    )
    return case


@transaction.atomic
def extend_deadline(case: Case, *, by: Any, days: int, reason: str) -> Case:
    """Give the case more working days (延期), approved by a leader; the warning moves with it.

    Open assignments due with the case move too. Writes an `extend_deadline` timeline row and an
    audit row.
    """
    case, step, now = _begin(case, "extend_deadline", by, days=days, reason=reason)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 365:
        raise CaseError(
            _("Extend by 1 to 365 working days."),
            code="invalid",
            http_status=400,
            fields={"days": _("Extend by 1 to 365 working days.")},
        )
    old_due = case.resolve_due_at
    fields = sla.extend(case, days=days, now=now)
    case.save(update_fields=[*fields, "updated_at"])
    if old_due is not None:
        case.assignments.filter(status__in=Assignment.OPEN_STATUSES, due_at=old_due).update(
            due_at=case.resolve_due_at, updated_at=now
        )
    record_event(
        case,
        step,
        by=by,
        at=now,
        note=reason,
        data={
            "days": days,
            "resolve_due_at": [old_due.isoformat() if old_due else None, case.resolve_due_at.isoformat()]
            if case.resolve_due_at
            else None,
        },
    )
    return case


def _check_other(case: Case, other: Case, by: Any, field: str) -> Case:
    if other.pk == case.pk:
        raise CaseError(
            _("A case cannot be a duplicate of itself."), code="invalid", http_status=400, fields={field: ""}
        )
    ensure_visible(other, by)
    if other.status in (Status.DUPLICATE, Status.MERGED) and other.duplicate_of_id:
        return _check_other(case, Case.objects.get(pk=other.duplicate_of_id), by, field)
    return other


@transaction.atomic
def mark_duplicate(case: Case, *, by: Any, duplicate_of: Case, note: str = "") -> Case:
    """Mark the case a duplicate (重复件) of another case that already covers the same matter.

    It ends here; the original's timeline notes it. Writes `mark_duplicate` rows and an audit row.
    """
    case, step, now = _begin(case, "mark_duplicate", by, duplicate_of=duplicate_of)
    original = _check_other(case, duplicate_of, by, "duplicate_of")
    case.status, case.duplicate_of = step.target, original
    case.save(update_fields=["status", "duplicate_of", "updated_at"])
    record_event(case, step, by=by, at=now, note=note, data={"duplicate_of": original.number})
    record_event(original, None, by=by, at=now, action="duplicate_received", data={"duplicate": case.number})
    return case


@transaction.atomic
def merge_case(case: Case, *, by: Any, into: Case, note: str = "") -> Case:
    """Merge the case into another open case (并案): handled there from now on.

    Open assignments of the merged case are cancelled. Writes `merge` rows on both timelines and
    an audit row.
    """
    case, step, now = _begin(case, "merge", by, into=into)
    target = _check_other(case, into, by, "into")
    if target.status in FINAL_STATUSES:
        raise CaseError(
            _("Case %(number)s is “%(status)s”: nothing can be merged into it.")
            % {"number": target.number, "status": target.get_status_display()},
            code="wrong_status",
            http_status=409,
            current_status=case.status,
        )
    case.status, case.duplicate_of = step.target, target
    case.save(update_fields=["status", "duplicate_of", "updated_at"])
    record_event(case, step, by=by, at=now, note=note, data={"into": target.number})
    _cancel_open_assignments(case, by=by, at=now, why=str(_("case merged")))
    record_event(target, None, by=by, at=now, action="merged_in", note=note, data={"merged": case.number})
    return case


@transaction.atomic
def record_feedback(case: Case, *, by: Any, rating: str, comment: str = "") -> Feedback:
    """Record the public's rating of a closed case (回访 / 评价), once per closing.

    "Unsatisfied" reopens the case once (back in progress, clock running, lead department
    reworking); later unsatisfied ratings are recorded and the case stays closed. Writes a
    `record_feedback` timeline row.
    """
    case, step, now = _begin(case, "record_feedback", by, rating=rating)
    if rating not in Feedback.Rating.values:
        raise CaseError(
            _("Rate satisfied, basically satisfied or unsatisfied."),
            code="invalid",
            http_status=400,
            fields={"rating": _("Not a rating.")},
        )
    if case.closed_at and case.feedback.filter(at__gte=case.closed_at).exists():
        raise CaseError(
            _("This case has already been rated since it was closed."),
            code="already_rated",
            http_status=409,
            current_status=case.status,
        )
    feedback = Feedback.objects.create(
        case=case,
        rating=rating,
        comment=comment or "",
        by=by if getattr(by, "is_authenticated", False) else None,
        at=now,
    )
    why = comment or str(_("unsatisfied"))
    if step.changes_status:
        fields = _reopen(case, by=by, now=now, target=step.target, why=why)
        case.save(update_fields=fields)
    record_event(case, step, by=by, at=now, note=comment, data={"rating": rating})
    if step.changes_status:
        _after_reopen(case, by=by, now=now, why=why)
    return feedback
