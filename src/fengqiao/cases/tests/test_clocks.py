"""Clocks with frozen time: deadlines across National Day 2026 and its adjusted working Saturday,
suspension pausing the clock, yellow at 80 % and red when overdue, supervision orders once."""

from __future__ import annotations

import datetime as dt
import json
import threading

import chinese_calendar
import pytest
from django.core.management import call_command
from django.db import connection

from fengqiao.cases import services, sla
from fengqiao.cases.models import Case, Notification, SLAState, Status, Supervision
from fengqiao.cases.tests.conftest import lead, local, make_case
from fengqiao.center.models import DutyShift
from fengqiao.core.models import AuditEvent


def nth_working_day_after(day: dt.date, n: int) -> dt.date:
    """An independent oracle straight from chinese-calendar."""
    while n:
        day += dt.timedelta(days=1)
        try:
            n -= chinese_calendar.is_workday(day)
        except NotImplementedError:  # a year it does not know: weekdays
            n -= day.weekday() < 5
    return day


def test_the_resolution_deadline_skips_national_day_and_counts_the_adjusted_saturday(frozen, clerk):
    frozen.move_to(local(2026, 9, 29, 10, 0))  # Tuesday before the holiday
    case = services.accept_case(make_case(clerk), by=clerk)
    # 9-30, 10-8, 10-9, Saturday 10-10 (调休上班), 10-12 ... 10-16, 10-19: ten working days.
    assert case.resolve_due_at == local(2026, 10, 19, 17, 0)
    assert case.due_at == case.resolve_due_at
    assert nth_working_day_after(dt.date(2026, 9, 29), 10) == dt.date(2026, 10, 19)
    # 80 % of 87 working hours (7 on the first day, then 10 x 8) is 69 h 36 min.
    assert case.warn_at == local(2026, 10, 15, 15, 36)


def test_the_acceptance_clock_on_the_eve_of_national_day_resumes_after_it(frozen, clerk):
    frozen.move_to(local(2026, 9, 30, 16, 0))
    case = make_case(clerk)
    # One working hour left on the eve, seven more on 8 October.
    assert case.ack_due_at == local(2026, 10, 8, 16, 0)


def test_petitions_get_fifteen_working_days_to_accept_and_sixty_to_handle(frozen, clerk):
    case = make_case(clerk, kind="petition")
    assert case.ack_due_at == local(2026, 11, 23, 10, 0)  # 120 working hours from Monday 10:00
    frozen.move_to(local(2026, 11, 3, 10, 0))
    case = services.accept_case(case, by=clerk)
    expected = nth_working_day_after(dt.date(2026, 11, 3), 60)
    assert case.resolve_due_at == local(expected.year, expected.month, expected.day, 17, 0)


def test_urgency_picks_its_own_policy(frozen, clerk):
    case = make_case(clerk, kind="hazard", urgency="urgent")
    assert case.ack_due_at == local(2026, 11, 2, 11, 0)


def test_an_assignment_gets_the_policy_hours_to_acknowledge_and_the_case_deadline(frozen, town, clerk):
    case = services.accept_case(make_case(clerk), by=clerk)
    (item,) = services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    assert item.ack_due_at == local(2026, 11, 3, 10, 0)
    assert item.due_at == case.resolve_due_at == local(2026, 11, 16, 17, 0)


def test_suspension_pauses_the_clock_and_resuming_shifts_every_deadline(frozen, town, clerk, leader):
    case = services.accept_case(make_case(clerk), by=clerk)
    (item,) = services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    assert case.resolve_due_at == local(2026, 11, 16, 17, 0)

    frozen.move_to(local(2026, 11, 4, 10, 0))
    case = services.suspend_case(case, by=leader, reason="等待司法鉴定")
    assert case.status == Status.SUSPENDED

    # While suspended, the sweep leaves it alone even long past its warning time.
    frozen.move_to(local(2026, 11, 13, 16, 0))
    assert sla.sweep_clocks().warned == []

    frozen.move_to(local(2026, 11, 16, 10, 0))
    case = services.resume_case(case, by=leader)
    # Paused from Wednesday 4th 10:00 to Monday 16th 10:00: eight working days.
    assert case.paused_total == dt.timedelta(hours=64)
    assert case.status == Status.DISPATCHED
    assert case.resolve_due_at == case.due_at == local(2026, 11, 26, 17, 0)
    item.refresh_from_db()
    assert item.due_at == case.resolve_due_at
    assert case.sla_state == SLAState.NORMAL
    assert AuditEvent.objects.filter(action="case.resume").exists()
    resume = case.events.get(action="resume")
    assert resume.data == {"paused_working_seconds": 64 * 3600}


