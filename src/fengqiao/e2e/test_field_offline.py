"""Issue 5's offline test in a real browser, on a 360-pixel-wide phone screen.

A grid worker loads the field page, the network goes away, the worker files two reports (one
with a photo far larger than a phone should send) and a visit with a photo, which wait in the
outbox, also across a reload of the page served by the service worker. The network returns and
the outbox empties; then the very same items are put back and the outbox is flushed twice more,
as a phone whose answers were lost would do: the server still has exactly two new cases, one
photo per report and visit, and one visit. A patrol made offline (start, two check-ins, end)
arrives the same way: one patrol, two check-ins. Logging out deletes the outbox and the caches.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from playwright.sync_api import expect

from fengqiao.e2e.browser import log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

PHONE = {"width": 360, "height": 740}


def _big_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (2400, 1800), (90, 140, 60))
    ImageDraw.Draw(image).rectangle((300, 300, 2100, 1500), fill=(200, 60, 40))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def _outbox_count(page: Any) -> Any:
    return page.locator("[data-testid=outbox-count]")


def _file_report(page: Any, title: str, description: str, *, photo: bytes | None = None) -> None:
    page.click("[data-testid=nav-report]")
    page.select_option("#report-kind", "hazard")
    page.fill("#report-title", title)
    page.fill("#report-description", description)
    if photo is not None:
        page.set_input_files(
            "#report-photos", files=[{"name": "big.png", "mimeType": "image/png", "buffer": photo}]
        )
        expect(page.locator("[data-testid=photo-state]")).to_have_attribute("data-count", "1")
        expect(page.locator("[data-testid=photo-state]")).to_have_attribute("data-ready", "true")
    page.click("[data-testid=locate]")
    expect(page.locator("#report-lon")).not_to_have_value("")
    page.click("[data-testid=report-submit]")


def test_two_reports_and_a_visit_filed_offline_reach_the_server_exactly_once(
    browser, live_server, demo_town, settings, tmp_path
):
    from django.utils import timezone
    from PIL import Image
    from shapely.geometry import shape

    from fengqiao.accounts.models import User
    from fengqiao.cases import sla
    from fengqiao.cases.models import Attachment, Case, Category
    from fengqiao.registry.models import Visit, VisitPhoto
    from fengqiao.registry.tests.factories import make_key_person, make_person

    settings.MEDIA_ROOT = tmp_path
    sla.seed_default_policies()  # a transactional test flushed the migration's rows
    worker = User.objects.get(username="worker01")
    grid = worker.grids.get()
    inside = shape(grid.boundary).representative_point()
    hazard = Category.objects.create(kind="hazard", name="消防隐患")
    person = make_person(grid, 1, name="走访对象甲")
    key_person = make_key_person(
        person, "left_behind_elderly", last_visit_at=timezone.now() - dt.timedelta(days=90)
    )
    cases_before = Case.objects.count()
    visits_before = Visit.objects.count()

    context = browser.new_context(
        locale="zh-CN",
        viewport=PHONE,
        timezone_id="Asia/Shanghai",
        geolocation={"longitude": inside.x, "latitude": inside.y},
        permissions=["geolocation"],
        has_touch=True,
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "worker01")
        page.goto(f"{live_server.url}/field/")
        page.wait_for_function("document.body.dataset.ready === 'true'")
        expect(page.locator("[data-testid=visits-due]")).to_contain_text("走访对象甲")
        # The service worker has installed and controls the page: the shell is kept for offline use.
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        save_screenshot(page, "field-360-today")

        # Search in the grid: the person comes back masked, as the API gives it.
        page.click("[data-testid=nav-search]")
        page.fill("#search-q", "走访对象甲")
        page.click("[data-testid=search-form] button")
        results = page.locator("[data-testid=search-results]")
        expect(results).to_contain_text("走访对象甲")
        expect(results).to_contain_text(f"{person.resident_id[:6]}***********{person.resident_id[-1]}")
        expect(results).not_to_contain_text(person.resident_id)

        # Online, the position finds the grid.
        page.click("[data-testid=nav-report]")
        page.click("[data-testid=locate]")
        expect(page.locator("[data-testid=located-grid]")).to_contain_text(grid.name)
        page.select_option("#report-kind", "hazard")
        page.select_option("#report-category", str(hazard.pk))
        page.evaluate("window.scrollTo(0, 0)")  # the sticky bar stays on top in a full-page shot
        save_screenshot(page, "field-360-report")

        # The network goes away.
        context.set_offline(True)
        expect(page.locator("[data-testid=net-state]")).to_have_attribute("data-online", "false")
        _file_report(page, "配电箱门未关", "村委会后配电箱门敞开，有小孩玩耍。", photo=_big_png())
        expect(_outbox_count(page)).to_have_attribute("data-count", "1")
        _file_report(page, "消防通道堵塞", "三组巷道堆放柴草，消防车进不去。")
        expect(_outbox_count(page)).to_have_attribute("data-count", "2")
        page.click("[data-testid=nav-visit]")
        page.select_option("#visit-key-person", str(key_person.pk))
        page.fill("#visit-note", "身体尚好，子女每周来电。")
        page.set_input_files(
            "#visit-photos", files=[{"name": "visit.png", "mimeType": "image/png", "buffer": _big_png()}]
        )
        expect(page.locator("[data-testid=visit-photo-state]")).to_have_attribute("data-count", "1")
        expect(page.locator("[data-testid=visit-photo-state]")).to_have_attribute("data-ready", "true")
        page.click("[data-testid=visit-submit]")
        expect(_outbox_count(page)).to_have_attribute("data-count", "3")
        assert Case.objects.count() == cases_before and Visit.objects.count() == visits_before

        # Still offline, the page reloads from the service worker and the outbox is still there.
        page.reload()
        page.wait_for_function("document.body.dataset.ready === 'true'")
        expect(_outbox_count(page)).to_have_attribute("data-count", "3")
        expect(page.locator("[data-testid=outbox-item]")).to_have_count(3)
        save_screenshot(page, "field-360-offline-outbox")
        # Keep the items (photo included) to send them all again later, as a phone would whose
        # answers were lost on the way back.
        page.evaluate("async () => { window.kept = await window.fieldApp.outbox.all(); }")

        # The network returns: the outbox empties by itself.
        context.set_offline(False)
        expect(_outbox_count(page)).to_have_attribute("data-count", "0", timeout=30_000)
        assert Case.objects.count() == cases_before + 2

        # The same items again, and two more flushes at once, then one more.
        left = page.evaluate(
            """async () => {
                for (const item of window.kept) await window.fieldApp.outbox.put(item);
                await Promise.all([window.fieldApp.flush(), window.fieldApp.flush()]);
                for (const item of window.kept) await window.fieldApp.outbox.put(item);
                return await window.fieldApp.flush();
            }"""
        )
        assert left == 0
    except BaseException:
        context.close()
        raise

    new_cases = Case.objects.filter(reported_by=worker).order_by("id")
    assert Case.objects.count() == cases_before + 2
    assert [case.title for case in new_cases] == ["配电箱门未关", "消防通道堵塞"]
    assert {case.channel for case in new_cases} == {"patrol"}
    assert {case.grid_id for case in new_cases} == {grid.pk}  # located from the GPS position
    assert Visit.objects.count() == visits_before + 1
    visit = Visit.objects.latest("id")
    assert visit.key_person_id == key_person.pk and visit.by_id == worker.pk
    visit_photo = VisitPhoto.objects.get(visit=visit)  # one photo, though sent three times
    assert visit_photo.content_type == "image/jpeg"
    with Image.open(visit_photo.file.path) as image:
        assert max(image.size) == 1280  # shrunk on the phone, kept in the outbox
    photo = Attachment.objects.get(case__in=new_cases)
    assert photo.case == new_cases[0] and photo.content_type == "image/jpeg"
    with Image.open(photo.file.path) as image:
        assert max(image.size) == 1280  # shrunk on the phone from 2400 px
    expect(page.locator("[data-testid=my-cases]")).to_contain_text("消防通道堵塞")

    # Logging out deletes what the phone kept: the outbox and the shell caches.
    page.evaluate(
        """() => window.fieldApp.outbox.put({id: "left-behind", type: "visit", owner: -1,
             createdAt: new Date().toISOString(), label: "x", body: {}})"""
    )
    page.on("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.click("[data-testid=field-logout]")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    stored = page.evaluate(
        """async () => ({
            databases: (await indexedDB.databases()).map((db) => db.name),
            caches: (await caches.keys()).filter((key) => key.startsWith("fengqiao-field-")),
        })"""
    )
    assert stored == {"databases": [], "caches": []}
    context.close()


def test_a_session_that_ended_keeps_the_outbox_and_another_user_never_sends_it(
    browser, live_server, demo_town, settings, tmp_path
):
    from fengqiao.accounts.models import User
    from fengqiao.cases import sla
    from fengqiao.cases.models import Case

    settings.MEDIA_ROOT = tmp_path
    sla.seed_default_policies()
    assert User.objects.filter(username="worker02", role="grid_worker").exists()
    cases_before = Case.objects.count()
    context = browser.new_context(locale="zh-CN", viewport=PHONE, timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "worker01")
        page.goto(f"{live_server.url}/field/")
        page.wait_for_function("document.body.dataset.ready === 'true'")
        context.set_offline(True)
        page.click("[data-testid=nav-report]")
        page.fill("#report-title", "桥栏杆松动")
        page.click("[data-testid=report-submit]")
        expect(_outbox_count(page)).to_have_attribute("data-count", "1")

        # The session ends while the phone is offline; the network returns.
        context.clear_cookies()
        context.set_offline(False)
        page.evaluate("() => window.fieldApp.flush()")
        expect(page.locator("[data-testid=field-message]")).to_have_class("message error")
        expect(_outbox_count(page)).to_have_attribute("data-count", "1")  # kept for its owner
        assert Case.objects.count() == cases_before

        # Someone else logs in on this phone: the first user's item is dropped, never sent.
        log_in(page, live_server.url, "worker02")
        page.goto(f"{live_server.url}/field/")
        page.wait_for_function("document.body.dataset.ready === 'true'")
        expect(_outbox_count(page)).to_have_attribute("data-count", "0")
        assert Case.objects.count() == cases_before
    finally:
        context.close()


def test_a_patrol_from_the_phone_with_a_check_in_and_a_finding(browser, live_server, demo_town, settings):
    from shapely.geometry import shape

    from fengqiao.accounts.models import User
    from fengqiao.cases import sla
    from fengqiao.registry.models import Patrol, PatrolFinding

    sla.seed_default_policies()
    worker = User.objects.get(username="worker01")
    grid = worker.grids.get()
    inside = shape(grid.boundary).representative_point()
    Patrol.objects.filter(worker=worker, status=Patrol.Status.ACTIVE).update(status=Patrol.Status.ENDED)
    earlier = list(Patrol.objects.filter(worker=worker).values_list("pk", flat=True))
    context = browser.new_context(
        locale="zh-CN",
        viewport=PHONE,
        timezone_id="Asia/Shanghai",
        geolocation={"longitude": inside.x, "latitude": inside.y},
        permissions=["geolocation"],
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "worker01")
        page.goto(f"{live_server.url}/field/")
        page.wait_for_function("document.body.dataset.ready === 'true'")
        page.click("[data-testid=nav-patrol]")
        page.click("[data-testid=patrol-start]")
        expect(page.locator("[data-testid=patrol-checkin]")).to_be_visible()
        page.click("[data-testid=patrol-checkin]")
        expect(page.locator("[data-testid=patrol-state]")).to_have_attribute("data-checkins", "1")
        save_screenshot(page, "field-360-patrol")
        page.click("[data-testid=patrol-report]")
        page.fill("#report-title", "河堤护栏缺失")
        page.click("[data-testid=locate]")
        expect(page.locator("#report-lon")).not_to_have_value("")
        page.click("[data-testid=report-submit]")
        expect(_outbox_count(page)).to_have_attribute("data-count", "0")
        page.click("[data-testid=nav-patrol]")
        page.click("[data-testid=patrol-end]")
        expect(page.locator("[data-testid=patrol-start]")).to_be_visible()
        expect(_outbox_count(page)).to_have_attribute("data-count", "0")  # the end went through the outbox
    finally:
        context.close()
    patrol = Patrol.objects.exclude(pk__in=earlier).get(worker=worker)
    assert patrol.status == Patrol.Status.ENDED
    assert patrol.checkins.count() == 1
    finding = PatrolFinding.objects.get(patrol=patrol)
    assert finding.case.title == "河堤护栏缺失" and finding.case.grid_id == grid.pk


def test_a_patrol_made_offline_reaches_the_server_once_with_its_check_ins(
    browser, live_server, demo_town, settings
):
    """Offline: start a patrol, check in twice, end it. Online: the outbox sends the steps in
    order (the check-ins name the patrol by the key the phone made); the same steps put back and
    flushed twice more: one patrol, two check-ins, ended, with the phone's times."""
    from shapely.geometry import shape

    from fengqiao.accounts.models import User
    from fengqiao.cases import sla
    from fengqiao.registry.models import Patrol, PatrolCheckin

    sla.seed_default_policies()
    worker = User.objects.get(username="worker01")
    grid = worker.grids.get()
    inside = shape(grid.boundary).representative_point()
    Patrol.objects.filter(worker=worker, status=Patrol.Status.ACTIVE).update(status=Patrol.Status.ENDED)
    earlier = list(Patrol.objects.filter(worker=worker).values_list("pk", flat=True))
    checkins_before = PatrolCheckin.objects.count()
    context = browser.new_context(
        locale="zh-CN",
        viewport=PHONE,
        timezone_id="Asia/Shanghai",
        geolocation={"longitude": inside.x, "latitude": inside.y},
        permissions=["geolocation"],
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        log_in(page, live_server.url, "worker01")
        page.goto(f"{live_server.url}/field/")
        page.wait_for_function("document.body.dataset.ready === 'true'")
        page.wait_for_function("navigator.serviceWorker.controller !== null")
        page.click("[data-testid=nav-patrol]")

        context.set_offline(True)
        expect(page.locator("[data-testid=net-state]")).to_have_attribute("data-online", "false")
        page.click("[data-testid=patrol-start]")
        expect(page.locator("[data-testid=patrol-checkin]")).to_be_visible()
        page.click("[data-testid=patrol-checkin]")
        expect(page.locator("[data-testid=patrol-state]")).to_have_attribute("data-checkins", "1")
        page.click("[data-testid=patrol-checkin]")
        expect(page.locator("[data-testid=patrol-state]")).to_have_attribute("data-checkins", "2")
        # The patrol under way survives an offline reload of the page.
        page.reload()
        page.wait_for_function("document.body.dataset.ready === 'true'")
        page.click("[data-testid=nav-patrol]")
        expect(page.locator("[data-testid=patrol-state]")).to_have_attribute("data-checkins", "2")
        page.click("[data-testid=patrol-end]")
        expect(page.locator("[data-testid=patrol-start]")).to_be_visible()
        expect(_outbox_count(page)).to_have_attribute("data-count", "4")
        save_screenshot(page, "field-360-patrol-offline")
        assert not Patrol.objects.exclude(pk__in=earlier).filter(worker=worker).exists()
        page.evaluate("async () => { window.kept = await window.fieldApp.outbox.all(); }")
        # Forget which server id the patrol got, as a phone whose answer to the start was lost.
        context.set_offline(False)
        expect(_outbox_count(page)).to_have_attribute("data-count", "0", timeout=30_000)
        left = page.evaluate(
            """async () => {
                for (const item of window.kept) await window.fieldApp.outbox.put(item);
                await window.fieldApp.forgetPatrolIds();
                await Promise.all([window.fieldApp.flush(), window.fieldApp.flush()]);
                for (const item of window.kept) await window.fieldApp.outbox.put(item);
                return await window.fieldApp.flush();
            }"""
        )
        assert left == 0
        expect(page.locator("[data-testid=patrol-start]")).to_be_visible()
    finally:
        context.close()
    patrol = Patrol.objects.exclude(pk__in=earlier).get(worker=worker)
    assert patrol.status == Patrol.Status.ENDED and patrol.grid == grid
    checkins = list(patrol.checkins.all())
    assert len(checkins) == 2 and PatrolCheckin.objects.count() == checkins_before + 2
    # The phone's times: the start before the check-ins, the end after them, all before the send.
    assert patrol.started_at <= checkins[0].at <= checkins[1].at <= patrol.ended_at
