"""Refusals through the API: every action from every wrong status (409 naming the current status),
every role that may never take an action (403), everything out of the caller's scope (404), and bad
input (400 with messages per field). A refusal changes nothing."""

from __future__ import annotations

from typing import Any

import pytest

from fengqiao.cases import workflow
from fengqiao.cases.models import Assignment, Case, CaseEvent, Status
from fengqiao.cases.tests.apitools import CASES, assignment_action, case_action, client_for
from fengqiao.cases.tests.conftest import make_case

#: API action -> (workflow action, persona allowed to take it, assignment status or None, body)
ACTIONS: dict[str, tuple[str, str, str | None, dict[str, Any]]] = {
    "accept": ("accept", "clerk", None, {"note": "受理"}),
    "reject": ("reject", "clerk", None, {"reason": "不属于受理范围"}),
    "resolve": ("resolve", "clerk", None, {"result": "已办结"}),
    "dispatch": ("dispatch", "clerk", None, {"assignments": [{"department": 0, "role": "lead"}]}),
    "verify": ("verify", "clerk", None, {"passed": True}),
    "close": ("close", "clerk", None, {}),
    "reopen": ("reopen", "clerk", None, {"reason": "群众再次反映"}),
    "escalate": ("escalate", "leader", None, {"reason": "跨镇"}),
    "suspend": ("suspend", "leader", None, {"reason": "等待鉴定"}),
    "resume": ("resume", "leader", None, {}),
    "feedback": ("record_feedback", "clerk", None, {"rating": "satisfied"}),
    "acknowledge": ("acknowledge", "police", "pending", {}),
    "return": ("return", "police", "pending", {"reason": "非本所职责"}),
    "complete": ("complete", "police", "acknowledged", {"result": "办完"}),
}
PERSONAS = {
    "clerk": "clerk",
    "leader": "town_leader",
    "worker_a": "grid_worker",
    "police": "department_officer",
    "mediator": "mediator",
    "auditor": "auditor",
}


def _sources(api_action: str) -> frozenset[str]:
    sources = workflow.TRANSITIONS[ACTIONS[api_action][0]].sources
    if api_action == "resolve":  # before dispatch, the window resolves on the spot
        sources |= workflow.TRANSITIONS["resolve_on_spot"].sources
    return sources


WRONG = [(api, status) for api in ACTIONS for status in Status.values if status not in _sources(api)]
NEVER = [
    (api, persona)
    for api, (name, _allowed, _a, _b) in ACTIONS.items()
    for persona, role in PERSONAS.items()
    if role not in workflow.TRANSITIONS[name].roles
]
#: A status each action may start from (resolve: after dispatch, so the officers' rule applies).
START = {api: ("dispatched" if api == "resolve" else sorted(_sources(api))[0]) for api in ACTIONS}


@pytest.fixture
def people(town, clerk, leader, worker_a, worker_b, police, judicial, mediator, auditor) -> dict[str, Any]:
    return {
        "clerk": clerk,
        "leader": leader,
        "worker_a": worker_a,
        "worker_b": worker_b,
        "police": police,
        "judicial": judicial,
        "mediator": mediator,
        "auditor": auditor,
    }


def _setup(people: dict[str, Any], town: Any, api: str, status: str) -> tuple[Case, Assignment, str, dict]:
    """A case in grid A in `status`, with a police lead assignment (so the police see it)."""
    case = make_case(people["clerk"])
    Case.objects.filter(pk=case.pk).update(status=status)
    assignment_status = ACTIONS[api][2] or "pending"
    assignment = Assignment.objects.create(
        case=case, department=town.police_station, role="lead", status=assignment_status
    )
    body = dict(ACTIONS[api][3])
    if api == "dispatch":
        body = {"assignments": [{"department": town.judicial_office.pk, "role": "assist"}]}
    url = assignment_action(assignment.pk, api) if ACTIONS[api][2] else case_action(case.pk, api)
    return case, assignment, url, body


def _unchanged(case: Case, status: str, events: int) -> None:
    case.refresh_from_db()
    assert case.status == status
    assert CaseEvent.objects.filter(case=case).count() == events


