"""Concurrent intake on PostgreSQL: numbers stay unique and gap-free, an idempotency key gives one
case. (SQLite takes its write lock at BEGIN, so intake there is serial by construction.)"""

from __future__ import annotations

import pytest

from fengqiao.cases.models import Case
from fengqiao.cases.tests.conftest import make_case
from fengqiao.testing.concurrency import postgresql_only, run_at_once

pytestmark = [
    postgresql_only,
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_intake_gives_consecutive_unique_numbers(transactional_db, town, clerk):
    results = run_at_once(6, lambda _: make_case(clerk).number)
    numbers = sorted(Case.objects.values_list("number", flat=True))
    assert sorted(results) == numbers
    year = numbers[0].split("-")[1]
    assert numbers == [f"FQ-{year}-{n:06d}" for n in range(1, 7)]


def test_concurrent_retries_with_one_key_give_one_case(transactional_db, town, clerk):
    results = run_at_once(4, lambda _: make_case(clerk, idempotency_key="same").pk)
    assert len(set(results)) == 1 and all(isinstance(r, int) for r in results)
    assert Case.objects.count() == 1
