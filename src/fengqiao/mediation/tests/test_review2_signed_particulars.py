"""Once the parties signed the written agreement, their particulars are those of the signed copy
(review 2 #6): a correction is refused (409 `agreement_signed`) on the page and in the API, until
the case is reopened."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fengqiao.cases import services as case_services
from fengqiao.mediation import services
from fengqiao.mediation.exceptions import MediationError
from fengqiao.testing import builders
from fengqiao.testing.builders import api_client

from .conftest import agree, make_dispute

pytestmark = pytest.mark.django_db

#: Another fictional, valid resident ID.
ID_CORRECTED = "620802199001010036"


def url(party: Any) -> str:
    return f"/api/v1/disputes/{party.dispute_id}/parties/{party.pk}/"


@pytest.fixture
def signed(mediator: Any, committee: Any) -> Any:
    dispute = make_dispute(mediator, committee)
    services.record_session(dispute, by=mediator, participants="双方", minutes="调解")
    agreement = agree(dispute, mediator)
    services.sign_agreement(agreement, by=mediator)
    dispute.refresh_from_db()
    return dispute


@pytest.mark.parametrize(
    "change",
    [{"name": "李春华"}, {"resident_id": ID_CORRECTED}, {"address": "东沟村三组"}, {"phone": "13700002222"}],
)
def test_the_api_refuses_particulars_after_signing(
    signed: Any, mediator: Any, change: dict[str, str]
) -> None:
    party = signed.parties.get(role="applicant")
    response = api_client(mediator).patch(url(party), change, format="json")
    assert response.status_code == 409, response.content
    assert response.json()["code"] == "agreement_signed"
    party.refresh_from_db()
    assert (party.name, party.address, party.phone) == ("李春花", "东沟村一组", "+8613912345678")
    assert party.resident_id == "620802198503150018"


def test_the_page_refuses_them_too(signed: Any, mediator: Any) -> None:
    party = signed.parties.get(role="respondent")
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(mediator)
    response = page.post(
        reverse("mediation:party_edit", args=[party.pk]),
        {"role": "respondent", "name": "王大川", "resident_id": "", "phone": ""},
    )
    assert response.status_code == 200
    assert "signed" in " ".join(response.context["form"].non_field_errors())
    party.refresh_from_db()
    assert party.name == "王大山"


def test_before_signing_a_written_agreement_particulars_still_change(mediator: Any, committee: Any) -> None:
    dispute = make_dispute(mediator, committee)
    agree(dispute, mediator)
    party = dispute.parties.get(role="applicant")
    response = api_client(mediator).patch(url(party), {"name": "李春华"}, format="json")
    assert response.status_code == 200, response.content


def test_a_reopened_case_corrects_them(signed: Any, mediator: Any) -> None:
    services.add_document(signed, by=mediator, kind="identity")
    services.archive_dossier(signed, by=mediator)
    signed.refresh_from_db()
    party = signed.parties.get(role="applicant")
    with pytest.raises(MediationError):
        services.update_party(party, by=mediator, name="李春华")
    clerk = builders.make_user("clerk2", "clerk", regions=[signed.case.town])
    case_services.reopen_case(signed.case, by=clerk, reason="协议中当事人姓名有误")
    party = services.update_party(party, by=mediator, name="李春华")
    assert party.name == "李春华"
