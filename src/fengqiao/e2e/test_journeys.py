"""Issue 2's journeys in a real browser: the clerk in Chinese and English, a grid worker's scope,
and the login lockout. Nothing is frozen: the live server and chromium run on the real clock.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from fengqiao.e2e.browser import log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def duty_leader_today() -> str:
    """The name of today's duty leader, rostering one when today is not a working day of the demo."""
    from fengqiao.accounts.models import User
    from fengqiao.center.models import DutyShift
    from fengqiao.regions.models import Region

    town = Region.objects.get(level=Region.Level.TOWN)
    shift = DutyShift.objects.filter(town=town, date=timezone.localdate()).select_related("leader").first()
    if shift is None:  # a weekend or holiday: the demo roster covers working days only
        leader = User.objects.filter(role="duty_leader").order_by("username").first()
        assert leader is not None
        shift = DutyShift.objects.create(town=town, date=timezone.localdate(), leader=leader)
    return shift.leader.display_name


def test_the_clerk_sees_the_town_in_chinese_then_switches_to_english(page, live_server, demo_town):
    leader_name = duty_leader_today()

    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("form button[type=submit]").filter(has_text="登录").count() == 1
    assert page.locator("h1").inner_text() == "登录综治中心"

    log_in(page, live_server.url, "clerk")
    duty = page.locator("[data-testid=duty-today]")
    assert "今日值班领导" in duty.inner_text()
    assert leader_name in duty.inner_text()
    nav = page.locator("#mainnav")
    assert "首页" in nav.inner_text()
    assert "退出登录" in nav.inner_text()

    nav.get_by_role("link", name="网格地图").click()
    grid_map = page.locator("#grid-map")
    grid_map.locator(".grid-polygon").first.wait_for()
    assert grid_map.get_attribute("data-grid-count") == "20"
    assert grid_map.locator(".grid-polygon").count() == 20
    assert page.locator("h1").inner_text() == "网格地图"
    save_screenshot(page, "clerk-grid-map-zh-hans")

    switch = page.locator("[data-testid=language-en]")
    assert switch.inner_text() == "English"
    switch.click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Grid map"
    assert "Duty leader today" in page.locator("[data-testid=duty-today]").inner_text()
    assert "Log out" in page.locator("#mainnav").inner_text()
    assert page.locator("#grid-map .grid-polygon").count() == 20
    save_screenshot(page, "clerk-grid-map-en")


def test_a_grid_worker_sees_only_their_grid(page, live_server, demo_town):
    from fengqiao.accounts.models import User
    from fengqiao.regions.models import Grid

    worker = User.objects.get(username="worker01")
    own_grid = worker.grids.get()
    other_grid = Grid.objects.exclude(pk=own_grid.pk).first()
    assert other_grid is not None

    log_in(page, live_server.url, "worker01")
    page.goto(f"{live_server.url}/regions/map/")
    grid_map = page.locator("#grid-map")
    grid_map.locator(".grid-polygon").first.wait_for()
    assert grid_map.get_attribute("data-grid-count") == "1"
    assert grid_map.locator(".grid-polygon").count() == 1
    save_screenshot(page, "worker01-grid-map")

    grid_map.locator(".grid-polygon").click()  # a grid on the map opens its page
    page.wait_for_url(f"**/regions/grids/{own_grid.pk}/")
    assert own_grid.name in page.locator("h1").inner_text()

    assert page.goto(f"{live_server.url}/regions/grids/{own_grid.pk}/").status == 200
    assert page.goto(f"{live_server.url}/regions/grids/{other_grid.pk}/").status == 404


def test_five_wrong_passwords_lock_the_account(page, live_server, demo_town):
    for _attempt in range(5):
        log_in(page, live_server.url, "clerk", password="not-the-password")  # noqa: S106
    locked = page.locator("[data-testid=locked-out]")
    assert locked.is_visible()
    assert "登录失败次数过多" in locked.inner_text()
    save_screenshot(page, "clerk-locked-out")

    log_in(page, live_server.url, "clerk")  # the right password no longer helps
    assert page.locator("[data-testid=locked-out]").is_visible()
    assert page.locator("[data-testid=duty-today]").count() == 0
