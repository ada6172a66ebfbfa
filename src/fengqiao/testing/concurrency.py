"""Running a piece of work in many threads at the same moment, for the PostgreSQL race tests.

SQLite takes its write lock at BEGIN, so writers there are serial by construction: the race tests
mark themselves `postgresql_only`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

# A condition, not a string: pytest would evaluate a string in the test module's namespace.
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks across threads need PostgreSQL"
)


def run_at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """`work(index)` in `count` threads released together; their results, or the exceptions raised
    (collected for the test to assert on), in the order they finished."""
    barrier = threading.Barrier(count)
    results: list[Any] = []

    def run(index: int) -> None:
        try:
            barrier.wait()
            results.append(work(index))
        except Exception as exc:
            results.append(exc)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
