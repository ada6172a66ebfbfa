"""What every page's shell shows: navigation for the role, today's duty leader, the map settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from fengqiao.core.navigation import navigation_for


def shell(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    context: dict[str, Any] = {"MAP_TILE_URL": settings.MAP_TILE_URL, "nav_items": [], "duty_today": None}
    if user is not None and user.is_authenticated:
        from fengqiao.center.queries import duty_today_for

        context["nav_items"] = navigation_for(user)
        context["duty_today"] = duty_today_for(user)
    return context
