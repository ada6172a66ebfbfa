"""Shared personas for every app's tests (STYLE.md "Tests").

A county with one town and two villages A and B, one grid in each; center staff scoped to the
town, grid workers to one grid each, and officers of two departments.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from fengqiao.testing import builders

# CI runs two workers on two cores beside a browser; a slow generator is not a failing property.
hypothesis_settings.register_profile("fengqiao", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("fengqiao")


@pytest.fixture(autouse=True)
def _seeded_holidays(request: pytest.FixtureRequest) -> None:
    """The Holiday table as its migration seeds it, for every test that uses the database.

    Tests on `transactional_db` (browser and concurrency tests) flush every table when they end,
    the migration-seeded holidays included; without this a later test on the same worker would
    count deadlines on a plain Monday-to-Friday calendar.
    """
    names = set(request.fixturenames)
    if "transactional_db" in names or "live_server" in names:
        request.getfixturevalue("transactional_db")
    elif "db" in names:
        request.getfixturevalue("db")
    else:
        return
    from fengqiao.core.calendar import forget_calendar, seed_holidays
    from fengqiao.core.models import Holiday

    if not Holiday.objects.exists():
        seed_holidays()
        forget_calendar()


@dataclass
class Town:
    county: Any
    town: Any
    village_a: Any
    village_b: Any
    grid_a: Any
    grid_b: Any
    police_station: Any
    judicial_office: Any


@pytest.fixture
def town(db: Any) -> Town:
    county = builders.make_region("620802000000", "崆峒区", "county")
    town = builders.make_region("620802101000", "安国镇", "town", parent=county)
    village_a = builders.make_region("620802101201", "东沟村", "village", parent=town)
    village_b = builders.make_region("620802101202", "西沟村", "village", parent=town)
    grid_a = builders.make_grid("GA", "东沟村网格", village_a, builders.square(106.80, 35.50, 0.01))
    grid_b = builders.make_grid("GB", "西沟村网格", village_b, builders.square(106.81, 35.50, 0.01))
    police = builders.make_department("安国派出所", "police", town)
    judicial = builders.make_department("安国司法所", "judicial", town)
    return Town(county, town, village_a, village_b, grid_a, grid_b, police, judicial)


@pytest.fixture
def clerk(town: Town) -> Any:
    return builders.make_user("clerk", "clerk", regions=[town.town])


@pytest.fixture
def leader(town: Town) -> Any:
    return builders.make_user("leader", "town_leader", regions=[town.town])


@pytest.fixture
def worker_a(town: Town) -> Any:
    return builders.make_user("worker_a", "grid_worker", grids=[town.grid_a])


@pytest.fixture
def worker_b(town: Town) -> Any:
    return builders.make_user("worker_b", "grid_worker", grids=[town.grid_b])


@pytest.fixture
def police(town: Town) -> Any:
    return builders.make_user("police", "department_officer", department=town.police_station)


@pytest.fixture
def judicial(town: Town) -> Any:
    return builders.make_user("judicial", "department_officer", department=town.judicial_office)


@pytest.fixture
def mediator(town: Town) -> Any:
    return builders.make_user("mediator", "mediator", regions=[town.town])


@pytest.fixture
def auditor(town: Town) -> Any:
    return builders.make_user("auditor", "auditor", regions=[town.town])


@pytest.fixture
def administrator(town: Town) -> Any:
    return builders.make_user("admin", "administrator", is_staff=True)
