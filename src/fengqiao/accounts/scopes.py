"""How a role and its assignments become a `Scope` (see DESIGN.md "Data scoping")."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fengqiao.core.scoping import Scope

if TYPE_CHECKING:
    from fengqiao.accounts.models import User


def compute_scope(user: User) -> Scope:
    from fengqiao.accounts.models import GRID_ROLES, Role

    if user.is_superuser or user.role == Role.ADMINISTRATOR:
        return Scope(everything=True)
    region_paths = tuple(user.regions.values_list("path", flat=True))
    if user.role in GRID_ROLES:
        return Scope(grid_ids=frozenset(user.grids.values_list("id", flat=True)))
    if user.role == Role.DEPARTMENT_OFFICER:
        # A department sees its own data; the department's area (its town, or its village for a
        # village committee) gives it the map and the grids it works in.
        department = user.department
        if department is None:
            return Scope()
        department_path = department.region.path if department.region_id else None
        return Scope(
            department_ids=frozenset({department.pk}),
            region_paths=(department_path,) if department_path else (),
        )
    return Scope(region_paths=region_paths, grid_ids=frozenset(user.grids.values_list("id", flat=True)))
