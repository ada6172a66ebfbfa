"""The demo town is the same on every machine and in every database."""

from __future__ import annotations

import os
import subprocess
import sys

from django.db import transaction

from fengqiao.demo.plan import build_plan
from fengqiao.demo.tests.conftest import OCTOBER_2026, database_digest
from fengqiao.demo.town import load_demo_town
from fengqiao.regions.models import Region


def _load_into_a_fresh_database() -> str:
    """Load into the empty test database, take the digest, and roll everything back."""
    assert not Region.objects.exists()
    with transaction.atomic():
        load_demo_town(today=OCTOBER_2026)
        digest = database_digest()
        transaction.set_rollback(True)
    return digest


def test_two_loads_in_two_fresh_databases_are_identical(db):
    first = _load_into_a_fresh_database()
    second = _load_into_a_fresh_database()
    assert first == second


def test_the_plan_is_the_same_in_another_process_with_another_hash_seed():
    code = "from fengqiao.demo.plan import build_plan; print(build_plan().digest())"
    digests = set()
    for hash_seed in ("1", "4242"):
        result = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": hash_seed},
            capture_output=True,
            text=True,
            check=True,
        )
        digests.add(result.stdout.strip())
    assert digests == {build_plan().digest()}


def test_another_seed_gives_another_town():
    assert build_plan(seed=1).digest() != build_plan().digest()
