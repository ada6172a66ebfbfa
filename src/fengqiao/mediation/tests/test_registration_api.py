"""Registration through the API names the mediators (lead and others), the invited units and agents."""

from __future__ import annotations

import pytest

from fengqiao.center.models import Department
from fengqiao.testing import builders
from fengqiao.testing.builders import api_client

from .conftest import applicant, respondent

pytestmark = pytest.mark.django_db


def register(api, committee, **fields):
    body = {
        "organization": committee.pk,
        "title": "婚姻家庭纠纷",
        "dispute_type": "marriage_family",
        "parties": [applicant(), respondent()],
        **fields,
    }
    return api.post("/api/v1/disputes/", body, format="json")


def test_mediators_units_and_agents_at_registration(clerk, mediator, other_mediator, committee, town):
    response = register(
        api_client(clerk),
        committee,
        lead_mediator=mediator.pk,
        mediators=[other_mediator.pk],
        invited_units=[town.police_station.pk, town.judicial_office.pk],
        parties=[
            applicant(),
            respondent(),
            {"role": "agent", "name": "赵律师", "occupation": "律师", "represents_position": 2},
        ],
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["lead_mediator"] == mediator.pk and body["mediators"] == [other_mediator.pk]
    assert sorted(body["invited_units"]) == sorted([town.police_station.pk, town.judicial_office.pk])
    by_name = {p["name"]: p for p in body["parties"]}
    assert by_name["赵律师"]["role"] == "agent" and by_name["赵律师"]["represents"] == by_name["王大山"]["id"]
    # The invited police station's officers now see the dispute.
    police = builders.make_user("police2", "department_officer", department=town.police_station)
    assert api_client(police).get(f"/api/v1/disputes/{body['id']}/").status_code == 200


def test_a_registering_mediator_leads_by_default(mediator, committee):
    body = register(api_client(mediator), committee).json()
    assert body["lead_mediator"] == mediator.pk and body["mediators"] == []


@pytest.mark.parametrize("who", ["clerk", "stranger", "inactive", "other_town"])
def test_mediators_must_be_mediators_of_the_organisation_or_its_town(who, clerk, mediator, committee, town):
    other_town = builders.make_region("620802102000", "白水镇", "town", parent=town.county)
    users = {
        "clerk": clerk,
        "stranger": builders.make_user("police9", "department_officer", department=town.police_station),
        "inactive": builders.make_user("mediator8", "mediator", regions=[town.town], is_active=False),
        "other_town": builders.make_user("mediator9", "mediator", regions=[other_town]),
    }
    api = api_client(mediator)
    response = register(api, committee, lead_mediator=users[who].pk)
    assert response.status_code == 400 and "lead_mediator" in response.json()["fields"], response.json()
    response = register(api, committee, mediators=[users[who].pk])
    assert response.status_code == 400 and "mediators" in response.json()["fields"]


def test_a_member_of_the_organisation_from_elsewhere_may_mediate(mediator, committee, town):
    other_town = builders.make_region("620802102000", "白水镇", "town", parent=town.county)
    member = builders.make_user("mediator9", "mediator", regions=[other_town])
    committee.members.add(member)
    assert register(api_client(mediator), committee, mediators=[member.pk]).status_code == 201


def test_units_must_be_departments_of_the_town(mediator, committee, town):
    other_town = builders.make_region("620802102000", "白水镇", "town", parent=town.county)
    elsewhere = builders.make_department("白水派出所", "police", other_town)
    api = api_client(mediator)
    response = register(api, committee, invited_units=[elsewhere.pk])
    assert response.status_code == 400 and "invited_units" in response.json()["fields"]
    missing = Department.objects.order_by("-pk").first().pk + 100
    response = register(api, committee, invited_units=[missing])
    assert response.status_code == 400 and "invited_units" in response.json()["fields"]
    response = register(api, committee, mediators=[999999])
    assert response.status_code == 400 and "mediators" in response.json()["fields"]


def test_an_agent_names_the_party_by_position(mediator, committee):
    api = api_client(mediator)
    response = register(
        api, committee, parties=[applicant(), {"role": "agent", "name": "赵律师", "represents_position": 5}]
    )
    assert response.status_code == 400 and "parties.2.represents_position" in response.json()["fields"]
    response = register(api, committee, parties=[applicant(), {"role": "agent", "name": "赵律师"}])
    assert response.status_code == 400 and "represents" in response.json()["fields"]
    response = register(
        api, committee, parties=[applicant(), {"role": "agent", "name": "赵", "represents": 1}]
    )
    assert response.status_code == 400 and "parties[1].represents" in response.json()["fields"]
    from fengqiao.mediation.models import Dispute

    assert not Dispute.objects.exists()  # nothing half-registered
