"""Messages are asserted in English (the msgids); the UI default is zh-hans."""

from __future__ import annotations

import pytest
from django.utils import translation

from fengqiao.regions import geo


def pytest_configure(config: pytest.Config) -> None:
    # xdist registers this marker itself; declare it too so `-p no:xdist --strict-markers` works.
    config.addinivalue_line("markers", "xdist_group(name): run the marked tests on one xdist worker")


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fresh_index():
    """Each test starts with no index in this process, as a freshly started process would."""
    geo.forget_index()
    yield
    geo.forget_index()
