"""Center fixtures on top of the shared personas: a duty leader and the hall of the town."""

from __future__ import annotations

from typing import Any

import pytest

from fengqiao.center.models import Room, Window
from fengqiao.testing import builders


@pytest.fixture
def duty_leader(town: Any) -> Any:
    return builders.make_user(
        "duty", "duty_leader", regions=[town.town], full_name="值班甲", phone="13800000001"
    )


@pytest.fixture
def hall(town: Any) -> dict[str, Any]:
    windows = [
        Window.objects.create(town=town.town, number=1, name="派出所窗口", department=town.police_station),
        Window.objects.create(town=town.town, number=2, name="司法所窗口", department=town.judicial_office),
    ]
    rooms = [
        Room.objects.create(town=town.town, name="知心姐姐调解室", purpose=Room.Purpose.MEDIATION),
        Room.objects.create(town=town.town, name="法律援助室", purpose=Room.Purpose.LEGAL_AID),
    ]
    return {"windows": windows, "rooms": rooms}


def audit_rows(action: str) -> list[Any]:
    from fengqiao.core.models import AuditEvent

    return list(AuditEvent.objects.filter(action=action))
