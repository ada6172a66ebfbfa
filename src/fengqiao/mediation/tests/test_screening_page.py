"""The screening page reads only: no slot opened on a GET, grids without a slot listed as not reported."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fengqiao.mediation import services, sla
from fengqiao.mediation.models import Screening

from .conftest import local

pytestmark = pytest.mark.django_db


def test_the_page_writes_nothing_and_lists_grids_without_a_slot(client: Any, town: Any, clerk: Any) -> None:
    client.force_login(clerk)
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        missing = client.get(reverse("mediation:screening")).context["missing"]
    assert not Screening.objects.exists()
    assert {slot.grid for slot in missing} == {town.grid_a, town.grid_b}
    assert {(str(slot.period_start), slot.sla_state) for slot in missing} == {("2026-11-02", "normal")}
    # Past the period's last working day the unopened slot shows red, as the sweep would make it.
    with time_machine.travel(local(2026, 11, 7, 10, 0), tick=False):
        client.force_login(clerk)  # the session idles out between the two days
        missing = client.get(reverse("mediation:screening")).context["missing"]
    assert {slot.sla_state for slot in missing} == {"overdue"}
    assert not Screening.objects.exists()


def test_opened_and_reported_slots_are_not_listed_twice(
    client: Any, town: Any, clerk: Any, worker_a: Any
) -> None:
    client.force_login(clerk)
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        sla.open_slots(local(2026, 11, 2, 10, 0))
        services.submit_screening(Screening.objects.get(grid=town.grid_a), by=worker_a, zero_report=True)
        missing = client.get(reverse("mediation:screening")).context["missing"]
    assert [slot.grid for slot in missing] == [town.grid_b]
    assert missing[0].pk is not None


def _queries(client: Any) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("mediation:screening")).status_code == 200
    return len(queries)


def test_recent_reports_count_their_items_in_one_query(
    client: Any, town: Any, clerk: Any, worker_a: Any
) -> None:
    client.force_login(clerk)
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        sla.open_slots(local(2026, 11, 2, 10, 0))
        item = {"title": "邻里噪音", "dispute_type": "neighbour"}
        services.submit_screening(Screening.objects.get(grid=town.grid_a), by=clerk, items=[item, item])
        one = _queries(client)
    with time_machine.travel(local(2026, 11, 9, 10, 0), tick=False):
        client.force_login(clerk)  # the session idles out between the two weeks
        sla.open_slots(local(2026, 11, 9, 10, 0))
        for slot in Screening.objects.filter(submitted_at__isnull=True):
            services.submit_screening(slot, by=clerk, items=[item])
        recent = client.get(reverse("mediation:screening")).context["recent"]
        assert sorted(slot.item_count for slot in recent) == [1, 1, 1, 2]
        assert _queries(client) == one
