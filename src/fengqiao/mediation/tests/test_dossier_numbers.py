"""Dossier numbers on `core.sequences` (one `Sequence` per organisation and year); migration 0004
carries the old DossierCounter rows over so that no dossier number is given twice."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor

from fengqiao.core import sequences
from fengqiao.core.models import Sequence
from fengqiao.mediation import services

from .conftest import make_dispute

BEFORE = ("mediation", "0003_session_planning_and_document_files")
AFTER = ("mediation", "0004_dossier_numbers_in_core_sequences")


def test_the_numbers_live_in_one_sequence_per_organisation_and_year(mediator, committee):
    first = make_dispute(mediator, committee)
    make_dispute(mediator, committee)
    row = Sequence.objects.get(scope__startswith="mediation.")
    assert (row.scope, row.year, row.last_value) == (
        f"mediation.dossier:{committee.pk}",
        first.dossier_year,
        2,
    )


def test_a_refused_registration_gives_its_number_back(mediator, committee):
    make_dispute(mediator, committee)
    with pytest.raises(RuntimeError), transaction.atomic():
        make_dispute(mediator, committee)
        raise RuntimeError("the registration's transaction rolls back")
    assert make_dispute(mediator, committee).dossier_number.endswith("字第2号")


def _migrate(target: tuple[str, str]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    return MigrationExecutor(connection)


def _migrate_to_leaves() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_the_migration_carries_the_counters_over_and_no_number_is_reissued(
    mediator, committee, village_committee
):
    year = make_dispute(mediator, committee).dossier_year
    make_dispute(mediator, committee)  # numbers 1 and 2 issued
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state([BEFORE]).apps
        DossierCounter = old.get_model("mediation", "DossierCounter")
        # Rewinding rebuilt the counter from the sequence (the migration is reversible) ...
        assert list(DossierCounter.objects.values_list("organization_id", "year", "last_number")) == [
            (committee.pk, year, 2)
        ]
        # ... now make it a database from before the move: counters only, one lagging behind its
        # disputes (hand-made rows), one for a year without disputes, one of another organisation.
        Sequence.objects.filter(scope__startswith="mediation.").delete()
        DossierCounter.objects.filter(organization_id=committee.pk, year=year).update(last_number=1)
        DossierCounter.objects.create(organization_id=committee.pk, year=year - 1, last_number=17)
        DossierCounter.objects.create(organization_id=village_committee.pk, year=year, last_number=5)
        _migrate(AFTER)
    finally:
        # Forward again whatever happened: the other tests on this worker need the full schema.
        _migrate_to_leaves()

    scope = services.dossier_scope
    assert sequences.last_value(scope(committee), year) == 2  # the disputes' numbers win
    assert sequences.last_value(scope(committee), year - 1) == 17
    assert sequences.last_value(scope(village_committee), year) == 5
    assert make_dispute(mediator, committee).dossier_number == f"({year})安人调字第3号"
    with transaction.atomic():
        assert services.next_dossier_number(village_committee, year) == (6, f"({year})东沟人调字第6号")
        assert services.next_dossier_number(committee, year - 1)[0] == 18
