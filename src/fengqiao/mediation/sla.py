"""Mediation clocks: screening periods (排查), judicial-confirmation reminders, the days to settle.

`sweep(now)` opens each grid's slot for the current period, turns slots without a report yellow
(at `MEDIATION_SCREENING_WARN_SHARE` of the period's working time) and red (past the period's last
working day), reminds the dispute's mediators (lead and others, or the organisation's when none is
named) once of agreements whose 30 days to apply for judicial confirmation end within a week, and
once of disputes past their days to settle. Each change is claimed with a conditional `update()`,
so two sweeps at once announce each thing once. Run by `fengqiao checkclocks` (`--loop SECONDS`)
after the case clocks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.cases.models import Notification
from fengqiao.core import calendar
from fengqiao.mediation.models import Agreement, Dispute, Screening
from fengqiao.regions.models import Grid

#: Periods are counted from this Monday, so weekly periods run Monday to Sunday.
ANCHOR = dt.date(2024, 1, 1)


def period_days() -> int:
    """Length of a screening period in days (`MEDIATION_SCREENING_PERIOD_DAYS`, weekly by default)."""
    return int(getattr(settings, "MEDIATION_SCREENING_PERIOD_DAYS", 7))


def warn_share() -> Decimal:
    return Decimal(str(getattr(settings, "MEDIATION_SCREENING_WARN_SHARE", "0.8")))


def period_of(day: dt.date) -> tuple[dt.date, dt.date]:
    n = period_days()
    start = ANCHOR + dt.timedelta(days=((day - ANCHOR).days // n) * n)
    return start, start + dt.timedelta(days=n - 1)


def deadlines(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """(warn_at, due_at): due at the end of the period's last working day, yellow at the share."""
    tz = timezone.get_default_timezone()
    last = end
    while last > start and not calendar.is_workday(last):
        last -= dt.timedelta(days=1)
    # add_working_days(.., 0) is the end of that day's working time (or the next working day's).
    due = calendar.add_working_days(dt.datetime.combine(last, dt.time(12, 0), tzinfo=tz), 0)
    begin = dt.datetime.combine(start, dt.time.min, tzinfo=tz)
    total = calendar.working_time_between(begin, due)
    warn = calendar.add_working_hours(begin, total * float(warn_share()))
    return warn, due


def open_slots(now: dt.datetime) -> int:
    """Create the current period's slot for every grid that has none (idempotent)."""
    start, end = period_of(timezone.localtime(now, timezone.get_default_timezone()).date())
    have = set(Screening.objects.filter(period_start=start).values_list("grid_id", flat=True))
    warn, due = deadlines(start, end)
    created = 0
    for grid_id in Grid.objects.exclude(pk__in=have).values_list("pk", flat=True):
        try:
            with transaction.atomic():
                Screening.objects.create(
                    grid_id=grid_id, period_start=start, period_end=end, warn_at=warn, due_at=due
                )
            created += 1
        except IntegrityError:
            pass  # a concurrent sweep opened it
    return created


@dataclass
class SweepResult:
    opened: int = 0
    warned: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    reminded: list[int] = field(default_factory=list)
    settle_overdue: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "opened": self.opened,
            "warned": len(self.warned),
            "overdue": len(self.overdue),
            "reminded": len(self.reminded),
            "settle_overdue": len(self.settle_overdue),
        }


def _grid_people(grid_id: int) -> list[Any]:
    from fengqiao.accounts.models import GRID_ROLES, Role, User

    grid = Grid.objects.select_related("village__parent").get(pk=grid_id)
    town_paths = [grid.village.path, grid.village.parent.path if grid.village.parent else grid.village.path]
    workers = User.objects.filter(is_active=True, role__in=GRID_ROLES, grids=grid_id)
    clerks = User.objects.filter(is_active=True, role=Role.CLERK, regions__path__in=town_paths)
    return [*workers, *clerks]


def dispute_mediators(dispute: Dispute) -> list[Any]:
    """Who is reminded about a dispute: its lead and other mediators (the lead is optional at
    registration), or, when none is named, the active members of its organisation; each once."""
    named = [dispute.lead_mediator, *dispute.mediators.all()]
    people = [user for user in named if user is not None and user.is_active]
    if not people:
        people = list(dispute.organization.members.filter(is_active=True).order_by("pk"))
    return list({user.pk: user for user in people}.values())


def _notify(users: list[Any], case: Any, text: str) -> None:
    from fengqiao.cases import sla as case_sla
    from fengqiao.cases import tasks

    ids = case_sla.create_notifications(users, Notification.Verb.WARNING, case, text)
    if ids:
        transaction.on_commit(lambda: tasks.enqueue_delivery(ids))


