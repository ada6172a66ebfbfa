"""Case clocks (办理时限): deadlines from the SLA policy on the working-day calendar, and the sweep.

Two clocks run one after the other: the acceptance clock from intake (`ack_due_at`, the policy's
working hours) and the resolution clock from acceptance (`resolve_due_at`, the policy's working
days, ending at close of business). `due_at` is whichever runs now, `warn_at` the moment
`warn_share` of its working time has passed. Both stop while a case is suspended, resolved or
final; resuming shifts them by the working time the case was suspended.

`sweep_clocks(now)` turns cases yellow and red and raises supervision orders. It claims each row
with a conditional UPDATE (`filter(pk=..., sla_state=old).update(...)`) inside a transaction that
also writes the order, the timeline row and the notifications, so two sweeps running at once
(two workers, cron overlapping a worker) send each notice exactly once, and a sweep that dies
loses nothing: the next one finds the same rows still due.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.cases.models import (
    CLOCK_STATUSES,
    Assignment,
    Case,
    CaseEvent,
    Notification,
    SLAPolicy,
    SLAState,
    Supervision,
)
from fengqiao.core import calendar

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """The time limits that apply to one case."""

    ack_hours: int
    resolve_days: int
    warn_share: Decimal


#: When no SLA policy row matches (an administrator deleted it): a working day to accept, ten to resolve.
FALLBACK = Limits(ack_hours=8, resolve_days=10, warn_share=Decimal("0.80"))


#: The default policies (kind, urgency or "" for any, ack working hours, resolve working days), as
#: seeded by migration 0002; petitions: 15 days to decide on acceptance, 60 to handle.
DEFAULT_POLICIES = [
    ("appeal", "", 8, 10),
    ("appeal", "urgent", 2, 3),
    ("appeal", "critical", 1, 1),
    # Mediation has 30 days to settle (人民调解工作若干规定): about 22 working days.
    ("dispute", "", 8, 22),
    ("dispute", "urgent", 2, 5),
    ("hazard", "", 4, 5),
    ("hazard", "urgent", 1, 2),
    ("hazard", "critical", 1, 1),
    ("opinion", "", 16, 10),
    ("petition", "", 15 * 8, 60),
    ("consultation", "", 8, 5),
]


def seed_default_policies() -> None:
    """Create the default policies that are missing (leaves administrators' rows alone)."""
    for kind, urgency, ack_hours, resolve_days in DEFAULT_POLICIES:
        SLAPolicy.objects.get_or_create(
            kind=kind,
            urgency=urgency,
            defaults={"ack_hours": ack_hours, "resolve_days": resolve_days, "warn_share": Decimal("0.80")},
        )


def limits_for(kind: str, urgency: str) -> Limits:
    """The policy for this kind and urgency, else the kind's any-urgency row, else `FALLBACK`."""
    rows = {p.urgency: p for p in SLAPolicy.objects.filter(kind=kind, urgency__in=(urgency, ""))}
    policy = rows.get(urgency) or rows.get("")
    if policy is None:
        return FALLBACK
    return Limits(policy.ack_hours, policy.resolve_days, Decimal(policy.warn_share))


def warn_at(start: dt.datetime, due: dt.datetime, share: Decimal) -> dt.datetime:
    """The moment `share` of the working time between `start` and `due` has passed."""
    total = calendar.working_time_between(start, due)
    return calendar.add_working_hours(start, total * float(share))


def start_ack_clock(case: Case, *, now: dt.datetime) -> list[str]:
    """Set the acceptance deadline from intake; returns the fields changed."""
    limits = limits_for(case.kind, case.urgency)
    case.ack_due_at = calendar.add_working_hours(now, limits.ack_hours)
    case.due_at = case.ack_due_at
    case.warn_at = warn_at(now, case.ack_due_at, limits.warn_share)
    case.sla_state = SLAState.NORMAL
    return ["ack_due_at", "due_at", "warn_at", "sla_state"]


def start_resolve_clock(case: Case, *, now: dt.datetime) -> list[str]:
    """Set the resolution deadline from acceptance (the acceptance clock stops); returns the fields."""
    limits = limits_for(case.kind, case.urgency)
    case.resolve_due_at = calendar.add_working_days(now, limits.resolve_days)
    case.due_at = case.resolve_due_at
    case.warn_at = warn_at(now, case.resolve_due_at, limits.warn_share)
    case.sla_state = SLAState.NORMAL
    case.overdue_at = None
    case.second_notice_at = None
    return ["resolve_due_at", "due_at", "warn_at", "sla_state", "overdue_at", "second_notice_at"]


def resume_resolve_clock(case: Case, *, now: dt.datetime) -> list[str]:
    """A case sent back for rework runs against its old resolution deadline (rework is no reason
    for more time); a case resolved on the spot, which never had one, gets a fresh one. The light
    is left as it was: the sweep turns it red, with its notices, if the deadline has passed."""
    if case.resolve_due_at is None:
        return start_resolve_clock(case, now=now)
    case.due_at = case.resolve_due_at
    return ["due_at"]


def assignment_deadlines(
    case: Case, *, now: dt.datetime, due: dt.datetime | None
) -> tuple[dt.datetime, dt.datetime]:
    """(acknowledge by, complete by) for a new assignment: the policy's working hours to acknowledge,
    and the given deadline or the case's own."""
    limits = limits_for(case.kind, case.urgency)
    ack_due = calendar.add_working_hours(now, limits.ack_hours)
    complete_due = due or case.resolve_due_at or calendar.add_working_days(now, limits.resolve_days)
    return ack_due, complete_due


def extend(case: Case, *, days: int, now: dt.datetime) -> list[str]:
    """Move the resolution deadline `days` working days later; the warning moves with it."""
    base = case.resolve_due_at or now
    case.resolve_due_at = calendar.add_working_days(base, days)
    case.due_at = case.resolve_due_at
    start = case.accepted_at or case.created_at or now
    limits = limits_for(case.kind, case.urgency)
    case.warn_at = warn_at(start, case.resolve_due_at, limits.warn_share)
    case.sla_state = relaxed_state(case, now)
    if case.sla_state != SLAState.OVERDUE:
        case.overdue_at = None
        case.second_notice_at = None
    case.extension_count += 1
    return [
        "resolve_due_at",
        "due_at",
        "warn_at",
        "sla_state",
        "overdue_at",
        "second_notice_at",
        "extension_count",
    ]


def shift_for_pause(case: Case, paused: dt.timedelta, *, now: dt.datetime) -> list[str]:
    """Move every running deadline later by the working time the case was suspended."""
    fields = ["ack_due_at", "resolve_due_at", "due_at", "warn_at", "second_notice_at"]
    if paused > dt.timedelta():
        for name in fields:
            value = getattr(case, name)
            if value is not None:
                setattr(case, name, calendar.add_working_hours(value, paused))
        for assignment in case.assignments.filter(status__in=Assignment.OPEN_STATUSES):
            for name in ("ack_due_at", "due_at"):
                value = getattr(assignment, name)
                if value is not None:
                    setattr(assignment, name, calendar.add_working_hours(value, paused))
            assignment.save(update_fields=["ack_due_at", "due_at", "updated_at"])
    case.sla_state = relaxed_state(case, now)
    if case.sla_state != SLAState.OVERDUE:
        case.overdue_at = None
        case.second_notice_at = None
    return [*fields, "sla_state", "overdue_at"]


_SEVERITY = {SLAState.NORMAL: 0, SLAState.WARNING: 1, SLAState.OVERDUE: 2}


def relaxed_state(case: Case, now: dt.datetime) -> str:
    """The light after the deadlines moved later: it may turn greener at once, but never redder
    here. Turning yellow or red is the sweep's job, because it sends the notices with it."""
    computed = state_at(case, now)
    return computed if _SEVERITY[SLAState(computed)] < _SEVERITY[SLAState(case.sla_state)] else case.sla_state


def state_at(case: Case, now: dt.datetime) -> str:
    """The traffic light the case's stored deadlines give at `now`."""
    if case.due_at is not None and now >= case.due_at:
        return SLAState.OVERDUE
    if case.warn_at is not None and now >= case.warn_at:
        return SLAState.WARNING
    return SLAState.NORMAL


def second_notice_at(due: dt.datetime) -> dt.datetime:
    """When a case still overdue gets the second-level notice: N further working days after its deadline."""
    days = settings.CASE_SECOND_NOTICE_WORKING_DAYS
    return calendar.add_working_hours(due, calendar.WORKING_DAY * days)


# --- the sweep ------------------------------------------------------------------------------------


@dataclass
class SweepResult:
    """What one sweep did, by case id."""

    warned: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    second_notices: list[int] = field(default_factory=list)
    late_assignments: list[int] = field(default_factory=list)
    notifications: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "warned": len(self.warned),
            "overdue": len(self.overdue),
            "second_notices": len(self.second_notices),
            "late_assignments": len(self.late_assignments),
            "notifications": len(self.notifications),
        }


