"""Small template helpers for the account pages."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def minutes(value: dt.timedelta | None) -> int:
    """A duration in whole minutes (for the lockout page)."""
    return int(value.total_seconds() // 60) if value else 0
