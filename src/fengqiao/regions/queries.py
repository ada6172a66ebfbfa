"""Read helpers for regions and grids, always scoped."""

from __future__ import annotations

from typing import Any

from fengqiao.core.scoping import get_for_user
from fengqiao.regions.models import Grid, Region


def get_region_for_user(user: Any, pk: Any) -> Region:
    """The region if the user may see it; 404 if it is missing or out of scope."""
    return get_for_user(Region.objects, user, pk)


def get_grid_for_user(user: Any, pk: Any) -> Grid:
    """The grid if the user may see it; 404 if it is missing or out of scope."""
    return get_for_user(Grid.objects, user, pk)
