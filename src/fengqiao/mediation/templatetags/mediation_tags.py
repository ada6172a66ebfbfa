"""Template helpers for mediation pages and documents."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def lookup(mapping: dict[str, Any], key: Any) -> Any:
    """`{{ zh.role|lookup:party.role }}`: a value from a dict by a key known only at render time."""
    return mapping.get(key, key) if mapping else key
