"""Correcting and removing parties: page and API, validated, identifiers never pre-filled, timeline
row and audit row, scoped."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from fengqiao.cases.models import CaseEvent
from fengqiao.core.masking import mask_resident_id
from fengqiao.core.models import AuditEvent
from fengqiao.mediation import services
from fengqiao.mediation.exceptions import MediationError
from fengqiao.mediation.models import Party
from fengqiao.testing.builders import api_client

from .conftest import ID_APPLICANT, ID_RESPONDENT, agree, make_dispute

pytestmark = pytest.mark.django_db

#: Another fictional, valid resident ID.
ID_CORRECTED = "620802199001010036"


def url(party):
    return f"/api/v1/disputes/{party.dispute_id}/parties/{party.pk}/"


def test_patch_corrects_a_party_and_blank_identifiers_keep_their_value(mediator, committee):
    dispute = make_dispute(mediator, committee)
    party = dispute.parties.get(role="applicant")
    api = api_client(mediator)
    response = api.patch(url(party), {"name": "李春华", "resident_id": "", "phone": ""}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["name"] == "李春华" and body["resident_id"] == mask_resident_id(ID_APPLICANT)
    party.refresh_from_db()
    assert (party.resident_id, party.phone) == (ID_APPLICANT, "+8613912345678")
    response = api.patch(url(party), {"resident_id": ID_CORRECTED, "phone": "138 0000 2222"}, format="json")
    assert response.status_code == 200
    party.refresh_from_db()
    assert (party.resident_id, party.phone) == (ID_CORRECTED, "+8613800002222")
    events = CaseEvent.objects.filter(case=dispute.case, action="update_party").order_by("id")
    assert [e.data["fields"] for e in events] == [["name"], ["resident_id", "phone"]]
    audits = AuditEvent.objects.filter(action="dispute.update_party").order_by("id")
    assert [a.changes["fields"] for a in audits] == [["name"], ["resident_id", "phone"]]
    assert ID_CORRECTED not in str(list(audits.values())) + str(list(events.values()))


@pytest.mark.parametrize(
    "body, field",
    [
        ({"resident_id": "620802198503150012"}, "resident_id"),
        ({"phone": "12345"}, "phone"),
        ({"name": " "}, "name"),
        ({"role": "judge"}, "role"),
        ({"role": "agent"}, "represents"),
    ],
)
def test_patch_validates(mediator, committee, body, field):
    dispute = make_dispute(mediator, committee)
    party = dispute.parties.get(role="applicant")
    response = api_client(mediator).patch(url(party), body, format="json")
    assert response.status_code == 400 and field in response.json()["fields"], response.json()
    party.refresh_from_db()
    assert (party.name, party.resident_id, party.role) == ("李春花", ID_APPLICANT, "applicant")


def test_an_agent_can_be_pointed_at_another_party(mediator, committee):
    dispute = make_dispute(mediator, committee)
    applicant, respondent = dispute.parties.get(role="applicant"), dispute.parties.get(role="respondent")
    agent = services.add_party(dispute, by=mediator, role="agent", name="赵律师", represents=applicant)
    response = api_client(mediator).patch(url(agent), {"represents": respondent.pk}, format="json")
    assert response.status_code == 200 and response.json()["represents"] == respondent.pk
    response = api_client(mediator).patch(url(agent), {"represents": agent.pk}, format="json")
    assert response.status_code == 400


def test_the_role_is_fixed_once_the_outcome_is_recorded(mediator, committee):
    dispute = make_dispute(mediator, committee)
    agree(dispute, mediator)
    party = dispute.parties.get(role="applicant")
    api = api_client(mediator)
    assert api.patch(url(party), {"role": "third_party"}, format="json").status_code == 409
    assert api.patch(url(party), {"occupation": "教师"}, format="json").status_code == 200


def test_delete_removes_a_party_before_agreement_only(mediator, committee):
    dispute = make_dispute(mediator, committee)
    extra = services.add_party(dispute, by=mediator, role="third_party", name="赵小红")
    api = api_client(mediator)
    applicant = dispute.parties.get(role="applicant")
    agent = services.add_party(dispute, by=mediator, role="agent", name="赵律师", represents=applicant)
    response = api.delete(url(applicant))
    assert response.status_code == 409 and response.json()["code"] == "party_has_agents"
    assert api.delete(url(agent) + "?reason=登记错误").status_code == 204
    assert api.delete(url(extra)).status_code == 204
    assert set(dispute.parties.values_list("name", flat=True)) == {"李春花", "王大山"}
    event = CaseEvent.objects.filter(case=dispute.case, action="remove_party").first()
    # The case timeline says what happened; whom and why stay in the audit trail (review 2 #2).
    with translation.override(settings.LANGUAGE_CODE):  # notes are written in the site's language
        assert event.note == translation.gettext("Party removed")
    assert AuditEvent.objects.filter(action="dispute.remove_party").count() == 2
    removal = AuditEvent.objects.filter(action="dispute.remove_party", changes__name="赵律师").get()
    assert removal.changes["reason"] == "登记错误"
    agree(dispute, mediator)
    response = api.delete(url(applicant))
    assert response.status_code == 409 and Party.objects.filter(pk=applicant.pk).exists()


def test_parties_of_other_disputes_are_404(
    mediator, other_mediator, committee, village_committee, clerk, auditor
):
    foreign = make_dispute(clerk, village_committee, lead_mediator=other_mediator)
    own = make_dispute(mediator, committee)
    api = api_client(mediator)
    party = foreign.parties.first()
    assert api.patch(url(party), {"name": "x"}, format="json").status_code == 404
    assert api.delete(url(party)).status_code == 404
    # A party of one dispute through another dispute's URL is no party at all.
    path = f"/api/v1/disputes/{own.pk}/parties/{party.pk}/"
    assert api.patch(path, {"name": "x"}, format="json").status_code == 404
    assert (
        api_client(auditor).patch(url(own.parties.first()), {"name": "x"}, format="json").status_code == 403
    )
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied behind the 404s
        services.update_party(party, by=mediator, name="x")
    assert client_get_edit(mediator, party).status_code == 404


def client_get_edit(user, party):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.get(reverse("mediation:party_edit", args=[party.pk]))


def test_the_edit_page_never_prefills_identifiers(client, mediator, committee):
    mediator.view_sensitive = True  # even a holder of the right gets them masked as placeholders
    mediator.save()
    dispute = make_dispute(mediator, committee)
    party = dispute.parties.get(role="respondent")
    client.force_login(mediator)
    page = client.get(reverse("mediation:party_edit", args=[party.pk])).content.decode()
    assert ID_RESPONDENT not in page and "13800001111" not in page
    assert f'placeholder="{mask_resident_id(ID_RESPONDENT)}"' in page
    assert 'value="王大山"' in page
    response = client.post(
        reverse("mediation:party_edit", args=[party.pk]),
        {"role": "respondent", "name": "王大川", "resident_id": "", "phone": "", "ethnicity": "回族"},
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert (party.name, party.ethnicity, party.resident_id, party.phone) == (
        "王大川",
        "回族",
        ID_RESPONDENT,
        "+8613800001111",
    )
    response = client.post(
        reverse("mediation:party_edit", args=[party.pk]),
        {"role": "respondent", "name": "王大川", "resident_id": "620802197811020027"},
    )
    assert response.status_code == 200 and "resident_id" in response.context["form"].errors
    party.refresh_from_db()
    assert party.resident_id == ID_RESPONDENT


def test_removing_on_the_page(client, mediator, committee):
    dispute = make_dispute(mediator, committee)
    extra = services.add_party(dispute, by=mediator, role="third_party", name="赵小红")
    client.force_login(mediator)
    detail = client.get(reverse("mediation:dispute_detail", args=[dispute.pk])).content.decode()
    assert reverse("mediation:party_edit", args=[extra.pk]) in detail
    response = client.post(reverse("mediation:party_remove", args=[extra.pk]), {"reason": "重复登记"})
    assert response.status_code == 302 and not Party.objects.filter(pk=extra.pk).exists()
    agree(dispute, mediator)
    party = dispute.parties.first()
    assert (
        "party-remove-form"
        not in client.get(reverse("mediation:party_edit", args=[party.pk])).content.decode()
    )
    client.post(reverse("mediation:party_remove", args=[party.pk]))
    assert Party.objects.filter(pk=party.pk).exists()


def test_update_party_service_refuses_unknown_fields(mediator, committee):
    party = make_dispute(mediator, committee).parties.first()
    with pytest.raises(TypeError):
        services.update_party(party, by=mediator, dispute=None)
    with pytest.raises(MediationError):
        services.update_party(party, by=mediator, phone="abc")
