"""Intake, list, detail and timeline through the API: the answer's fields, masking, idempotent
creation, the shared filters, pagination, and pinned query counts."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from fengqiao.cases import services
from fengqiao.cases.models import Case, CaseEvent
from fengqiao.cases.tests.apitools import CASES, case_action, client_for, intake_body
from fengqiao.cases.tests.conftest import POINT_B, lead, local, make_case
from fengqiao.testing import builders

# --- intake -------------------------------------------------------------------------------------------


def test_intake_answers_201_with_the_number_tracking_code_and_place(frozen, town, clerk):
    response = client_for(clerk).post(CASES, intake_body(), format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    case = Case.objects.get()
    assert data["id"] == case.pk
    assert data["number"] == case.number == "FQ-2026-000001"
    assert data["tracking_code"] == case.tracking_code
    assert data["status"] == "reported"
    assert (data["grid"], data["village"], data["town"]) == (town.grid_a.pk, town.village_a.pk, town.town.pk)
    assert dt.datetime.fromisoformat(data["created_at"]) == local(2026, 11, 2, 10, 0)
    assert response["Location"].endswith(f"{CASES}{case.pk}/")
    assert case.reported_by == clerk and case.reporter_phone == "+8613912345678"
    assert CaseEvent.objects.filter(case=case, action="report").count() == 1


def test_a_grid_worker_cannot_take_in_a_case_at_a_point_in_another_grid(frozen, town, worker_a):
    body = intake_body(channel="patrol", kind="hazard", lon=POINT_B[0], lat=POINT_B[1])
    response = client_for(worker_a).post(CASES, body, format="json")
    assert response.status_code == 400, response.content
    assert set(response.json()["fields"]) == {"lon", "lat"}
    assert "outside your grids" in response.json()["detail"]
    # Naming that grid is refused the same way (not in their scope).
    named = client_for(worker_a).post(CASES, {**body, "grid": town.grid_b.pk}, format="json")
    assert named.status_code == 400 and "grid" in named.json()["fields"]
    assert not Case.objects.exists()


def test_a_grid_worker_takes_in_a_patrol_case_in_their_grid(frozen, town, worker_a):
    response = client_for(worker_a).post(CASES, intake_body(channel="patrol", kind="hazard"), format="json")
    assert response.status_code == 201, response.content
    assert response.json()["grid"] == town.grid_a.pk


def test_a_department_officer_may_not_take_cases_in(frozen, town, police):
    response = client_for(police).post(CASES, intake_body(), format="json")
    assert response.status_code == 403
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"lon": 500, "lat": 35}, "lon"),
        ({"lon": 104.6, "lat": 95}, "lat"),
        ({"lon": "东经", "lat": 35}, "lon"),
        ({"lon": True, "lat": 35}, "lon"),
        ({"lon": 104.6, "lat": False}, "lat"),
    ],
)
def test_a_bad_coordinate_is_reported_on_its_own_field_in_chinese(frozen, town, clerk, fields, bad):
    client = client_for(clerk)
    response = client.post(CASES, intake_body(**fields), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [bad]
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"kind": "gossip"}, "kind"),
        ({"channel": None}, "channel"),
        ({"title": ""}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"lon": 200, "lat": 35.5}, "lon"),
        ({"category": 999_999}, "category"),
        ({"lon": None, "lat": None, "grid": 999_999}, "grid"),
    ],
)
def test_bad_intake_input_is_400_naming_the_field(frozen, town, clerk, fields, bad):
    response = client_for(clerk).post(CASES, intake_body(**fields), format="json")
    assert response.status_code == 400, response.content
    assert bad in response.json()["fields"]
    assert not Case.objects.exists()


def test_a_grid_outside_the_users_scope_does_not_exist_for_them(frozen, town, worker_a):
    body = intake_body(lon=None, lat=None, grid=town.grid_b.pk)
    response = client_for(worker_a).post(CASES, body, format="json")
    assert response.status_code == 400
    assert "grid" in response.json()["fields"]


def test_a_case_without_a_point_goes_to_the_grid_given(frozen, town, clerk):
    body = intake_body(lon=None, lat=None, grid=town.grid_b.pk)
    response = client_for(clerk).post(CASES, body, format="json")
    assert response.status_code == 201, response.content
    assert (response.json()["grid"], response.json()["village"]) == (town.grid_b.pk, town.village_b.pk)


def test_an_anonymous_reporter_leaves_no_name_or_phone(frozen, town, clerk):
    response = client_for(clerk).post(CASES, intake_body(anonymous=True), format="json")
    case = Case.objects.get(pk=response.json()["id"])
    assert case.anonymous and case.reporter_name == "" and case.reporter_phone == ""


# --- idempotency --------------------------------------------------------------------------------------


def test_the_same_idempotency_key_three_times_makes_one_case_and_the_same_answer(frozen, town, clerk):
    client = client_for(clerk)
    answers = [
        client.post(CASES, intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="7f7a8a4e-key")
        for _ in range(3)
    ]
    assert [answer.status_code for answer in answers] == [201, 201, 201]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(action="report").count() == 1


def test_a_replay_after_the_case_moved_on_answers_the_first_receipt(frozen, town, clerk):
    client = client_for(clerk)
    first = client.post(CASES, intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-late")
    assert "Idempotent-Replayed" not in first
    frozen.shift(dt.timedelta(minutes=5))
    client.post(case_action(first.json()["id"], "accept"), {}, format="json")

    again = client.post(CASES, intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-late")

    assert again.status_code == 201
    assert again.json() == first.json() and again.json()["status"] == "reported"
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.get().status == "accepted"


def test_the_same_key_with_another_body_is_422(frozen, town, clerk):
    client = client_for(clerk)
    first = client.post(CASES, intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    other = client.post(CASES, intake_body(title="另一件事"), format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201
    assert other.status_code == 422, other.content
    assert other.json()["code"] == "idempotency_conflict"
    assert Case.objects.count() == 1


def test_without_a_key_or_with_another_key_each_request_makes_a_case(frozen, town, clerk, worker_a):
    client = client_for(clerk)
    client.post(CASES, intake_body(), format="json")
    client.post(CASES, intake_body(), format="json")
    client.post(CASES, intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    # Keys belong to their user: another user's identical key is another case.
    client_for(worker_a).post(CASES, intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="k-2")
    assert Case.objects.count() == 4


def test_an_overlong_idempotency_key_is_400(frozen, town, clerk):
    response = client_for(clerk).post(CASES, intake_body(), format="json", HTTP_IDEMPOTENCY_KEY="k" * 101)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]


# --- masking and detail -------------------------------------------------------------------------------


def test_the_reporters_phone_and_name_are_masked_without_view_sensitive(frozen, town, clerk):
    case = make_case(clerk)
    masked = client_for(clerk).get(f"{CASES}{case.pk}/").json()
    assert masked["reporter_phone"] != "+8613912345678" and "5678" in masked["reporter_phone"]
    assert masked["reporter_name"] != "张三"
    listed = client_for(clerk).get(CASES).json()["results"][0]
    assert listed["reporter_phone"] == masked["reporter_phone"]

    privileged = builders.make_user("chief", "town_leader", regions=[town.town], view_sensitive=True)
    plain = client_for(privileged).get(f"{CASES}{case.pk}/").json()
    assert plain["reporter_phone"] == "+8613912345678" and plain["reporter_name"] == "张三"


def test_an_unmasked_phone_through_the_api_is_audited_once_per_case_read(frozen, town, clerk):
    from fengqiao.core.models import AuditEvent

    case = make_case(clerk)
    other = make_case(clerk, title="另一件")
    client_for(clerk).get(f"{CASES}{case.pk}/")
    client_for(clerk).get(CASES)
    assert not AuditEvent.objects.filter(action="sensitive.read").exists()

    privileged = builders.make_user("chief", "town_leader", regions=[town.town], view_sensitive=True)
    client_for(privileged).get(f"{CASES}{case.pk}/")
    rows = list(AuditEvent.objects.filter(action="sensitive.read", actor=privileged))
    assert [(r.object_id, r.changes["field"]) for r in rows] == [(str(case.pk), "reporter_phone")]

    client_for(privileged).get(CASES)
    seen = [r.pk for r in rows]
    listed = AuditEvent.objects.filter(action="sensitive.read", actor=privileged).exclude(pk__in=seen)
    assert sorted(r.object_id for r in listed) == sorted([str(case.pk), str(other.pk)])


def test_the_detail_lists_assignments_and_the_actions_allowed_now(frozen, town, clerk, police):
    case = services.accept_case(make_case(clerk), by=clerk)
    services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])

    as_police = client_for(police).get(f"{CASES}{case.pk}/").json()
    assert as_police["status"] == "dispatched"
    assert [a["department_name"] for a in as_police["assignments"]] == [town.police_station.name]
    assert as_police["allowed_actions"] == ["acknowledge", "return", "resolve"]
    as_clerk = client_for(clerk).get(f"{CASES}{case.pk}/").json()
    assert "dispatch" in as_clerk["allowed_actions"] and "acknowledge" not in as_clerk["allowed_actions"]


# --- list, filters, pagination -----------------------------------------------------------------------


@pytest.fixture
def spread(frozen, town, clerk) -> dict[str, Any]:
    """Four cases: two in grid A (one accepted), one in grid B yesterday, one dispute overdue."""
    frozen.move_to(local(2026, 10, 30, 9, 0))
    old_b = make_case(clerk, point=POINT_B, title="西沟村漏水", address="西沟村三组")
    frozen.move_to(local(2026, 11, 2, 10, 0))
    a1 = make_case(clerk, title="路灯不亮")
    a2 = services.accept_case(make_case(clerk, title="噪音扰民", description="夜里施工"), by=clerk)
    dispute = make_case(clerk, kind="dispute", channel="phone", title="宅基地纠纷")
    Case.objects.filter(pk=dispute.pk).update(sla_state="overdue")
    return {"old_b": old_b, "a1": a1, "a2": a2, "dispute": dispute}


def _ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", {"old_b", "a1", "a2", "dispute"}),
        ("status=accepted", {"a2"}),
        ("status=accepted,reported&kind=dispute", {"dispute"}),
        ("status=accepted&status=reported&kind=appeal", {"old_b", "a1", "a2"}),
        ("channel=phone", {"dispute"}),
        ("sla_state=overdue", {"dispute"}),
        ("grid=GRID_B", {"old_b"}),
        ("village=VILLAGE_A", {"a1", "a2", "dispute"}),
        ("created_before=2026-10-30", {"old_b"}),
        ("created_after=2026-10-31", {"a1", "a2", "dispute"}),
        ("created_after=2026-10-30&created_before=2026-10-30", {"old_b"}),
        ("q=施工", {"a2"}),
        ("q=三组", {"old_b"}),
        ("q=FQ-2026-000002", {"a1"}),
        ("q=纠纷", {"dispute"}),
    ],
)
def test_the_list_filters(spread, town, clerk, query, expected):
    query = query.replace("GRID_B", str(town.grid_b.pk)).replace("VILLAGE_A", str(town.village_a.pk))
    assert _ids(client_for(clerk).get(f"{CASES}?{query}")) == {spread[name].pk for name in expected}


def test_a_bad_filter_value_is_400(spread, clerk):
    response = client_for(clerk).get(f"{CASES}?status=nonsense")
    assert response.status_code == 400
    assert "status" in response.json()["fields"]


def test_the_list_shows_only_the_callers_scope(spread, town, worker_a, worker_b, police):
    assert _ids(client_for(worker_b).get(CASES)) == {spread["old_b"].pk}
    assert spread["old_b"].pk not in _ids(client_for(worker_a).get(CASES))
    assert _ids(client_for(police).get(CASES)) == set()


def test_the_list_is_paginated_newest_first(spread, clerk):
    data = client_for(clerk).get(f"{CASES}?limit=2").json()
    assert set(data) == {"count", "count_capped", "next", "previous", "results"}
    assert data["count"] == 4 and not data["count_capped"]
    assert len(data["results"]) == 2 and "offset=2" in data["next"] and data["previous"] is None
    assert [row["id"] for row in data["results"]] == [spread["dispute"].pk, spread["a2"].pk]
    last = client_for(clerk).get(data["next"]).json()
    assert [row["id"] for row in last["results"]] == [spread["a1"].pk, spread["old_b"].pk]
    assert last["next"] is None and last["previous"] and last["count"] == 4


def test_beyond_the_cap_the_count_is_a_lower_bound_and_next_still_leads_on(spread, clerk, monkeypatch):
    from fengqiao.cases.api import CasePagination

    monkeypatch.setattr(CasePagination, "count_cap", 2)
    first = client_for(clerk).get(f"{CASES}?limit=1").json()
    assert (first["count"], first["count_capped"]) == (2, True)
    pages = [first]
    while pages[-1]["next"]:
        pages.append(client_for(clerk).get(pages[-1]["next"]).json())
    assert [len(page["results"]) for page in pages] == [1, 1, 1, 1]
    assert {row["id"] for page in pages for row in page["results"]} == {case.pk for case in spread.values()}
    # Past the cap, the count is at least the rows up to the end of the page; the last page is exact.
    assert (pages[2]["count"], pages[2]["count_capped"]) == (3, True)
    assert (pages[3]["count"], pages[3]["count_capped"]) == (4, False)


def test_the_inbox_lists_open_items_and_a_status_filter_shows_the_rest(frozen, town, clerk, police):
    case = services.accept_case(make_case(clerk), by=clerk)
    (item,) = services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    services.return_assignment(item, by=police, reason="非本所职责")
    client = client_for(police)
    assert client.get("/api/v1/assignments/").json()["results"] == []
    returned = client.get("/api/v1/assignments/?status=returned").json()["results"]
    assert [row["id"] for row in returned] == [item.pk]
    assert client.get(f"/api/v1/assignments/{item.pk}/").json()["reason"] == "非本所职责"


# --- query counts -------------------------------------------------------------------------------------


def _many_cases(clerk: Any, town: Any, count: int) -> None:
    for index in range(count):
        case = make_case(clerk, point=POINT_B if index % 2 else (106.805, 35.505))
        if index % 3 == 0:
            case = services.accept_case(case, by=clerk)
            services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])


@pytest.mark.parametrize("count", [3, 12])
def test_the_case_list_runs_a_fixed_number_of_queries(
    frozen, town, clerk, django_assert_max_num_queries, count
):
    _many_cases(clerk, town, count)
    client = client_for(clerk)
    with django_assert_max_num_queries(4):
        response = client.get(f"{CASES}?status=reported,dispatched&q=路灯")
    assert response.json()["count"] == count


@pytest.mark.parametrize("count", [3, 12])
def test_the_inbox_runs_a_fixed_number_of_queries(
    frozen, town, clerk, police, django_assert_max_num_queries, count
):
    _many_cases(clerk, town, count)
    client = client_for(police)
    with django_assert_max_num_queries(4):
        response = client.get("/api/v1/assignments/")
    assert response.json()["count"] == (count + 2) // 3


@pytest.mark.parametrize("steps", [1, 4])
def test_the_detail_and_timeline_run_a_fixed_number_of_queries(
    frozen, town, clerk, police, judicial, django_assert_max_num_queries, steps
):
    case = services.accept_case(make_case(clerk), by=clerk)
    services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    if steps > 1:
        services.dispatch_case(
            case, by=clerk, assignments=[{"department": town.judicial_office, "role": "assist"}]
        )
        for assignment in case.assignments.all():
            services.acknowledge_assignment(assignment, by=police if assignment.role == "lead" else judicial)
    client = client_for(clerk)
    with django_assert_max_num_queries(3):
        response = client.get(case_action(case.pk, "timeline"))
    assert response.status_code == 200 and len(response.json()) >= 3
    # Scope (2), the case, its assignments with their departments.
    with django_assert_max_num_queries(4):
        response = client.get(f"{CASES}{case.pk}/")
    assert response.status_code == 200
