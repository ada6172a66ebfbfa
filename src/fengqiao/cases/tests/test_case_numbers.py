"""Case numbers on `core.sequences`: the prefix of a year stays as it was when the year began, and
migration 0006 carries the old CaseCounter rows over so that no number is given twice."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from fengqiao.cases import services
from fengqiao.cases.models import CaseNumberPrefix, case_number_scope
from fengqiao.cases.services.intake import next_case_number
from fengqiao.cases.tests.conftest import local, make_case
from fengqiao.core import sequences
from fengqiao.core.models import Sequence
from fengqiao.testing import builders

BEFORE = ("cases", "0005_default_categories")


def test_a_year_keeps_the_prefix_it_began_with(frozen, town, clerk, administrator):
    services.set_case_number_prefix(town.town, 2026, by=administrator, prefix="AG")
    frozen.move_to(local(2027, 1, 4, 10, 0))
    assert make_case(clerk).number == "AG-2027-000001"  # inherited from 2026
    services.set_case_number_prefix(town.town, 2026, by=administrator, prefix="BG")
    assert make_case(clerk).number == "AG-2027-000002"
    assert CaseNumberPrefix.objects.get(town=town.town, year=2027).prefix == "AG"


def test_the_numbers_live_in_one_sequence_per_town(frozen, town, clerk):
    make_case(clerk)
    make_case(clerk)
    row = Sequence.objects.get()
    assert (row.scope, row.year, row.last_value) == (case_number_scope(town.town), 2026, 2)


def _migrate(target: tuple[str, str]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_the_counters_over_and_no_number_is_reissued(clerk_free_town):
    town, other = clerk_free_town
    executor = _migrate(BEFORE)
    try:
        old = executor.loader.project_state([BEFORE]).apps
        CaseCounter = old.get_model("cases", "CaseCounter")
        Case = old.get_model("cases", "Case")
        CaseCounter.objects.create(town_id=town.pk, year=2026, prefix="AG", last_number=41)
        CaseCounter.objects.create(town_id=town.pk, year=2025, prefix="AG", last_number=900)
        CaseCounter.objects.create(town_id=other.pk, year=2026, prefix="SL", last_number=3)
        # A counter that lagged behind its cases (hand-made rows): the cases' numbers win.
        Case.objects.create(
            number="SL-2026-000007", tracking_code="TRACKING0001", kind="hazard", channel="window",
            title="旧事件", town_id=other.pk,
        )  # fmt: skip
    finally:
        # Forward again whatever happened: the other tests on this worker need the full schema.
        _migrate_to_leaves()

    assert sequences.last_value(case_number_scope(town.pk), 2026) == 41
    assert sequences.last_value(case_number_scope(town.pk), 2025) == 900
    assert sequences.last_value(case_number_scope(other.pk), 2026) == 7
    prefixes = {(row.town_id, row.year): row.prefix for row in CaseNumberPrefix.objects.all()}
    assert prefixes == {(town.pk, 2026): "AG", (town.pk, 2025): "AG", (other.pk, 2026): "SL"}
    with transaction.atomic():
        assert next_case_number(town, 2026) == "AG-2026-000042"
        assert next_case_number(other, 2026) == "SL-2026-000008"


def _migrate_to_leaves() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture
def clerk_free_town(transactional_db):
    """Two towns, without the personas (the migration test rewinds the cases tables)."""
    county = builders.make_region("620802000000", "崆峒区", "county")
    town = builders.make_region("620802101000", "安国镇", "town", parent=county)
    other = builders.make_region("620802102000", "四十里铺镇", "town", parent=county)
    return town, other