def sweep_clocks(now: dt.datetime | None = None, *, batch: int = 500) -> SweepResult:
    """Turn due cases yellow or red and raise the supervision orders; each notice exactly once.

    Notifications leave after each claim's commit (`cases.tasks.deliver_notifications`).
    """
    now = now or timezone.now()
    result = SweepResult()
    running = Case.objects.filter(status__in=CLOCK_STATUSES)

    # Red before yellow: a case that passed both since the last sweep goes straight to red.
    overdue_ids = list(
        running.filter(sla_state__in=(SLAState.NORMAL, SLAState.WARNING), due_at__lte=now)
        .order_by("due_at")
        .values_list("pk", flat=True)[:batch]
    )
    for pk in overdue_ids:
        _claim_overdue(pk, now, result)

    warn_ids = list(
        running.filter(sla_state=SLAState.NORMAL, warn_at__lte=now, due_at__gt=now)
        .order_by("warn_at")
        .values_list("pk", flat=True)[:batch]
    )
    for pk in warn_ids:
        _claim_warning(pk, now, result)

    second_ids = list(
        running.filter(sla_state=SLAState.OVERDUE, second_notice_at__lte=now)
        .order_by("second_notice_at")
        .values_list("pk", flat=True)[:batch]
    )
    for pk in second_ids:
        _claim_second_notice(pk, now, result)

    # Departments late to acknowledge (报到) or to complete their item: announced once each.
    items = Assignment.objects.filter(case__status__in=CLOCK_STATUSES)
    late_ack = items.filter(status=Assignment.Status.PENDING, ack_late_at__isnull=True, ack_due_at__lte=now)
    for pk in late_ack.order_by("ack_due_at").values_list("pk", flat=True)[:batch]:
        _claim_late_assignment(pk, now, result, acknowledge=True)
    late = items.filter(status__in=Assignment.OPEN_STATUSES, late_at__isnull=True, due_at__lte=now)
    for pk in late.order_by("due_at").values_list("pk", flat=True)[:batch]:
        _claim_late_assignment(pk, now, result, acknowledge=False)
    return result