def sweep(now: dt.datetime | None = None) -> SweepResult:
    """One pass over the screening slots and the confirmation deadlines (safe to run concurrently)."""
    now = now or timezone.now()
    result = SweepResult(opened=open_slots(now))
    open_slots_q = Screening.objects.filter(submitted_at__isnull=True)
    for pk in (
        open_slots_q.filter(due_at__lte=now)
        .exclude(sla_state=Screening.State.OVERDUE)
        .values_list("pk", flat=True)
    ):
        with transaction.atomic():
            claimed = (
                Screening.objects.filter(pk=pk, submitted_at__isnull=True)
                .exclude(sla_state=Screening.State.OVERDUE)
                .update(sla_state=Screening.State.OVERDUE)
            )
            if claimed:
                slot = Screening.objects.select_related("grid").get(pk=pk)
                _notify(
                    _grid_people(slot.grid_id),
                    None,
                    _("Screening report of %(grid)s for %(start)s–%(end)s is overdue.")
                    % {"grid": slot.grid, "start": slot.period_start, "end": slot.period_end},
                )
                result.overdue.append(pk)
    for pk in open_slots_q.filter(warn_at__lte=now, sla_state=Screening.State.NORMAL).values_list(
        "pk", flat=True
    ):
        with transaction.atomic():
            claimed = Screening.objects.filter(
                pk=pk, submitted_at__isnull=True, sla_state=Screening.State.NORMAL
            ).update(sla_state=Screening.State.WARNING)
            if claimed:
                slot = Screening.objects.select_related("grid").get(pk=pk)
                _notify(
                    _grid_people(slot.grid_id),
                    None,
                    _("Screening report of %(grid)s is due by %(due)s.")
                    % {"grid": slot.grid, "due": timezone.localtime(slot.due_at).strftime("%Y-%m-%d %H:%M")},
                )
                result.warned.append(pk)
    today = timezone.localtime(now, timezone.get_default_timezone()).date()
    # Remind a week before the 30 days run out (effective_on + 30 - 7).
    due_soon = Agreement.objects.filter(
        form=Agreement.Form.WRITTEN,
        effective_on__isnull=False,
        effective_on__lte=today - dt.timedelta(days=23),
        effective_on__gte=today - dt.timedelta(days=30),
        confirmation_applied_on__isnull=True,
        confirmation_reminded_at__isnull=True,
    )
    for pk in due_soon.values_list("pk", flat=True):
        with transaction.atomic():
            if Agreement.objects.filter(pk=pk, confirmation_reminded_at__isnull=True).update(
                confirmation_reminded_at=now
            ):
                agreement = Agreement.objects.select_related(
                    "dispute__case", "dispute__lead_mediator", "dispute__organization"
                ).get(pk=pk)
                dispute = agreement.dispute
                _notify(
                    dispute_mediators(dispute),
                    dispute.case,
                    _("%(number)s: apply for judicial confirmation by %(due)s.")
                    % {"number": dispute.dossier_number, "due": agreement.confirmation_due_on},
                )
                result.reminded.append(pk)
    # The 30 days to settle (extendable with the parties' consent): announced once when passed.
    late = Dispute.objects.filter(
        outcome="", archived_at__isnull=True, settle_due_on__lt=today, settle_overdue_at__isnull=True
    )
    for pk in late.values_list("pk", flat=True):
        with transaction.atomic():
            if Dispute.objects.filter(pk=pk, settle_overdue_at__isnull=True).update(settle_overdue_at=now):
                dispute = Dispute.objects.select_related("case", "lead_mediator", "organization").get(pk=pk)
                users = (
                    [dispute.lead_mediator]
                    if dispute.lead_mediator
                    else list(dispute.organization.members.all())
                )
                _notify(
                    users,
                    dispute.case,
                    _(
                        "%(number)s was to be settled by %(due)s: record the outcome, "
                        "or extend with the parties' consent."
                    )
                    % {"number": dispute.dossier_number, "due": dispute.settle_due_on},
                )
                result.settle_overdue.append(pk)
    return result


def missing_reports(user: Any, *, now: dt.datetime | None = None) -> list[Screening]:
    """The current period's slots in the user's scope still without a report (who has not reported).

    A read, never a write: the sweep (`checkclocks`) opens the period's slots. Until it has, a
    grid in scope without a slot for the current period is listed all the same, as an unsaved slot
    with the period's deadlines and the light they give now (so the page is right between sweeps).
    """
    now = now or timezone.now()
    start, end = period_of(timezone.localtime(now, timezone.get_default_timezone()).date())
    slots = list(
        Screening.objects.visible_to(user)
        .filter(submitted_at__isnull=True, period_start__lte=start)
        .select_related("grid__village")
    )
    unopened = (
        Grid.objects.visible_to(user)
        .exclude(pk__in=Screening.objects.filter(period_start=start).values("grid_id"))
        .select_related("village")
    )
    warn, due = deadlines(start, end)
    state = (
        Screening.State.OVERDUE
        if now >= due
        else Screening.State.WARNING
        if now >= warn
        else Screening.State.NORMAL
    )
    slots += [
        Screening(grid=grid, period_start=start, period_end=end, warn_at=warn, due_at=due, sla_state=state)
        for grid in unopened
    ]
    return sorted(slots, key=lambda slot: (slot.due_at, slot.grid.code))
