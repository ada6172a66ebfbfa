"""Read helpers for regions and grids, always scoped (the caller passes a `visible_to` queryset)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from fengqiao.core.scoping import get_for_user
from fengqiao.regions import boundary_files
from fengqiao.regions.models import Grid, GridQuerySet, Region


def get_region_for_user(user: Any, pk: Any) -> Region:
    """The region if the user may see it; 404 if it is missing or out of scope."""
    return get_for_user(Region.objects, user, pk)


def get_grid_for_user(user: Any, pk: Any) -> Grid:
    """The grid if the user may see it; 404 if it is missing or out of scope."""
    return get_for_user(Grid.objects, user, pk)


def grids_for_map(user: Any) -> GridQuerySet:
    """The user's visible grids with their village and workers, ready for a map or a list."""
    queryset: Any = Grid.objects.visible_to(user)
    return queryset.select_related("village").with_workers().order_by("code")


def export_rows(queryset: QuerySet[Grid]) -> list[boundary_files.ExportRow]:
    grids: Any = queryset
    grids = grids.select_related("village").with_workers().order_by("code")
    return [
        boundary_files.ExportRow(
            id=grid.pk,
            code=grid.code,
            name=grid.name,
            village_code=grid.village.code,
            village_name=grid.village.name,
            workers=[worker.display_name for worker in grid.worker_list],
            area_m2=grid.area_m2,
            boundary=grid.boundary,
        )
        for grid in grids
    ]


def export_boundaries(queryset: QuerySet[Grid]) -> dict[str, Any]:
    """The grids as a GeoJSON FeatureCollection (WGS84): code, name, village, workers, area.

    The same document feeds the map page, /api/v1/grids/geojson/ and the GeoJSON download; the
    feature `id` is the grid's id. Pass a queryset already scoped with `visible_to`.
    """
    return boundary_files.geojson_document(export_rows(queryset))


def export_boundaries_shapefile(queryset: QuerySet[Grid]) -> bytes:
    """The grids as a zipped shapefile (WGS84 .prj, UTF-8 .cpg), same attributes as the GeoJSON."""
    return boundary_files.shapefile_zip(export_rows(queryset))


def liaisons_of(village: Region) -> dict[str, list[Any]]:
    """The village's liaison leaders (包村领导) and cadres (包村干部), by name."""
    return {
        "leaders": sorted(village.liaison_leaders.all(), key=lambda user: user.username),
        "cadres": sorted(village.liaison_cadres.all(), key=lambda user: user.username),
    }