def _claim_late_assignment(pk: int, now: dt.datetime, result: SweepResult, *, acknowledge: bool) -> None:
    from fengqiao.accounts.models import Role, User

    with transaction.atomic():
        if acknowledge:
            claimed = Assignment.objects.filter(
                pk=pk, status=Assignment.Status.PENDING, ack_late_at__isnull=True, ack_due_at__lte=now
            ).update(ack_late_at=now, updated_at=now)
        else:
            claimed = Assignment.objects.filter(
                pk=pk, status__in=Assignment.OPEN_STATUSES, late_at__isnull=True, due_at__lte=now
            ).update(late_at=now, updated_at=now)
        if not claimed:
            return
        item = Assignment.objects.select_related("case__town", "department", "dispatched_by").get(pk=pk)
        case = item.case
        due = item.ack_due_at if acknowledge else item.due_at
        CaseEvent.objects.create(
            case=case,
            at=now,
            actor_name="system",
            action="late_acknowledge" if acknowledge else "late_assignment",
            from_status=case.status,
            to_status=case.status,
            assignment=item,
            data={"department": item.department.name, "due_at": due.isoformat() if due else None},
        )
        if acknowledge:
            text = _("%(department)s has not acknowledged case %(number)s (due %(due)s).")
        else:
            text = _("%(department)s is late with case %(number)s (due %(due)s).")
        text = text % {"department": item.department.name, "number": case.number, "due": _local_text(due)}
        officers = User.objects.filter(
            is_active=True, role=Role.DEPARTMENT_OFFICER, department_id=item.department_id
        )
        ids = create_notifications([*officers, item.dispatched_by], Notification.Verb.LATE, case, text)
        result.late_assignments.append(pk)
        result.notifications.extend(ids)
        _deliver_after_commit(ids)


