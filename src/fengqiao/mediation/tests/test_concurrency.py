"""Dossier numbers under concurrent registration on PostgreSQL: unique, consecutive, no gaps.

(SQLite takes its write lock at BEGIN, so registration there is serial by construction.)
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from fengqiao.mediation.models import Dispute

from .conftest import make_dispute

pytestmark = [
    pytest.mark.skipif(
        "connection.vendor != 'postgresql'", reason="row locks across threads need PostgreSQL"
    ),
    pytest.mark.django_db(transaction=True),
]


def run_at_once(count: int, work: Callable[[], Any]) -> list[Any]:
    barrier = threading.Barrier(count)
    results: list[Any] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # collected and asserted on by the test
            results.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_fifty_concurrent_registrations_get_fifty_consecutive_numbers(transactional_db, mediator, committee):
    results = run_at_once(50, lambda: make_dispute(mediator, committee).dossier_number)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    numbers = list(Dispute.objects.values_list("dossier_number", flat=True))
    assert sorted(results) == sorted(numbers)
    sequence = sorted(int(re.search(r"第(\d+)号", n).group(1)) for n in numbers)
    assert sequence == list(range(1, 51))
    year = Dispute.objects.values_list("dossier_year", flat=True).first()
    assert set(numbers) == {f"({year})安人调字第{n}号" for n in range(1, 51)}
