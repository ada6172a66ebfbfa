"""Messages are asserted in English (the msgids); the UI default is zh-hans."""

from __future__ import annotations

import pytest
from django.utils import translation

from fengqiao.regions import geo


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
