"""The API's extras around cases: notifications (inbox, unread count, mark read), supervision
orders (raise, list, answer), deadline extensions, categories, and the OpenAPI paths."""

from __future__ import annotations

import pytest

from fengqiao.cases import services
from fengqiao.cases.models import Category, Notification, Supervision
from fengqiao.cases.tests.apitools import case_action, client_for
from fengqiao.cases.tests.conftest import lead, make_case

NOTIFICATIONS = "/api/v1/notifications/"


@pytest.fixture
def assigned(frozen, town, clerk, police):
    case = services.accept_case(make_case(clerk), by=clerk)
    services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    return case


def test_the_inbox_lists_the_users_notifications_and_counts_the_unread(assigned, police, judicial):
    client = client_for(police)
    assert client.get(f"{NOTIFICATIONS}unread-count/").json() == {"unread": 1}
    (row,) = client.get(NOTIFICATIONS).json()["results"]
    assert row["verb"] == "assigned" and row["case"] == assigned.pk and row["read_at"] is None

    response = client.post(f"{NOTIFICATIONS}{row['id']}/read/")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    assert client.get(f"{NOTIFICATIONS}unread-count/").json() == {"unread": 0}
    assert client.get(f"{NOTIFICATIONS}?unread=true").json()["results"] == []
    # Someone else's notification does not exist for this user.
    assert client_for(judicial).post(f"{NOTIFICATIONS}{row['id']}/read/").status_code == 404


def test_mark_all_read(assigned, town, clerk, police):
    Notification.objects.create(user=police, verb="other", case=assigned, text="另一条")
    client = client_for(police)
    assert client.post(f"{NOTIFICATIONS}read-all/").json() == {"marked": 2}
    assert client.get(f"{NOTIFICATIONS}unread-count/").json() == {"unread": 0}


