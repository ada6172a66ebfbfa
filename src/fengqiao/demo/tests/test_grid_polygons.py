"""The 20 grid polygons tile the town: valid, pairwise non-overlapping, one polygon together."""

from __future__ import annotations

from itertools import combinations

import pytest
from pyproj import Geod
from shapely import union_all
from shapely.geometry import Polygon, shape

from fengqiao.demo.plan import build_plan
from fengqiao.regions.models import Grid


@pytest.fixture(scope="module")
def polygons() -> list[Polygon]:
    return [shape(village.boundary) for village in build_plan().villages]


def test_every_polygon_is_a_valid_counter_clockwise_geojson_polygon(polygons):
    for village in build_plan().villages:
        ring = village.boundary["coordinates"][0]
        assert village.boundary["type"] == "Polygon"
        assert ring[0] == ring[-1]
    assert all(polygon.is_valid and polygon.exterior.is_ccw for polygon in polygons)


def test_no_two_polygons_overlap(polygons):
    for a, b in combinations(polygons, 2):
        assert a.intersection(b).area == 0


def test_neighbours_share_their_border(polygons):
    # Cells are laid out 5 by 4 from the north-west; east and south neighbours touch along a line.
    for index, polygon in enumerate(polygons):
        row, column = divmod(index, 5)
        if column < 4:
            assert polygon.intersection(polygons[index + 1]).length > 0
        if row < 3:
            assert polygon.intersection(polygons[index + 5]).length > 0


def test_their_union_is_one_polygon_without_holes(polygons):
    union = union_all(polygons)
    assert union.geom_type == "Polygon"
    assert len(union.interiors) == 0
    assert union.area == pytest.approx(sum(p.area for p in polygons), rel=1e-9)


def test_the_town_lies_east_of_pingliang(polygons):
    min_lon, min_lat, max_lon, max_lat = union_all(polygons).bounds
    assert 106.70 < min_lon < max_lon < 106.92
    assert 35.42 < min_lat < max_lat < 35.58
    assert (min_lon + max_lon) / 2 == pytest.approx(106.8, abs=0.03)
    assert (min_lat + max_lat) / 2 == pytest.approx(35.5, abs=0.03)


def test_the_stored_areas_are_geodesic(demo_town):
    geod = Geod(ellps="WGS84")
    for grid in Grid.objects.all():
        area, _perimeter = geod.geometry_area_perimeter(shape(grid.boundary))
        assert grid.area_m2 == pytest.approx(abs(area), abs=1)
    total_km2 = sum(Grid.objects.values_list("area_m2", flat=True)) / 1e6
    assert 80 < total_km2 < 200  # a township of the loess plateau
