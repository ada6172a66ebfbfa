"""Issue 3's journey in a real browser: a clerk takes in a walk-in appeal on the intake form (the
place clicked on the map), dispatches it to the police station; the officer acknowledges and
completes it with evidence; the clerk verifies and closes it; the route map shows every step.
Screenshots of each stage go to test-artifacts/.
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from fengqiao.e2e.browser import log_in, new_page, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def click_on_map(page: Any, lon: float, lat: float) -> None:
    """Click the intake map at a longitude and latitude (Leaflet converts it to a pixel)."""
    point = page.evaluate(
        "([lat, lon]) => { const p = document.getElementById('intake-map').leafletMap"
        ".latLngToContainerPoint([lat, lon]); return {x: p.x, y: p.y}; }",
        [lat, lon],
    )
    box = page.locator("#intake-map").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


def test_a_walk_in_appeal_goes_from_the_window_to_the_police_and_back_to_closed(
    page, browser, live_server, demo_town, settings, tmp_path
):
    from shapely.geometry import shape

    from fengqiao.accounts.models import User
    from fengqiao.cases import sla
    from fengqiao.cases.models import Case, Category

    settings.MEDIA_ROOT = tmp_path
    sla.seed_default_policies()  # a transactional test flushed the migration's rows
    police_officer = User.objects.get(username="police")
    station = police_officer.department
    grid = User.objects.get(username="worker01").grids.get()
    inside = shape(grid.boundary).representative_point()
    lights = Category.objects.create(kind="appeal", name="基础设施")
    street_lights = Category.objects.create(kind="appeal", name="路灯照明", parent=lights)
    Category.objects.create(kind="dispute", name="邻里纠纷")

    # The clerk takes the matter in at the window.
    log_in(page, live_server.url, "clerk")
    page.goto(f"{live_server.url}/cases/new/")
    expect(page.locator("#intake-map .grid-polygon").first).to_be_attached()
    page.select_option("#id_kind", "dispute")  # the categories follow the kind (htmx)
    expect(page.locator("#id_category")).to_contain_text("邻里纠纷")
    expect(page.locator("#id_category")).not_to_contain_text("路灯照明")
    page.select_option("#id_kind", "appeal")
    expect(page.locator("#id_category")).to_contain_text("路灯照明")
    page.select_option("#id_category", str(street_lights.pk))
    page.select_option("#id_channel", "window")
    page.fill("#id_title", "村口路灯不亮")
    page.fill("#id_description", "东头路灯坏了一周，夜里行人看不清路。")
    click_on_map(page, inside.x, inside.y)
    expect(page.locator("[data-testid=located-grid]")).to_contain_text(grid.name)
    assert abs(float(page.input_value("#id_lon")) - inside.x) < 1e-3
    page.fill("#id_address", "东头村口")
    page.fill("#id_reporter_name", "王五")
    page.fill("#id_reporter_phone", "13912345678")
    save_screenshot(page, "case-journey-1-intake")
    with page.expect_navigation():
        page.locator("[data-testid=intake-accept]").click()
    expect(page.locator("[data-testid=case-status]")).to_have_attribute("data-status", "accepted")
    case = Case.objects.get(title="村口路灯不亮")
    assert case.grid == grid and case.channel == "window" and case.category == street_lights
    expect(page.locator("[data-testid=reporter-phone]")).to_have_text("139****5678")

    # ... and dispatches it to the police station from the queue.
    page.goto(f"{live_server.url}/cases/queue/?tab=to_dispatch")
    expect(page.locator("[data-testid=count-to_dispatch]")).to_have_text("1")
    row = page.locator(f"[data-testid=queue-table] tr[data-case='{case.number}']")
    save_screenshot(page, "case-journey-2-queue")
    with page.expect_navigation():
        row.locator("[data-testid=queue-dispatch]").click()
    page.select_option("#id_items-0-department", str(station.pk))
    page.fill("#id_items-0-note", "请派员查看并修复")
    save_screenshot(page, "case-journey-2-dispatch-form")
    with page.expect_navigation():
        page.locator("[data-testid=dispatch-submit]").click()
    expect(page.locator("[data-testid=case-status]")).to_have_attribute("data-status", "dispatched")

    # The officer sees it in the inbox, acknowledges, and completes it with evidence.
    officer = new_page(browser, "zh-CN")
    try:
        log_in(officer, live_server.url, "police")
        expect(officer.locator("[data-testid=notification-badge]")).to_contain_text("1")
        officer.goto(f"{live_server.url}/cases/inbox/")
        row = officer.locator(f"[data-testid=inbox-table] tr[data-case='{case.number}']")
        expect(row).to_be_visible()
        save_screenshot(officer, "case-journey-3-inbox")
        with officer.expect_navigation():
            row.locator("[data-testid=acknowledge]").click()
        officer.goto(f"{live_server.url}/cases/{case.pk}/")
        expect(officer.locator("[data-testid=case-status]")).to_have_attribute("data-status", "in_progress")
        form = officer.locator("[data-testid=form-complete]")
        form.locator("textarea[name=result]").fill("已更换灯泡，路灯恢复照明。")
        form.locator("input[name=evidence]").set_input_files(
            {"name": "维修记录.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        with officer.expect_navigation():
            officer.locator("[data-testid=action-complete]").click()
        expect(officer.locator("[data-testid=case-status]")).to_have_attribute("data-status", "resolved")
        expect(officer.locator("[data-testid=attachments]")).to_contain_text("维修记录.pdf")
        save_screenshot(officer, "case-journey-4-completed")
    finally:
        officer.context.close()

    # The clerk verifies the result and closes the case.
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.locator("[data-testid=case-result]")).to_contain_text("已更换灯泡")
    page.fill("#id_verify_note", "电话回访确认已亮")
    with page.expect_navigation():
        page.locator("[data-testid=action-verify]").click()
    expect(page.locator("[data-testid=case-status]")).to_have_attribute("data-status", "verified")
    with page.expect_navigation():
        page.locator("[data-testid=action-close]").click()
    expect(page.locator("[data-testid=case-status]")).to_have_attribute("data-status", "closed")

    # The route map shows every step, who took it, and how long it took.
    steps = page.locator("[data-testid=route-step]")
    expected = ["report", "accept", "dispatch", "acknowledge", "attach", "complete", "verify", "close"]
    expect(steps).to_have_count(len(expected))
    assert [steps.nth(i).get_attribute("data-action") for i in range(len(expected))] == expected
    actors = page.locator("[data-testid=route-actor]").all_inner_texts()
    clerk_name = User.objects.get(username="clerk").display_name
    assert actors[0] == actors[1] == actors[2] == clerk_name
    assert actors[3] == actors[5] == police_officer.display_name
    assert actors[-1] == clerk_name
    took = page.locator("[data-testid=route-took]")
    assert took.nth(0).get_attribute("data-seconds") == ""  # the first step starts the clock
    assert all(int(took.nth(i).get_attribute("data-seconds")) >= 0 for i in range(1, len(expected)))
    expect(page.locator("[data-testid=route-map]")).to_contain_text(station.name)
    save_screenshot(page, "case-journey-5-closed-route-map")
    case.refresh_from_db()
    assert case.status == "closed"
    assert list(case.events.values_list("action", flat=True).order_by("at", "id")) == expected
