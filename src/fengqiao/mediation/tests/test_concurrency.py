"""Dossier numbers under concurrent registration on PostgreSQL: unique, consecutive, no gaps.

(SQLite takes its write lock at BEGIN, so registration there is serial by construction.)
"""

from __future__ import annotations

import re
import threading
from typing import Any

import pytest

from fengqiao.mediation.models import Dispute
from fengqiao.testing.concurrency import postgresql_only, run_at_once

from .conftest import make_dispute

pytestmark = [
    postgresql_only,
    pytest.mark.django_db(transaction=True),
]


def test_fifty_concurrent_registrations_get_fifty_consecutive_numbers(transactional_db, mediator, committee):
    results = run_at_once(50, lambda _: make_dispute(mediator, committee).dossier_number)
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    numbers = list(Dispute.objects.values_list("dossier_number", flat=True))
    assert sorted(results) == sorted(numbers)
    sequence = sorted(int(re.search(r"第(\d+)号", n).group(1)) for n in numbers)
    assert sequence == list(range(1, 51))
    year = Dispute.objects.values_list("dossier_year", flat=True).first()
    assert set(numbers) == {f"({year})安人调字第{n}号" for n in range(1, 51)}


def test_ten_concurrent_bookings_of_one_room_and_slot_give_one_session(
    transactional_db, mediator, committee, room
):
    """The room's row is locked while a booking is checked: one planner wins, the others get 409."""
    import datetime as dt

    from django.utils import timezone

    from fengqiao.mediation import services
    from fengqiao.mediation.exceptions import MediationError
    from fengqiao.mediation.models import MediationSession

    disputes = [make_dispute(mediator, committee) for _ in range(10)]
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=1)
    queue = list(disputes)
    lock = threading.Lock()

    def book(_index: int) -> Any:
        with lock:
            dispute = queue.pop()
        return services.plan_session(dispute, by=mediator, held_at=start, room=room)

    results = run_at_once(10, book)
    booked = [r for r in results if isinstance(r, MediationSession)]
    refused = [r for r in results if isinstance(r, MediationError)]
    assert len(booked) == 1 and len(refused) == 9, results
    assert {r.code for r in refused} == {"room_booked"}
    assert MediationSession.objects.filter(room=room).count() == 1
