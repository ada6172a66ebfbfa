"""The transition table: every action refused from every wrong status (409 naming the status), every
role that may never take an action refused (PermissionDenied), missing fields refused (400), and
nothing half-written by a refusal."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from fengqiao.cases import services, workflow
from fengqiao.cases.exceptions import CaseError
from fengqiao.cases.models import Assignment, Case, CaseEvent, Status
from fengqiao.cases.tests.conftest import lead, make_case

PERSONAS = ("clerk", "leader", "worker_a", "police", "mediator", "auditor", "public")


def _assignment(case: Case, town: Any, status: str) -> Assignment:
    return Assignment.objects.create(
        case=case, department=town.police_station, role="lead", status=status, dispatched_by=None
    )


#: action -> (persona allowed to take it, call(case, by, town, other_case))
CALLS: dict[str, tuple[str, Callable[..., Any]]] = {
    "accept": ("clerk", lambda c, by, t, o: services.accept_case(c, by=by)),
    "reject": ("clerk", lambda c, by, t, o: services.reject_case(c, by=by, reason="不属于受理范围")),
    "resolve_on_spot": (
        "clerk",
        lambda c, by, t, o: services.resolve_case_on_spot(c, by=by, result="已解答"),
    ),
    "dispatch": (
        "clerk",
        lambda c, by, t, o: services.dispatch_case(c, by=by, assignments=[lead(t.police_station)]),
    ),
    "acknowledge": (
        "police",
        lambda c, by, t, o: services.acknowledge_assignment(_assignment(c, t, "pending"), by=by),
    ),
    "return": (
        "police",
        lambda c, by, t, o: services.return_assignment(
            _assignment(c, t, "pending"), by=by, reason="非本所职责"
        ),
    ),
    "complete": (
        "police",
        lambda c, by, t, o: services.complete_assignment(
            _assignment(c, t, "acknowledged"), by=by, result="办完"
        ),
    ),
    "resolve": ("clerk", lambda c, by, t, o: services.resolve_case(c, by=by, result="办结")),
    "verify": ("clerk", lambda c, by, t, o: services.verify_case(c, by=by, passed=True)),
    "close": ("clerk", lambda c, by, t, o: services.close_case(c, by=by)),
    "reopen": ("clerk", lambda c, by, t, o: services.reopen_case(c, by=by, reason="群众再次反映")),
    "escalate": ("leader", lambda c, by, t, o: services.escalate_case(c, by=by, reason="跨镇")),
    "suspend": ("leader", lambda c, by, t, o: services.suspend_case(c, by=by, reason="等待鉴定")),
    "resume": ("leader", lambda c, by, t, o: services.resume_case(c, by=by)),
    "extend_deadline": (
        "leader",
        lambda c, by, t, o: services.extend_deadline(c, by=by, days=5, reason="情况复杂"),
    ),
    "mark_duplicate": ("clerk", lambda c, by, t, o: services.mark_duplicate(c, by=by, duplicate_of=o)),
    "merge": ("clerk", lambda c, by, t, o: services.merge_case(c, by=by, into=o)),
    "record_feedback": ("clerk", lambda c, by, t, o: services.record_feedback(c, by=by, rating="satisfied")),
}

WRONG = [
    (action, status)
    for action, transition in workflow.TRANSITIONS.items()
    for status in Status.values
    if status not in transition.sources
]
NEVER = [
    (action, persona)
    for action, transition in workflow.TRANSITIONS.items()
    for persona in PERSONAS
    if {"police": "department_officer", "worker_a": "grid_worker", "leader": "town_leader"}.get(
        persona, persona
    )
    not in transition.roles
]


def test_every_action_has_a_service_in_this_table():
    assert set(CALLS) == set(workflow.TRANSITIONS)


@pytest.fixture
def people(request, town, clerk, leader, worker_a, police, mediator, auditor) -> dict[str, Any]:
    return {
        "clerk": clerk,
        "leader": leader,
        "worker_a": worker_a,
        "police": police,
        "mediator": mediator,
        "auditor": auditor,
        "public": None,
    }


@pytest.mark.parametrize(("action", "status"), WRONG)
def test_it_refuses_an_action_from_a_wrong_status_naming_the_status(frozen, town, people, action, status):
    other = make_case(people["clerk"])
    case = make_case(people["clerk"])
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    events_before = CaseEvent.objects.count()
    persona, call = CALLS[action]

    with pytest.raises(CaseError) as error:
        call(case, people[persona], town, other)

    assert error.value.http_status == 409
    assert error.value.code == "wrong_status"
    assert error.value.current_status == status
    assert f"“{Status(status).label}”" in str(error.value)
    case.refresh_from_db()
    assert case.status == status
    assert CaseEvent.objects.count() == events_before


@pytest.mark.parametrize(("action", "persona"), NEVER)
def test_it_refuses_a_role_that_may_never_take_the_action(frozen, town, people, action, persona):
    case = make_case(people["clerk"])
    start = next(iter(sorted(workflow.TRANSITIONS[action].sources)))
    Case.objects.filter(pk=case.pk).update(status=start)
    case.refresh_from_db()
    _allowed, call = CALLS[action]

    with pytest.raises(PermissionDenied):
        call(case, people[persona], town, make_case(people["clerk"]))

    case.refresh_from_db()
    assert case.status == start


@pytest.mark.parametrize(
    ("action", "fields"),
    [(action, t.required) for action, t in workflow.TRANSITIONS.items() if t.required],
)
def test_it_asks_for_the_required_fields(frozen, town, people, action, fields):
    transition = workflow.TRANSITIONS[action]
    case = make_case(people["clerk"])
    case.status = next(iter(sorted(transition.sources)))
    blank = {name: (None if name == "assignment" else "  ") for name in fields}
    with pytest.raises(CaseError) as error:
        workflow.check(case, action, by=people[CALLS[action][0]], **blank)
    assert error.value.http_status == 400
    assert error.value.code == "required"
    assert set(error.value.fields) == set(fields)


def test_the_message_speaks_english_and_names_the_status(frozen, clerk):
    case = make_case(clerk)
    with pytest.raises(CaseError) as error:
        services.close_case(case, by=clerk)
    assert str(error.value) == "The case is “Reported”: it cannot be closed now."


def test_a_department_may_not_act_on_another_departments_assignment(frozen, town, clerk, judicial):
    case = services.accept_case(make_case(clerk), by=clerk)
    (item,) = services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    with pytest.raises(PermissionDenied):
        services.acknowledge_assignment(item, by=judicial)
    item.refresh_from_db()
    assert item.status == "pending"


def test_an_officer_resolves_only_cases_their_department_holds(frozen, town, clerk, judicial):
    case = services.accept_case(make_case(clerk), by=clerk)
    services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    with pytest.raises(PermissionDenied):
        services.resolve_case(case, by=judicial, result="x")


def test_a_grid_worker_verifies_only_cases_of_their_grid(frozen, town, clerk, worker_b):
    case = services.resolve_case_on_spot(make_case(clerk), by=clerk, result="已处理")
    with pytest.raises(PermissionDenied):
        services.verify_case(case, by=worker_b, passed=True)


def test_allowed_actions_lists_what_the_user_may_do_now(frozen, town, clerk, leader, police):
    case = make_case(clerk)
    assert workflow.allowed_actions(case, clerk) == [
        "accept",
        "reject",
        "resolve_on_spot",
        "escalate",
        "mark_duplicate",
        "merge",
    ]
    case = services.accept_case(case, by=clerk)
    services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    case.refresh_from_db()
    assert workflow.allowed_actions(case, police) == ["acknowledge", "return", "resolve"]
    assert "suspend" in workflow.allowed_actions(case, leader)
    assert "suspend" not in workflow.allowed_actions(case, clerk)
