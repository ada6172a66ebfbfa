"""Outcomes are dated by their own timeline rows: a reopened dispute's earlier month stays as filed."""

from __future__ import annotations

import pytest
import time_machine

from fengqiao.cases import services as case_services
from fengqiao.mediation import services, statistics
from fengqiao.mediation.models import Dispute

from .conftest import agree, local, make_dispute

pytestmark = pytest.mark.django_db


def test_a_failure_reopened_and_then_agreed_stays_octobers_failure(mediator, clerk, committee):
    with time_machine.travel(local(2026, 10, 20, 10, 0), tick=False):
        dispute = make_dispute(mediator, committee)
        services.record_session(dispute, by=mediator, participants="双方", minutes="调解")
        services.add_document(dispute, by=mediator, kind="identity")
        services.record_failure(dispute, by=mediator, reason="双方分歧过大", route="litigation")
        services.archive_dossier(dispute, by=mediator)
    with time_machine.travel(local(2026, 11, 5, 10, 0), tick=False):
        case_services.reopen_case(dispute.case, by=clerk, reason="双方愿意再次调解")
    with time_machine.travel(local(2026, 11, 10, 10, 0), tick=False):
        agree(Dispute.objects.get(pk=dispute.pk), mediator, form="oral")
    actions = list(dispute.case.events.order_by("at", "id").values_list("action", flat=True))
    assert actions.count("record_failure") == 1 and actions.count("record_agreement") == 1

    scoped = Dispute.objects.visible_to(clerk)
    october = statistics.monthly_table(scoped, statistics.parse_month("2026-10"))
    assert (october.total.accepted.value, october.total.agreement.value, october.total.failure.value) == (
        1,
        0,
        1,
    )
    november = statistics.monthly_table(scoped, statistics.parse_month("2026-11"))
    cumulative = november.total.cumulative
    assert (cumulative.agreement.value, cumulative.failure.value, cumulative.pending.value) == (1, 0, 0)
