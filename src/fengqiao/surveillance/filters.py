"""THE FilterSets of video surveillance, shared by the camera list page and the API.

They filter an already scoped queryset (`visible_to(user)`), never widen it. Query parameters of
`CameraFilter`: `village`, `grid` and `room` (ids, within the caller's scope), `purpose` and
`status` (repeatable or comma-separated), `active` (true/false) and `q` (code, name or place).
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from fengqiao.cases.filters import ChoicesFilter
from fengqiao.regions.models import Grid, Region
from fengqiao.surveillance.models import Camera, CameraPurpose, MonitoringRoom, Purpose


def _user(request: Any) -> Any:
    return getattr(request, "user", None)


def _villages(request: Any) -> Any:
    return Region.objects.visible_to(_user(request)).filter(level=Region.Level.VILLAGE).order_by("code")


def _grids(request: Any) -> Any:
    return Grid.objects.visible_to(_user(request)).order_by("code")


def _rooms(request: Any) -> Any:
    return MonitoringRoom.objects.visible_to(_user(request)).order_by("village__code", "name")


class CameraFilter(django_filters.FilterSet):
    """Cameras by village, grid, room, purpose, status, in use, and a free-text `q`."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    village = django_filters.ModelChoiceFilter(
        label=_("Village"), field_name="room__village", queryset=_villages
    )
    grid = django_filters.ModelChoiceFilter(label=_("Grid"), field_name="grid", queryset=_grids)
    room = django_filters.ModelChoiceFilter(label=_("Monitoring room"), field_name="room", queryset=_rooms)
    purpose = ChoicesFilter(label=_("Purpose"), choices=Purpose.choices, method="filter_purpose")
    status = ChoicesFilter(label=_("Status"), choices=Camera.Status.choices)
    active = django_filters.BooleanFilter(label=_("In use"))

    class Meta:
        model = Camera
        fields = ["q", "village", "grid", "room", "purpose", "status", "active"]

    def filter_q(self, queryset: Any, name: str, value: str) -> Any:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(channel_code__icontains=value) | Q(name__icontains=value) | Q(place__icontains=value)
        )

    def filter_purpose(self, queryset: Any, name: str, value: list[str]) -> Any:
        if not value:
            return queryset
        # EXISTS, not a join: a camera with two of the asked purposes is still one row.
        rows = CameraPurpose.objects.filter(camera=OuterRef("pk"), purpose__in=list(value))
        return queryset.filter(Exists(rows))


class MonitoringRoomFilter(django_filters.FilterSet):
    """Monitoring rooms by village and a free-text `q` (name, address)."""

    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    village = django_filters.ModelChoiceFilter(label=_("Village"), field_name="village", queryset=_villages)

    class Meta:
        model = MonitoringRoom
        fields = ["q", "village"]

    def filter_q(self, queryset: Any, name: str, value: str) -> Any:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(address__icontains=value))


class CameraAPIFilter(CameraFilter):
    """The API's camera filters: those of the page, and `case` (the camera a case was found through).

    A separate class so the page's filter form does not grow a case-number box.
    """

    case = django_filters.NumberFilter(label=_("Case"), method="filter_case")

    class Meta(CameraFilter.Meta):
        fields = [*CameraFilter.Meta.fields, "case"]

    def filter_case(self, queryset: Any, name: str, value: Any) -> Any:
        from fengqiao.cases.models import Case
        from fengqiao.surveillance.models import VideoFinding

        if value is None:
            return queryset
        # Only a case the caller may see answers: the filter must not tell which camera saw a
        # case outside their scope.
        visible = Case.objects.visible_to(_user(self.request)).filter(pk=value).values("pk")
        findings = VideoFinding.objects.filter(camera=OuterRef("pk"), case__in=visible)
        return queryset.filter(Exists(findings))
