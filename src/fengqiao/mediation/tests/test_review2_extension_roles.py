"""Who extends a dispute case's clock (review 2 #5): with the parties' consent, those who run the
dispute (through the mediation service's vouch); otherwise, a leader, as for every case."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from fengqiao.cases import services as case_services
from fengqiao.cases import workflow
from fengqiao.cases.models import Kind
from fengqiao.mediation import services
from fengqiao.mediation.tests.conftest import local, make_dispute
from fengqiao.testing.builders import api_client

pytestmark = pytest.mark.django_db


def _dispute_case(clerk: Any) -> Any:
    """A dispute case the center took in and accepted, never registered for mediation."""
    case = case_services.create_case(
        by=clerk, kind=Kind.DISPUTE, channel="window", title="邻里噪声投诉", description="夜间装修"
    )
    return case_services.accept_case(case, by=clerk)


@pytest.mark.parametrize("who", ["clerk", "mediator"])
def test_a_dispute_case_outside_mediation_is_extended_by_leaders_only(
    who: str, request: Any, clerk: Any, leader: Any
) -> None:
    case = _dispute_case(clerk)
    user = request.getfixturevalue(who)
    assert "extend_deadline" not in workflow.allowed_actions(case, user)
    with pytest.raises(PermissionDenied):
        case_services.extend_deadline(case, by=user, days=3, reason="需要更多时间")
    response = api_client(user).post(
        f"/api/v1/cases/{case.pk}/extend/", {"days": 3, "reason": "需要更多时间"}, format="json"
    )
    assert response.status_code in (403, 404), response.content
    case.refresh_from_db()
    assert case.extension_count == 0
    case = case_services.extend_deadline(case, by=leader, days=3, reason="领导同意延期")
    assert case.extension_count == 1


@pytest.mark.parametrize("who", ["clerk", "mediator"])
def test_the_consent_path_still_extends_the_case_clock(who: str, request: Any, committee: Any) -> None:
    user = request.getfixturevalue(who)
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        dispute = make_dispute(user, committee)
        services.extend_settle_deadline(dispute, by=user, days=30, consent="双方同意延长三十日")
    dispute.case.refresh_from_db()
    assert dispute.case.extension_count == 1
    assert dispute.case.events.filter(action="extend_deadline").count() == 1
    # The vouch lasts for the service's call only.
    assert "extend_deadline" not in workflow.allowed_actions(dispute.case, user)
