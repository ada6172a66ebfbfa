"""The dispute's case is read by its grid's workers, the mediation is not (review 2 #2): the case
timeline rows and the case's result that mediation writes only say what happened."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from fengqiao.mediation import services
from fengqiao.testing.builders import api_client

from .conftest import make_dispute

pytestmark = pytest.mark.django_db

# What mediation keeps to itself, written below.
CORRECTED_NAME = "赵秋实"
FIRST_NAME = "赵秋生"
REMOVED_NAME = "钱多多"
REMOVAL_REASON = "登记时重复录入"
INVESTIGATION = "走访东邻证实排水沟改道"
MINUTES = "双方各退一步由王大山先行垫付"
CANCEL_REASON = "调解员临时出差"
POSTPONE_REASON = "申请人住院治疗"
CONSENT = "李春花与王大山同意延长十日"
FAILURE_REASON = "王大山拒绝赔偿任何损失"
SECRETS = (
    CORRECTED_NAME,
    FIRST_NAME,
    REMOVED_NAME,
    REMOVAL_REASON,
    INVESTIGATION,
    MINUTES,
    CANCEL_REASON,
    POSTPONE_REASON,
    CONSENT,
    FAILURE_REASON,
)


@pytest.fixture
def dispute(clerk: Any, committee: Any, town: Any, mediator: Any, room: Any) -> Any:
    dispute = make_dispute(clerk, committee, grid=town.grid_a, lead_mediator=mediator)
    party = services.add_party(dispute, by=mediator, role="respondent", name=FIRST_NAME)
    services.update_party(party, by=mediator, name=CORRECTED_NAME)
    mistaken = services.add_party(dispute, by=mediator, role="applicant", name=REMOVED_NAME)
    services.remove_party(mistaken, by=mediator, reason=REMOVAL_REASON)
    services.record_investigation(dispute, by=mediator, content=INVESTIGATION)
    services.record_session(dispute, by=mediator, participants="双方", minutes=MINUTES)
    ahead = timezone.now() + dt.timedelta(days=3)
    planned = services.plan_session(dispute, by=mediator, held_at=ahead, room=room)
    services.cancel_session(planned, by=mediator, reason=CANCEL_REASON)
    planned = services.plan_session(dispute, by=mediator, held_at=ahead, room=room)
    services.postpone_session(
        planned, by=mediator, reason=POSTPONE_REASON, held_at=ahead + dt.timedelta(days=1)
    )
    services.extend_settle_deadline(dispute, by=mediator, days=10, consent=CONSENT)
    services.record_failure(dispute, by=mediator, reason=FAILURE_REASON, route="litigation")
    dispute.refresh_from_db()
    return dispute


def test_the_grid_reads_the_case_without_the_mediation(dispute: Any, worker_a: Any) -> None:
    case = dispute.case
    api = api_client(worker_a)
    page = Client()
    page.force_login(worker_a)
    answers = {
        "detail": api.get(f"/api/v1/cases/{case.pk}/"),
        "timeline": api.get(f"/api/v1/cases/{case.pk}/timeline/"),
        "page": page.get(reverse("cases:case_detail", args=[case.pk])),
    }
    for where, response in answers.items():
        assert response.status_code == 200, where
        body = response.content.decode()
        for secret in SECRETS:
            assert secret not in body, (where, secret)
    # The timeline still says what happened.
    notes = [step["note"] for step in answers["timeline"].json()]
    for said in (
        "Party added",
        "Party corrected",
        "Party removed",
        "Investigation recorded",
        "Session held",
        "Session cancelled",
        "Session postponed",
        "Deadline extended with the parties' consent",
        "Mediation failed",
    ):
        assert said in notes, said


def test_a_mediator_still_reads_the_details_on_the_dispute(dispute: Any, mediator: Any) -> None:
    page = Client()
    page.force_login(mediator)
    pages = page.get(reverse("mediation:dispute_detail", args=[dispute.pk])).content.decode()
    body = api_client(mediator).get(f"/api/v1/disputes/{dispute.pk}/").content.decode()
    for text in (pages, body):
        for detail in (CORRECTED_NAME, INVESTIGATION, MINUTES, CONSENT, FAILURE_REASON):
            assert detail in text, detail


def test_the_removal_keeps_whom_and_why_in_the_audit_trail(dispute: Any) -> None:
    from fengqiao.core.models import AuditEvent

    row = AuditEvent.objects.get(action="dispute.remove_party")
    assert row.changes["name"] == REMOVED_NAME
    assert row.changes["reason"] == REMOVAL_REASON
