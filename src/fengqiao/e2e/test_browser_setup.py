"""The browser tests fail loudly, never skip, when Debian's chromium is missing."""

from __future__ import annotations

from pathlib import Path

from fengqiao.e2e import browser


def test_a_missing_chromium_is_reported_with_the_fix(monkeypatch, tmp_path):
    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    message = browser.chromium_missing_message()
    assert message is not None
    assert "apt-get install chromium" in message
    assert str(tmp_path / "no-chromium") in message


def test_an_installed_chromium_is_accepted(monkeypatch):
    monkeypatch.setattr(browser, "CHROMIUM", Path("/bin/sh"))  # any executable file
    assert browser.chromium_missing_message() is None
