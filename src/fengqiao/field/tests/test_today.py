"""GET /field/api/today/: the grid worker's day, each list scoped to the worker's own grids."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from fengqiao.cases.models import Case, Status
from fengqiao.cases.services import create_case
from fengqiao.field.tests.conftest import logged_in
from fengqiao.registry.models import KeyPerson
from fengqiao.registry.tests.factories import make_key_person, make_person

pytestmark = pytest.mark.django_db

URL = "/field/api/today/"


def _report(by, grid, title):
    return create_case(by=by, kind="hazard", channel="patrol", title=title, grid=grid)


def test_it_lists_visits_due_results_to_verify_and_my_reports(town, worker_a, worker_b, clerk):
    long_ago = timezone.now() - dt.timedelta(days=90)
    person_a = make_person(town.grid_a, 1, name="张三")
    due_a = make_key_person(person_a, "left_behind_elderly", last_visit_at=long_ago)
    make_key_person(make_person(town.grid_b, 2, name="李四"), "left_behind_elderly", last_visit_at=long_ago)
    mine = _report(worker_a, town.grid_a, "路灯不亮")
    _report(worker_b, town.grid_b, "井盖缺失")
    resolved = _report(clerk, town.grid_a, "垃圾堆放")
    Case.objects.filter(pk=resolved.pk).update(status=Status.RESOLVED, resolved_at=timezone.now())
    resolved_b = _report(clerk, town.grid_b, "占道经营")
    Case.objects.filter(pk=resolved_b.pk).update(status=Status.RESOLVED, resolved_at=timezone.now())

    response = logged_in(worker_a).get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["user"]["id"] == worker_a.pk
    assert [grid["name"] for grid in body["grids"]] == [town.grid_a.name]
    assert [row["key_person"] for row in body["visits_due"]] == [due_a.pk]
    assert body["visits_due"][0]["visit_state"] == "overdue"
    assert [row["id"] for row in body["to_verify"]] == [resolved.pk]
    assert [row["id"] for row in body["my_cases"]] == [mine.pk]
    assert body["my_cases"][0]["status"] == "reported"


def test_the_grid_of_another_worker_stays_out(town, worker_b):
    long_ago = timezone.now() - dt.timedelta(days=90)
    make_key_person(make_person(town.grid_a, 1, name="张三"), "left_behind_elderly", last_visit_at=long_ago)
    body = logged_in(worker_b).get(URL).json()
    assert body["visits_due"] == [] and body["to_verify"] == [] and body["my_cases"] == []


@pytest.mark.parametrize("persona", ["clerk", "police"])
def test_other_roles_get_403(request, persona):
    assert logged_in(request.getfixturevalue(persona)).get(URL).status_code == 403


def test_it_answers_in_a_fixed_number_of_queries(town, worker_a, django_assert_max_num_queries):
    long_ago = timezone.now() - dt.timedelta(days=90)
    for seq in range(5):
        make_key_person(make_person(town.grid_a, seq, name=f"人{seq}"), "key_youth", last_visit_at=long_ago)
        _report(worker_a, town.grid_a, f"事件{seq}")
    client = logged_in(worker_a)
    with django_assert_max_num_queries(13):
        assert client.get(URL).status_code == 200


def test_it_names_my_patrol_under_way(town, worker_a, worker_b):
    from fengqiao.registry.services import checkin_patrol, start_patrol

    patrol = start_patrol(by=worker_a, grid=town.grid_a)
    checkin_patrol(patrol, by=worker_a, lon=106.805, lat=35.505)
    start_patrol(by=worker_b, grid=town.grid_b)
    body = logged_in(worker_a).get(URL).json()
    assert body["active_patrol"]["id"] == patrol.pk
    assert body["active_patrol"]["grid_name"] == town.grid_a.name
    assert body["active_patrol"]["checkin_count"] == 1


def test_no_patrol_under_way_is_null(worker_a):
    assert logged_in(worker_a).get(URL).json()["active_patrol"] is None


def test_the_visit_state_is_the_live_one_without_any_sweep(town, worker_a):
    """Audit #8: the phone shows what the desktop shows, whatever the sweep last wrote."""
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        key_person = make_key_person(make_person(town.grid_a, 3), "left_behind_child", visit_every_days=9)
    for days, expected in ((6.01, "warning"), (9.01, "overdue")):
        with time_machine.travel(start + dt.timedelta(days=days), tick=False):
            rows = logged_in(worker_a).get(URL).json()["visits_due"]  # no sweep ran: stored state "ok"
            assert KeyPerson.objects.get(pk=key_person.pk).visit_state == "ok"
            assert [(row["key_person"], row["visit_state"]) for row in rows] == [(key_person.pk, expected)]


def test_to_verify_leaves_out_disputes_under_mediation(town, worker_a, mediator):
    """A registered dispute is verified only by archiving its dossier (409 on verify): not offered."""
    from fengqiao.cases import sla as case_sla
    from fengqiao.cases import workflow
    from fengqiao.mediation import services as mediation_services
    from fengqiao.mediation.models import MediationOrganization
    from fengqiao.mediation.tests.conftest import agree, make_dispute

    case_sla.seed_default_policies()
    committee = MediationOrganization.objects.create(
        name="安国镇人民调解委员会", town=town.town, department=town.judicial_office, abbreviation="安人调"
    )
    committee.members.add(mediator)
    dispute = make_dispute(mediator, committee, grid=town.grid_a)
    mediation_services.record_session(dispute, by=mediator, participants="双方", minutes="调解")
    agree(dispute, mediator, form="oral")
    plain = _report(worker_a, town.grid_a, "路灯不亮")
    Case.objects.filter(pk=plain.pk).update(status=Status.RESOLVED, resolved_at=timezone.now())
    assert Case.objects.get(pk=dispute.case_id).status == Status.RESOLVED
    assert "verify" not in workflow.allowed_actions(Case.objects.get(pk=dispute.case_id), worker_a)

    to_verify = logged_in(worker_a).get(URL).json()["to_verify"]

    assert [row["id"] for row in to_verify] == [plain.pk]
