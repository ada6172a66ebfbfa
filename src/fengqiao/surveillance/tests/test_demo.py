"""The demo town's cameras: 20 rooms, one per village, 285 cameras, deterministic and idempotent."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from fengqiao.demo.town import load_demo_town
from fengqiao.regions import geo
from fengqiao.regions.models import Region
from fengqiao.surveillance.demo import load_demo_surveillance
from fengqiao.surveillance.models import Camera, CameraPurpose, CameraStatusChange, MonitoringRoom


@pytest.fixture
def demo(db):
    """Only the demo's villages and grids (the whole demo load is slow), then its cameras."""
    from fengqiao.demo.plan import COUNTY_CODE, TOWN_CODE, build_plan
    from fengqiao.testing import builders

    county = builders.make_region(COUNTY_CODE, "崆峒区", "county")
    town = builders.make_region(TOWN_CODE, "安国镇", "town", parent=county)
    for village_plan in build_plan().villages:
        village = builders.make_region(village_plan.code, village_plan.name, "village", parent=town)
        builders.make_grid(village_plan.grid_code, village_plan.grid_name, village, village_plan.boundary)
    load_demo_surveillance(town)
    return town


def test_the_demo_town_load_makes_20_rooms_one_per_village_and_285_cameras(db):
    load_demo_town(today=dt.date(2026, 10, 15))
    demo = Region.objects.get(code="620802101000")
    villages = Region.objects.filter(parent=demo, level="village")
    assert MonitoringRoom.objects.count() == 20
    assert set(MonitoringRoom.objects.values_list("village", flat=True)) == set(
        villages.values_list("id", flat=True)
    )
    assert Camera.objects.count() == 285
    assert MonitoringRoom.objects.filter(name="东沟村视频监控室").exists()
    assert Camera.objects.filter(name="东沟村村委会门口").exists()
    assert all(
        len(code) == 20 and code.isdigit() for code in Camera.objects.values_list("channel_code", flat=True)
    )


def test_each_camera_lies_in_its_villages_grid(demo):
    for camera in Camera.objects.select_related("grid", "room")[:60]:
        assert camera.grid is not None and camera.grid.village_id == camera.room.village_id
        assert geo.locate(camera.lon, camera.lat) == camera.grid


def test_purposes_follow_the_reference_town_and_about_95_percent_are_online(demo):
    purposes = Counter(CameraPurpose.objects.values_list("purpose", flat=True))
    for purpose in ("living_environment", "religious_venue", "road_traffic", "disaster_prevention"):
        assert purposes[purpose] > 10, purpose
    offline = Camera.objects.filter(status="offline").count()
    assert 5 <= offline <= 30
    assert CameraStatusChange.objects.filter(to_status="offline").count() == offline


def test_loading_again_creates_nothing_and_fills_what_is_missing(demo):
    before = list(Camera.objects.order_by("channel_code").values_list("channel_code", "name", "lon", "lat"))
    assert load_demo_surveillance(demo).created_cameras == 0
    Camera.objects.filter(channel_code__in=[row[0] for row in before[:5]]).delete()
    summary = load_demo_surveillance(demo)
    assert (summary.rooms, summary.cameras, summary.created_rooms, summary.created_cameras) == (20, 285, 0, 5)
    after = list(Camera.objects.order_by("channel_code").values_list("channel_code", "name", "lon", "lat"))
    assert after == before
