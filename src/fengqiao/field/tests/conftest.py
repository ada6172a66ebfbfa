from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from fengqiao.testing import builders


@pytest.fixture
def watch_member(town: Any) -> Any:
    return builders.make_user("watch_a", "watch_member", grids=[town.grid_a])


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_search_limits() -> Any:
    """The full-ID search limit lives in the cache, keyed by user id, which tests reuse."""
    cache.clear()
    yield
    cache.clear()
