"""The OpenAPI schema and the offline Swagger UI."""

from __future__ import annotations

import re

from django.core.management import call_command


def test_the_schema_generates_without_warnings(capsys, db):
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", "/dev/null")
    assert "Warning" not in capsys.readouterr().err


def test_the_schema_lists_the_v1_endpoints(client, clerk):
    client.force_login(clerk)
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/regions/",
        "/api/v1/grids/",
        "/api/v1/grids/locate/",
        "/api/v1/departments/",
        "/api/v1/duty/today/",
    ):
        assert path in paths, path


def test_swagger_ui_is_served_from_local_static_files(client, clerk):
    client.force_login(clerk)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(not source.startswith(("http://", "https://", "//")) for source in sources), sources
