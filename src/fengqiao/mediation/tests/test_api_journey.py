"""A dispute from registration to the archived dossier through the API alone (no page, no service)."""

from __future__ import annotations

import pytest
import time_machine

from fengqiao.cases.models import CaseEvent
from fengqiao.testing.builders import api_client

from .conftest import PDF_BYTES, TERMS, applicant, local, photo_with_gps, respondent, upload

pytestmark = pytest.mark.django_db


def ok(response, code=200):
    assert response.status_code == code, response.json()
    return response.json()


def test_registration_to_archived_dossier_through_the_api(mediator, other_mediator, committee, room, town):
    mediator.view_sensitive = True
    mediator.save()
    api = api_client(mediator)
    with time_machine.travel(local(2026, 11, 2, 9, 0), tick=False):
        body = ok(
            api.post(
                "/api/v1/disputes/",
                {
                    "organization": committee.pk,
                    "title": "宅前排水沟纠纷",
                    "dispute_type": "neighbour",
                    "facts": "两家因排水沟走向发生争执",
                    "amount": "3000",
                    "room": room.pk,
                    "lead_mediator": mediator.pk,
                    "mediators": [other_mediator.pk],
                    "invited_units": [town.police_station.pk],
                    "parties": [
                        applicant(),
                        respondent(),
                        {"role": "agent", "name": "赵律师", "represents_position": 1},
                    ],
                },
                format="json",
            ),
            201,
        )
        pk = body["id"]
        base = f"/api/v1/disputes/{pk}"
        ok(
            api.post(
                f"{base}/investigations/",
                {"place": "东沟村二组", "persons": "邻居张某", "content": "排水沟确实流向李家"},
                format="json",
            ),
            201,
        )
        ok(api.post(f"{base}/extend/", {"days": 10, "consent": "双方口头同意延期"}, format="json"))
        session = ok(
            api.post(
                f"{base}/sessions/",
                {
                    "status": "planned",
                    "held_at": "2026-11-02T14:00:00+08:00",
                    "room": room.pk,
                    "participants": "双方",
                },
                format="json",
            ),
            201,
        )
    with time_machine.travel(local(2026, 11, 2, 15, 30), tick=False):
        ok(
            api.post(
                f"/api/v1/mediation-sessions/{session['id']}/hold/",
                {"minutes": "双方同意改沟并赔偿", "outcome": "agreement"},
                format="json",
            )
        )
        body = ok(
            api.post(
                f"{base}/agreement/",
                {"facts": "雨水流入李春花院内", "points_in_dispute": "王大山负主要责任", "terms": TERMS},
                format="json",
            )
        )
        agreement = body["agreements"][0]
        archive = api.post(f"{base}/archive/", format="json")
        assert archive.status_code == 409 and archive.json()["code"] == "agreement_unsigned"
        agreements = f"/api/v1/mediation-agreements/{agreement['id']}"
        ok(api.post(f"{agreements}/sign/", {"signed_on": "2026-11-02"}, format="json"))
        for term in agreement["terms"]:
            ok(
                api.post(
                    f"{agreements}/performance/", {"term": term["id"], "performance": "done"}, format="json"
                )
            )
        ok(api.post(f"{agreements}/confirmation/", {"applied_on": "2026-11-03", "court": "崆峒区人民法院"}))
        ok(api.post(f"{agreements}/court-decision/", {"decision": "confirmed", "decided_on": "2026-11-10"}))
        ok(api.post(f"{base}/follow-ups/", {"method": "phone", "content": "已履行完毕"}, format="json"), 201)
        documents = f"{base}/documents/"
        archive = api.post(f"{base}/archive/", format="json")
        assert archive.status_code == 409 and archive.json()["code"] == "dossier_incomplete"
        ok(api.post(documents, {"kind": "identity", "file": upload("id.jpg", photo_with_gps())}), 201)
        ok(api.post(documents, {"kind": "authorisation", "file": upload("auth.pdf", PDF_BYTES)}), 201)
        for kind in ("registration", "minutes", "agreement", "cover"):
            ok(api.post(f"{documents}generate/", {"kind": kind}, format="json"), 201)
        detail = ok(api.get(f"{base}/"))
        missing = [i["kind"] for i in detail["checklist"] if i["required"] and not i["present"]]
        assert missing == []
        assert {d["kind"] for d in detail["documents"]} == {
            "identity",
            "authorisation",
            "registration",
            "minutes",
            "agreement",
            "cover",
        }
        body = ok(api.post(f"{base}/archive/", format="json"))
    assert body["status"] == "closed" and body["archived_at"]
    assert body["settle_extended_days"] == 10 and body["settle_extension_consent"] == "双方口头同意延期"
    assert len(body["investigations"]) == 1 and body["follow_ups"][0]["done_at"]
    assert body["agreements"][0]["court_decision"] == "confirmed"
    assert body["mediators"] == [other_mediator.pk] and body["invited_units"] == [town.police_station.pk]
    actions = list(
        CaseEvent.objects.filter(case_id=body["case"]).order_by("id").values_list("action", flat=True)
    )
    for expected in (
        "register_dispute",
        "plan_session",
        "record_session",
        "resolve",
        "sign_agreement",
        "close",
    ):
        assert expected in actions
    # Archived: nothing more is filed.
    late = api.post(f"{base}/documents/", {"kind": "evidence", "file": upload("late.pdf", PDF_BYTES)})
    assert late.status_code == 409
