"""The whole loop through the services: intake, accept, dispatch, acknowledge, complete, verify,
close, feedback; with rework, return and re-dispatch, and the unsatisfied reopening."""

from __future__ import annotations

import datetime as dt

import pytest

from fengqiao.cases import services
from fengqiao.cases.models import Assignment, Case, CaseEvent, Notification, Status
from fengqiao.cases.tests.conftest import assist, lead, make_case
from fengqiao.core.models import AuditEvent


def timeline(case: Case) -> list[tuple[str, str, str]]:
    return list(case.events.order_by("at", "id").values_list("action", "from_status", "to_status"))


def test_it_takes_a_walk_in_appeal_from_intake_to_closed_and_rated(
    frozen, town, clerk, police, judicial, worker_a
):
    case = make_case(clerk)
    assert case.status == Status.REPORTED
    assert case.grid == town.grid_a and case.village == town.village_a and case.town == town.town
    assert case.number == "FQ-2026-000001"
    assert len(case.tracking_code) == 12
    assert case.reporter_phone == "+8613912345678"
    assert case.ack_due_at is not None and case.due_at == case.ack_due_at

    case = services.accept_case(case, by=clerk, note="受理")
    assert case.status == Status.ACCEPTED and case.resolve_due_at is not None

    items = services.dispatch_case(
        case, by=clerk, assignments=[lead(town.police_station, note="请核实"), assist(town.judicial_office)]
    )
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    police_item = next(item for item in items if item.department == town.police_station)
    assert police_item.role == "lead" and police_item.due_at == case.resolve_due_at
    assert Notification.objects.filter(user=police, verb="assigned", case=case).count() == 1
    assert Notification.objects.filter(user=judicial, verb="assigned", case=case).count() == 1

    services.acknowledge_assignment(police_item, by=police)
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS

    services.complete_assignment(police_item, by=police, result="已修复路灯")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.result == "已修复路灯"
    assert Notification.objects.filter(user=worker_a, verb="resolved", case=case).exists()

    services.verify_case(case, by=worker_a, passed=True, note="现场查看已亮")
    services.close_case(case, by=clerk)
    feedback = services.record_feedback(case, by=clerk, rating="satisfied", comment="很满意")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and feedback.rating == "satisfied"
    # The judicial office's assisting item was still open: closing cancels it.
    assert Assignment.objects.get(case=case, department=town.judicial_office).status == "cancelled"

    assert timeline(case) == [
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
    actors = set(case.events.values_list("actor_name", flat=True))
    assert actors == {"clerk", "police", "worker_a"}


def test_a_failed_verification_sends_the_lead_back_to_rework(frozen, town, clerk, police, worker_a):
    case = services.accept_case(make_case(clerk), by=clerk)
    (item,) = services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    services.acknowledge_assignment(item, by=police)
    services.complete_assignment(item, by=police, result="处理了")

    case = services.verify_case(case, by=worker_a, passed=False, note="灯还是不亮")
    item.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.rework_count == 1
    assert item.status == "acknowledged" and item.result == ""
    assert Notification.objects.filter(user=police, verb="rework").exists()

    services.complete_assignment(item, by=police, result="换了灯泡")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.result == "换了灯泡"


def test_a_returned_lead_goes_back_to_the_center_to_dispatch_again(frozen, town, clerk, police, judicial):
    case = services.accept_case(make_case(clerk), by=clerk)
    (item,) = services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    services.return_assignment(item, by=police, reason="不属于本所职责")
    case.refresh_from_db()
    item.refresh_from_db()
    assert case.status == Status.ACCEPTED and item.status == "returned" and item.reason == "不属于本所职责"
    assert Notification.objects.filter(user=clerk, verb="returned").exists()

    (again,) = services.dispatch_case(case, by=clerk, assignments=[lead(town.judicial_office)])
    services.acknowledge_assignment(again, by=judicial)
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_unsatisfied_feedback_reopens_the_case_once(frozen, town, clerk, police, worker_a):
    case = services.accept_case(make_case(clerk), by=clerk)
    (item,) = services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    services.acknowledge_assignment(item, by=police)

    def finish() -> None:
        services.complete_assignment(item, by=police, result="处理完毕")
        services.verify_case(case, by=worker_a, passed=True)
        services.close_case(case, by=clerk)

    finish()
    services.record_feedback(case, by=None, rating="unsatisfied", comment="没解决")
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS and case.reopen_count == 1
    item.refresh_from_db()
    assert item.status == "acknowledged"
    # The case's own step comes first on the route map, then the lead's rework.
    assert timeline(case)[-2:] == [
        ("record_feedback", "closed", "in_progress"),
        ("rework_assignment", "in_progress", "in_progress"),
    ]

    frozen.shift(dt.timedelta(days=1))
    finish()
    services.record_feedback(case, by=None, rating="unsatisfied", comment="还是不满意")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.reopen_count == 1
    assert case.feedback.count() == 2


def test_a_reopened_case_shows_reopen_before_the_leads_rework(frozen, town, clerk, police, worker_a):
    case = services.accept_case(make_case(clerk), by=clerk)
    (item,) = services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    services.acknowledge_assignment(item, by=police)
    services.complete_assignment(item, by=police, result="处理完毕")
    services.verify_case(case, by=worker_a, passed=True)
    services.close_case(case, by=clerk)
    services.reopen_case(case, by=clerk, reason="群众再次反映")
    assert timeline(case)[-2:] == [
        ("reopen", "closed", "in_progress"),
        ("rework_assignment", "in_progress", "in_progress"),
    ]


def test_resolving_on_the_spot_needs_no_department(frozen, clerk):
    case = services.resolve_case_on_spot(make_case(clerk, kind="consultation"), by=clerk, result="当场解答")
    assert case.status == Status.RESOLVED and case.accepted_at and case.resolved_at
    services.verify_case(case, by=clerk, passed=True)
    assert services.close_case(case, by=clerk).status == Status.CLOSED


def test_declining_records_the_reason_the_emergency_number_and_an_audit_row(frozen, clerk):
    case = services.reject_case(make_case(clerk), by=clerk, reason="属于警情", emergency_number="110")
    assert case.status == Status.REJECTED and case.emergency_number == "110"
    row = AuditEvent.objects.get(action="case.reject")
    assert row.object_id == str(case.pk) and row.changes["status"] == ["reported", "rejected"]


def test_escalating_cancels_the_open_assignments(frozen, town, clerk, leader):
    case = services.accept_case(make_case(clerk), by=clerk)
    services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    case = services.escalate_case(case, by=leader, reason="涉及跨镇")
    assert case.status == Status.ESCALATED and case.escalation_reason == "涉及跨镇"
    assert not Assignment.objects.filter(case=case, status__in=Assignment.OPEN_STATUSES).exists()
    assert AuditEvent.objects.filter(action="case.escalate").exists()


def test_duplicates_and_merges_point_at_the_main_case(frozen, town, clerk, police):
    main = services.accept_case(make_case(clerk), by=clerk)
    copy = services.mark_duplicate(make_case(clerk), by=clerk, duplicate_of=main)
    assert copy.status == Status.DUPLICATE and copy.duplicate_of == main
    related = services.accept_case(make_case(clerk), by=clerk)
    services.dispatch_case(related, by=clerk, assignments=[lead(town.police_station)])
    related = services.merge_case(related, by=clerk, into=main)
    assert related.status == Status.MERGED and related.duplicate_of == main
    assert set(CaseEvent.objects.filter(case=main).values_list("action", flat=True)) >= {
        "duplicate_received",
        "merged_in",
    }


def test_a_case_cannot_duplicate_itself(frozen, clerk):
    from fengqiao.cases.exceptions import CaseError

    case = make_case(clerk)
    with pytest.raises(CaseError) as error:
        services.mark_duplicate(case, by=clerk, duplicate_of=case)
    assert error.value.http_status == 400


def test_a_department_cannot_be_dispatched_twice_or_lead_twice(frozen, town, clerk):
    from fengqiao.cases.exceptions import CaseError

    case = services.accept_case(make_case(clerk), by=clerk)
    with pytest.raises(CaseError, match="one lead"):
        services.dispatch_case(
            case, by=clerk, assignments=[lead(town.police_station), lead(town.judicial_office)]
        )
    with pytest.raises(CaseError, match="Name the lead"):
        services.dispatch_case(case, by=clerk, assignments=[assist(town.police_station)])
    services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    with pytest.raises(CaseError, match="already has this case"):
        services.dispatch_case(case, by=clerk, assignments=[assist(town.police_station)])
    assert Assignment.objects.filter(case=case).count() == 1


def test_an_assisting_department_may_finish_after_the_lead_resolved(frozen, town, clerk, police, judicial):
    case = services.accept_case(make_case(clerk), by=clerk)
    items = services.dispatch_case(
        case, by=clerk, assignments=[lead(town.police_station), assist(town.judicial_office)]
    )
    for item, officer in zip(items, (police, judicial), strict=True):
        services.acknowledge_assignment(item, by=officer)
    services.complete_assignment(items[0], by=police, result="主办完成")
    services.complete_assignment(items[1], by=judicial, result="协办完成")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED and case.result == "主办完成"
    assert set(Assignment.objects.filter(case=case).values_list("status", flat=True)) == {"done"}
