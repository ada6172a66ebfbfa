"""Grid services: create, update, set a boundary; every change audited, bad boundaries refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from fengqiao.core.models import AuditEvent
from fengqiao.regions import geo, services
from fengqiao.regions.exceptions import RegionError
from fengqiao.regions.models import Grid
from fengqiao.testing import builders

BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[107, 36], [107.01, 36.01], [107.01, 36], [107, 36.01], [107, 36]]],
}


def audit_rows(action):
    return list(AuditEvent.objects.filter(action=action).order_by("id"))


def test_create_grid_computes_the_geodesic_area_and_audits(town, administrator):
    grid = services.create_grid(
        town.village_a,
        by=administrator,
        code="GC",
        name="新网格",
        boundary=builders.square(106.9, 35.5, 0.01),
    )
    grid.refresh_from_db()
    # 0.01 degree at 35.5 N: about 906 m east-west by 1,109 m north-south.
    assert grid.area_m2 == pytest.approx(1.005e6, rel=0.01)
    [row] = audit_rows("grid.create")
    assert row.actor == administrator
    assert row.object_id == str(grid.pk)
    assert row.changes["code"] == "GC"
    assert row.changes["village"] == town.village_a.code
    geo.forget_index()
    assert geo.locate(106.905, 35.505) == grid


def test_create_grid_refuses_a_duplicate_code_and_a_non_village(town, administrator):
    with pytest.raises(RegionError):
        services.create_grid(town.village_a, by=administrator, code="GA", name="重复")
    with pytest.raises(RegionError):
        services.create_grid(town.town, by=administrator, code="GX", name="镇网格")
    assert not audit_rows("grid.create")


def test_update_grid_audits_what_changed_and_nothing_when_nothing_did(town, administrator):
    services.update_grid(town.grid_a, by=administrator, code="GA", name="东沟一网格", village=town.village_b)
    [row] = audit_rows("grid.update")
    assert row.changes == {"name": ["东沟村网格", "东沟一网格"], "village": ["东沟村", "西沟村"]}
    services.update_grid(town.grid_a, by=administrator, code="GA", name="东沟一网格", village=town.village_b)
    assert len(audit_rows("grid.update")) == 1
    town.grid_a.refresh_from_db()
    assert town.grid_a.village == town.village_b


def test_set_grid_boundary_stores_oriented_geojson_and_audits_the_area(town, administrator):
    clockwise = {
        "type": "Polygon",
        "coordinates": [[[107, 36], [107, 36.01], [107.01, 36.01], [107.01, 36], [107, 36]]],
    }
    grid = services.set_grid_boundary(town.grid_a, clockwise, by=administrator)
    grid.refresh_from_db()
    ring = grid.boundary["coordinates"][0]
    assert ring[1] == [107.01, 36.0]  # rewound counter-clockwise, as RFC 7946 asks
    assert grid.area_m2 == pytest.approx(1.0e6, rel=0.02)
    [row] = audit_rows("grid.set_boundary")
    assert row.changes["area_m2"][0] is None
    assert row.changes["area_m2"][1] == pytest.approx(grid.area_m2)
    geo.forget_index()
    assert geo.locate(107.005, 36.005) == grid
    assert geo.locate(106.805, 35.505) is None


@pytest.mark.parametrize(
    ("geometry", "message"),
    [
        (BOW_TIE, "intersects itself"),
        ({"type": "LineString", "coordinates": [[107, 36], [107.1, 36]]}, "Polygon"),
        ({"type": "Polygon", "coordinates": [[[107, 36], [107.1, 36], [107, 36]]]}, ""),
        (
            {
                "type": "Polygon",
                "coordinates": [[[500000, 3900000], [501000, 3900000], [501000, 3901000], [500000, 3900000]]],
            },
            "longitude",
        ),
        ({"type": "Polygon", "coordinates": []}, "empty"),
        ("not json", "JSON"),
    ],
)
def test_set_grid_boundary_refuses_bad_geometry(town, administrator, geometry, message):
    with pytest.raises(RegionError) as caught:
        services.set_grid_boundary(town.grid_a, geometry, by=administrator)
    assert message in str(caught.value)
    town.grid_a.refresh_from_db()
    assert town.grid_a.boundary == builders.square(106.80, 35.50, 0.01)
    assert not audit_rows("grid.set_boundary")


def test_set_grid_boundary_refuses_an_overlap_but_allows_a_shared_border(town, administrator):
    with pytest.raises(RegionError, match="GB"):
        services.set_grid_boundary(town.grid_a, builders.square(106.805, 35.50, 0.01), by=administrator)
    services.set_grid_boundary(town.grid_a, builders.square(106.80, 35.50, 0.01), by=administrator)
    services.set_grid_boundary(town.grid_a, builders.square(106.79, 35.50, 0.02), by=administrator)
    assert len(audit_rows("grid.set_boundary")) == 2


def test_clearing_a_boundary_takes_the_grid_off_the_map(town, administrator):
    services.set_grid_boundary(town.grid_a, None, by=administrator)
    town.grid_a.refresh_from_db()
    assert town.grid_a.boundary is None
    assert town.grid_a.area_m2 is None
    geo.forget_index()
    assert geo.locate(106.805, 35.505) is None


def test_only_administrators_change_grids(town, clerk, worker_a):
    for user in (clerk, worker_a):
        with pytest.raises(PermissionDenied):
            services.set_grid_boundary(town.grid_a, builders.square(107, 36, 0.01), by=user)
        with pytest.raises(PermissionDenied):
            services.create_grid(town.village_a, by=user, code="GX", name="x")
        with pytest.raises(PermissionDenied):
            services.import_boundaries({"type": "FeatureCollection", "features": []}, by=user)
    assert not Grid.objects.filter(code="GX").exists()
    assert not AuditEvent.objects.exists()


def test_setting_the_same_boundary_again_writes_nothing(town, administrator):
    services.set_grid_boundary(town.grid_a, builders.square(106.80, 35.50, 0.01), by=administrator)
    town.grid_a.refresh_from_db()
    changed_at = town.grid_a.updated_at
    services.set_grid_boundary(town.grid_a, builders.square(106.80, 35.50, 0.01), by=administrator)
    town.grid_a.refresh_from_db()
    assert town.grid_a.updated_at == changed_at
    assert len(audit_rows("grid.set_boundary")) == 1


def test_stored_coordinates_are_exactly_the_given_ones(town, administrator):
    ring = [
        [107.80123456789012, 35.5],
        [107.9, 35.5],
        [107.9, 35.612345678901234],
        [107.80123456789012, 35.5],
    ]
    grid = services.set_grid_boundary(
        town.grid_a, {"type": "Polygon", "coordinates": [ring]}, by=administrator
    )
    grid.refresh_from_db()
    assert grid.boundary == {"type": "Polygon", "coordinates": [ring]}
