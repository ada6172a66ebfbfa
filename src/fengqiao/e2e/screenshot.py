"""Take the README's screenshot (docs/screenshot.png): the clerk's grid map, in Chinese, 1280 x 800.

Run it by hand after a change to the map or the shell:

    .venv/bin/python -m fengqiao.e2e.screenshot            # a throw-away demo town, served here
    .venv/bin/python -m fengqiao.e2e.screenshot --url http://127.0.0.1:8000   # a running `make demo`

Without --url it builds the demo town in a temporary SQLite database, serves it on a free local
port and drives Debian's chromium (never `playwright install`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

REPO_DIR = Path(__file__).resolve().parents[3]
DEFAULT_OUTPUT = REPO_DIR / "docs" / "screenshot.png"


def take_screenshot(base_url: str, output: Path, *, username: str = "clerk", password: str) -> Path:
    from playwright.sync_api import sync_playwright

    from fengqiao.e2e.browser import chromium_missing_message, launch, log_in, new_page

    missing = chromium_missing_message()
    if missing:
        sys.exit(missing)
    output.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = launch(playwright)
        page = new_page(browser, "zh-CN")
        log_in(page, base_url, username, password)
        page.goto(f"{base_url}/regions/map/")
        page.locator("#grid-map .grid-polygon").first.wait_for()
        page.wait_for_timeout(500)  # let Leaflet finish fitting the bounds and placing labels
        page.screenshot(path=str(output))
        browser.close()
    return output


def serve_demo_town() -> str:
    """Migrate a temporary database, load the demo town and serve it; returns the base URL."""
    data_dir = tempfile.mkdtemp(prefix="fengqiao-screenshot-")
    os.environ["FENGQIAO_DATA_DIR"] = data_dir
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/fengqiao.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fengqiao.settings")
    import django

    django.setup()
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.core.management import call_command
    from django.test.testcases import LiveServerThread

    from fengqiao.demo.town import load_demo_town

    call_command("migrate", verbosity=0)
    load_demo_town()
    server = LiveServerThread("127.0.0.1", StaticFilesHandler, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    return f"http://127.0.0.1:{server.port}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="base URL of a running demo (default: serve a fresh demo town)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--password", default="fengqiao-demo")
    args = parser.parse_args(argv)
    base_url = args.url.rstrip("/") if args.url else serve_demo_town()
    path = take_screenshot(base_url, args.output, password=args.password)
    print(f"{path} ({path.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