def test_the_tables_cover_every_api_action():
    assert {name for name, *_ in ACTIONS.values()} | {"resolve_on_spot"} == set(workflow.TRANSITIONS) - {
        "extend_deadline",
        "mark_duplicate",
        "merge",
    }


@pytest.mark.parametrize(("api", "status"), WRONG)
def test_an_action_from_a_wrong_status_is_409_naming_the_status(frozen, town, people, api, status):
    case, _assignment, url, body = _setup(people, town, api, status)
    events = CaseEvent.objects.filter(case=case).count()

    response = client_for(people[ACTIONS[api][1]]).post(url, body, format="json")

    assert response.status_code == 409, response.content
    data = response.json()
    assert data["code"] == "wrong_status"
    assert data["current_status"] == status
    assert f"“{Status(status).label}”" in data["detail"]
    _unchanged(case, status, events)


@pytest.mark.parametrize(
    ("api", "assignment_status"),
    [
        (api, status)
        for api, (_n, _p, wanted, _b) in ACTIONS.items()
        if wanted
        for status in Assignment.Status.values
        if status not in workflow.TRANSITIONS[api].assignment_sources
    ],
)
def test_an_assignment_action_from_a_wrong_assignment_status_is_409(
    frozen, town, people, api, assignment_status
):
    case, assignment, url, body = _setup(people, town, api, "in_progress")
    Assignment.objects.filter(pk=assignment.pk).update(status=assignment_status)

    response = client_for(people["police"]).post(url, body, format="json")

    assert response.status_code == 409, response.content
    # The status named is the assignment's (the one the message speaks of), not the case's.
    data = response.json()
    assert data["current_status"] == assignment_status
    assert f"“{Assignment.Status(assignment_status).label}”" in data["detail"]
    assignment.refresh_from_db()
    assert assignment.status == assignment_status


@pytest.mark.parametrize(("api", "persona"), NEVER)
def test_a_role_that_may_never_take_the_action_is_403(frozen, town, people, api, persona):
    case, _assignment, url, body = _setup(people, town, api, START[api])
    events = CaseEvent.objects.filter(case=case).count()

    response = client_for(people[persona]).post(url, body, format="json")

    assert response.status_code == 403, response.content
    assert response.json()["code"] == "permission_denied"
    _unchanged(case, START[api], events)


@pytest.mark.parametrize("api", [api for api, spec in ACTIONS.items() if not spec[2]])
@pytest.mark.parametrize("persona", ["worker_b", "judicial"])
def test_a_case_outside_the_callers_scope_is_404(frozen, town, people, api, persona):
    case, _assignment, url, body = _setup(people, town, api, START[api])
    events = CaseEvent.objects.filter(case=case).count()

    response = client_for(people[persona]).post(url, body, format="json")

    assert response.status_code == 404, response.content
    _unchanged(case, START[api], events)


@pytest.mark.parametrize("api", [api for api, spec in ACTIONS.items() if spec[2]])
@pytest.mark.parametrize("persona", ["judicial", "worker_b"])
def test_another_departments_assignment_is_404(frozen, town, people, api, persona):
    case, assignment, url, body = _setup(people, town, api, START[api])

    response = client_for(people[persona]).post(url, body, format="json")

    assert response.status_code == 404, response.content
    assignment.refresh_from_db()
    assert assignment.status == ACTIONS[api][2]


@pytest.mark.parametrize("path", ["", "timeline/"])
def test_reading_a_case_outside_the_scope_is_404_like_a_missing_one(frozen, town, people, path):
    case = make_case(people["clerk"])
    assert client_for(people["worker_b"]).get(f"{CASES}{case.pk}/{path}").status_code == 404
    assert client_for(people["judicial"]).get(f"{CASES}{case.pk}/{path}").status_code == 404
    assert client_for(people["clerk"]).get(f"{CASES}999999/{path}").status_code == 404
    assert client_for(people["worker_a"]).get(f"{CASES}{case.pk}/{path}").status_code == 200


