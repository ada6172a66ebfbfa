"""The registry endpoints are in the OpenAPI schema, with the Idempotency-Key documented."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_schema_documents_the_registry_api(client, clerk):
    client.force_login(clerk)
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]
    for path in (
        "/api/v1/registry/persons/",
        "/api/v1/registry/persons/{id}/reveal/",
        "/api/v1/registry/households/",
        "/api/v1/registry/houses/",
        "/api/v1/registry/places/",
        "/api/v1/registry/organizations/",
        "/api/v1/registry/key-persons/",
        "/api/v1/registry/visits/",
        "/api/v1/registry/patrols/{id}/checkins/",
        "/api/v1/registry/patrols/{id}/findings/",
        "/api/v1/registry/todo/",
        "/api/v1/registry/search/",
    ):
        assert path in paths, path
    parameters = paths["/api/v1/registry/visits/"]["post"]["parameters"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in parameters)
