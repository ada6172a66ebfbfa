"""Case fixtures on top of the shared personas: the calendar and policies, a duty leader, builders."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation

from fengqiao.cases import services, sla
from fengqiao.center.models import DutyShift
from fengqiao.core import calendar
from fengqiao.testing import builders

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: Inside grid A (东沟村) and grid B (西沟村) of the shared town.
POINT_A = (106.805, 35.505)
POINT_B = (106.815, 35.505)


def local(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=SHANGHAI)


#: An ordinary Monday morning.
MONDAY = local(2026, 11, 2, 10, 0)


@pytest.fixture(autouse=True)
def _english_and_policy(request: Any) -> Any:
    """English messages; holidays and SLA policies present even after a transactional test's flush."""
    if "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    else:
        request.getfixturevalue("db")
    calendar.seed_holidays([2026])
    sla.seed_default_policies()
    with translation.override("en"):
        yield


@pytest.fixture
def frozen() -> Any:
    """Time stands still at MONDAY; move it with `frozen.move_to(...)`."""
    with time_machine.travel(MONDAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def duty_leader(town: Any) -> Any:
    return builders.make_user("duty", "duty_leader", regions=[town.town], full_name="值班甲")


@pytest.fixture
def duty_today(town: Any, duty_leader: Any) -> Any:
    return DutyShift.objects.create(town=town.town, date=MONDAY.date(), leader=duty_leader)


def make_case(by: Any, *, point: tuple[float, float] | None = POINT_A, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "kind": "appeal",
        "channel": "window",
        "title": "路灯不亮",
        "description": "村口路灯坏了一周",
        "reporter_name": "张三",
        "reporter_phone": "13912345678",
    }
    if point:
        values["lon"], values["lat"] = point
    values.update(fields)
    return services.create_case(by=by, **values)


def lead(department: Any, **fields: Any) -> dict[str, Any]:
    return {"department": department, "role": "lead", **fields}


def assist(department: Any, **fields: Any) -> dict[str, Any]:
    return {"department": department, "role": "assist", **fields}
