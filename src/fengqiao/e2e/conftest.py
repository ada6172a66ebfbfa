"""Fixtures for the browser tests: one headless chromium per session, a fresh page per test.

The browser is Debian's `/usr/bin/chromium` driven by Playwright's sync API. Pages are served by
pytest-django's `live_server`, so each test gets `transactional_db` and loads the demo town itself.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest

from fengqiao.e2e.browser import chromium_missing_message, launch, new_page, save_screenshot


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
    """The demo town, loaded as `make demo` loads it: 20 villages and grids, the demo logins and
    the duty roster of the current month's working days."""
    from fengqiao.demo.town import load_demo_town

    load_demo_town()
