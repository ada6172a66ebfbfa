"""API v1 for regions and grids: /api/v1/regions/, /api/v1/grids/, /api/v1/grids/locate/."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers, viewsets
from rest_framework.routers import BaseRouter

from fengqiao.regions.models import Grid, Region


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "path"]


class GridSerializer(serializers.ModelSerializer[Grid]):
    class Meta:
        model = Grid
        fields = ["id", "code", "name", "village", "area_m2", "boundary"]


class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    serializer_class = RegionSerializer

    def get_queryset(self) -> Any:
        return Region.objects.visible_to(self.request.user)


class GridViewSet(viewsets.ReadOnlyModelViewSet[Grid]):
    serializer_class = GridSerializer

    def get_queryset(self) -> Any:
        return Grid.objects.visible_to(self.request.user).select_related("village")


def register(router: BaseRouter) -> None:
    router.register("regions", RegionViewSet, basename="region")
    router.register("grids", GridViewSet, basename="grid")


urlpatterns: list[Any] = []
