"""A dispute under mediation is verified and closed only by archiving its dossier (audit #1).

The case's generic verify and close answer 409 `dossier_not_archived` for such a case, in the
services, the case API and the case page's buttons; `archive_dossier` still verifies and closes it.
A dispute case the center took in without registering it keeps the generic lifecycle.
"""

from __future__ import annotations

import pytest

from fengqiao.cases import services as case_services
from fengqiao.cases import workflow
from fengqiao.cases.exceptions import CaseError
from fengqiao.cases.models import Case, Status
from fengqiao.cases.tests.apitools import case_action, client_for
from fengqiao.mediation import services, statistics
from fengqiao.mediation.models import Dispute

from .conftest import agree, make_dispute

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled(mediator, committee, town):
    """An oral agreement recorded (in effect at once), the dossier still missing the identity papers."""
    dispute = make_dispute(mediator, committee, grid=town.grid_a)
    services.record_session(dispute, by=mediator, participants="双方", minutes="调解")
    agree(dispute, mediator, form="oral")
    dispute.refresh_from_db()
    assert dispute.case.status == Status.RESOLVED
    return dispute


def test_a_grid_worker_may_not_verify_a_dispute_under_mediation(settled, worker_a):
    with pytest.raises(CaseError) as refused:
        case_services.verify_case(settled.case, by=worker_a, passed=True)
    assert (refused.value.code, refused.value.http_status) == ("dossier_not_archived", 409)
    assert refused.value.current_status == Status.RESOLVED
    assert Case.objects.get(pk=settled.case_id).status == Status.RESOLVED


def test_the_center_may_neither_verify_nor_close_it(settled, clerk):
    with pytest.raises(CaseError) as refused:
        case_services.verify_case(settled.case, by=clerk, passed=True)
    assert refused.value.code == "dossier_not_archived"
    # Even a case somehow verified (older data) is not closed by the generic close.
    Case.objects.filter(pk=settled.case_id).update(status=Status.VERIFIED)
    with pytest.raises(CaseError) as refused:
        case_services.close_case(Case.objects.get(pk=settled.case_id), by=clerk)
    assert refused.value.code == "dossier_not_archived"
    assert Case.objects.get(pk=settled.case_id).status == Status.VERIFIED


def test_nor_a_mediator_through_the_case_service(settled, mediator):
    with pytest.raises(CaseError) as refused:
        case_services.verify_case(settled.case, by=mediator, passed=True)
    assert refused.value.code == "dossier_not_archived"


def test_the_case_api_answers_409_and_offers_no_such_action(settled, worker_a, clerk):
    response = client_for(worker_a).post(case_action(settled.case_id, "verify"), {"passed": True})
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "dossier_not_archived"
    assert body["current_status"] == Status.RESOLVED
    detail = client_for(clerk).get(f"/api/v1/cases/{settled.case_id}/").json()
    assert "verify" not in detail["allowed_actions"]
    assert "verify" not in workflow.allowed_actions(Case.objects.get(pk=settled.case_id), worker_a)


def test_archiving_the_dossier_still_verifies_and_closes(settled, mediator):
    services.add_document(settled, by=mediator, kind="identity")
    services.archive_dossier(settled, by=mediator)
    settled.refresh_from_db()
    assert settled.case.status == Status.CLOSED
    assert settled.archived_at is not None
    actions = list(settled.case.events.values_list("action", flat=True))
    assert actions[-2:] == ["verify", "close"]
    # Outside the archive, the guard is back.
    case_services.reopen_case(settled.case, by=_clerk_of(settled), reason="当事人反映未履行")
    assert workflow.guard_of(Case.objects.get(pk=settled.case_id), "verify") is not None


def _clerk_of(dispute: Dispute):
    from fengqiao.testing import builders

    return builders.make_user("clerk2", "clerk", regions=[dispute.case.town])


def test_the_month_counts_no_dispute_closed_outside_mediation(settled, mediator, worker_a, clerk):
    """The audit's reproduction: oral agreement, the grid worker's check, the clerk's close. Both
    steps are refused, so the month shows it agreed but not resolved."""
    for step in (
        lambda: case_services.verify_case(settled.case, by=worker_a, passed=True),
        lambda: case_services.close_case(settled.case, by=clerk),
    ):
        with pytest.raises(CaseError):
            step()
    month = statistics.parse_month(f"{settled.registered_at:%Y-%m}")
    table = statistics.monthly_table(Dispute.objects.visible_to(clerk), month)
    assert (table.total.agreement.value, table.total.resolved.value) == (1, 0)


def test_a_dispute_case_never_registered_keeps_the_generic_lifecycle(town, clerk, worker_a):
    case = case_services.create_case(
        by=clerk,
        kind="dispute",
        channel="window",
        title="邻里口角",
        description="当场劝和",
        grid=town.grid_a,
    )
    case = case_services.accept_case(case, by=clerk)
    case = case_services.resolve_case(case, by=clerk, result="当场劝和")
    case = case_services.verify_case(case, by=worker_a, passed=True)
    case = case_services.close_case(case, by=clerk)
    assert case.status == Status.CLOSED


def test_archive_dossier_vouches_for_its_own_verify_and_close():
    # The service enters `workflow.vouch` itself: no wrapper installed from apps.py at start-up.
    import inspect

    from fengqiao.mediation import apps

    assert not hasattr(apps, "vouching_archive")
    assert services.archive_dossier.__module__ == "fengqiao.mediation.services"
    assert 'workflow.vouch(case, "verify", "close")' in inspect.getsource(services.archive_dossier)
