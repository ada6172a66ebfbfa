"""One FilterSet per list, shared by the pages, the API and the boundary export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fengqiao.regions.models import Grid, Region


class RegionFilter(django_filters.FilterSet):
    """Regions by level, parent, code or name, or everything under one region (`within`)."""

    level = django_filters.ChoiceFilter(label=_("Level"), choices=Region.Level.choices)
    parent = django_filters.NumberFilter(label=_("Parent region"), field_name="parent_id")
    within = django_filters.NumberFilter(label=_("Under region"), method="filter_within")
    code = django_filters.CharFilter(label=_("Division code"), field_name="code")
    name = django_filters.CharFilter(label=_("Name contains"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Region
        fields = ["level", "parent", "within", "code", "name"]

    def filter_within(self, queryset: QuerySet[Region], name: str, value: Any) -> QuerySet[Region]:
        # The anchor is looked up unscoped, but only its path is used to narrow an already scoped
        # queryset, so an out-of-scope anchor yields no rows it could reveal.
        path = Region.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        return queryset.filter(path__startswith=path).exclude(path=path)


class GridFilter(django_filters.FilterSet):
    """Grids by village, town, code or name."""

    village = django_filters.NumberFilter(label=_("Village"), field_name="village_id")
    town = django_filters.NumberFilter(label=_("Town"), field_name="village__parent_id")
    code = django_filters.CharFilter(label=_("Grid code"), field_name="code")
    name = django_filters.CharFilter(label=_("Name contains"), field_name="name", lookup_expr="icontains")

    class Meta:
        model = Grid
        fields = ["village", "town", "code", "name"]
