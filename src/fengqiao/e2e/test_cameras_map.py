"""The cameras on the grid map, in a real browser: a toggleable layer fed by the GeoJSON endpoint."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from fengqiao.e2e.browser import log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_the_clerk_sees_the_towns_cameras_and_can_hide_them(page, live_server, demo_town):
    from fengqiao.surveillance.models import Camera

    log_in(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/regions/map/")
    grid_map = page.locator("#grid-map")
    expect(grid_map).to_have_attribute("data-grid-count", "20")
    expect(grid_map).to_have_attribute("data-camera-count", "285")
    expect(grid_map.locator(".camera-marker")).to_have_count(285)
    offline = Camera.objects.filter(status="offline").count()
    expect(grid_map.locator(".camera-offline")).to_have_count(offline)
    save_screenshot(page, "clerk-grid-map-cameras")
    grid_map.locator(".leaflet-control-layers input[type=checkbox]").uncheck()
    expect(grid_map.locator(".camera-marker")).to_have_count(0)
    expect(grid_map.locator(".grid-polygon")).to_have_count(20)


def test_a_grid_worker_sees_only_the_cameras_of_their_grid(page, live_server, demo_town):
    from fengqiao.accounts.models import User
    from fengqiao.surveillance.models import Camera

    worker = User.objects.get(username="worker01")
    own = Camera.objects.filter(grid__in=worker.grids.all())
    log_in(page, live_server.url, "worker01")
    page.goto(f"{live_server.url}/regions/map/")
    grid_map = page.locator("#grid-map")
    expect(grid_map).to_have_attribute("data-camera-count", str(own.count()))
    with page.expect_navigation():
        grid_map.locator(".camera-marker").first.click()
    assert "/surveillance/cameras/" in page.url
