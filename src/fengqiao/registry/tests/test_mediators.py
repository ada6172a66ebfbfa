"""Audit #4: a mediator's job is the parties of their disputes, not the town's registry.

Mediators read no persons, households, houses, places, organisations or key persons (403 on the
pages, empty lists and 404 in the API), search nothing and reveal nothing, even holding
`view_sensitive` (registry/privacy.py rule 1).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from fengqiao.core.models import AuditEvent
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def mediator(town):
    # The demo's mediator holds view_sensitive: even so, no reveal.
    return builders.make_user("mediator", "mediator", regions=[town.town], view_sensitive=True)


def test_mediator_pages_are_closed(client, mediator, data):
    client.force_login(mediator)
    urls = [
        reverse("registry:todo"),
        reverse("registry:person_list"),
        reverse("registry:person_detail", args=[data.person_a.pk]),
        reverse("registry:household_list"),
        reverse("registry:place_list"),
        reverse("registry:keyperson_list"),
        reverse("registry:search") + "?q=王秀兰",
    ]
    for url in urls:
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("registry:search"), {"q": data.person_a.resident_id}).status_code == 403


def test_mediator_api_reads_and_reveals_nothing(mediator, data):
    api = builders.api_client(mediator)
    for kind in ("persons", "households", "houses", "places", "organizations", "key-persons", "visits"):
        response = api.get(f"/api/v1/registry/{kind}/")
        assert response.status_code in (200, 403), kind
        if response.status_code == 200:
            assert response.json()["count"] == 0, kind
    assert api.get(f"/api/v1/registry/persons/{data.person_a.pk}/").status_code == 404
    reveal = api.post(
        f"/api/v1/registry/persons/{data.person_a.pk}/reveal/",
        {"field": "resident_id", "purpose": "为调解核对当事人"},
        format="json",
    )
    assert reveal.status_code in (403, 404)
    assert data.person_a.resident_id not in reveal.content.decode()
    assert not AuditEvent.objects.filter(action="registry.reveal").exists()
    search = api.get("/api/v1/registry/search/", {"q": data.person_a.resident_id})
    assert search.status_code == 403 or search.json() == {"persons": [], "places": []}


def test_the_menu_offers_the_registry_to_no_mediator(client, mediator):
    client.force_login(mediator)
    assert reverse("registry:todo") not in client.get("/").content.decode()
