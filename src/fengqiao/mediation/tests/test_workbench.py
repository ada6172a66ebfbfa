"""The mediator's workbench, and that mediators' rights stop at disputes."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from fengqiao.cases import services as case_services
from fengqiao.mediation import queries, services

from .conftest import agree, local, make_dispute

pytestmark = pytest.mark.django_db


def test_the_workbench_lists_what_is_due(mediator, other_mediator, committee, village_committee, room, clerk):
    with time_machine.travel(local(2026, 11, 2, 9, 0), tick=False):
        mine = make_dispute(mediator, committee)
        services.record_session(mine, by=mediator, participants="双方", minutes="第一次调解", room=room)
        signed = make_dispute(mediator, committee)
        agree(signed, mediator, signed_on="2026-11-02")
        unsigned = make_dispute(mediator, committee)
        agree(unsigned, mediator)
        foreign = make_dispute(clerk, village_committee, lead_mediator=other_mediator)
        bench = queries.workbench(mediator)
    assert {d.pk for d in bench.disputes} == {mine.pk, signed.pk, unsigned.pk}
    assert [s.dispute_id for s in bench.sessions_today] == [mine.pk]
    assert [a.dispute_id for a in bench.awaiting_signature] == [unsigned.pk]
    assert [a.dispute_id for a in bench.confirmations_due] == [signed.pk]
    assert foreign.pk not in {d.pk for d in bench.disputes}
    with time_machine.travel(local(2026, 12, 20, 9, 0), tick=False):
        due = queries.workbench(mediator).follow_ups_due
    assert {f.dispute_id for f in due} == {signed.pk, unsigned.pk}


def test_mediators_run_disputes_only(mediator, town):
    with pytest.raises(PermissionDenied):
        case_services.create_case(
            by=mediator, kind="appeal", channel="window", title="路灯不亮", town=town.town
        )
    case = case_services.create_case(
        by=mediator, kind="dispute", channel="window", title="邻里纠纷", town=town.town
    )
    assert case.status == "reported"
