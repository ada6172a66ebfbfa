"""Deployment checks of our own, run by `fengqiao check --deploy`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.caches, deploy=True)
def shared_cache_in_production(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.PRODUCTION and backend.endswith("LocMemCache"):
        return [
            Warning(
                "The cache is per process, so each gunicorn worker keeps its own rate limits.",
                hint="Set CACHE_URL to a Redis server, e.g. redis://127.0.0.1:6379/0.",
                id="fengqiao.W001",
            )
        ]
    return []
