"""Shared pieces of the browser tests and the screenshot script: how chromium is launched,
where screenshots go, and how a user logs in.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

#: Debian's chromium; Playwright's own browser downloads (`playwright install`) are never used.
CHROMIUM = Path(os.environ.get("FENGQIAO_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
#: Screenshots are kept as test artefacts (gitignored), for CI to upload.
ARTIFACTS_DIR = Path(__file__).resolve().parents[3] / "test-artifacts"
DEMO_PASSWORD = "fengqiao-demo"  # noqa: S105 - the published demo password (README)


def chromium_missing_message() -> str | None:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return None
    return (
        f"The browser tests need Debian's chromium at {CHROMIUM}: install it with "
        "`apt-get install chromium` (never `playwright install`)."
    )


def launch(playwright: Any) -> Any:
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


def new_page(browser: Any, locale: str = "zh-CN") -> Any:
    """A page in a fresh context (no cookies) whose browser asks for `locale` (Accept-Language)."""
    context = browser.new_context(locale=locale, viewport=VIEWPORT, timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    return context.new_page()


def log_in(page: Any, base_url: str, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()


def save_screenshot(page: Any, name: str, *, full_page: bool = True) -> Path:
    ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name)}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
