"""Gap-free yearly numbering (`core.sequences`): consecutive per scope and year, given back on
rollback, never twice, and race-safe on first use (the thread tests need PostgreSQL)."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.transaction import TransactionManagementError

from fengqiao.core import sequences
from fengqiao.core.models import Sequence
from fengqiao.testing.concurrency import postgresql_only, run_at_once


def _next(scope: str = "test.scope", year: int = 2026) -> int:
    with transaction.atomic():
        return sequences.next_value(scope, year)


def test_values_start_at_one_and_follow_on(db):
    assert [_next() for _ in range(3)] == [1, 2, 3]
    assert sequences.last_value("test.scope", 2026) == 3


def test_each_scope_and_year_counts_on_its_own(db):
    _next("a", 2026)
    _next("a", 2026)
    assert _next("b", 2026) == 1
    assert _next("a", 2027) == 1
    assert _next("a", 2026) == 3
    assert Sequence.objects.count() == 3


def test_a_rolled_back_caller_gives_its_value_back(db):
    _next()
    with pytest.raises(RuntimeError), transaction.atomic():
        assert sequences.next_value("test.scope", 2026) == 2
        raise RuntimeError
    assert _next() == 2


def test_the_first_use_rolled_back_leaves_no_row(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        sequences.next_value("fresh", 2026)
        raise RuntimeError
    assert not Sequence.objects.filter(scope="fresh").exists()
    assert _next("fresh") == 1


def test_a_block_is_claimed_in_one_go(db):
    _next()
    with transaction.atomic():
        block = sequences.claim("test.scope", 2026, 5)
    assert list(block) == [2, 3, 4, 5, 6]
    assert _next() == 7


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_it_refuses():
    with pytest.raises(TransactionManagementError):
        sequences.next_value("test.scope", 2026)
    assert not Sequence.objects.exists()


@pytest.mark.parametrize(("scope", "count"), [("", 1), ("x" * 101, 1), ("ok", 0)])
def test_bad_arguments_are_programming_errors(db, scope, count):
    with pytest.raises(ValueError), transaction.atomic():
        sequences.claim(scope, 2026, count)


def test_last_value_is_zero_before_the_first(db):
    assert sequences.last_value("never", 2026) == 0


# --- concurrency (PostgreSQL) ----------------------------------------------------------------------


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_fifty_threads_on_a_new_year_get_fifty_consecutive_numbers():
    # Every thread finds no row for the year and races to create it.
    results = run_at_once(50, lambda _index: _next("race", 2026))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(results) == list(range(1, 51))
    assert Sequence.objects.get(scope="race", year=2026).last_value == 50


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_fifty_threads_half_rolling_back_leave_no_gap():
    _next("gaps", 2026)

    def work(index: int) -> int | None:
        try:
            with transaction.atomic():
                value = sequences.next_value("gaps", 2026)
                if index % 2:
                    raise LookupError  # this caller gives its value back
                return value
        except LookupError:
            return None

    results = run_at_once(50, work)
    kept = sorted(r for r in results if isinstance(r, int))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert kept == list(range(2, 27))
    assert sequences.last_value("gaps", 2026) == 26
