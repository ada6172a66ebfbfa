"""`locate(lon, lat)`: inside, outside, on a shared border, in a hole, among 1,000 grids, and the
per-process index noticing changes made here or by another process."""

from __future__ import annotations

import random

import numpy as np
import pytest
import shapely
from shapely.geometry import shape

from fengqiao.regions import geo
from fengqiao.regions.exceptions import CoordinateError, RegionError
from fengqiao.regions.models import Grid, GridIndexVersion
from fengqiao.testing import builders


def test_it_finds_the_grid_holding_a_point(town):
    assert geo.locate(106.805, 35.505) == town.grid_a
    assert geo.locate(106.815, 35.505) == town.grid_b


def test_it_returns_none_outside_every_grid(town):
    assert geo.locate(106.7, 35.505) is None
    assert geo.locate(0, 0) is None
    assert geo.locate(106.805, 35.52) is None


def test_a_point_on_a_shared_border_goes_to_the_smallest_code(town):
    # grid A (code GA) and grid B (code GB) share the meridian 106.81.
    answers = {geo.locate(106.81, 35.505) for _ in range(5)}
    assert answers == {town.grid_a}
    geo.forget_index()
    assert geo.locate(106.81, 35.505) == town.grid_a
    # Renaming codes flips the answer: the rule is the code, not the order of creation.
    Grid.objects.filter(pk=town.grid_a.pk).update(code="GZ")
    assert geo.locate(106.81, 35.505) == town.grid_b


def test_a_corner_shared_by_four_grids_goes_to_the_smallest_code(town):
    village = town.village_a
    for code, lon, lat in (
        ("Q3", 106.9, 35.6),
        ("Q1", 106.91, 35.6),
        ("Q4", 106.9, 35.61),
        ("Q2", 106.91, 35.61),
    ):
        builders.make_grid(code, code, village, builders.square(lon, lat, 0.01))
    assert geo.locate(106.91, 35.61).code == "Q1"
    geo.forget_index()
    assert geo.locate(106.91, 35.61).code == "Q1"


def test_a_point_in_a_hole_is_outside_unless_another_grid_fills_it(town):
    outer = [[107.0, 36.0], [107.1, 36.0], [107.1, 36.1], [107.0, 36.1], [107.0, 36.0]]
    hole = [[107.04, 36.04], [107.04, 36.06], [107.06, 36.06], [107.06, 36.04], [107.04, 36.04]]
    ring = builders.make_grid(
        "RING", "环形网格", town.village_a, {"type": "Polygon", "coordinates": [outer, hole]}
    )
    assert geo.locate(107.02, 36.02) == ring
    assert geo.locate(107.05, 36.05) is None
    island = builders.make_grid("ISLE", "岛网格", town.village_b, builders.square(107.04, 36.04, 0.02))
    assert geo.locate(107.05, 36.05) == island


def test_a_multipolygon_grid_holds_points_in_each_part(town):
    parts = [
        builders.square(108.0, 36.0, 0.01)["coordinates"],
        builders.square(108.1, 36.0, 0.01)["coordinates"],
    ]
    grid = builders.make_grid(
        "MP", "飞地网格", town.village_a, {"type": "MultiPolygon", "coordinates": parts}
    )
    assert geo.locate(108.005, 36.005) == grid
    assert geo.locate(108.105, 36.005) == grid
    assert geo.locate(108.05, 36.005) is None


def lattice(village, columns=40, rows=25, size=0.01, lon0=110.0, lat0=30.0):
    grids = [
        Grid(
            code=f"L{row:02d}{column:02d}",
            name=f"格{row}-{column}",
            village=village,
            boundary=builders.square(lon0 + column * size, lat0 + row * size, size),
        )
        for row in range(rows)
        for column in range(columns)
    ]
    return Grid.objects.bulk_create(grids)


def brute_force(codes, polygons, lon, lat):
    """The smallest code among all polygons covering the point, testing every one of them."""
    covering = shapely.intersects(polygons, shapely.Point(lon, lat))
    holding = sorted(code for code, hit in zip(codes, covering, strict=True) if hit)
    return holding[0] if holding else None


