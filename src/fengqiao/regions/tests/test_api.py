"""/api/v1/regions/ and /api/v1/grids/ (+ locate, geojson): shapes, filters, scoping, query counts."""

from __future__ import annotations

import pytest

from fengqiao.testing import builders


def test_the_grid_list_shows_village_and_workers(town, clerk, worker_a):
    response = builders.api_client(clerk).get("/api/v1/grids/")
    assert response.status_code == 200
    results = response.json()["results"]
    assert [grid["code"] for grid in results] == ["GA", "GB"]
    assert results[0]["village"] == {"id": town.village_a.pk, "code": "620802101201", "name": "东沟村"}
    assert results[0]["workers"] == [{"id": worker_a.pk, "name": worker_a.display_name}]
    assert "boundary" not in results[0]


def test_the_grid_list_filters_by_village_and_town(town, clerk):
    client = builders.api_client(clerk)
    codes = lambda query: [g["code"] for g in client.get(f"/api/v1/grids/?{query}").json()["results"]]  # noqa: E731
    assert codes(f"village={town.village_b.pk}") == ["GB"]
    assert codes(f"town={town.town.pk}") == ["GA", "GB"]
    assert codes("code=GA") == ["GA"]
    assert codes("name=西沟") == ["GB"]


def test_the_grid_list_query_count_does_not_grow_with_grids(town, clerk, django_assert_max_num_queries):
    for number in range(30):
        grid = builders.make_grid(f"X{number:02d}", f"网格{number}", town.village_a)
        builders.make_user(f"w{number}", "grid_worker", grids=[grid])
    client = builders.api_client(clerk)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/grids/")
    assert response.json()["count"] == 32


def test_a_grid_detail_has_its_boundary(town, clerk):
    response = builders.api_client(clerk).get(f"/api/v1/grids/{town.grid_a.pk}/")
    assert response.status_code == 200
    assert response.json()["boundary"] == builders.square(106.80, 35.50, 0.01)


def test_regions_list_and_filters(town, clerk):
    client = builders.api_client(clerk)
    response = client.get("/api/v1/regions/?level=village")
    assert [r["code"] for r in response.json()["results"]] == ["620802101201", "620802101202"]
    assert [r["name"] for r in client.get(f"/api/v1/regions/?parent={town.town.pk}").json()["results"]] == [
        "东沟村",
        "西沟村",
    ]
    assert client.get(f"/api/v1/regions/?within={town.county.pk}").json()["count"] == 3
    assert client.get(f"/api/v1/regions/{town.village_a.pk}/").json()["path"] == town.village_a.path


def test_locate_answers_the_grid_or_null(town, clerk, worker_a):
    client = builders.api_client(clerk)
    response = client.get("/api/v1/grids/locate/?lon=106.805&lat=35.505")
    assert response.status_code == 200
    body = response.json()
    assert body["grid"]["id"] == town.grid_a.pk
    assert body["grid"]["code"] == "GA"
    assert body["grid"]["village"]["code"] == "620802101201"
    assert body["grid"]["workers"] == [{"id": worker_a.pk, "name": worker_a.display_name}]
    assert client.get("/api/v1/grids/locate/?lon=106.81&lat=35.505").json()["grid"]["code"] == "GA"
    assert client.get("/api/v1/grids/locate/?lon=100&lat=30").json() == {"grid": None}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?lon=106.8",
        "?lat=35.5",
        "?lon=abc&lat=35.5",
        "?lon=200&lat=35.5",
        "?lon=106&lat=-91",
        "?lon=nan&lat=1",
    ],
)
def test_locate_refuses_missing_or_malformed_coordinates(town, clerk, query):
    response = builders.api_client(clerk).get(f"/api/v1/grids/locate/{query}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_coordinates"
    assert response.json()["detail"]


def test_geojson_lists_the_visible_grids(town, clerk):
    response = builders.api_client(clerk).get("/api/v1/grids/geojson/")
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == ["GA", "GB"]
    assert body["features"][0]["id"] == town.grid_a.pk
    assert body["features"][0]["geometry"]["type"] == "Polygon"
    filtered = builders.api_client(clerk).get(f"/api/v1/grids/geojson/?village={town.village_b.pk}").json()
    assert [f["properties"]["code"] for f in filtered["features"]] == ["GB"]


# --- scoping: worker_b sees grid B and village B, nothing of A ------------------------------------


def test_worker_b_gets_404_for_grid_a_and_village_a(town, worker_b):
    client = builders.api_client(worker_b)
    assert client.get(f"/api/v1/grids/{town.grid_a.pk}/").status_code == 404
    assert client.get(f"/api/v1/regions/{town.village_a.pk}/").status_code == 404
    assert client.get("/api/v1/grids/999999/").status_code == 404
    assert client.get(f"/api/v1/grids/{town.grid_b.pk}/").status_code == 200
    assert client.get(f"/api/v1/regions/{town.village_b.pk}/").status_code == 200


def test_worker_b_lists_only_grid_b_and_village_b(town, worker_b):
    client = builders.api_client(worker_b)
    assert [g["code"] for g in client.get("/api/v1/grids/").json()["results"]] == ["GB"]
    assert [r["code"] for r in client.get("/api/v1/regions/").json()["results"]] == ["620802101202"]
    features = client.get("/api/v1/grids/geojson/").json()["features"]
    assert [f["properties"]["code"] for f in features] == ["GB"]
    assert client.get(f"/api/v1/regions/?within={town.town.pk}").json()["count"] == 1


def test_worker_b_locating_a_point_in_grid_a_gets_null(town, worker_b):
    client = builders.api_client(worker_b)
    assert client.get("/api/v1/grids/locate/?lon=106.805&lat=35.505").json() == {"grid": None}
    assert client.get("/api/v1/grids/locate/?lon=106.815&lat=35.505").json()["grid"]["code"] == "GB"


def test_anonymous_callers_are_refused(town):
    client = builders.api_client()
    for url in (
        "/api/v1/grids/",
        "/api/v1/regions/",
        "/api/v1/grids/locate/?lon=1&lat=1",
        "/api/v1/grids/geojson/",
    ):
        assert client.get(url).status_code in (401, 403), url
