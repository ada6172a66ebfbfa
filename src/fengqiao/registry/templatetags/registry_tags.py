"""`{% grid_patrols grid %}`: patrol history and counts per worker, for the regions grid page."""

from __future__ import annotations

from typing import Any

from django import template

from fengqiao.registry import queries
from fengqiao.registry.models import Patrol

register = template.Library()


@register.inclusion_tag("registry/includes/grid_patrols.html", takes_context=True)
def grid_patrols(context: dict[str, Any], grid: Any) -> dict[str, Any]:
    user = context["request"].user
    recent = Patrol.objects.visible_to(user).filter(grid=grid).select_related("worker")[:10]
    return {"patrol_counts": queries.patrol_counts(grid, user), "recent_patrols": recent}


@register.simple_tag(takes_context=True)
def may_edit_registry(context: dict[str, Any]) -> bool:
    """Whether the viewer may change the registry (menu entries for import and forms)."""
    from fengqiao.registry.privacy import edits_registry

    request = context.get("request")
    return edits_registry(request.user if request else None)


@register.simple_tag(takes_context=True)
def reads_registry(context: dict[str, Any]) -> bool:
    """Whether the viewer reads the registry's lists (department officers read key persons only)."""
    from fengqiao.registry.privacy import reads_registry as reads

    request = context.get("request")
    return reads(request.user if request else None)