def test_it_agrees_with_brute_force_among_a_thousand_grids(town):
    grids = lattice(town.village_a)
    assert len(grids) == 1000
    rng = random.Random(20261127)
    points = [(rng.uniform(109.99, 110.41), rng.uniform(29.99, 30.26)) for _ in range(300)]
    # Points exactly on lattice lines and corners, where up to four grids meet.
    points += [(110.0 + rng.randrange(41) * 0.01, 30.0 + rng.randrange(26) * 0.01) for _ in range(100)]
    points += [(110.0 + rng.randrange(41) * 0.01, rng.uniform(30.0, 30.25)) for _ in range(50)]
    all_grids = list(Grid.objects.all())
    codes = [grid.code for grid in all_grids]
    polygons = np.array([shape(grid.boundary) for grid in all_grids], dtype=object)
    for lon, lat in points:
        located = geo.locate(lon, lat)
        assert (located.code if located else None) == brute_force(codes, polygons, lon, lat), (lon, lat)
    assert len(geo.get_index()) == 1002


def test_the_index_is_rebuilt_after_a_grid_changes_here(town):
    assert geo.locate(106.85, 35.505) is None
    index = geo.get_index()
    builders.make_grid("GC", "新网格", town.village_a, builders.square(106.84, 35.50, 0.02))
    assert geo.locate(106.85, 35.505).code == "GC"
    assert geo.get_index() is not index
    town.grid_b.delete()
    assert geo.locate(106.815, 35.505) is None


def test_the_index_notices_a_change_by_another_process(town):
    assert geo.locate(106.805, 35.505) == town.grid_a
    stale = geo.get_index()
    # Another process moves grid A: simulate it by writing around this process's model calls.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE regions_grid SET boundary = %s WHERE id = %s",
            ['{"type": "Polygon", "coordinates": [[[0,0],[1,0],[1,1],[0,1],[0,0]]]}', town.grid_a.pk],
        )
    assert geo.locate(106.805, 35.505) == town.grid_a  # nothing told us yet
    GridIndexVersion.objects.filter(pk=1).update(token="bumped-by-another-process")
    assert geo.locate(106.805, 35.505) is None
    assert geo.locate(0.5, 0.5) == town.grid_a
    assert geo.get_index() is not stale


def test_the_index_is_rebuilt_when_this_process_forgets_it(town):
    first = geo.get_index()
    geo.forget_index()
    assert geo.get_index() is not first
    assert geo.get_index() is geo.get_index()


def test_grids_changed_tells_every_process(town):
    before = GridIndexVersion.current()
    geo.grids_changed()
    assert GridIndexVersion.current() != before


def test_a_missing_version_row_is_recreated_with_a_fresh_token(town):
    index = geo.get_index()
    GridIndexVersion.objects.all().delete()
    assert geo.get_index() is not index
    assert GridIndexVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("lon", "lat"),
    [
        (None, 35),
        (106, None),
        ("", 35),
        ("east", 35),
        (181, 35),
        (-180.5, 0),
        (106, 91),
        (106, -90.01),
        (float("nan"), 35),
        (float("inf"), 35),
        (True, 35),
    ],
)
def test_it_refuses_coordinates_out_of_range(town, lon, lat):
    with pytest.raises(CoordinateError) as caught:
        geo.locate(lon, lat)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, RegionError)
    assert str(caught.value)


def test_it_accepts_the_extreme_coordinates(town):
    assert geo.locate(-180, -90) is None
    assert geo.locate("180", "90") is None


def test_locate_for_user_hides_grids_the_user_may_not_see(town, worker_a, worker_b, clerk):
    assert geo.locate_for_user(worker_a, 106.805, 35.505) == town.grid_a
    assert geo.locate_for_user(worker_b, 106.805, 35.505) is None
    assert geo.locate_for_user(worker_b, 106.815, 35.505) == town.grid_b
    assert geo.locate_for_user(clerk, 106.805, 35.505) == town.grid_a
    # The border belongs to grid A for everyone, so worker_b does not get grid B there.
    assert geo.locate_for_user(worker_b, 106.81, 35.505) is None


def test_only_writes_to_boundary_or_code_make_the_index_stale(town):
    token = GridIndexVersion.current()
    Grid.objects.filter(pk=town.grid_a.pk).update(name="改名")
    town.grid_b.name = "也改名"
    town.grid_b.save(update_fields=["name", "updated_at"])
    assert GridIndexVersion.current() == token
    Grid.objects.bulk_update([town.grid_b], ["code"])
    assert GridIndexVersion.current() != token
