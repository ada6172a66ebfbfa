"""The grid map in a real browser (Debian's chromium through Playwright): polygons drawn with
their labels, the count on the container, clicking a grid opens its page, and scoping."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from fengqiao.testing import builders

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    from fengqiao.e2e.browser import chromium_missing_message, launch

    missing = chromium_missing_message()
    if missing:
        pytest.fail(missing, pytrace=False)
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # ORM between browser calls, never during
    with sync_playwright() as playwright:
        browser = launch(playwright)
        yield browser
        browser.close()


@pytest.fixture
def en_page(chromium: Any) -> Iterator[Any]:
    from fengqiao.e2e.browser import new_page

    page = new_page(chromium, "en")
    yield page
    page.context.close()


def log_in(page: Any, live_server: Any, user: Any) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", builders.PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_the_clerk_sees_both_grids_labelled_and_clicks_through(en_page, live_server, town, clerk, worker_a):
    from fengqiao.e2e.browser import save_screenshot

    log_in(en_page, live_server, clerk)
    en_page.goto(f"{live_server.url}/regions/map/")
    grid_map = en_page.locator("#grid-map")
    grid_map.locator(".grid-polygon").first.wait_for()
    assert grid_map.get_attribute("data-grid-count") == "2"
    assert grid_map.locator(".grid-polygon").count() == 2
    labels = grid_map.locator(".grid-label")
    assert labels.count() == 2
    assert "东沟村网格" in labels.first.inner_text()
    assert worker_a.display_name in labels.first.inner_text()
    assert grid_map.locator(".leaflet-tile").count() == 0  # no basemap configured
    save_screenshot(en_page, "regions-grid-map-clerk")

    grid_map.locator(".grid-polygon[data-grid-code=GB]").click()
    en_page.wait_for_url(f"**/regions/grids/{town.grid_b.pk}/")
    assert "西沟村网格" in en_page.locator("h1").inner_text()
    detail_map = en_page.locator("#grid-detail-map")
    detail_map.locator(".grid-polygon").first.wait_for()
    assert detail_map.get_attribute("data-grid-count") == "1"


def test_worker_b_sees_only_grid_b(en_page, live_server, town, worker_b):
    log_in(en_page, live_server, worker_b)
    en_page.goto(f"{live_server.url}/regions/map/")
    grid_map = en_page.locator("#grid-map")
    grid_map.locator(".grid-polygon").first.wait_for()
    assert grid_map.get_attribute("data-grid-count") == "1"
    assert grid_map.locator(".grid-polygon[data-grid-code=GA]").count() == 0
    assert "东沟村网格" not in en_page.content()