def test_it_turns_yellow_at_80_percent_and_red_when_overdue(frozen, town, clerk, police, leader, duty_leader):
    case = services.accept_case(make_case(clerk), by=clerk)
    services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    assert case.warn_at == local(2026, 11, 12, 15, 36)

    frozen.move_to(local(2026, 11, 12, 15, 35))
    assert sla.sweep_clocks().warned == []
    frozen.move_to(local(2026, 11, 12, 15, 36))
    assert sla.sweep_clocks().warned == [case.pk]
    case.refresh_from_db()
    assert case.sla_state == SLAState.WARNING
    assert Notification.objects.filter(user=police, verb="warning", case=case).count() == 1

    DutyShift.objects.create(town=town.town, date=dt.date(2026, 11, 16), leader=duty_leader)
    frozen.move_to(local(2026, 11, 16, 16, 59))
    assert sla.sweep_clocks().overdue == []
    frozen.move_to(local(2026, 11, 16, 17, 0))
    assert sla.sweep_clocks().overdue == [case.pk]
    case.refresh_from_db()
    assert case.sla_state == SLAState.OVERDUE and case.overdue_at == local(2026, 11, 16, 17, 0)
    supervision = Supervision.objects.get(case=case)
    assert supervision.level == 1 and supervision.addressee == duty_leader
    assert Notification.objects.filter(user=duty_leader, verb="supervision", case=case).count() == 1
    assert Notification.objects.filter(user=police, verb="overdue", case=case).count() == 1

    # Second-level notice three working days later, to the town leaders.
    assert case.second_notice_at == local(2026, 11, 19, 17, 0)
    frozen.move_to(local(2026, 11, 19, 16, 59))
    assert sla.sweep_clocks().second_notices == []
    frozen.move_to(local(2026, 11, 19, 17, 0))
    assert sla.sweep_clocks().second_notices == [case.pk]
    assert Supervision.objects.filter(case=case, level=2).count() == 1
    assert Notification.objects.filter(user=leader, verb="supervision", case=case).count() == 1
    assert list(case.events.filter(actor=None, assignment=None).values_list("action", flat=True)) == [
        "warn",
        "overdue",
        "second_notice",
    ]


def test_a_case_passing_both_marks_between_sweeps_goes_straight_to_red(frozen, clerk, leader):
    case = services.accept_case(make_case(clerk), by=clerk)
    frozen.move_to(local(2026, 11, 17, 9, 0))
    result = sla.sweep_clocks()
    assert result.overdue == [case.pk] and result.warned == []
    # No duty shift that day: the order goes to the town leaders.
    assert Supervision.objects.get(case=case).addressee is None
    assert Notification.objects.filter(user=leader, verb="supervision").count() == 1


def test_an_unaccepted_case_turns_red_on_its_acceptance_deadline(frozen, clerk):
    case = make_case(clerk)
    frozen.move_to(local(2026, 11, 3, 10, 0))
    assert sla.sweep_clocks().overdue == [case.pk]
    case = services.accept_case(case, by=clerk)
    # Accepting starts a fresh resolution clock.
    assert case.sla_state == SLAState.NORMAL and case.overdue_at is None


def test_sweeping_twice_gives_one_supervision_and_one_notice(frozen, town, clerk, police):
    case = services.accept_case(make_case(clerk), by=clerk)
    services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    frozen.move_to(local(2026, 11, 17, 9, 0))
    first, second = sla.sweep_clocks(), sla.sweep_clocks()
    assert first.overdue == [case.pk] and second.overdue == []
    assert Supervision.objects.filter(case=case).count() == 1
    assert Notification.objects.filter(user=police, verb="overdue").count() == 1


def test_the_checkclocks_command_sweeps(frozen, clerk, capsys):
    case = make_case(clerk)
    frozen.move_to(local(2026, 11, 3, 10, 0))
    call_command("checkclocks")
    assert '"overdue": 1' in capsys.readouterr().out
    assert Case.objects.get(pk=case.pk).sla_state == SLAState.OVERDUE


