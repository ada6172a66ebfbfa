"""Builders for the surveillance tests: a room in each test village and cameras inside the grids."""

from __future__ import annotations

from typing import Any

import pytest

from fengqiao.surveillance.models import Camera, CameraPurpose, MonitoringRoom

#: Points inside grid A (106.80..106.81, 35.50..35.51) and grid B (106.81..106.82).
IN_A = (106.805, 35.505)
IN_B = (106.815, 35.505)


def make_room(village: Any, name: str = "", **fields: Any) -> MonitoringRoom:
    return MonitoringRoom.objects.create(village=village, name=name or f"{village.name}视频监控室", **fields)


def make_camera(
    room: MonitoringRoom,
    code: str,
    *,
    grid: Any,
    point: tuple[float, float] = IN_A,
    purposes: tuple[str, ...] = ("road_traffic",),
    **fields: Any,
) -> Camera:
    camera = Camera.objects.create(
        room=room,
        channel_code=code,
        name=fields.pop("name", f"摄像头{code}"),
        lon=point[0],
        lat=point[1],
        grid=grid,
        **fields,
    )
    CameraPurpose.objects.bulk_create([CameraPurpose(camera=camera, purpose=p) for p in purposes])
    return camera


@pytest.fixture
def room_a(town: Any) -> MonitoringRoom:
    return make_room(
        town.village_a,
        address="东沟村村委会二楼",
        responsible_name="赵文",
        responsible_phone="+8613800138000",
    )


@pytest.fixture
def room_b(town: Any) -> MonitoringRoom:
    return make_room(town.village_b)


@pytest.fixture
def camera_a(town: Any, room_a: MonitoringRoom) -> Camera:
    return make_camera(
        room_a,
        "A001",
        grid=town.grid_a,
        name="东沟村村委会门口",
        purposes=("public_security", "living_environment"),
    )


@pytest.fixture
def camera_b(town: Any, room_b: MonitoringRoom) -> Camera:
    return make_camera(room_b, "B001", grid=town.grid_b, point=IN_B, name="西沟村村口")
