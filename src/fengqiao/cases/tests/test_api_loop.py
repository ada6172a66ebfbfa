"""The whole loop through the REST API with token authentication: intake, accept, dispatch to the
police station (lead), acknowledge, complete, verify, close, feedback; and the route map."""

from __future__ import annotations

from rest_framework.test import APIClient

from fengqiao.cases.models import Assignment, Case, CaseEvent, Feedback
from fengqiao.cases.tests.apitools import ASSIGNMENTS, CASES, assignment_action, case_action, intake_body
from fengqiao.testing.builders import PASSWORD


def token_client(username: str) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/auth/token/", {"username": username, "password": PASSWORD}, format="json")
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def test_the_whole_loop_through_the_api_with_tokens(frozen, town, clerk, police, worker_a, judicial):
    as_clerk, as_police, as_worker = token_client("clerk"), token_client("police"), token_client("worker_a")

    response = as_clerk.post(CASES, intake_body(), format="json")
    assert response.status_code == 201, response.content
    created = response.json()
    assert {"id", "number", "tracking_code", "status", "grid", "village", "created_at"} <= set(created)
    assert created["status"] == "reported"
    assert created["grid"] == town.grid_a.pk and created["village"] == town.village_a.pk
    assert created["number"] == "FQ-2026-000001" and len(created["tracking_code"]) == 12
    case_id = created["id"]

    response = as_clerk.post(case_action(case_id, "accept"), {"note": "受理"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"

    body = {
        "assignments": [
            {"department": town.police_station.pk, "role": "lead", "note": "请核实"},
            {"department": town.judicial_office.pk, "role": "assist", "note": ""},
        ]
    }
    response = as_clerk.post(case_action(case_id, "dispatch"), body, format="json")
    assert response.status_code == 200, response.content
    detail = response.json()
    assert detail["status"] == "dispatched"
    assert {(a["department"], a["role"], a["status"]) for a in detail["assignments"]} == {
        (town.police_station.pk, "lead", "pending"),
        (town.judicial_office.pk, "assist", "pending"),
    }

    # The police station's inbox holds its own item only.
    inbox = as_police.get(ASSIGNMENTS)
    assert inbox.status_code == 200
    (item,) = inbox.json()["results"]
    assert item["case"] == case_id and item["department"] == town.police_station.pk
    assert item["case_number"] == created["number"] and item["status"] == "pending"

    response = as_police.post(assignment_action(item["id"], "acknowledge"), {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "acknowledged" and response.json()["case_status"] == "in_progress"

    response = as_police.post(
        assignment_action(item["id"], "complete"), {"result": "已修复路灯"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done" and response.json()["case_status"] == "resolved"

    response = as_worker.post(
        case_action(case_id, "verify"), {"passed": True, "note": "现场已亮"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "verified"

    response = as_clerk.post(case_action(case_id, "close"), {}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"

    response = as_clerk.post(
        case_action(case_id, "feedback"), {"rating": "satisfied", "comment": "很满意"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "closed"

    case = Case.objects.get(pk=case_id)
    assert case.status == "closed" and case.result == "已修复路灯" and case.closed_at is not None
    assert Feedback.objects.get(case=case).rating == "satisfied"
    assert Assignment.objects.get(case=case, department=town.police_station).status == "done"

    response = as_clerk.get(case_action(case_id, "timeline"))
    assert response.status_code == 200
    steps = response.json()
    assert [(s["action"], s["from_status"], s["to_status"]) for s in steps] == [
        ("report", "", "reported"),
        ("accept", "reported", "accepted"),
        ("dispatch", "accepted", "dispatched"),
        ("dispatch", "dispatched", "dispatched"),
        ("acknowledge", "dispatched", "in_progress"),
        ("complete", "in_progress", "resolved"),
        ("verify", "resolved", "verified"),
        ("close", "verified", "closed"),
        ("cancel_assignment", "closed", "closed"),
        ("record_feedback", "closed", "closed"),
    ]
    assert [s["actor"] for s in steps][:8] == [
        "clerk",
        "clerk",
        "clerk",
        "clerk",
        "police",
        "police",
        "worker_a",
        "clerk",
    ]
    assert {"action", "actor", "from_status", "to_status", "note", "at"} <= set(steps[0])
    assert steps[1]["note"] == "受理"
    assert steps[2]["department"] == town.police_station.name
    assert steps[0]["took_seconds"] is None
    assert CaseEvent.objects.filter(case=case).count() == len(steps)


def test_a_returned_lead_goes_back_to_the_center_and_is_dispatched_again(
    frozen, town, clerk, police, judicial
):
    as_clerk, as_police = token_client("clerk"), token_client("police")
    case_id = as_clerk.post(CASES, intake_body(), format="json").json()["id"]
    as_clerk.post(case_action(case_id, "accept"), {}, format="json")
    lead = {"assignments": [{"department": town.police_station.pk, "role": "lead"}]}
    as_clerk.post(case_action(case_id, "dispatch"), lead, format="json")
    (item,) = as_police.get(ASSIGNMENTS).json()["results"]

    response = as_police.post(
        assignment_action(item["id"], "return"), {"reason": "非本所职责"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "returned" and response.json()["case_status"] == "accepted"
    assert as_police.get(ASSIGNMENTS).json()["results"] == []

    other = {"assignments": [{"department": town.judicial_office.pk, "role": "lead", "note": "调解"}]}
    response = as_clerk.post(case_action(case_id, "dispatch"), other, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "dispatched"


def test_resolve_at_the_window_and_an_unsatisfied_rating_reopens_once(frozen, town, clerk, leader):
    as_clerk = token_client("clerk")
    case_id = as_clerk.post(CASES, intake_body(kind="consultation"), format="json").json()["id"]

    response = as_clerk.post(case_action(case_id, "resolve"), {"result": "当场解答"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "resolved"
    assert as_clerk.post(case_action(case_id, "verify"), {"passed": True}, format="json").status_code == 200
    assert as_clerk.post(case_action(case_id, "close"), {}, format="json").status_code == 200

    response = as_clerk.post(case_action(case_id, "feedback"), {"rating": "unsatisfied"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress" and response.json()["reopen_count"] == 1