def test_extending_the_deadline_moves_it_and_clears_the_red(frozen, town, clerk, leader):
    case = services.accept_case(make_case(clerk), by=clerk)
    frozen.move_to(local(2026, 11, 17, 9, 0))
    sla.sweep_clocks()
    case = services.extend_deadline(case, by=leader, days=5, reason="需要协调多个部门")
    assert case.resolve_due_at == local(2026, 11, 23, 17, 0)
    # 10 of 15 working days used now: back to green, the red and its second notice cleared.
    assert case.sla_state == SLAState.NORMAL and case.extension_count == 1
    assert case.overdue_at is None and case.second_notice_at is None
    assert AuditEvent.objects.get(action="case.extend_deadline").changes["days"] == 5


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="row locks across threads need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_give_one_supervision_and_one_notice(transactional_db, town, clerk, police):
    with_time = local(2026, 11, 2, 10, 0)
    import time_machine

    with time_machine.travel(with_time, tick=False):
        case = services.accept_case(make_case(clerk), by=clerk)
        services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    now = local(2026, 11, 17, 9, 0)
    barrier = threading.Barrier(2)
    results = []

    def sweep() -> None:
        try:
            barrier.wait()
            results.append(sla.sweep_clocks(now))
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(len(result.overdue) for result in results) == [0, 1]
    assert Supervision.objects.filter(case=case).count() == 1
    assert Notification.objects.filter(user=police, verb="overdue").count() == 1


def test_rework_runs_against_the_old_deadline_and_reopening_starts_a_new_one(
    frozen, town, clerk, police, worker_a
):
    case = services.accept_case(make_case(clerk), by=clerk)
    (item,) = services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    services.acknowledge_assignment(item, by=police)
    services.complete_assignment(item, by=police, result="处理了")
    frozen.move_to(local(2026, 11, 17, 9, 0))  # past the deadline of 16 November
    case = services.verify_case(case, by=worker_a, passed=False, note="没修好")
    assert case.due_at == local(2026, 11, 16, 17, 0)
    assert sla.sweep_clocks().overdue == [case.pk]
    assert Supervision.objects.filter(case=case).count() == 1

    services.complete_assignment(item, by=police, result="修好了")
    services.verify_case(case, by=worker_a, passed=True)
    services.close_case(case, by=clerk)
    case = services.reopen_case(case, by=clerk, reason="群众反映又坏了")
    # Ten working days from Tuesday 17 November.
    assert case.resolve_due_at == case.due_at == local(2026, 12, 1, 17, 0)
    assert case.sla_state == SLAState.NORMAL


def test_before_dispatch_the_town_clerks_hear_of_the_warning(frozen, clerk, worker_a):
    case = make_case(worker_a, channel="patrol")
    frozen.move_to(case.warn_at)
    assert sla.sweep_clocks().warned == [case.pk]
    assert Notification.objects.filter(user=clerk, verb="warning", case=case).count() == 1
    assert not Notification.objects.filter(user=worker_a).exists()


def test_resuming_never_turns_the_light_red_by_itself(frozen, clerk, leader):
    case = services.accept_case(make_case(clerk), by=clerk)
    services.suspend_case(case, by=leader, reason="等待")
    frozen.move_to(local(2026, 11, 2, 11, 0))
    # Suspended for an hour: the deadline moves an hour; whatever the light says, red comes from
    # the sweep with its supervision order, never from resuming.
    case = services.resume_case(case, by=leader)
    assert case.sla_state == SLAState.NORMAL
    assert case.resolve_due_at == local(2026, 11, 17, 10, 0)


def test_a_department_late_to_acknowledge_or_complete_is_announced_once(frozen, town, clerk, police):
    case = services.accept_case(make_case(clerk), by=clerk)
    (item,) = services.dispatch_case(case, by=clerk, assignments=[lead(town.police_station)])
    assert item.ack_due_at == local(2026, 11, 3, 10, 0)
    frozen.move_to(local(2026, 11, 3, 9, 59))
    assert sla.sweep_clocks().late_assignments == []
    frozen.move_to(local(2026, 11, 3, 10, 0))
    assert sla.sweep_clocks().late_assignments == [item.pk]
    assert sla.sweep_clocks().late_assignments == []
    assert Notification.objects.filter(verb="late", user=police).count() == 1
    assert Notification.objects.filter(verb="late", user=clerk).count() == 1

    services.acknowledge_assignment(item, by=police)
    frozen.move_to(local(2026, 11, 16, 17, 0))
    result = sla.sweep_clocks()
    assert result.late_assignments == [item.pk] and result.overdue == [case.pk]
    assert list(case.events.filter(assignment=item, actor=None).values_list("action", flat=True)) == [
        "late_acknowledge",
        "late_assignment",
    ]


def test_checkclocks_also_sweeps_every_other_apps_clocks(frozen, clerk, capsys):
    from fengqiao.cases.management.commands.checkclocks import app_sweeps

    labels = {label for label, _ in app_sweeps()}
    assert {"registry", "mediation"} <= labels
    call_command("checkclocks")
    output = json.loads(capsys.readouterr().out)
    assert "visits_overdue" in output["registry"]
    assert "mediation" in output
