"""API v1 for regions and grids.

/api/v1/regions/ (+ ?level=&parent=&within=&code=&name=), /api/v1/regions/{id}/,
/api/v1/grids/ (+ ?village=&town=&code=&name=), /api/v1/grids/{id}/ (with its boundary),
/api/v1/grids/locate/?lon=&lat= and /api/v1/grids/geojson/. Every answer goes through
`visible_to(user)`; single objects are 404 for missing and out of scope alike.

`locate` always answers 200 with ``{"grid": {...}}`` or ``{"grid": null}`` (outside every grid,
or in a grid the caller may not see); a missing, non-numeric or out-of-range lon/lat is a 400
``{"detail": "<message>", "code": "invalid_coordinates"}``.
"""

from __future__ import annotations

from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import BaseRouter

from fengqiao.regions import geo
from fengqiao.regions.filters import GridFilter, RegionFilter
from fengqiao.regions.models import Grid, Region
from fengqiao.regions.queries import export_boundaries, grids_for_map


class RegionSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["id", "code", "name", "level", "parent", "path"]


class GridVillageSerializer(serializers.ModelSerializer[Region]):
    class Meta:
        model = Region
        fields = ["id", "code", "name"]


class GridWorkerSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    name = serializers.CharField()


class GridSerializer(serializers.ModelSerializer[Grid]):
    village = GridVillageSerializer(read_only=True)
    workers = serializers.SerializerMethodField()

    class Meta:
        model = Grid
        fields = ["id", "code", "name", "village", "area_m2", "workers"]

    @extend_schema_field(GridWorkerSerializer(many=True))
    def get_workers(self, grid: Grid) -> list[dict[str, Any]]:
        workers = getattr(grid, "worker_list", None)
        if workers is None:
            workers = list(grid.workers.order_by("username"))
        return [{"id": worker.pk, "name": worker.display_name} for worker in workers]


class GridDetailSerializer(GridSerializer):
    boundary = serializers.JSONField(
        read_only=True, help_text="GeoJSON Polygon or MultiPolygon, WGS84 lon/lat"
    )

    class Meta(GridSerializer.Meta):
        fields = [*GridSerializer.Meta.fields, "boundary"]


class LocateResponseSerializer(serializers.Serializer[Any]):
    grid = GridSerializer(allow_null=True, help_text="The grid holding the point, or null")


class LocateErrorSerializer(serializers.Serializer[Any]):
    detail = serializers.CharField()
    code = serializers.CharField()


FEATURE_COLLECTION = inline_serializer(
    "GridFeatureCollection",
    fields={
        "type": serializers.CharField(default="FeatureCollection"),
        "features": serializers.ListField(
            child=serializers.DictField(),
            help_text="GeoJSON Features: id, geometry (WGS84) and properties code, name, village_code, "
            "village_name, workers, area_m2",
        ),
    },
)


@extend_schema_view(
    list=extend_schema(summary="Regions (county, town, village) the caller may see"),
    retrieve=extend_schema(summary="One region"),
)
class RegionViewSet(viewsets.ReadOnlyModelViewSet[Region]):
    serializer_class = RegionSerializer
    filterset_class = RegionFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> Any:
        return Region.objects.visible_to(self.request.user).order_by("path")


@extend_schema_view(
    list=extend_schema(summary="Grids the caller may see"),
    retrieve=extend_schema(summary="One grid, with its boundary", responses=GridDetailSerializer),
)
class GridViewSet(viewsets.ReadOnlyModelViewSet[Grid]):
    serializer_class = GridSerializer
    filterset_class = GridFilter
    lookup_value_regex = r"\d+"

    def get_queryset(self) -> Any:
        return grids_for_map(self.request.user)

    def get_serializer_class(self) -> Any:
        return GridDetailSerializer if self.action == "retrieve" else GridSerializer

    @extend_schema(
        summary="The grid holding a point",
        description="WGS84 longitude and latitude in degrees. A point on a border shared by several "
        "grids belongs to the one with the smallest code; a point in a grid the caller may not see "
        "answers null, like a point outside every grid.",
        parameters=[
            OpenApiParameter("lon", OpenApiTypes.DOUBLE, required=True, description="longitude, -180..180"),
            OpenApiParameter("lat", OpenApiTypes.DOUBLE, required=True, description="latitude, -90..90"),
        ],
        filters=False,
        responses={
            200: LocateResponseSerializer,
            400: OpenApiResponse(
                LocateErrorSerializer, description="missing, malformed or out-of-range lon/lat"
            ),
        },
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def locate(self, request: Request) -> Response:
        grid = geo.locate_for_user(
            request.user, request.query_params.get("lon"), request.query_params.get("lat")
        )
        if grid is not None:
            grid = self.get_queryset().get(pk=grid.pk)  # with its workers, as in the list
        return Response({"grid": GridSerializer(grid).data if grid is not None else None})

    @extend_schema(
        summary="The caller's grids as a GeoJSON FeatureCollection",
        responses={200: FEATURE_COLLECTION},
    )
    @action(detail=False, methods=["get"], pagination_class=None)
    def geojson(self, request: Request) -> Response:
        return Response(export_boundaries(self.filter_queryset(self.get_queryset())))


def register(router: BaseRouter) -> None:
    router.register("regions", RegionViewSet, basename="region")
    router.register("grids", GridViewSet, basename="grid")


urlpatterns: list[Any] = []
