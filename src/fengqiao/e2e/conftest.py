"""Fixtures for the browser tests: one headless chromium per session, a fresh page per test.

The browser is Debian's `/usr/bin/chromium` driven by Playwright's sync API. Pages are served by
pytest-django's `live_server`, so each test gets `transactional_db` and loads the demo town itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from fengqiao.e2e.browser import DEMO_PASSWORD, chromium_missing_message, launch, new_page, save_screenshot


def pytest_configure(config: pytest.Config) -> None:
    # xdist registers this marker itself; declare it too so `-p no:xdist --strict-markers` works.
    config.addinivalue_line("markers", "xdist_group(name): run the marked tests on one xdist worker")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless chromium for the whole session; fails (never skips) when it is not installed."""
    missing = chromium_missing_message()
    if missing:
        pytest.fail(missing, pytrace=False)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an asyncio loop running in this thread, so Django would refuse
    # ORM calls from the test body ("You cannot call this from an async context"). The tests use
    # the ORM only between browser calls, never concurrently with them.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A page of a Chinese-speaking user (Accept-Language: zh-CN) in a fresh browser context.

    A failed test leaves a screenshot of the page it failed on in test-artifacts/.
    """
    page = new_page(browser, "zh-CN")
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        save_screenshot(page, f"FAILED-{request.node.name}")
    page.context.close()


@pytest.fixture
def demo_town(transactional_db: Any) -> None:
    """The demo town, loaded as `make demo` loads it (20 villages, their grids and the demo logins)."""
    try:
        from fengqiao.demo.town import load_demo_town
    except ImportError:
        _build_small_town()
    else:
        load_demo_town()


def _build_small_town() -> None:
    """Stand-in for the demo loader while it is being written: 20 grids in a 5 x 4 tiling."""
    from fengqiao.accounts.models import User
    from fengqiao.testing import builders

    county = builders.make_region("620802000000", "崆峒区", "county")
    town = builders.make_region("620802101000", "安国镇", "town", parent=county)
    police = builders.make_department("安国派出所", "police", town)
    for username, role in (("clerk", "clerk"), ("leader", "town_leader"), ("mediator", "mediator")):
        builders.make_user(username, role, regions=[town], full_name=f"演示{username}")
    builders.make_user("police", "department_officer", department=police)
    for index in range(20):
        village = builders.make_region(f"620802101{201 + index:03d}", f"演示{index + 1}村", "village", town)
        boundary = builders.square(106.80 + (index % 5) * 0.02, 35.50 + (index // 5) * 0.02, 0.02)
        grid = builders.make_grid(f"G{index + 1:02d}", f"{village.name}网格", village, boundary)
        builders.make_user(f"worker{index + 1:02d}", "grid_worker", grids=[grid])
    for user in User.objects.all():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
