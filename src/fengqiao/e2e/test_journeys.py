"""Issue 2's journeys in a real browser: the clerk in Chinese and English, a grid worker's scope,
and the login lockout. Nothing is frozen: the live server and chromium run on the real clock.
"""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

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
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_have_text("登录综治中心")
    expect(page.locator("main form button[type=submit]")).to_have_text("登录")
    expect(page.locator("label[for=id_username]")).to_have_text("用户名")

    log_in(page, live_server.url, "clerk")
    duty = page.locator("[data-testid=duty-today]")
    expect(duty).to_contain_text("今日值班领导")
    expect(duty).to_contain_text(leader_name)
    nav = page.locator("#mainnav")
    expect(nav).to_contain_text("首页")
    expect(nav).to_contain_text("退出登录")

    nav.get_by_role("link", name="网格地图").click()
    expect(page.locator("h1")).to_have_text("网格地图")
    grid_map = page.locator("#grid-map")
    expect(grid_map).to_have_attribute("data-grid-count", "20")
    expect(grid_map.locator(".grid-polygon")).to_have_count(20)
    expect(grid_map).to_contain_text("东沟村网格")  # the grids' permanent labels
    save_screenshot(page, "clerk-grid-map-zh-hans")

    switch = page.locator("[data-testid=language-en]")
    expect(switch).to_have_text("English")
    with page.expect_navigation():
        switch.click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Grid map")
    expect(page.locator("[data-testid=duty-today]")).to_contain_text(f"Duty leader today: {leader_name}")
    expect(nav).to_contain_text("Log out")
    expect(page.locator("#grid-map .grid-polygon")).to_have_count(20)
    expect(page.locator("[data-testid=language-zh-hans]")).to_have_text("简体中文")
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
    expect(grid_map).to_have_attribute("data-grid-count", "1")
    expect(grid_map.locator(".grid-polygon")).to_have_count(1)
    expect(grid_map).to_contain_text(own_grid.name)
    expect(grid_map).not_to_contain_text(other_grid.name)
    save_screenshot(page, "worker01-grid-map")

    with page.expect_navigation():
        grid_map.locator(".grid-polygon").click()  # a grid on the map opens its page
    assert page.url.endswith(f"/regions/grids/{own_grid.pk}/")
    expect(page.locator("h1")).to_contain_text(own_grid.name)

    response = page.goto(f"{live_server.url}/regions/grids/{other_grid.pk}/")
    assert response is not None
    assert response.status == 404


def test_five_wrong_passwords_lock_the_account(page, live_server, demo_town):
    for _attempt in range(4):
        log_in(page, live_server.url, "clerk", password="not-the-password")  # noqa: S106
    expect(page.locator("#id_password")).to_be_visible()  # four failures: still asked to log in
    expect(page.locator("[data-testid=locked-out]")).to_have_count(0)

    log_in(page, live_server.url, "clerk", password="not-the-password")  # noqa: S106
    locked = page.locator("[data-testid=locked-out]")
    expect(locked).to_be_visible()
    expect(locked).to_contain_text("登录失败次数过多")
    save_screenshot(page, "clerk-locked-out")

    log_in(page, live_server.url, "clerk")  # the right password no longer helps
    expect(page.locator("[data-testid=locked-out]")).to_be_visible()
    expect(page.locator("[data-testid=duty-today]")).to_have_count(0)
