"""Who sees which case: the town's center staff, the grid's workers, the assigned departments."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from fengqiao.cases import queries, services
from fengqiao.cases.models import Assignment, Case, CaseEvent, Supervision
from fengqiao.cases.tests.conftest import POINT_A, POINT_B, lead, make_case
from fengqiao.testing import builders


@pytest.fixture
def cases(frozen, town, clerk):
    in_a = services.accept_case(make_case(clerk, point=POINT_A), by=clerk)
    in_b = make_case(clerk, point=POINT_B)
    services.dispatch_case(in_a, by=clerk, assignments=[lead(town.police_station)])
    return {"a": in_a, "b": in_b}


def visible(user) -> set[int]:
    return set(Case.objects.visible_to(user).values_list("pk", flat=True))


def test_center_staff_see_the_towns_cases(cases, clerk, leader, administrator):
    everything = {cases["a"].pk, cases["b"].pk}
    assert visible(clerk) == visible(leader) == visible(administrator) == everything


def test_grid_workers_see_their_grid_and_what_they_reported(cases, town, clerk, worker_a, worker_b):
    assert visible(worker_a) == {cases["a"].pk}
    assert visible(worker_b) == {cases["b"].pk}
    # A worker takes cases in only in their own grids; one the center then files under another
    # grid stays visible to its reporter.
    own = make_case(worker_b, channel="patrol", point=POINT_B)
    services.relocate_case(own, by=clerk, grid=town.grid_a, reason="实际位于东沟村")
    assert own.pk in visible(worker_b)


def test_a_grid_worker_cannot_take_a_case_in_at_a_point_in_another_grid(cases, worker_b):
    from fengqiao.cases.exceptions import CaseError

    with pytest.raises(CaseError) as refused:
        make_case(worker_b, channel="patrol", point=POINT_A)
    assert set(refused.value.fields) == {"lon", "lat"}


def test_worker_b_gets_404_for_grid_a(cases, worker_b):
    with pytest.raises(Http404):
        queries.get_case_for_user(worker_b, cases["a"].pk)
    with pytest.raises(Http404):
        queries.get_case_for_user(worker_b, 999999)


def test_the_police_see_only_cases_assigned_to_the_station(cases, police, judicial):
    assert visible(police) == {cases["a"].pk}
    assert visible(judicial) == set()
    assert list(queries.department_inbox(police).values_list("case_id", flat=True)) == [cases["a"].pk]
    assert not queries.department_inbox(judicial).exists()
    item = Assignment.objects.get(case=cases["a"])
    assert queries.get_assignment_for_user(police, item.pk) == item
    with pytest.raises(Http404):
        queries.get_assignment_for_user(judicial, item.pk)


def test_a_village_cadre_sees_the_villages_cases(cases, town):
    cadre = builders.make_user("cadre", "clerk", regions=[town.village_b])
    assert visible(cadre) == {cases["b"].pk}


def test_people_without_a_scope_see_nothing(cases, town):
    stranger = builders.make_user("stranger", "clerk")
    assert visible(stranger) == set()
    assert visible(None) == set()


def test_timeline_and_supervisions_follow_the_case(cases, worker_b, clerk):
    assert not CaseEvent.objects.visible_to(worker_b).filter(case=cases["a"]).exists()
    assert CaseEvent.objects.visible_to(clerk).filter(case=cases["a"]).exists()
    assert not Supervision.objects.visible_to(worker_b).exists()


def test_services_refuse_a_case_out_of_scope(cases, town):
    other_clerk = builders.make_user("clerk2", "clerk", regions=[town.village_a])
    with pytest.raises(PermissionDenied):
        services.accept_case(cases["b"], by=other_clerk)


def test_the_route_map_gives_each_steps_duration(cases, clerk):
    steps = queries.route_map(cases["a"])
    assert [step.event.action for step in steps] == ["report", "accept", "dispatch"]
    assert steps[0].took is None


def test_the_tracking_code_finds_the_case(cases):
    assert queries.get_case_by_tracking_code(cases["b"].tracking_code.lower()) == cases["b"]
    with pytest.raises(Http404):
        queries.get_case_by_tracking_code("NOPE")


def test_the_dispatcher_queue_sorts_cases_into_tabs(frozen, town, clerk, police, worker_b):
    from fengqiao.cases.models import Assignment

    new = make_case(clerk)
    to_dispatch = services.accept_case(make_case(clerk), by=clerk)
    returned = services.accept_case(make_case(clerk), by=clerk)
    (item,) = services.dispatch_case(returned, by=clerk, assignments=[lead(town.police_station)])
    services.return_assignment(item, by=police, reason="非本所")
    resolved = services.resolve_case_on_spot(make_case(clerk), by=clerk, result="已办")
    Case.objects.filter(pk=to_dispatch.pk).update(sla_state="warning")

    def tab(name):
        return list(queries.dispatcher_queue(clerk, name).values_list("pk", flat=True))

    assert tab("new") == [new.pk]
    assert tab("to_dispatch") == [to_dispatch.pk]
    assert tab("returned") == [returned.pk]
    assert tab("warning") == [to_dispatch.pk]
    assert tab("overdue") == []
    assert tab("to_verify") == [resolved.pk]
    assert queries.queue_counts(clerk) == {
        "new": 1,
        "to_dispatch": 1,
        "returned": 1,
        "warning": 1,
        "overdue": 0,
        "to_verify": 1,
    }
    assert queries.queue_counts(worker_b)["new"] == 0
    assert Assignment.objects.filter(status="returned").count() == 1