def test_a_leader_raises_a_supervision_order_and_answers_it(assigned, leader, clerk, worker_b):
    response = client_for(leader).post(
        case_action(assigned.pk, "supervise"), {"note": "三日内办结"}, format="json"
    )
    assert response.status_code == 201, response.content
    supervision_id = response.json()["id"]
    assert Supervision.objects.get(pk=supervision_id).case == assigned

    listed = client_for(leader).get("/api/v1/supervisions/?open=true").json()["results"]
    assert [row["id"] for row in listed] == [supervision_id]
    assert client_for(worker_b).get(f"/api/v1/supervisions/{supervision_id}/").status_code == 404

    response = client_for(leader).post(
        f"/api/v1/supervisions/{supervision_id}/answer/", {"answer": "已协调派出所"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["answer"] == "已协调派出所"
    assert client_for(leader).get("/api/v1/supervisions/?open=true").json()["results"] == []
    again = client_for(leader).post(
        f"/api/v1/supervisions/{supervision_id}/answer/", {"answer": "x"}, format="json"
    )
    assert again.status_code == 409


def test_only_leaders_raise_supervision_orders(assigned, clerk):
    response = client_for(clerk).post(case_action(assigned.pk, "supervise"), {"note": "x"}, format="json")
    assert response.status_code == 403
    assert not Supervision.objects.exists()


def test_a_leader_extends_the_deadline(assigned, leader, clerk):
    before = assigned.resolve_due_at
    response = client_for(leader).post(
        case_action(assigned.pk, "extend"), {"days": 5, "reason": "情况复杂"}, format="json"
    )
    assert response.status_code == 200, response.content
    assigned.refresh_from_db()
    assert assigned.resolve_due_at > before and response.json()["extension_count"] == assigned.extension_count
    assert (
        client_for(clerk)
        .post(case_action(assigned.pk, "extend"), {"days": 5, "reason": "x"}, format="json")
        .status_code
        == 403
    )
    bad = client_for(leader).post(
        case_action(assigned.pk, "extend"), {"days": 0, "reason": "x"}, format="json"
    )
    assert bad.status_code == 400 and "days" in bad.json()["fields"]


def test_suspend_and_resume_through_the_api(assigned, leader):
    client = client_for(leader)
    assert (
        client.post(case_action(assigned.pk, "suspend"), {"reason": "等待鉴定"}, format="json").json()[
            "status"
        ]
        == "suspended"
    )
    assert client.post(case_action(assigned.pk, "resume"), {}, format="json").json()["status"] == "dispatched"


def test_default_categories_exist_for_every_kind_after_migrating(town, clerk):
    from fengqiao.cases.models import Kind

    client = client_for(clerk)
    for kind in Kind.values:
        rows = client.get(f"/api/v1/categories/?kind={kind}").json()
        tops = [row for row in rows if row["parent"] is None]
        children = [row for row in rows if row["parent"] is not None]
        assert tops and children, kind
        assert {row["parent"] for row in children} <= {row["id"] for row in tops}
    fire = Category.objects.get(kind="hazard", parent=None, name="消防安全")
    assert fire.children.filter(name="电动车违规充电").exists()
    assert Category.objects.filter(kind="dispute", parent=None, name="婚姻家庭").exists()


def _without_default_categories() -> None:
    Category.objects.exclude(parent=None).delete()
    Category.objects.all().delete()


def test_categories_are_listed_by_kind(town, clerk):
    _without_default_categories()
    top = Category.objects.create(kind="dispute", name="邻里纠纷")
    Category.objects.create(kind="dispute", name="宅基地", parent=top)
    Category.objects.create(kind="dispute", name="旧分类", active=False)
    Category.objects.create(kind="hazard", name="消防")
    response = client_for(clerk).get("/api/v1/categories/?kind=dispute")
    assert response.status_code == 200
    assert [(row["name"], row["parent"]) for row in response.json()] == [
        ("邻里纠纷", None),
        ("宅基地", top.pk),
    ]


def test_the_schema_documents_the_case_endpoints(client, clerk):
    client.force_login(clerk)
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in (
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/cases/{id}/timeline/",
        "/api/v1/assignments/",
        "/api/v1/notifications/",
        "/api/v1/supervisions/",
        "/api/v1/categories/",
    ):
        assert path in paths, path
    for action in (
        "accept",
        "reject",
        "resolve",
        "dispatch",
        "verify",
        "close",
        "reopen",
        "escalate",
        "suspend",
        "resume",
        "feedback",
    ):
        operation = paths[f"/api/v1/cases/{{id}}/{action}/"]["post"]
        assert {"200", "400", "403", "404", "409"} <= set(operation["responses"]), action
    for action in ("acknowledge", "return", "complete"):
        assert f"/api/v1/assignments/{{id}}/{action}/" in paths
    create = paths["/api/v1/cases/"]["post"]
    assert {"201", "400", "422"} <= set(create["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in create["parameters"])
    listing = {p["name"] for p in paths["/api/v1/cases/"]["get"]["parameters"]}
    assert {
        "status",
        "kind",
        "channel",
        "grid",
        "village",
        "sla_state",
        "created_after",
        "created_before",
        "q",
        "limit",
        "offset",
    } <= listing


# --- every action allowed_actions can list has an endpoint ---------------------------------------


def test_every_workflow_action_has_an_api_endpoint():
    from django.urls import Resolver404, resolve

    from fengqiao.cases import workflow
    from fengqiao.cases.serializers import api_action_name

    missing = []
    for name, transition in workflow.TRANSITIONS.items():
        base = "/api/v1/assignments/1/" if transition.assignment_sources is not None else "/api/v1/cases/1/"
        try:
            resolve(f"{base}{api_action_name(name)}/")
        except Resolver404:
            missing.append(name)
    assert missing == []


def test_a_leader_takes_each_allowed_action_through_its_endpoint(frozen, town, clerk, leader):
    case = services.accept_case(make_case(clerk), by=clerk)
    client = client_for(leader)
    allowed = client.get(f"/api/v1/cases/{case.pk}/").json()["allowed_actions"]
    assert {"extend_deadline", "mark_duplicate", "merge"} <= set(allowed)

    response = client.post(
        case_action(case.pk, "extend_deadline"), {"days": 2, "reason": "情况复杂"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["extension_count"] == 1

    original = services.accept_case(make_case(clerk, title="同一路灯"), by=clerk)
    response = client.post(
        case_action(case.pk, "mark_duplicate"), {"duplicate_of": original.pk}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "duplicate" and response.json()["duplicate_of"] == original.pk

    third = services.accept_case(make_case(clerk, title="又一件"), by=clerk)
    response = client.post(
        case_action(third.pk, "merge"), {"into": original.pk, "note": "同一事项"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "merged" and response.json()["duplicate_of"] == original.pk


def test_merging_into_a_missing_case_is_400_on_into(frozen, town, clerk):
    case = services.accept_case(make_case(clerk), by=clerk)
    response = client_for(clerk).post(case_action(case.pk, "merge"), {"into": 999_999}, format="json")
    assert response.status_code == 400 and "into" in response.json()["fields"]
    response = client_for(clerk).post(case_action(case.pk, "mark_duplicate"), {}, format="json")
    assert response.status_code == 400 and "duplicate_of" in response.json()["fields"]
    case.refresh_from_db()
    assert case.status == "accepted"
