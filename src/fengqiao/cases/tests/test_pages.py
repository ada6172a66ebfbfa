"""The case pages through the Django test client: each page for its role (200), for a role that may
never use it (403) and for a user who may not see the case (404); the whole loop from intake to
closed through the pages; refusals that write nothing; query counts that do not grow with cases."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from fengqiao.cases import services
from fengqiao.cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseEvent,
    Category,
    Notification,
    Status,
    Supervision,
)
from fengqiao.cases.tests.conftest import POINT_A, POINT_B, lead, make_case
from fengqiao.cases.tests.test_attachments import png_with_text
from fengqiao.core.models import AuditEvent
from fengqiao.testing import builders

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def login(user: Any) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


def intake_data(**fields: Any) -> dict[str, Any]:
    data = {
        "kind": "appeal",
        "channel": "window",
        "urgency": "normal",
        "title": "路灯不亮",
        "description": "村口路灯坏了一周",
        "lon": str(POINT_A[0]),
        "lat": str(POINT_A[1]),
        "address": "东沟村村口",
        "reporter_name": "张三",
        "reporter_phone": "13912345678",
        "decision": "accept",
    }
    data.update(fields)
    return {key: value for key, value in data.items() if value is not None}


def dispatch_data(*items: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "10",
    }
    for index in range(3):
        data[f"items-{index}-role"] = "lead" if index == 0 else "assist"
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{index}-{key}"] = value
    return data


def timeline(case: Case) -> list[str]:
    return list(case.events.order_by("at", "id").values_list("action", flat=True))


@pytest.fixture
def accepted(frozen, town, clerk) -> Case:
    return services.accept_case(make_case(clerk), by=clerk)


@pytest.fixture
def dispatched(accepted, town, clerk) -> Case:
    services.dispatch_case(accepted, by=clerk, assignments=[lead(town.police_station, note="请核实")])
    accepted.refresh_from_db()
    return accepted


# --- the whole loop -------------------------------------------------------------------------------


def test_it_takes_a_walk_in_appeal_through_the_pages_from_intake_to_closed(
    frozen, town, clerk, police, worker_a
):
    as_clerk, as_police, as_worker = login(clerk), login(police), login(worker_a)

    response = as_clerk.get(reverse("cases:case_intake"))
    assert response.status_code == 200
    assert 'data-testid="intake-form"' in response.content.decode()

    photo = SimpleUploadedFile("现场.png", png_with_text(), content_type="image/png")
    response = as_clerk.post(reverse("cases:case_intake"), {**intake_data(), "attachments": [photo]})
    case = Case.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:case_detail", args=[case.pk])
    assert case.status == Status.ACCEPTED
    assert (case.grid, case.village, case.reported_by) == (town.grid_a, town.village_a, clerk)
    assert case.reporter_phone == "+8613912345678"
    assert case.attachments.get().content_type == "image/png"

    queue = as_clerk.get(reverse("cases:case_queue"), {"tab": "to_dispatch"})
    assert case.number in queue.content.decode()
    assert queue.context["tabs"][1] == {"name": "to_dispatch", "label": "To dispatch", "count": 1}

    response = as_clerk.get(reverse("cases:case_dispatch", args=[case.pk]))
    assert response.status_code == 200
    departments = list(response.context["formset"].forms[0].fields["department"].queryset)
    assert town.police_station in departments
    response = as_clerk.post(
        reverse("cases:case_dispatch", args=[case.pk]),
        dispatch_data({"department": town.police_station.pk, "role": "lead", "note": "请派员查看"}),
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get(case=case)
    assert (assignment.department, assignment.role, assignment.note) == (
        town.police_station,
        "lead",
        "请派员查看",
    )
    assert Notification.objects.filter(user=police, verb="assigned", case=case).exists()

    inbox = as_police.get(reverse("cases:assignment_inbox"))
    assert case.number in inbox.content.decode()
    response = as_police.post(reverse("cases:assignment_acknowledge", args=[assignment.pk]))
    assert response.status_code == 302
    evidence = SimpleUploadedFile("处理结果.pdf", PDF, content_type="application/pdf")
    response = as_police.post(
        reverse("cases:assignment_complete", args=[assignment.pk]),
        {"result": "已更换灯泡", "evidence": [evidence]},
    )
    assert response.status_code == 302
    assignment.refresh_from_db()
    case.refresh_from_db()
    assert assignment.status == "done" and case.status == Status.RESOLVED and case.result == "已更换灯泡"
    assert Attachment.objects.get(assignment=assignment).content_type == "application/pdf"

    to_verify = as_worker.get(reverse("cases:verification_list"))
    assert case.number in to_verify.content.decode()
    response = as_worker.post(
        reverse("cases:case_verify", args=[case.pk]), {"passed": "1", "note": "现场已亮"}
    )
    assert response.status_code == 302
    response = as_clerk.post(reverse("cases:case_close", args=[case.pk]), {"note": ""}, follow=True)
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at is not None
    assert any("close" in message for message in messages_of(response))

    assert timeline(case) == [
        "report",
        "attach",
        "accept",
        "dispatch",
        "acknowledge",
        "attach",
        "complete",
        "verify",
        "close",
    ]
    moves = [(a, b) for a, b in case.events.values_list("from_status", "to_status") if a and a != b]
    assert moves == [
        ("reported", "accepted"),
        ("accepted", "dispatched"),
        ("dispatched", "in_progress"),
        ("in_progress", "resolved"),
        ("resolved", "verified"),
        ("verified", "closed"),
    ]

    detail = as_clerk.get(reverse("cases:case_detail", args=[case.pk]))
    html = detail.content.decode()
    steps = re.findall(r'data-testid="route-step" data-action="([a-z_]+)"', html)
    assert steps == timeline(case)
    assert len(detail.context["route"]) == 9 and detail.context["route"][0].took is None
    assert police.display_name in html and worker_a.display_name in html


def test_resolving_on_the_spot_at_intake_resolves_the_case(frozen, clerk):
    response = login(clerk).post(
        reverse("cases:case_intake"), intake_data(decision="resolve", result="当场解释政策")
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert case.status == Status.RESOLVED and case.result == "当场解释政策"
    assert timeline(case) == ["report", "resolve_on_spot"]


def test_declining_an_emergency_records_the_number_to_call(frozen, clerk):
    response = login(clerk).post(
        reverse("cases:case_intake"),
        intake_data(decision="reject", reason="正在发生火情", emergency_number="119"),
    )
    case = Case.objects.get()
    assert response.status_code == 302
    assert (case.status, case.reject_reason, case.emergency_number) == ("rejected", "正在发生火情", "119")
    assert AuditEvent.objects.filter(action="case.reject", object_id=str(case.pk)).exists()


def test_an_anonymous_intake_keeps_no_name_or_phone(frozen, clerk):
    login(clerk).post(reverse("cases:case_intake"), intake_data(anonymous="on"))
    case = Case.objects.get()
    assert case.anonymous and case.reporter_name == "" and case.reporter_phone == ""


def test_a_grid_worker_reports_without_deciding(frozen, worker_a):
    response = login(worker_a).post(
        reverse("cases:case_intake"), intake_data(channel="patrol", decision="accept")
    )
    assert response.status_code == 302
    assert Case.objects.get().status == Status.REPORTED  # only the center accepts


# --- bad input writes nothing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "error_field"),
    [
        ({"title": ""}, "title"),
        ({"reporter_phone": "12345"}, "reporter_phone"),
        ({"lon": "200"}, "lon"),
        ({"lat": None}, "lon"),
        ({"decision": "reject", "reason": ""}, "reason"),
        ({"decision": "resolve", "result": ""}, "result"),
        ({"kind": "gossip"}, "kind"),
    ],
)
def test_a_bad_intake_shows_the_field_error_and_writes_nothing(frozen, clerk, fields, error_field):
    response = login(clerk).post(reverse("cases:case_intake"), intake_data(**fields))
    assert response.status_code == 400
    assert error_field in response.context["form"].errors
    assert f'data-testid="error-{error_field}"' in response.content.decode() or error_field == "kind"
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_a_refused_attachment_rolls_back_the_whole_intake(frozen, clerk):
    exe = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    response = login(clerk).post(reverse("cases:case_intake"), {**intake_data(), "attachments": [exe]})
    assert response.status_code == 400
    assert "attachments" in response.context["form"].errors
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0 and CaseEvent.objects.count() == 0


def test_a_point_outside_the_town_without_a_town_is_refused(frozen, administrator):
    response = login(administrator).post(
        reverse("cases:case_intake"), intake_data(lon="100.0", lat="30.0", address="")
    )
    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    assert Case.objects.count() == 0


def test_a_double_submitted_intake_makes_one_case(frozen, clerk):
    client = login(clerk)
    data = {**intake_data(), "idempotency_key": "k-1"}
    first = client.post(reverse("cases:case_intake"), data)
    second = client.post(reverse("cases:case_intake"), data)
    case = Case.objects.get()
    assert first.url == second.url == reverse("cases:case_detail", args=[case.pk])
    assert timeline(case) == ["report", "accept"]


def test_an_action_refused_in_the_current_status_shows_a_message_and_writes_nothing(accepted, clerk):
    before = timeline(accepted)
    response = login(clerk).post(reverse("cases:case_close", args=[accepted.pk]), {"note": ""}, follow=True)
    assert response.status_code == 200
    assert any("Accepted" in message and "cannot" in message for message in messages_of(response))
    accepted.refresh_from_db()
    assert accepted.status == Status.ACCEPTED and timeline(accepted) == before


def test_an_action_without_its_required_field_writes_nothing(frozen, clerk):
    case = make_case(clerk)
    response = login(clerk).post(reverse("cases:case_reject", args=[case.pk]), {"reason": " "}, follow=True)
    assert any("Reason" in message for message in messages_of(response))
    case.refresh_from_db()
    assert case.status == Status.REPORTED and timeline(case) == ["report"]


def test_a_dispatch_without_a_lead_writes_nothing(accepted, town, clerk):
    response = login(clerk).post(
        reverse("cases:case_dispatch", args=[accepted.pk]),
        dispatch_data({"department": town.police_station.pk, "role": "assist"}),
    )
    assert response.status_code == 400
    assert any("lead" in message for message in messages_of(response))
    assert not Assignment.objects.exists()


def test_a_dispatch_without_any_department_is_refused(accepted, clerk):
    response = login(clerk).post(reverse("cases:case_dispatch", args=[accepted.pk]), dispatch_data())
    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_dispatch_sends_items_to_a_lead_and_an_assisting_department(accepted, town, clerk, judicial):
    response = login(clerk).post(
        reverse("cases:case_dispatch", args=[accepted.pk]),
        dispatch_data(
            {"department": town.police_station.pk, "role": "lead", "note": "查看现场"},
            {
                "department": town.judicial_office.pk,
                "role": "assist",
                "note": "法律解释",
                "due": "2026-11-13T17:00",  # before the case's own deadline (16 Nov)
            },
        ),
    )
    assert response.status_code == 302
    items = {a.department_id: a for a in Assignment.objects.filter(case=accepted)}
    assert items[town.police_station.pk].role == "lead"
    judicial_item = items[town.judicial_office.pk]
    assert judicial_item.role == "assist" and judicial_item.note == "法律解释"
    assert judicial_item.due_at.isoformat() == "2026-11-13T09:00:00+00:00"  # 17:00 in Shanghai


def test_an_officer_returns_an_assignment_with_a_reason(dispatched, police):
    assignment = dispatched.assignments.get()
    client = login(police)
    response = client.post(
        reverse("cases:assignment_return", args=[assignment.pk]), {"reason": ""}, follow=True
    )
    assignment.refresh_from_db()
    assert assignment.status == "pending" and messages_of(response)
    client.post(reverse("cases:assignment_return", args=[assignment.pk]), {"reason": "不属于本所职责"})
    assignment.refresh_from_db()
    dispatched.refresh_from_db()
    assert assignment.status == "returned" and dispatched.status == Status.ACCEPTED
    assert timeline(dispatched)[-1] == "return"


def test_a_failed_verification_sends_the_case_back_for_rework(dispatched, police, worker_a):
    assignment = dispatched.assignments.get()
    services.acknowledge_assignment(assignment, by=police)
    services.complete_assignment(assignment, by=police, result="已处理")
    login(worker_a).post(
        reverse("cases:case_verify", args=[dispatched.pk]), {"passed": "0", "note": "灯仍不亮"}
    )
    dispatched.refresh_from_db()
    assert dispatched.status == Status.IN_PROGRESS and dispatched.rework_count == 1


# --- who may open which page ------------------------------------------------------------------------


PAGES_BY_ROLE = [
    ("clerk", "cases:case_intake"),
    ("worker_a", "cases:case_intake"),
    ("clerk", "cases:case_queue"),
    ("police", "cases:assignment_inbox"),
    ("worker_a", "cases:verification_list"),
    ("clerk", "cases:verification_list"),
    ("leader", "cases:supervision_board"),
    ("clerk", "cases:case_list"),
    ("police", "cases:case_list"),
    ("worker_a", "cases:case_list"),
    ("auditor", "cases:case_list"),
    ("clerk", "cases:notification_list"),
    ("police", "cases:notification_badge"),
]

FORBIDDEN = [
    ("police", "cases:case_intake"),
    ("auditor", "cases:case_intake"),
    ("mediator", "cases:case_intake"),
    ("police", "cases:case_queue"),
    ("worker_a", "cases:case_queue"),
    ("clerk", "cases:assignment_inbox"),
    ("worker_a", "cases:assignment_inbox"),
    ("police", "cases:verification_list"),
    ("clerk", "cases:supervision_board"),
    ("worker_a", "cases:supervision_board"),
    ("police", "cases:supervision_board"),
]


@pytest.mark.parametrize(("persona", "url_name"), PAGES_BY_ROLE)
def test_each_page_opens_for_its_role(request, dispatched, persona, url_name):
    response = login(request.getfixturevalue(persona)).get(reverse(url_name))
    assert response.status_code == 200


@pytest.mark.parametrize(("persona", "url_name"), FORBIDDEN)
def test_a_role_that_may_never_use_a_page_gets_403(request, frozen, town, persona, url_name):
    response = login(request.getfixturevalue(persona)).get(reverse(url_name))
    assert response.status_code == 403


def test_pages_need_a_login(db):
    response = Client().get(reverse("cases:case_list"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


@pytest.mark.parametrize("persona", ["clerk", "leader", "police", "worker_a"])
def test_the_case_page_opens_for_whoever_sees_the_case(request, dispatched, persona):
    response = login(request.getfixturevalue(persona)).get(reverse("cases:case_detail", args=[dispatched.pk]))
    assert response.status_code == 200
    assert response.context["case"] == dispatched


@pytest.mark.parametrize("persona", ["worker_b", "judicial"])
def test_a_case_out_of_scope_is_404_on_every_case_page(request, dispatched, persona):
    client = login(request.getfixturevalue(persona))
    assignment = dispatched.assignments.get()
    attachment = services.add_attachment(
        dispatched, by=request.getfixturevalue("clerk"), file=SimpleUploadedFile("a.pdf", PDF)
    )
    assert client.get(reverse("cases:case_detail", args=[dispatched.pk])).status_code == 404
    assert client.get(reverse("cases:attachment_download", args=[attachment.pk])).status_code == 404
    assert client.post(reverse("cases:case_accept", args=[dispatched.pk])).status_code == 404
    assert client.post(reverse("cases:case_verify", args=[dispatched.pk]), {"passed": "1"}).status_code == 404
    assert client.post(reverse("cases:assignment_acknowledge", args=[assignment.pk])).status_code == 404
    assert client.get(reverse("cases:case_detail", args=[999999])).status_code == 404
    assert timeline(dispatched) == ["report", "accept", "dispatch", "attach"]


def test_the_dispatch_page_is_404_out_of_scope_and_403_for_other_roles(dispatched, town, clerk, police):
    elsewhere = builders.make_region("620802102000", "别镇", "town", parent=town.county)
    outsider = login(builders.make_user("clerk_elsewhere", "clerk", regions=[elsewhere]))
    assert outsider.get(reverse("cases:case_dispatch", args=[dispatched.pk])).status_code == 404
    assert login(police).get(reverse("cases:case_dispatch", args=[dispatched.pk])).status_code == 403


def test_a_role_that_may_never_take_an_action_gets_403_and_nothing_is_written(dispatched, police, worker_a):
    assert login(police).post(reverse("cases:case_close", args=[dispatched.pk])).status_code == 403
    assert login(worker_a).post(reverse("cases:case_accept", args=[dispatched.pk])).status_code == 403
    assert (
        login(worker_a)
        .post(reverse("cases:case_bulk"), {"action": "close", "cases": [dispatched.pk]})
        .status_code
        == 403
    )
    assert timeline(dispatched) == ["report", "accept", "dispatch"]


def test_another_departments_officer_cannot_act_on_the_assignment(dispatched, town, clerk, judicial):
    services.dispatch_case(
        dispatched, by=clerk, assignments=[{"department": town.judicial_office, "role": "assist"}]
    )
    police_item = dispatched.assignments.get(department=town.police_station)
    response = login(judicial).post(reverse("cases:assignment_acknowledge", args=[police_item.pk]))
    assert response.status_code in (403, 404)
    police_item.refresh_from_db()
    assert police_item.status == "pending"


def test_action_urls_refuse_get(accepted, clerk):
    assert login(clerk).get(reverse("cases:case_close", args=[accepted.pk])).status_code == 405


# --- what the case page shows --------------------------------------------------------------------


def test_the_case_page_offers_only_the_actions_allowed_now(dispatched, clerk, police, worker_a):
    clerk_actions = [
        p["action"]
        for p in login(clerk).get(reverse("cases:case_detail", args=[dispatched.pk])).context["actions"]
    ]
    assert "dispatch" in clerk_actions and "escalate" in clerk_actions
    assert "accept" not in clerk_actions and "close" not in clerk_actions and "verify" not in clerk_actions
    police_page = login(police).get(reverse("cases:case_detail", args=[dispatched.pk]))
    assert police_page.context["actions"] == [] or all(
        p["action"] in ("resolve",) for p in police_page.context["actions"]
    )
    [panel] = police_page.context["assignment_panels"]
    assert [action for action, _form in panel["actions"]] == ["acknowledge", "return"]
    assert 'data-testid="action-acknowledge"' in police_page.content.decode()
    worker_page = login(worker_a).get(reverse("cases:case_detail", args=[dispatched.pk]))
    assert worker_page.context["actions"] == [] and worker_page.context["assignment_panels"] == []


def test_the_reporters_phone_is_masked_without_view_sensitive(accepted, clerk, leader):
    html = login(clerk).get(reverse("cases:case_detail", args=[accepted.pk])).content.decode()
    assert "139****5678" in html and "13912345678" not in html
    assert not AuditEvent.objects.filter(action="sensitive.read").exists()
    leader.view_sensitive = True
    leader.save()
    html = login(leader).get(reverse("cases:case_detail", args=[accepted.pk])).content.decode()
    assert "+8613912345678" in html
    assert AuditEvent.objects.filter(action="sensitive.read", actor=leader).count() == 1


def test_an_attachment_downloads_for_whoever_sees_the_case(accepted, clerk, worker_a):
    attachment = services.add_attachment(accepted, by=clerk, file=SimpleUploadedFile("a.pdf", PDF))
    response = login(worker_a).get(reverse("cases:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF


def test_the_category_options_follow_the_kind(frozen, clerk):
    top = Category.objects.create(kind="dispute", name="邻里纠纷")
    Category.objects.create(kind="dispute", name="宅基地", parent=top)
    Category.objects.create(kind="hazard", name="消防隐患")
    html = login(clerk).get(reverse("cases:category_options"), {"kind": "dispute"}).content.decode()
    assert "邻里纠纷" in html and "宅基地" in html and "消防隐患" not in html


# --- supervision, bulk, notifications ---------------------------------------------------------------


def test_the_duty_leader_sees_late_cases_and_answers_a_supervision_order(accepted, town, leader, clerk):
    Case.objects.filter(pk=accepted.pk).update(sla_state="overdue")
    order = services.raise_supervision(accepted, by=leader, note="请加快办理")
    client = login(leader)
    board = client.get(reverse("cases:supervision_board"))
    assert accepted.number in board.content.decode()
    assert board.context["unanswered"] == 1
    client.post(reverse("cases:supervision_answer", args=[order.pk]), {"answer": "已协调派出所"})
    order.refresh_from_db()
    assert order.answer == "已协调派出所" and order.answered_by == leader
    assert "answer_supervision" in timeline(accepted)
    assert login(clerk).post(
        reverse("cases:supervision_answer", args=[order.pk]), {"answer": "x"}
    ).status_code in (302, 403)


def test_a_leader_raises_a_supervision_order_from_the_case_page(accepted, leader):
    login(leader).post(reverse("cases:case_supervise", args=[accepted.pk]), {"note": "今日办结"})
    assert Supervision.objects.get(case=accepted).note == "今日办结"


def test_bulk_accept_goes_through_the_service_per_case_and_reports_failures(frozen, clerk, worker_b):
    fresh = [make_case(clerk) for _ in range(2)]
    done = services.accept_case(make_case(clerk), by=clerk)
    response = login(clerk).post(
        reverse("cases:case_bulk"),
        {"action": "accept", "cases": [*(c.pk for c in fresh), done.pk, 999999]},
        follow=True,
    )
    assert {c.status for c in Case.objects.filter(pk__in=[c.pk for c in fresh])} == {Status.ACCEPTED}
    text = " ".join(messages_of(response))
    assert "2 case(s) done" in text and done.number in text and "#999999" in text
    assert CaseEvent.objects.filter(action="accept").count() == 3  # two now, one before


def test_bulk_close_skips_cases_the_user_cannot_see(frozen, town, clerk, worker_a):
    hidden = make_case(clerk, point=POINT_B)
    response = login(clerk).post(
        reverse("cases:case_bulk"), {"action": "close", "cases": [hidden.pk]}, follow=True
    )
    assert any("cannot" in m for m in messages_of(response))  # reported: cannot be closed
    hidden.refresh_from_db()
    assert hidden.status == Status.REPORTED


def test_notifications_list_badge_and_mark_read(police, dispatched):
    client = login(police)
    badge = client.get(reverse("cases:notification_badge")).content.decode()
    assert 'data-testid="unread-count"' in badge and ">1<" in badge
    page = client.get(reverse("cases:notification_list"))
    assert page.context["unread"] == 1
    notification = Notification.objects.get(user=police)
    response = client.post(reverse("cases:notification_read", args=[notification.pk]), {"open": "1"})
    assert response.url == reverse("cases:case_detail", args=[dispatched.pk])
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert "unread-count" not in client.get(reverse("cases:notification_badge")).content.decode()


def test_someone_elses_notification_is_404(police, dispatched, clerk):
    notification = Notification.objects.get(user=police)
    assert login(clerk).post(reverse("cases:notification_read", args=[notification.pk])).status_code == 404


def test_mark_all_read(police, dispatched):
    assert Notification.objects.filter(user=police, read_at__isnull=True).exists()
    login(police).post(reverse("cases:notification_read_all"))
    assert not Notification.objects.filter(user=police, read_at__isnull=True).exists()


def test_the_navigation_offers_the_case_pages_by_role(frozen, clerk, police, worker_a, leader):
    def nav(user: Any) -> set[str]:
        return {item["name"] for item in login(user).get(reverse("cases:case_list")).context["nav_items"]}

    assert {"cases:case_intake", "cases:case_queue", "cases:case_list"} <= nav(clerk)
    assert "cases:assignment_inbox" in nav(police) and "cases:case_queue" not in nav(police)
    assert {"cases:verification_list", "cases:case_intake"} <= nav(worker_a)
    assert "cases:supervision_board" in nav(leader) and "cases:supervision_board" not in nav(clerk)


# --- the list and its filters -----------------------------------------------------------------------


def test_the_list_filters_with_the_shared_filterset_and_stays_in_scope(frozen, clerk, worker_a):
    in_a = services.accept_case(make_case(clerk, title="A 甲"), by=clerk)
    make_case(clerk, title="A 乙")
    make_case(clerk, title="B 丙", point=POINT_B)
    as_clerk = login(clerk)
    assert as_clerk.get(reverse("cases:case_list")).context["page"].paginator.count == 3
    filtered = as_clerk.get(reverse("cases:case_list"), {"status": "accepted"})
    assert [c.pk for c in filtered.context["page"]] == [in_a.pk]
    assert login(worker_a).get(reverse("cases:case_list")).context["page"].paginator.count == 2


# --- query counts do not grow with the number of cases ---------------------------------------------


def _many(clerk: Any, town: Any, count: int) -> list[Case]:
    made = []
    for index in range(count):
        case = services.accept_case(make_case(clerk, title=f"案件 {index}"), by=clerk)
        if index % 2:
            services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
        made.append(case)
    return made


@pytest.mark.parametrize(
    ("persona", "url_name", "query"),
    [
        ("clerk", "cases:case_queue", {"tab": "to_dispatch"}),
        ("clerk", "cases:case_list", {}),
        ("clerk", "cases:case_list", {"status": "accepted", "q": "案件"}),
        ("police", "cases:assignment_inbox", {}),
        ("leader", "cases:supervision_board", {}),
    ],
)
def test_list_pages_have_a_fixed_number_of_queries(
    request, frozen, town, clerk, persona, url_name, query, django_assert_max_num_queries
):
    _many(clerk, town, 12)
    Case.objects.update(sla_state="warning")
    client = login(request.getfixturevalue(persona))
    client.get(reverse(url_name), query)  # warm the session and the calendar cache
    with django_assert_max_num_queries(12):
        response = client.get(reverse(url_name), query)
    assert response.status_code == 200


def test_the_case_page_has_a_fixed_number_of_queries(frozen, town, clerk, django_assert_max_num_queries):
    cases = _many(clerk, town, 12)
    case = cases[1]
    for index in range(5):
        services.add_attachment(case, by=clerk, file=SimpleUploadedFile(f"{index}.pdf", PDF))
    client = login(clerk)
    client.get(reverse("cases:case_detail", args=[case.pk]))
    with django_assert_max_num_queries(16):
        response = client.get(reverse("cases:case_detail", args=[case.pk]))
    assert len(response.context["route"]) == 8


def test_the_list_count_is_bounded_so_pages_cost_the_same_at_any_size(frozen, clerk, monkeypatch):
    from fengqiao.cases.views import BoundedPaginator

    for index in range(5):
        make_case(clerk, title=f"案件 {index}")
    monkeypatch.setattr(BoundedPaginator, "cap", 3)
    response = login(clerk).get(reverse("cases:case_list"))
    assert response.context["page"].paginator.capped
    assert "more than 3" in response.content.decode()
    monkeypatch.setattr(BoundedPaginator, "cap", 10)
    response = login(clerk).get(reverse("cases:case_list"))
    assert not response.context["page"].paginator.capped and response.context["page"].paginator.count == 5


def test_every_page_carries_the_unread_badge_loaded_by_htmx(frozen, clerk):
    html = login(clerk).get(reverse("cases:case_list")).content.decode()
    assert f'hx-get="{reverse("cases:notification_badge")}"' in html


def test_a_grid_worker_gets_only_the_report_button(frozen, worker_a, clerk):
    worker_page = login(worker_a).get(reverse("cases:case_intake")).content.decode()
    assert 'data-testid="intake-report"' in worker_page and 'data-testid="intake-accept"' not in worker_page
    clerk_page = login(clerk).get(reverse("cases:case_intake")).content.decode()
    assert 'data-testid="intake-accept"' in clerk_page and 'data-testid="intake-reject"' in clerk_page
    assert "110" in clerk_page and "119" in clerk_page and "120" in clerk_page and "122" in clerk_page


def test_the_category_options_of_an_unknown_kind_are_empty(frozen, clerk):
    Category.objects.create(kind="hazard", name="消防隐患")
    html = login(clerk).get(reverse("cases:category_options"), {"kind": "gossip"}).content.decode()
    assert "消防隐患" not in html and "<option" in html


def test_a_supervision_order_out_of_scope_is_404(accepted, town, leader):
    order = services.raise_supervision(accepted, by=leader, note="请加快")
    elsewhere = builders.make_region("620802102000", "别镇", "town", parent=town.county)
    other_leader = builders.make_user("leader_elsewhere", "town_leader", regions=[elsewhere])
    response = login(other_leader).post(reverse("cases:supervision_answer", args=[order.pk]), {"answer": "x"})
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.answered_at is None
