"""The demo town's cameras (演示监控): 20 monitoring rooms, one per village, and 285 cameras.

Deterministic (a fixed seed; the same rooms, codes, names and points on every machine) and
idempotent (keyed on the room's village and name and on the camera's channel code: loading again
creates only what is missing). Written in bulk: a handful of queries for the whole town.

The purposes follow the reference town: rural living environment, religious venues, road traffic
and disaster prevention, with public security at the village gates; about 95% of the cameras are
online, the rest offline with one status-history row each.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

import shapely
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from shapely.geometry import shape

from fengqiao.demo.plan import _NameMaker
from fengqiao.regions.models import Grid, Region
from fengqiao.surveillance.models import Camera, CameraPurpose, CameraStatusChange, MonitoringRoom, Purpose

SEED = 285
CAMERAS = 285
OFFLINE_SHARE = 0.05
#: The device type of a network camera (IPC) in GB/T 28181 codes; a demo code is the village's
#: 12-digit division code, this type and a 5-digit serial (20 digits).
IPC_TYPE = "132"

P = Purpose
#: Spots a village camera watches, with their purposes; the first few exist in every village.
SPOTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("村委会门口", (P.PUBLIC_SECURITY, P.LIVING_ENVIRONMENT)),
    ("村口", (P.ROAD_TRAFFIC, P.PUBLIC_SECURITY)),
    ("文化广场", (P.LIVING_ENVIRONMENT, P.PUBLIC_SECURITY)),
    ("垃圾收集点", (P.LIVING_ENVIRONMENT,)),
    ("主干道路口", (P.ROAD_TRAFFIC,)),
    ("小学门口", (P.ROAD_TRAFFIC, P.PUBLIC_SECURITY)),
    ("清真寺", (P.RELIGIOUS_VENUE,)),
    ("庙宇", (P.RELIGIOUS_VENUE,)),
    ("河道", (P.DISASTER_PREVENTION,)),
    ("滑坡隐患点", (P.DISASTER_PREVENTION,)),
    ("水库大坝", (P.DISASTER_PREVENTION,)),
    ("污水处理站", (P.LIVING_ENVIRONMENT,)),
    ("卫生室门口", (P.PUBLIC_SECURITY,)),
    ("集贸市场", (P.PUBLIC_SECURITY, P.ROAD_TRAFFIC)),
    ("桥头", (P.ROAD_TRAFFIC, P.DISASTER_PREVENTION)),
    ("养殖小区", (P.LIVING_ENVIRONMENT,)),
    ("公交站台", (P.ROAD_TRAFFIC,)),
    ("幸福院", (P.PUBLIC_SECURITY, P.LIVING_ENVIRONMENT)),
)
ALWAYS = 3  # every village watches its committee's gate, its entrance and its square


@dataclass(frozen=True)
class DemoCameras:
    rooms: int
    cameras: int
    created_rooms: int
    created_cameras: int


def _spread(total: int, buckets: int, rng: random.Random) -> list[int]:
    counts = [total // buckets] * buckets
    for index in rng.sample(range(buckets), total % buckets):
        counts[index] += 1
    return counts


def _point_in(boundary: Any, rng: random.Random) -> tuple[float, float]:
    geom = shape(boundary)
    min_lon, min_lat, max_lon, max_lat = geom.bounds
    # Keep clear of the border, so the point's grid is this village's grid on every rounding.
    inner = geom.buffer(-0.0008) if not geom.buffer(-0.0008).is_empty else geom
    shapely.prepare(inner)
    while True:
        lon = round(rng.uniform(min_lon, max_lon), 6)
        lat = round(rng.uniform(min_lat, max_lat), 6)
        if inner.contains(shapely.Point(lon, lat)):
            return lon, lat


def _phone(rng: random.Random) -> str:
    return f"+86{rng.choice(['138', '139', '150', '151', '187', '189'])}{rng.randrange(10**8):08d}"


@transaction.atomic(savepoint=False)
def load_demo_surveillance(town: Region, *, by: Any = None, now: dt.datetime | None = None) -> DemoCameras:
    """Make the town's monitoring rooms and cameras (only those missing), in bulk and unaudited like
    the rest of the demo load (whose `demo.load` row covers it)."""
    loaded = MonitoringRoom.objects.filter(village__parent=town).aggregate(
        rooms=Count("id", distinct=True), cameras=Count("cameras")
    )
    if loaded["rooms"] and loaded["cameras"] >= CAMERAS:
        # Already loaded: one query, so a second `make demo` stays cheap.
        return DemoCameras(
            rooms=loaded["rooms"], cameras=loaded["cameras"], created_rooms=0, created_cameras=0
        )
    rng = random.Random(SEED)  # noqa: S311 - demo data must be reproducible, not secret
    names = _NameMaker(random.Random(SEED + 1))  # noqa: S311 - reproducible demo names
    now = now or timezone.now()
    villages = list(Region.objects.filter(parent=town, level=Region.Level.VILLAGE).order_by("code"))
    grids_by_village: dict[int, Grid] = {}
    for grid in Grid.objects.filter(village__in=villages, boundary__isnull=False).order_by("code"):
        grids_by_village.setdefault(grid.village_id, grid)

    rooms: list[MonitoringRoom] = []
    for village in villages:
        rooms.append(
            MonitoringRoom(
                village=village,
                name=f"{village.name}视频监控室",
                address=f"{village.name}村委会二楼",
                responsible_name=names(),
                responsible_phone=_phone(rng),
            )
        )
    existing_rooms = {
        (room.village_id, room.name): room for room in MonitoringRoom.objects.filter(village__in=villages)
    }
    missing_rooms = [room for room in rooms if (room.village_id, room.name) not in existing_rooms]
    MonitoringRoom.objects.bulk_create(missing_rooms)
    by_key = {
        (room.village_id, room.name): room for room in MonitoringRoom.objects.filter(village__in=villages)
    }

    cameras: list[tuple[Camera, tuple[str, ...]]] = []
    counts = _spread(CAMERAS, len(villages), rng) if villages else []
    for village, count in zip(villages, counts, strict=True):
        room = by_key[(village.pk, f"{village.name}视频监控室")]
        village_grid = grids_by_village.get(village.pk)
        spots = list(SPOTS[:ALWAYS]) + rng.sample(SPOTS[ALWAYS:], len(SPOTS) - ALWAYS)
        for seq in range(count):
            spot, purposes = spots[seq % len(spots)]
            round_ = seq // len(spots)
            label = f"{spot}{round_ + 1}号" if round_ else spot
            lon, lat = _point_in(village_grid.boundary, rng) if village_grid else (0.0, 0.0)
            offline = rng.random() < OFFLINE_SHARE
            camera = Camera(
                channel_code=f"{village.code}{IPC_TYPE}{seq + 1:05d}",
                name=f"{village.name}{label}",
                room=room,
                place=f"{village.name}{spot}",
                lon=lon,
                lat=lat,
                grid=village_grid,
                status=Camera.Status.OFFLINE if offline else Camera.Status.ONLINE,
                status_changed_at=now - dt.timedelta(hours=rng.randrange(2, 240)) if offline else now,
                stream_url=(
                    f"rtsp://10.62.{villages.index(village) + 1}.{seq % 250 + 2}:554/Streaming/Channels/101"
                    if rng.random() < 0.3
                    else ""
                ),
            )
            cameras.append((camera, tuple(purposes)))

    existing_codes = set(
        Camera.objects.filter(channel_code__in=[c.channel_code for c, _p in cameras]).values_list(
            "channel_code", flat=True
        )
    )
    missing = [
        (camera, purposes) for camera, purposes in cameras if camera.channel_code not in existing_codes
    ]
    if missing:
        Camera.objects.bulk_create([camera for camera, _p in missing], batch_size=500)
        saved = dict(
            Camera.objects.filter(channel_code__in=[c.channel_code for c, _p in missing]).values_list(
                "channel_code", "id"
            )
        )
        CameraPurpose.objects.bulk_create(
            [
                CameraPurpose(camera_id=saved[camera.channel_code], purpose=purpose)
                for camera, purposes in missing
                for purpose in purposes
            ],
            batch_size=1000,
        )
        CameraStatusChange.objects.bulk_create(
            [
                CameraStatusChange(
                    camera_id=saved[camera.channel_code],
                    from_status=Camera.Status.ONLINE,
                    to_status=Camera.Status.OFFLINE,
                    at=camera.status_changed_at or now,
                    note="设备离线（演示数据）",
                )
                for camera, _p in missing
                if camera.status == Camera.Status.OFFLINE
            ]
        )
    return DemoCameras(
        rooms=MonitoringRoom.objects.filter(village__in=villages).count(),
        cameras=Camera.objects.filter(room__village__in=villages).count(),
        created_rooms=len(missing_rooms),
        created_cameras=len(missing),
    )
