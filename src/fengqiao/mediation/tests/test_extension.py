"""An extension the parties agreed to moves the case's clock too (audit #2)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine

from fengqiao.cases import services as case_services
from fengqiao.cases import sla as case_sla
from fengqiao.cases.exceptions import CaseError
from fengqiao.cases.models import SLAState, Supervision
from fengqiao.mediation import services
from fengqiao.mediation.tests.conftest import local, make_dispute


def _sweep(moment: dt.datetime) -> None:
    with time_machine.travel(moment, tick=False):
        case_sla.sweep_clocks(moment)


def test_agreed_extension_keeps_the_case_green_until_the_new_deadline(mediator: Any, committee: Any) -> None:
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        dispute = make_dispute(mediator, committee)
        old_due = dispute.case.resolve_due_at
        services.extend_settle_deadline(dispute, by=mediator, days=30, consent="双方同意延长三十日")
    dispute.refresh_from_db()
    case = dispute.case
    case.refresh_from_db()
    assert dispute.settle_due_on == dt.date(2027, 1, 1)
    # The case is due at close of business of the first working day on or after the settle date.
    assert case.resolve_due_at > old_due
    assert case.resolve_due_at.date() >= dispute.settle_due_on
    assert case.resolve_due_at < local(2027, 1, 5)
    assert case.extension_count == 1
    actions = list(case.events.order_by("at", "id").values_list("action", flat=True))
    assert actions[-2:] == ["extend_settle_deadline", "extend_deadline"]

    # Past the old deadline (and the old settle date): no warning turned red, no supervision.
    _sweep(old_due + dt.timedelta(days=2))
    case.refresh_from_db()
    assert case.sla_state != SLAState.OVERDUE
    assert not Supervision.objects.filter(case=case).exists()
    _sweep(case.resolve_due_at - dt.timedelta(minutes=1))
    assert not Supervision.objects.filter(case=case).exists()

    # Past the new deadline the clock works as ever.
    _sweep(case.resolve_due_at + dt.timedelta(minutes=1))
    case.refresh_from_db()
    assert case.sla_state == SLAState.OVERDUE
    assert Supervision.objects.filter(case=case).count() == 1


def test_a_generic_extension_of_a_dispute_under_mediation_is_refused(
    mediator: Any, committee: Any, leader: Any
) -> None:
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        dispute = make_dispute(mediator, committee)
        with pytest.raises(CaseError) as error:
            case_services.extend_deadline(dispute.case, by=leader, days=5, reason="领导同意")
    assert error.value.code == "extend_with_consent"
    assert error.value.http_status == 409


def test_extension_after_the_outcome_leaves_the_stopped_clock(mediator: Any, committee: Any) -> None:
    from fengqiao.mediation.tests.conftest import agree

    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        dispute = make_dispute(mediator, committee)
        agree(dispute, mediator, form="oral")
        services.extend_settle_deadline(dispute, by=mediator, days=10, consent="双方同意")
    dispute.case.refresh_from_db()
    assert dispute.case.extension_count == 0