def _claim_warning(pk: int, now: dt.datetime, result: SweepResult) -> None:
    with transaction.atomic():
        claimed = Case.objects.filter(
            pk=pk, status__in=CLOCK_STATUSES, sla_state=SLAState.NORMAL, warn_at__lte=now, due_at__gt=now
        ).update(sla_state=SLAState.WARNING, updated_at=now)
        if not claimed:
            return  # another sweep got there first, or the case moved on
        case = Case.objects.select_related("town").get(pk=pk)
        _clock_event(case, "warn", now, SLAState.NORMAL, SLAState.WARNING)
        text = _("Case %(number)s will be overdue at %(due)s.") % {
            "number": case.number,
            "due": _local_text(case.due_at),
        }
        ids = create_notifications(handlers_of(case), Notification.Verb.WARNING, case, text)
        result.warned.append(pk)
        result.notifications.extend(ids)
        _deliver_after_commit(ids)


def _claim_overdue(pk: int, now: dt.datetime, result: SweepResult) -> None:
    with transaction.atomic():
        row = Case.objects.filter(pk=pk).values("sla_state", "due_at").first()
        if row is None or row["due_at"] is None:
            return
        claimed = Case.objects.filter(
            pk=pk,
            status__in=CLOCK_STATUSES,
            sla_state__in=(SLAState.NORMAL, SLAState.WARNING),
            due_at=row["due_at"],
        ).update(
            sla_state=SLAState.OVERDUE,
            overdue_at=now,
            second_notice_at=second_notice_at(row["due_at"]),
            updated_at=now,
        )
        if not claimed:
            return
        case = Case.objects.select_related("town").get(pk=pk)
        _clock_event(case, "overdue", now, row["sla_state"], SLAState.OVERDUE)
        leader = duty_leader_for(case, now)
        supervision = Supervision.objects.create(
            case=case,
            level=Supervision.Level.FIRST,
            due_at=case.due_at,
            automatic=True,
            raised_at=now,
            addressee=leader,
            note=_("Overdue since %(due)s.") % {"due": _local_text(case.due_at)},
        )
        text = _("Case %(number)s is overdue (deadline %(due)s).") % {
            "number": case.number,
            "due": _local_text(case.due_at),
        }
        ids = create_notifications(handlers_of(case), Notification.Verb.OVERDUE, case, text)
        leaders = [leader] if leader else list(town_leaders(case))
        ids += create_notifications(
            leaders,
            Notification.Verb.SUPERVISION,
            case,
            _("Supervision order: case %(number)s is overdue.") % {"number": case.number},
        )
        result.overdue.append(pk)
        result.notifications.extend(ids)
        logger.info("case %s overdue; supervision %s", case.number, supervision.pk)
        _deliver_after_commit(ids)