def test_an_anonymous_caller_is_refused(frozen, town, people):
    case = make_case(people["clerk"])
    assert client_for(None).get(CASES).status_code == 401
    assert client_for(None).post(case_action(case.pk, "accept"), {}, format="json").status_code == 401


REQUIRED = {
    "reject": {"reason"},
    "resolve": {"result"},
    "dispatch": {"assignments"},
    "verify": {"passed"},
    "reopen": {"reason"},
    "escalate": {"reason"},
    "suspend": {"reason"},
    "feedback": {"rating"},
    "return": {"reason"},
    "complete": {"result"},
}


@pytest.mark.parametrize("blank", [False, True])
@pytest.mark.parametrize("api", sorted(REQUIRED))
def test_missing_or_blank_input_is_400_with_messages_per_field(frozen, town, people, api, blank):
    case, _assignment, url, _body = _setup(people, town, api, START[api])
    events = CaseEvent.objects.filter(case=case).count()
    body = dict.fromkeys(REQUIRED[api], "  ") if blank else {}

    response = client_for(people[ACTIONS[api][1]]).post(url, body, format="json")

    assert response.status_code == 400, response.content
    data = response.json()
    assert data["code"] == "invalid"
    assert set(data["fields"]) == REQUIRED[api]
    assert all(isinstance(messages, list) and messages for messages in data["fields"].values())
    _unchanged(case, START[api], events)


@pytest.mark.parametrize(
    ("api", "body", "field"),
    [
        ("verify", {"passed": "maybe"}, "passed"),
        ("feedback", {"rating": "great"}, "rating"),
        ("reject", {"reason": "x", "emergency_number": "999"}, "emergency_number"),
        ("dispatch", {"assignments": [{"department": "x", "role": "lead"}]}, "assignments[0].department"),
        ("dispatch", {"assignments": [{"department": 1, "role": "boss"}]}, "assignments[0].role"),
    ],
)
def test_input_of_the_wrong_type_is_400_naming_the_field(frozen, town, people, api, body, field):
    case, _assignment, url, _body = _setup(people, town, api, START[api])

    response = client_for(people[ACTIONS[api][1]]).post(url, body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()["fields"]


@pytest.mark.parametrize(
    "items",
    [
        [{"department": 999_999, "role": "lead"}],
        [{"department": "JUDICIAL", "role": "assist"}],
        [{"department": "POLICE", "role": "lead"}, {"department": "JUDICIAL", "role": "lead"}],
    ],
    ids=["unknown department", "no lead", "two leads"],
)
def test_a_dispatch_the_service_refuses_is_400_on_assignments(frozen, town, people, items):
    case = make_case(people["clerk"])
    Case.objects.filter(pk=case.pk).update(status="accepted")
    ids = {"POLICE": town.police_station.pk, "JUDICIAL": town.judicial_office.pk}
    body = {
        "assignments": [
            {**item, "department": ids.get(item["department"], item["department"])} for item in items
        ]
    }

    response = client_for(people["clerk"]).post(case_action(case.pk, "dispatch"), body, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()["fields"]) == {"assignments"}
    assert not Assignment.objects.filter(case=case).exists()


def test_an_assignment_due_after_the_cases_own_deadline_is_400_on_assignments(frozen, town, people):
    import datetime as dt

    from fengqiao.cases import services

    case = services.accept_case(make_case(people["clerk"]), by=people["clerk"])
    assert case.resolve_due_at is not None
    client = client_for(people["clerk"])
    late = {
        "department": town.police_station.pk,
        "role": "lead",
        "due": case.resolve_due_at + dt.timedelta(days=1),
    }

    response = client.post(case_action(case.pk, "dispatch"), {"assignments": [late]}, format="json")

    assert response.status_code == 400, response.content
    assert set(response.json()["fields"]) == {"assignments"}
    assert not Assignment.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.status == "accepted"

    on_time = {**late, "due": case.resolve_due_at - dt.timedelta(hours=1)}
    response = client.post(case_action(case.pk, "dispatch"), {"assignments": [on_time]}, format="json")
    assert response.status_code == 200, response.content
    assert Assignment.objects.get(case=case).due_at == case.resolve_due_at - dt.timedelta(hours=1)
