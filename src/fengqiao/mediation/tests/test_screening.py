"""Screening reports (排查): slots per grid and week, yellow then red when missed, cleared by a report."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from fengqiao.cases.models import Kind, Notification, Status
from fengqiao.core.models import AuditEvent
from fengqiao.mediation import services, sla
from fengqiao.mediation.exceptions import MediationError
from fengqiao.mediation.models import Screening

from .conftest import local, make_dispute

pytestmark = pytest.mark.django_db

MONDAY = local(2026, 11, 2, 9, 0)


def slot(grid):
    return Screening.objects.get(grid=grid, period_start=MONDAY.date())


def test_a_missed_report_turns_yellow_then_red_and_a_zero_report_clears_it(town, worker_a, clerk):
    with time_machine.travel(MONDAY, tick=False):
        result = sla.sweep()
        assert result.opened == 2
        screening = slot(town.grid_a)
        assert screening.due_at == local(2026, 11, 6, 17, 0)  # Friday, the period's last working day
        assert screening.sla_state == "normal"
    # 80% of the 40 working hours: the warning comes at the end of Thursday.
    assert local(2026, 11, 5, 12, 0) < screening.warn_at < screening.due_at
    with time_machine.travel(screening.warn_at, tick=False):
        result = sla.sweep()
        assert len(result.warned) == 2
        assert slot(town.grid_a).sla_state == "warning"
        assert Notification.objects.filter(user=worker_a, verb="warning").count() == 1
        assert sla.sweep().warned == []  # once
    with time_machine.travel(local(2026, 11, 6, 17, 1), tick=False):
        result = sla.sweep()
        assert len(result.overdue) == 2
        assert slot(town.grid_a).sla_state == "overdue"
        assert sla.sweep().overdue == []
        assert {s.grid_id for s in sla.missing_reports(clerk)} == {town.grid_a.pk, town.grid_b.pk}
        services.submit_screening(slot(town.grid_a), by=worker_a, zero_report=True)
        assert slot(town.grid_a).sla_state == "normal"
        assert slot(town.grid_a).zero_report is True
        assert {s.grid_id for s in sla.missing_reports(clerk)} == {town.grid_b.pk}
        assert AuditEvent.objects.filter(action="screening.submit").count() == 1


def test_a_report_turns_each_item_into_a_dispute_case(town, worker_a, mediator, committee):
    with time_machine.travel(MONDAY, tick=False):
        sla.sweep()
        screening = services.submit_screening(
            slot(town.grid_a),
            by=worker_a,
            items=[
                {"title": "两户因宅基地界线争吵", "dispute_type": "housing_homestead", "people_count": 5},
                {"title": "务工人员讨薪", "dispute_type": "labour", "risk_grade": "orange"},
            ],
        )
    cases = [item.case for item in screening.items.order_by("id")]
    assert [(c.kind, c.status, c.grid_id) for c in cases] == [
        (Kind.DISPUTE, Status.REPORTED, town.grid_a.pk)
    ] * 2
    # A mediator registers the first one: the same case is accepted, the dispute linked to the screening.
    dispute = make_dispute(mediator, committee, case=cases[0], dispute_type="housing_homestead")
    assert dispute.case == cases[0] and dispute.source == "application"
    assert dispute.screening == screening
    cases[0].refresh_from_db()
    assert cases[0].status == Status.ACCEPTED


def test_a_report_needs_items_or_a_zero_report_and_comes_once(town, worker_a, worker_b):
    with time_machine.travel(MONDAY, tick=False):
        sla.sweep()
        with pytest.raises(MediationError):
            services.submit_screening(slot(town.grid_a), by=worker_a)
        with pytest.raises(MediationError):
            services.submit_screening(
                slot(town.grid_a),
                by=worker_a,
                zero_report=True,
                items=[{"title": "x", "dispute_type": "other"}],
            )
        with pytest.raises(PermissionDenied):
            services.submit_screening(slot(town.grid_a), by=worker_b, zero_report=True)
        services.submit_screening(slot(town.grid_a), by=worker_a, zero_report=True)
        with pytest.raises(MediationError):
            services.submit_screening(slot(town.grid_a), by=worker_a, zero_report=True)


def test_the_period_is_a_setting(town, settings):
    settings.MEDIATION_SCREENING_PERIOD_DAYS = 14
    with time_machine.travel(MONDAY, tick=False):
        sla.sweep()
    screening = Screening.objects.get(grid=town.grid_a)
    assert (screening.period_end - screening.period_start).days == 13


def test_the_sweep_reminds_of_judicial_confirmation_once(mediator, committee):
    from .conftest import agree

    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        dispute = make_dispute(mediator, committee)
        agree(dispute, mediator, signed_on="2026-11-02")
    with time_machine.travel(local(2026, 11, 24, 10, 0), tick=False):
        assert sla.sweep().reminded == []
    with time_machine.travel(local(2026, 11, 25, 10, 0), tick=False):
        assert len(sla.sweep().reminded) == 1
        assert sla.sweep().reminded == []
    assert Notification.objects.filter(user=mediator, case=dispute.case).count() == 1


def test_the_sweep_announces_a_passed_settle_deadline_once_and_an_extension_clears_it(mediator, committee):
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        dispute = make_dispute(mediator, committee)
    assert dispute.settle_due_on.isoformat() == "2026-12-02"
    with time_machine.travel(local(2026, 12, 2, 18, 0), tick=False):
        assert sla.sweep().settle_overdue == []
    with time_machine.travel(local(2026, 12, 3, 9, 0), tick=False):
        assert sla.sweep().settle_overdue == [dispute.pk]
        assert sla.sweep().settle_overdue == []
        assert Notification.objects.filter(user=mediator, case=dispute.case).count() == 1
        services.extend_settle_deadline(dispute, by=mediator, days=10, consent="双方同意延期")
        dispute.refresh_from_db()
        assert dispute.settle_overdue_at is None