def _claim_second_notice(pk: int, now: dt.datetime, result: SweepResult) -> None:
    with transaction.atomic():
        row = Case.objects.filter(pk=pk).values("second_notice_at", "due_at").first()
        if row is None or row["second_notice_at"] is None:
            return
        claimed = Case.objects.filter(
            pk=pk,
            status__in=CLOCK_STATUSES,
            sla_state=SLAState.OVERDUE,
            second_notice_at=row["second_notice_at"],
        ).update(second_notice_at=None, updated_at=now)
        if not claimed:
            return
        case = Case.objects.select_related("town").get(pk=pk)
        _clock_event(case, "second_notice", now, SLAState.OVERDUE, SLAState.OVERDUE)
        Supervision.objects.create(
            case=case,
            level=Supervision.Level.SECOND,
            due_at=case.due_at,
            automatic=True,
            raised_at=now,
            note=_("Still overdue %(days)s working days after %(due)s.")
            % {"days": settings.CASE_SECOND_NOTICE_WORKING_DAYS, "due": _local_text(case.due_at)},
        )
        ids = create_notifications(
            town_leaders(case),
            Notification.Verb.SUPERVISION,
            case,
            _("Second supervision notice: case %(number)s is still overdue.") % {"number": case.number},
        )
        result.second_notices.append(pk)
        result.notifications.extend(ids)
        _deliver_after_commit(ids)


def _clock_event(case: Case, action: str, now: dt.datetime, old: str, new: str) -> None:
    CaseEvent.objects.create(
        case=case,
        at=now,
        actor=None,
        actor_name="system",
        action=action,
        from_status=case.status,
        to_status=case.status,
        data={"sla_state": [old, new], "due_at": case.due_at.isoformat() if case.due_at else None},
    )


def _local_text(moment: dt.datetime | None) -> str:
    if moment is None:
        return ""
    return f"{timezone.localtime(moment, timezone.get_default_timezone()):%Y-%m-%d %H:%M}"


# --- who hears about a case -----------------------------------------------------------------------


def handlers_of(case: Case) -> list[Any]:
    """The people working the case now: the officers of its open assignments, or, while it waits
    at the center (not yet accepted or dispatched, or returned), the town's window clerks."""
    from fengqiao.accounts.models import Role, User
    from fengqiao.center.models import path_prefixes

    departments = list(
        case.assignments.filter(status__in=Assignment.OPEN_STATUSES).values_list("department_id", flat=True)
    )
    if departments:
        return list(
            User.objects.filter(is_active=True, role=Role.DEPARTMENT_OFFICER, department_id__in=departments)
        )
    return list(
        User.objects.filter(
            is_active=True, role=Role.CLERK, regions__path__in=path_prefixes(case.town.path)
        ).distinct()
    )


def duty_leader_for(case: Case, now: dt.datetime) -> Any:
    """The leader on duty at the case's town today (Asia/Shanghai), or None."""
    from fengqiao.center.models import DutyShift

    today = timezone.localtime(now, timezone.get_default_timezone()).date()
    shift = DutyShift.objects.filter(town_id=case.town_id, date=today).select_related("leader").first()
    return shift.leader if shift and shift.leader.is_active else None


def town_leaders(case: Case) -> Iterable[Any]:
    """Active town leaders whose regions cover the case's town."""
    from fengqiao.accounts.models import Role, User
    from fengqiao.center.models import path_prefixes

    return User.objects.filter(
        is_active=True, role=Role.TOWN_LEADER, regions__path__in=path_prefixes(case.town.path)
    ).distinct()


def create_notifications(users: Iterable[Any], verb: str, case: Case | None, text: str) -> list[int]:
    """In-app notifications (站内通知), one per distinct user, in the caller's transaction."""
    seen: set[int] = set()
    rows = []
    for user in users:
        if user is None or user.pk in seen:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, verb=verb, case=case, text=text[:300]))
    # Both databases return the new primary keys from a bulk insert (SQLite >= 3.35, RETURNING).
    return [row.pk for row in Notification.objects.bulk_create(rows)]


def _deliver_after_commit(ids: list[int]) -> None:
    if ids:
        from fengqiao.cases import tasks

        transaction.on_commit(lambda: tasks.enqueue_delivery(ids))
