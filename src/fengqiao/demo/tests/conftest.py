"""Fixtures for the demo town's tests."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import pytest

from fengqiao.demo.town import DemoSummary, load_demo_town

#: A month with a statutory holiday (National Day, 1-7 October) and an adjusted working Saturday
#: (10 October 2026), so the roster has to follow the Chinese calendar, not the weekday.
OCTOBER_2026 = dt.date(2026, 10, 15)


@pytest.fixture(autouse=True)
def holidays(request: pytest.FixtureRequest) -> None:
    """The Holiday table as the migration seeds it.

    Tests on `transactional_db` (the browser tests) flush every table when they end, the seeded
    holidays included, so a later test on the same worker would otherwise see a plain
    Monday-to-Friday calendar.
    """
    if "db" in request.fixturenames:
        from fengqiao.core.calendar import seed_holidays

        request.getfixturevalue("db")
        seed_holidays()


@pytest.fixture
def demo_town(db: Any) -> DemoSummary:
    return load_demo_town(today=OCTOBER_2026)


def database_digest() -> str:
    """A SHA-256 of what the demo put in the database: names, codes, polygons, people, roster."""
    from fengqiao.accounts.models import User
    from fengqiao.center.models import Department, DutyShift, Room, Window
    from fengqiao.regions.models import Grid, Region

    content = {
        "regions": list(Region.objects.order_by("code").values_list("code", "name", "level", "path")),
        "grids": [
            [grid.code, grid.name, grid.village.code, grid.boundary, round(grid.area_m2 or 0)]
            for grid in Grid.objects.select_related("village").order_by("code")
        ],
        "users": [
            [
                user.username,
                user.full_name,
                user.role,
                sorted(user.grids.values_list("code", flat=True)),
                sorted(user.regions.values_list("code", flat=True)),
            ]
            for user in User.objects.order_by("username")
        ],
        "departments": list(
            Department.objects.order_by("region__code", "name").values_list(
                "region__code", "name", "kind", "stationing", "in_hall", "contact_name"
            )
        ),
        "windows": list(Window.objects.order_by("number").values_list("number", "name", "department__name")),
        "rooms": list(Room.objects.order_by("name").values_list("name", "purpose")),
        "roster": [
            [f"{date:%Y-%m-%d}", username]
            for date, username in DutyShift.objects.order_by("date").values_list("date", "leader__username")
        ],
        "liaisons": list(
            Region.objects.filter(level="village")
            .order_by("code", "liaison_leaders__username", "liaison_cadres__username")
            .values_list("code", "liaison_leaders__username", "liaison_cadres__username")
        ),
    }
    payload = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()
