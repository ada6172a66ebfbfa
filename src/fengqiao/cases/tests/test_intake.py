"""Intake: numbers, tracking codes, idempotent creation, location, reporter's phone and masking."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction

from fengqiao.cases import services
from fengqiao.cases.exceptions import CaseError
from fengqiao.cases.models import Case, case_number_scope
from fengqiao.cases.tests.conftest import POINT_A, POINT_B, local, make_case
from fengqiao.core import sequences
from fengqiao.core.models import AuditEvent
from fengqiao.testing import builders


def test_same_idempotency_key_three_times_gives_one_case(frozen, town, clerk):
    cases = [make_case(clerk, idempotency_key="k-1") for _ in range(3)]
    assert {case.pk for case in cases} == {cases[0].pk}
    assert Case.objects.count() == 1
    assert sequences.last_value(case_number_scope(town.town), 2026) == 1


def test_same_key_with_another_body_is_refused_with_422(frozen, clerk):
    make_case(clerk, idempotency_key="k-1")
    with pytest.raises(CaseError) as error:
        make_case(clerk, idempotency_key="k-1", title="另一件事")
    assert error.value.http_status == 422
    assert Case.objects.count() == 1


def test_keys_belong_to_their_user(frozen, clerk, worker_a):
    first = make_case(clerk, idempotency_key="k-1")
    second = make_case(worker_a, idempotency_key="k-1")
    assert first.pk != second.pk


def test_numbers_are_consecutive_per_town_and_year_and_restart_each_year(frozen, town, clerk):
    numbers = [make_case(clerk).number for _ in range(3)]
    assert numbers == ["FQ-2026-000001", "FQ-2026-000002", "FQ-2026-000003"]
    frozen.move_to(local(2027, 1, 4, 10, 0))
    assert make_case(clerk).number == "FQ-2027-000001"


def test_a_rolled_back_intake_gives_its_number_back(frozen, clerk):
    make_case(clerk)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_case(clerk)
        raise RuntimeError
    assert make_case(clerk).number == "FQ-2026-000002"


def test_each_town_counts_on_its_own_with_its_prefix(frozen, town, clerk, administrator):
    other_town = builders.make_region("620802102000", "四十里铺镇", "town", parent=town.county)
    services.set_case_number_prefix(town.town, 2026, by=administrator, prefix="ag")
    assert make_case(clerk).number == "AG-2026-000001"
    assert make_case(clerk, point=None, town=other_town).number == "FQ-2026-000001"
    assert AuditEvent.objects.filter(action="case_counter.prefix").exists()


def test_tracking_codes_are_unguessable_and_unique(frozen, clerk):
    codes = {make_case(clerk).tracking_code for _ in range(20)}
    assert len(codes) == 20
    assert all(len(code) == 12 and not set(code) & set("01IOL") for code in codes)


def test_the_grid_village_and_town_come_from_the_point(frozen, town, clerk):
    case = make_case(clerk, point=POINT_B)
    assert (case.grid, case.village, case.town) == (town.grid_b, town.village_b, town.town)


def test_overriding_the_located_grid_needs_a_reason_and_is_audited(frozen, town, clerk):
    with pytest.raises(CaseError) as error:
        make_case(clerk, point=POINT_A, grid=town.grid_b)
    assert error.value.http_status == 400 and "location_override_reason" in error.value.fields
    case = make_case(clerk, point=POINT_A, grid=town.grid_b, location_override_reason="实际发生在西沟村")
    assert case.grid == town.grid_b and case.village == town.village_b
    assert AuditEvent.objects.get(action="case.override_location").object_id == str(case.pk)


def test_without_a_point_the_town_comes_from_the_clerk(frozen, town, clerk):
    case = make_case(clerk, point=None, address="镇政府门口")
    assert case.town == town.town and case.grid is None


def test_a_point_outside_every_grid_still_needs_a_town(frozen, town, administrator):
    with pytest.raises(CaseError) as error:
        make_case(administrator, point=(100.0, 30.0))
    assert "town" in error.value.fields


def test_bad_coordinates_are_a_400(frozen, clerk):
    with pytest.raises(CaseError) as error:
        make_case(clerk, point=(200.0, 35.5))
    assert error.value.http_status == 400 and "lon" in error.value.fields


def test_a_bad_phone_is_refused(frozen, clerk):
    with pytest.raises(CaseError) as error:
        make_case(clerk, reporter_phone="12345")
    assert "reporter_phone" in error.value.fields


def test_anonymous_reporters_leave_no_name_or_phone(frozen, clerk):
    case = make_case(clerk, anonymous=True)
    assert case.reporter_name == "" and case.reporter_phone == ""
    assert case.reporter_name_for(clerk) == "Anonymous"


def test_the_phone_is_masked_without_view_sensitive(frozen, clerk, leader):
    case = make_case(clerk)
    leader.view_sensitive = True
    assert case.reporter_phone_for(clerk) == "139****5678"
    assert case.reporter_phone_for(leader) == "+8613912345678"
    assert case.reporter_name_for(clerk) == "张*"


def test_departments_may_not_take_cases_in(frozen, police):
    with pytest.raises(PermissionDenied):
        make_case(police)


def test_a_grid_worker_reports_from_patrol(frozen, town, worker_a):
    case = make_case(worker_a, channel="patrol", point=POINT_A)
    assert case.reported_by == worker_a and case.grid == town.grid_a


def test_the_public_reports_online(frozen, town):
    case = make_case(None, channel="online", point=POINT_A)
    assert case.reported_by is None and case.events.get().actor_name == "public"


def test_category_must_belong_to_the_kind(frozen, clerk, administrator):
    hazard = services.save_category(None, by=administrator, kind="hazard", name="消防隐患")
    with pytest.raises(CaseError):
        make_case(clerk, kind="appeal", category=hazard)
    child = services.save_category(None, by=administrator, kind="hazard", name="电动车充电", parent=hazard)
    assert make_case(clerk, kind="hazard", category=child).category == child
    with pytest.raises(CaseError):  # two levels only
        services.save_category(None, by=administrator, kind="hazard", name="三级", parent=child)


def test_relocating_a_case_is_audited(frozen, town, clerk):
    case = make_case(clerk, point=POINT_A)
    case = services.relocate_case(case, by=clerk, grid=town.grid_b, reason="核实后属西沟村")
    assert case.grid == town.grid_b and case.village == town.village_b
    assert case.events.filter(action="relocate").exists()


def test_a_case_does_not_move_to_another_towns_grid(frozen, town, clerk):
    other_town = builders.make_region("620802102000", "四十里铺镇", "town", parent=town.county)
    village = builders.make_region("620802102201", "某村", "village", parent=other_town)
    grid = builders.make_grid("GC", "某村网格", village)
    case = make_case(clerk, point=POINT_A)
    with pytest.raises(CaseError):
        services.relocate_case(case, by=clerk, grid=grid, reason="搬走")
