"""Who may see what (数据权限): the one gate every page, export and API read goes through.

A user's `Scope` is worked out once per request from their role and assignments. Each scoped
model's QuerySet subclasses `ScopedQuerySet` and names the lookups that tie a row to a region
path, a grid or a department; `visible_to(user)` then filters by whichever of those the user
holds. Single objects are fetched with `get_for_user`, which answers 404 both for a missing row and
for one out of scope, so a URL never reveals whether something exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import Q
from django.http import Http404

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """The areas and departments one user may see."""

    everything: bool = False
    region_paths: tuple[str, ...] = ()
    grid_ids: frozenset[int] = field(default_factory=frozenset)
    department_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_empty(self) -> bool:
        return not (self.everything or self.region_paths or self.grid_ids or self.department_ids)


NO_SCOPE = Scope()


def scope_of(user: Any) -> Scope:
    """The user's scope, cached on the user object for the life of the request."""
    if user is None or not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return NO_SCOPE
    cached = getattr(user, "_fengqiao_scope", None)
    if cached is None:
        from fengqiao.accounts.scopes import compute_scope

        cached = compute_scope(user)
        user._fengqiao_scope = cached
    return cached


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's assignments change."""
    if hasattr(user, "_fengqiao_scope"):
        del user._fengqiao_scope


def path_q(lookup: str, paths: tuple[str, ...]) -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{lookup}__startswith": path})
    return query


class ScopedQuerySet(models.QuerySet[_M], Generic[_M]):
    """A QuerySet that knows how to restrict itself to what a user may see.

    Subclasses set the lookups that apply: `region_path_lookup` (a materialised region path that
    must start with one of the user's region paths), `grid_lookup` (a grid id among the user's
    grids) and `department_lookup` (a department id among the user's departments). A lookup left
    as None means that kind of scope grants nothing on this model.
    """

    region_path_lookup: str | None = None
    grid_lookup: str | None = None
    department_lookup: str | None = None

    def visible_to(self, user: Any) -> ScopedQuerySet[_M]:
        scope = scope_of(user)
        if scope.everything:
            return self.all()
        if scope.is_empty:
            return self.none()
        query = self.scope_q(scope)
        return self.filter(query).distinct() if self.scope_needs_distinct else self.filter(query)

    scope_needs_distinct = False

    def scope_q(self, scope: Scope) -> Q:
        query = Q(pk__in=[])
        if self.region_path_lookup and scope.region_paths:
            query |= path_q(self.region_path_lookup, scope.region_paths)
        if self.grid_lookup and scope.grid_ids:
            query |= Q(**{f"{self.grid_lookup}__in": scope.grid_ids})
        if self.department_lookup and scope.department_ids:
            query |= Q(**{f"{self.department_lookup}__in": scope.department_ids})
        return query


def get_for_user(queryset: Any, user: Any, pk: Any) -> Any:
    """The object with this pk if the user may see it; Http404 if it is missing or out of scope."""
    try:
        return queryset.visible_to(user).get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
