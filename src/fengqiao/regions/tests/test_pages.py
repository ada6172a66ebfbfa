"""The grid map, a grid's page, and the administrators' boundary import and export pages."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from fengqiao.core.models import AuditEvent
from fengqiao.regions.models import Grid
from fengqiao.testing import builders

BOW_TIE = {
    "type": "Polygon",
    "coordinates": [[[107, 36], [107.01, 36.01], [107.01, 36], [107, 36.01], [107, 36]]],
}


def map_features(response):
    return response.context["grid_features"]["features"]


def test_the_map_draws_the_visible_grids_with_names_workers_and_links(client, town, clerk, worker_a):
    client.force_login(clerk)
    response = client.get(reverse("regions:grid_map"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    features = map_features(response)
    assert [f["properties"]["code"] for f in features] == ["GA", "GB"]
    assert features[0]["properties"]["workers"] == [worker_a.display_name]
    assert features[0]["properties"]["url"] == reverse("regions:grid_detail", args=[town.grid_a.pk])
    html = response.content.decode()
    assert 'id="grid-map"' in html
    assert 'id="grid-features"' in html
    assert "regions/grid_map.js" in html
    assert "vendor/leaflet/leaflet.js" in html
    assert "<h1" in html and ">Grid map</h1>" in html
    assert "东沟村网格" in html and "西沟村网格" in html


def test_the_map_has_no_basemap_unless_a_tile_server_is_set(client, town, clerk):
    client.force_login(clerk)
    assert client.get(reverse("regions:grid_map")).context["map_settings"]["tile_url"] == ""
    with override_settings(MAP_TILE_URL="http://tiles.intranet/{z}/{x}/{y}.png"):
        response = client.get(reverse("regions:grid_map"))
    assert response.context["map_settings"]["tile_url"] == "http://tiles.intranet/{z}/{x}/{y}.png"
    assert "tiles.intranet" in response.content.decode()


def test_grids_without_a_boundary_are_listed_but_not_drawn(client, town, clerk):
    builders.make_grid("GN", "无边界网格", town.village_a)
    client.force_login(clerk)
    response = client.get(reverse("regions:grid_map"))
    assert [f["properties"]["code"] for f in map_features(response)] == ["GA", "GB"]
    assert "无边界网格" in response.content.decode()


def test_the_map_page_query_count_does_not_grow_with_grids(
    client, town, clerk, django_assert_max_num_queries
):
    for number in range(30):
        grid = builders.make_grid(
            f"X{number:02d}", f"网格{number}", town.village_a, builders.square(110 + number, 30, 0.5)
        )
        builders.make_user(f"w{number}", "grid_worker", grids=[grid])
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("regions:grid_map"))
    assert len(map_features(response)) == 32


def test_the_grid_page_shows_code_village_area_workers_and_liaisons(client, town, clerk, leader, worker_a):
    cadre = builders.make_user("cadre", "clerk", full_name="包村干部甲", regions=[town.town])
    town.village_a.liaison_leaders.add(leader)
    town.village_a.liaison_cadres.add(cadre)
    Grid.objects.filter(pk=town.grid_a.pk).update(area_m2=1005000.4)
    client.force_login(clerk)
    response = client.get(reverse("regions:grid_detail", args=[town.grid_a.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert "东沟村网格" in html and "GA" in html and "东沟村" in html and "620802101201" in html
    assert "1005000" in html.replace(",", "")
    assert worker_a.display_name in html
    assert leader.display_name in html and "包村干部甲" in html
    assert 'id="grid-detail-map"' in html
    assert [f["properties"]["code"] for f in map_features(response)] == ["GA"]


# --- scoping --------------------------------------------------------------------------------------


def test_worker_b_gets_404_for_grid_a_and_sees_only_grid_b_on_the_map(client, town, worker_b):
    client.force_login(worker_b)
    assert client.get(reverse("regions:grid_detail", args=[town.grid_a.pk])).status_code == 404
    assert client.get(reverse("regions:grid_detail", args=[999999])).status_code == 404
    assert client.get(reverse("regions:grid_detail", args=[town.grid_b.pk])).status_code == 200
    response = client.get(reverse("regions:grid_map"))
    assert [f["properties"]["code"] for f in map_features(response)] == ["GB"]
    assert "东沟村网格" not in response.content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, town):
    for url in (reverse("regions:grid_map"), reverse("regions:grid_detail", args=[town.grid_a.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


ADMIN_PAGES = [
    ("get", "regions:boundary_import"),
    ("post", "regions:boundary_import"),
    ("get", "regions:boundary_export"),
    ("get", "regions:boundary_export_geojson"),
    ("get", "regions:boundary_export_shapefile"),
]


@pytest.mark.parametrize(("method", "name"), ADMIN_PAGES)
@pytest.mark.parametrize("persona", ["clerk", "leader", "worker_a", "police", "auditor"])
def test_import_and_export_are_for_administrators_only(client, town, request, persona, method, name):
    client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(reverse(name))
    assert response.status_code == 403
    assert Grid.objects.count() == 2


def test_the_map_offers_import_and_export_to_administrators_only(client, town, clerk, administrator):
    client.force_login(clerk)
    assert reverse("regions:boundary_import") not in client.get(reverse("regions:grid_map")).content.decode()
    client.force_login(administrator)
    assert reverse("regions:boundary_import") in client.get(reverse("regions:grid_map")).content.decode()


# --- import page ----------------------------------------------------------------------------------


def upload(document, name="grids.geojson"):
    return SimpleUploadedFile(name, json.dumps(document, ensure_ascii=False).encode(), "application/geo+json")


def feature(code, name, village, geometry):
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name, "village": village},
        "geometry": geometry,
    }


def test_a_good_file_is_imported_from_the_page(client, town, administrator):
    client.force_login(administrator)
    document = {
        "type": "FeatureCollection",
        "features": [feature("G1", "一组", "620802101201", builders.square(106.9, 35.5, 0.01))],
    }
    response = client.post(
        reverse("regions:boundary_import"),
        {"file": upload(document), "code_field": "code", "name_field": "name", "village_field": ""},
        HTTP_ACCEPT_LANGUAGE="en",
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("regions:grid_map")
    assert "1 grids created" in response.content.decode()
    grid = Grid.objects.get(code="G1")
    assert grid.village == town.village_a
    assert (
        AuditEvent.objects.filter(action="grid.import", object_id=str(grid.pk), actor=administrator).count()
        == 1
    )


def test_a_bad_file_shows_the_error_table_and_imports_nothing(client, town, administrator):
    client.force_login(administrator)
    document = {
        "type": "FeatureCollection",
        "features": [
            feature("OK", "好", "620802101201", builders.square(107.0, 36.0, 0.01)),
            feature("BOW", "蝴蝶结", "620802101201", BOW_TIE),
            feature("OVER", "重叠", "620802101201", builders.square(106.805, 35.5, 0.01)),
            feature("NOVIL", "无村", "北沟村", builders.square(107.2, 36.0, 0.01)),
        ],
    }
    response = client.post(
        reverse("regions:boundary_import"),
        {"file": upload(document), "code_field": "code", "name_field": "name"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    errors = response.context["feature_errors"]
    assert [(error.index, error.code) for error in errors] == [(2, "BOW"), (3, "OVER"), (4, "NOVIL")]
    html = response.content.decode()
    assert 'data-testid="feature-errors"' in html
    assert "Nothing was imported" in html
    assert "北沟村" in html
    assert not Grid.objects.filter(code__in=["OK", "BOW", "OVER", "NOVIL"]).exists()
    assert not AuditEvent.objects.filter(action__startswith="grid.").exists()


def test_an_unreadable_upload_is_refused_with_a_message(client, town, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("regions:boundary_import"),
        {
            "file": SimpleUploadedFile("grids.shp", b"\x00\x00\x27\x0a"),
            "code_field": "code",
            "name_field": "name",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert ".zip" in response.content.decode()
    assert Grid.objects.count() == 2


# --- export pages ---------------------------------------------------------------------------------


def test_the_export_page_and_downloads(client, town, administrator, worker_a):
    client.force_login(administrator)
    page = client.get(reverse("regions:boundary_export"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "2 grids will be exported" in page.content.decode()

    geojson = client.get(reverse("regions:boundary_export_geojson"))
    assert geojson["Content-Type"].startswith("application/geo+json")
    assert "attachment" in geojson["Content-Disposition"]
    document = json.loads(geojson.content)
    assert [f["properties"]["code"] for f in document["features"]] == ["GA", "GB"]
    assert document["features"][0]["properties"]["workers"] == [worker_a.display_name]

    filtered = json.loads(
        client.get(reverse("regions:boundary_export_geojson") + f"?village={town.village_b.pk}").content
    )
    assert [f["properties"]["code"] for f in filtered["features"]] == ["GB"]

    shapefile_zip = client.get(reverse("regions:boundary_export_shapefile"))
    assert shapefile_zip["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(shapefile_zip.content)) as archive:
        assert {"grids.shp", "grids.shx", "grids.dbf", "grids.prj", "grids.cpg"} == set(archive.namelist())
