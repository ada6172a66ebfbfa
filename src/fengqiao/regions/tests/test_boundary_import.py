"""Boundary import and export: GeoJSON and zipped shapefiles (GBK attributes, CGCS2000 projected),
all or nothing with a per-feature error list, and the export round trip."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import shapefile
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import shape

from fengqiao.core.models import AuditEvent
from fengqiao.regions import boundary_files, geo, services
from fengqiao.regions.exceptions import RegionError
from fengqiao.regions.models import Grid
from fengqiao.testing import builders

BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[107, 36], [107.01, 36.01], [107.01, 36], [107, 36.01], [107, 36]]],
}


def feature(code, name, village, geometry):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "village": village},
        "geometry": geometry,
    }


def collection(*features):
    return {"type": "FeatureCollection", "features": list(features)}


def as_file(document):
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def grid_snapshot():
    return sorted(Grid.objects.values_list("code", "name", "village__code", "boundary", "area_m2"))


def test_a_good_geojson_file_imports_every_grid(town, administrator):
    data = collection(
        feature("G1", "东沟一组网格", "620802101201", builders.square(106.82, 35.50, 0.01)),
        feature("G2", "西沟二组网格", "西沟村", builders.square(106.83, 35.50, 0.01)),
    )
    result = services.import_boundaries(as_file(data), by=administrator, filename="grids.geojson")
    assert [grid.code for grid in result.created] == ["G1", "G2"]
    g1, g2 = Grid.objects.get(code="G1"), Grid.objects.get(code="G2")
    assert g1.village == town.village_a and g1.name == "东沟一组网格"
    assert g2.village == town.village_b
    assert g1.area_m2 == pytest.approx(1.005e6, rel=0.01)
    rows = AuditEvent.objects.filter(action="grid.import").order_by("id")
    assert [row.object_id for row in rows] == [str(g1.pk), str(g2.pk)]
    assert all(row.actor == administrator and row.changes["created"] for row in rows)
    geo.forget_index()
    assert geo.locate(106.835, 35.505) == g2


def test_reimporting_updates_by_code_and_audits_only_changed_grids(town, administrator):
    first = collection(
        feature("GA", "东沟村网格", "620802101201", builders.square(106.80, 35.50, 0.01)),
        feature("GB", "西沟村网格", "620802101202", builders.square(106.81, 35.50, 0.01)),
    )
    services.import_boundaries(first, by=administrator)  # area and orientation filled in: both change
    assert AuditEvent.objects.filter(action="grid.import").count() == 2
    result = services.import_boundaries(first, by=administrator)
    assert [grid.code for grid in result.unchanged] == ["GA", "GB"]
    assert AuditEvent.objects.filter(action="grid.import").count() == 2

    # Grid A grows eastward into the space B gives up, in the same file: no overlap with the old B.
    second = collection(
        feature("GA", "东沟村网格", "620802101201", builders.square(106.80, 35.50, 0.015)),
        feature("GB", "西沟村网格", "620802101202", builders.square(106.815, 35.50, 0.015)),
    )
    result = services.import_boundaries(second, by=administrator)
    assert {grid.code for grid in result.updated} == {"GA", "GB"}
    assert Grid.objects.count() == 2
    latest = AuditEvent.objects.filter(action="grid.import", object_id=str(town.grid_a.pk)).first()
    assert latest.changes["created"] is False
    assert "area_m2" in latest.changes


def test_a_bad_file_imports_nothing_and_names_each_bad_feature(town, administrator):
    before = grid_snapshot()
    data = collection(
        feature("OK1", "好网格一", "620802101201", builders.square(107.00, 36.00, 0.01)),
        feature("BOW", "蝴蝶结", "620802101201", BOW_TIE | {}),
        feature("OK2", "好网格二", "620802101202", builders.square(107.10, 36.00, 0.01)),
        feature("OVER", "重叠网格", "620802101202", builders.square(107.105, 36.005, 0.01)),
        feature("NOVIL", "无村网格", "620802101299", builders.square(107.20, 36.00, 0.01)),
        feature(
            "LINE", "线", "620802101201", {"type": "LineString", "coordinates": [[107.3, 36], [107.4, 36]]}
        ),
        feature("OK3", "好网格三", "东沟村", builders.square(107.01, 36.00, 0.01)),  # touches OK1: fine
    )
    with pytest.raises(RegionError) as caught:
        services.import_boundaries(as_file(data), by=administrator, filename="bad.geojson")
    errors = caught.value.errors
    assert {(error.index, error.code) for error in errors} == {
        (2, "BOW"),
        (4, "OVER"),
        (5, "NOVIL"),
        (6, "LINE"),
    }
    by_code = {error.code: error.message for error in errors}
    assert "intersects itself" in by_code["BOW"]
    assert "feature 3 (OK2)" in by_code["OVER"]
    assert "620802101299" in by_code["NOVIL"]
    assert "LineString" in by_code["LINE"]
    assert "4 of 7" in str(caught.value)
    assert grid_snapshot() == before
    assert not AuditEvent.objects.exists()


def test_overlapping_an_existing_grid_the_file_does_not_replace_is_an_error(town, administrator):
    data = collection(
        feature("GN", "新网格", "620802101201", builders.square(106.805, 35.505, 0.01)),
        feature("GT", "邻网格", "620802101201", builders.square(106.82, 35.50, 0.01)),  # touches GB
    )
    with pytest.raises(RegionError) as caught:
        services.import_boundaries(data, by=administrator)
    [error] = caught.value.errors
    assert (error.index, error.code) == (1, "GN")
    assert "GA" in error.message and "GB" in error.message
    assert not Grid.objects.filter(code__in=["GN", "GT"]).exists()


def test_missing_codes_duplicate_codes_and_ambiguous_villages_are_named(town, administrator):
    builders.make_region("620802101203", "西沟村", "village", parent=town.town)  # a second 西沟村
    data = collection(
        feature("", "无编码", "620802101201", builders.square(107.0, 36.0, 0.01)),
        feature("D1", "重复一", "620802101201", builders.square(107.1, 36.0, 0.01)),
        feature("D1", "重复二", "620802101201", builders.square(107.2, 36.0, 0.01)),
        feature("AMB", "歧义", "西沟村", builders.square(107.3, 36.0, 0.01)),
        {
            "type": "Feature",
            "properties": {"code": "NOGEO", "name": "无图形", "village": "东沟村"},
            "geometry": None,
        },
    )
    with pytest.raises(RegionError) as caught:
        services.import_boundaries(data, by=administrator)
    assert [error.index for error in caught.value.errors] == [1, 3, 4, 5]
    assert "ambiguous" in caught.value.errors[2].message


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01 not json", "neither GeoJSON"),
        (b'{"type": "Polygon", "coordinates": []}', "FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "no features"),
        (b"PK\x03\x04 broken zip", "zip"),
    ],
)
def test_an_unreadable_file_is_refused_as_a_whole(town, administrator, data, message):
    with pytest.raises(RegionError, match=message) as caught:
        services.import_boundaries(data, by=administrator)
    assert caught.value.errors == []


def test_a_geojson_crs_member_is_honoured(town, administrator):
    to_gk = Transformer.from_crs(4490, 4545, always_xy=True)
    ring = [
        list(to_gk.transform(lon, lat)) for lon, lat in builders.square(106.90, 35.60, 0.01)["coordinates"][0]
    ]
    data = collection(feature("GK", "投影网格", "620802101201", {"type": "Polygon", "coordinates": [ring]}))
    data["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::4545"}}
    services.import_boundaries(data, by=administrator)
    grid = Grid.objects.get(code="GK")
    assert shape(grid.boundary).equals_exact(shape(builders.square(106.90, 35.60, 0.01)), tolerance=1e-7)


# --- shapefiles ----------------------------------------------------------------------------------


def shapefile_zip(rows, *, epsg, encoding="gbk", cpg="GBK", prj=True, fields=("WGBM", "WGMC", "CUN")):
    """A zipped shapefile of lon/lat rows (code, name, village, geojson), projected to `epsg`."""
    transformer = Transformer.from_crs(4490, epsg, always_xy=True) if epsg != 4490 else None
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding=encoding)
    for name in fields:
        writer.field(name, "C", size=60)
    for code, name, village, geometry in rows:
        geom = shape(geometry)
        if transformer is not None:
            geom = shapely.transform(geom, lambda x, y: transformer.transform(x, y), interleaved=False)
        writer.shape(json.loads(shapely.to_geojson(geom)))
        writer.record(code, name, village)
    writer.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("网格/grids.shp", shp.getvalue())
        archive.writestr("网格/grids.shx", shx.getvalue())
        archive.writestr("网格/grids.dbf", dbf.getvalue())
        if prj:
            archive.writestr("网格/grids.prj", CRS.from_epsg(epsg).to_wkt("WKT1_ESRI"))
        if cpg:
            archive.writestr("网格/grids.cpg", cpg)
    return out.getvalue()


ROWS = [
    ("SG1", "东沟村第一网格", "东沟村", builders.square(106.90, 35.60, 0.01)),
    ("SG2", "西沟村第二网格", "620802101202", builders.square(106.91, 35.60, 0.01)),
]


@pytest.mark.parametrize("cpg", ["GBK", "936", None])
def test_a_projected_cgcs2000_shapefile_with_gbk_attributes_imports(town, administrator, cpg):
    data = shapefile_zip(ROWS, epsg=4545, cpg=cpg)  # CGCS2000 / 3-degree Gauss-Kruger CM 108E
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        dbf = archive.read("网格/grids.dbf")
    assert "东沟村".encode("gbk") in dbf
    assert "东沟村".encode() not in dbf
    result = services.import_boundaries(
        data,
        by=administrator,
        filename="grids.zip",
        code_field="WGBM",
        name_field="WGMC",
        village_field="CUN",
    )
    assert [grid.code for grid in result.created] == ["SG1", "SG2"]
    sg1 = Grid.objects.get(code="SG1")
    assert sg1.name == "东沟村第一网格"
    assert sg1.village == town.village_a
    assert Grid.objects.get(code="SG2").village == town.village_b
    assert shape(sg1.boundary).equals_exact(shape(ROWS[0][3]), tolerance=1e-7)
    assert sg1.area_m2 == pytest.approx(1.0e6, rel=0.02)
    geo.forget_index()
    assert geo.locate(106.905, 35.605) == sg1


def test_a_geographic_cgcs2000_shapefile_imports_as_lon_lat(town, administrator):
    data = shapefile_zip(ROWS, epsg=4490, encoding="utf-8", cpg="UTF-8")
    services.import_boundaries(
        data, by=administrator, code_field="wgbm", name_field="wgmc", village_field="cun"
    )
    assert shape(Grid.objects.get(code="SG2").boundary).equals_exact(shape(ROWS[1][3]), tolerance=1e-9)


def test_a_bad_shapefile_imports_nothing(town, administrator):
    rows = [
        *ROWS,
        ("SG3", "自相交", "东沟村", BOW_TIE),
        ("SG4", "未知村", "北沟村", builders.square(107.2, 36.0, 0.01)),
    ]
    data = shapefile_zip(rows, epsg=4545)
    with pytest.raises(RegionError) as caught:
        services.import_boundaries(
            data, by=administrator, code_field="WGBM", name_field="WGMC", village_field="CUN"
        )
    assert [(error.index, error.code) for error in caught.value.errors] == [(3, "SG3"), (4, "SG4")]
    assert "北沟村" in caught.value.errors[1].message
    assert not Grid.objects.filter(code__startswith="SG").exists()


def test_projected_coordinates_without_a_prj_are_named_per_feature(town, administrator):
    data = shapefile_zip(ROWS, epsg=4545, prj=False)
    with pytest.raises(RegionError) as caught:
        services.import_boundaries(
            data, by=administrator, code_field="WGBM", name_field="WGMC", village_field="CUN"
        )
    assert [error.index for error in caught.value.errors] == [1, 2]
    assert ".prj" in caught.value.errors[0].message


def test_a_zip_without_a_shapefile_is_refused(town, administrator):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "nothing here")
    with pytest.raises(RegionError, match="exactly one shapefile"):
        services.import_boundaries(out.getvalue(), by=administrator)


# --- export --------------------------------------------------------------------------------------


def test_geojson_export_round_trips(town, administrator, worker_a):
    services.import_boundaries(
        collection(
            feature("GA", "东沟村网格", "620802101201", builders.square(106.80, 35.50, 0.01)),
            feature("GB", "西沟村网格", "620802101202", builders.square(106.81, 35.50, 0.01)),
        ),
        by=administrator,
    )
    document = services.export_boundaries(Grid.objects.all())
    assert document["type"] == "FeatureCollection"
    first = document["features"][0]
    assert first["properties"] == {
        "code": "GA",
        "name": "东沟村网格",
        "village_code": "620802101201",
        "village_name": "东沟村",
        "workers": [worker_a.display_name],
        "area_m2": pytest.approx(1.005e6, rel=0.01),
    }
    before = grid_snapshot()
    audit_count = AuditEvent.objects.count()
    result = services.import_boundaries(as_file(document), by=administrator)
    assert len(result.unchanged) == 2
    assert grid_snapshot() == before
    assert AuditEvent.objects.count() == audit_count


def test_shapefile_export_round_trips(town, administrator, worker_a):
    services.set_grid_boundary(town.grid_a, builders.square(106.80, 35.50, 0.01), by=administrator)
    services.set_grid_boundary(town.grid_b, builders.square(106.81, 35.50, 0.01), by=administrator)
    data = services.export_boundaries_shapefile(Grid.objects.all())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = sorted(archive.namelist())
        assert names == ["grids.cpg", "grids.dbf", "grids.prj", "grids.shp", "grids.shx"]
        assert archive.read("grids.cpg") == b"UTF-8"
        assert CRS.from_wkt(archive.read("grids.prj").decode()).to_epsg() == 4326
    features = boundary_files.read_features(data)
    assert [f.get("code") for f in features] == ["GA", "GB"]
    assert features[0].get("vill_name") == "东沟村"
    assert features[0].get("workers") == worker_a.display_name
    town.grid_a.refresh_from_db()
    assert features[0].geometry.equals(shape(town.grid_a.boundary))
    before = grid_snapshot()
    result = services.import_boundaries(data, by=administrator)
    assert len(result.unchanged) == 2, (result.updated, result.created)
    assert grid_snapshot() == before
