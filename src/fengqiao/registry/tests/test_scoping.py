"""A grid worker of grid B gets 404 for any person, place or visit of grid A: pages, search, API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fengqiao.registry import services
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit_a(worker_a, data):
    visit, _created = services.record_visit(by=worker_a, key_person=data.elderly_a, note="上门走访")
    return visit


def test_pages_of_grid_a_are_404_for_worker_b(client, worker_b, data, visit_a):
    client.force_login(worker_b)
    urls = [
        reverse("registry:person_detail", args=[data.person_a.pk]),
        reverse("registry:person_edit", args=[data.person_a.pk]),
        reverse("registry:place_detail", args=[data.place_a.pk]),
        reverse("registry:household_detail", args=[data.household_a.pk]),
        reverse("registry:keyperson_detail", args=[data.elderly_a.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    reveal = client.post(
        reverse("registry:person_reveal", args=[data.person_a.pk]), {"field": "phone", "purpose": "x"}
    )
    assert reveal.status_code == 404
    visit = client.post(reverse("registry:visit_create", args=[data.elderly_a.pk]), {"note": "x"})
    assert visit.status_code == 404


def test_lists_and_search_leave_grid_a_out_for_worker_b(client, worker_b, data, visit_a):
    client.force_login(worker_b)
    persons = client.get(reverse("registry:person_list")).content.decode()
    assert data.person_b.name in persons and data.person_a.name not in persons
    found = client.post(reverse("registry:search"), {"q": data.person_a.resident_id}).content.decode()
    assert data.person_a.name not in found
    found = client.get(reverse("registry:search"), {"q": "东沟"}).content.decode()
    assert data.place_a.name not in found
    found = client.get(reverse("registry:search"), {"q": "西沟"}).content.decode()
    assert data.place_b.name in found


def test_the_api_answers_404_and_leaves_grid_a_out_for_worker_b(worker_b, data, visit_a):
    api = builders.api_client(worker_b)
    for url in (
        f"/api/v1/registry/persons/{data.person_a.pk}/",
        f"/api/v1/registry/places/{data.place_a.pk}/",
        f"/api/v1/registry/visits/{visit_a.pk}/",
        f"/api/v1/registry/key-persons/{data.elderly_a.pk}/",
        f"/api/v1/registry/households/{data.household_a.pk}/",
    ):
        assert api.get(url).status_code == 404, url
    assert (
        api.patch(f"/api/v1/registry/persons/{data.person_a.pk}/", {"name": "x"}, format="json").status_code
        == 404
    )
    assert (
        api.post(
            f"/api/v1/registry/persons/{data.person_a.pk}/reveal/",
            {"field": "phone", "purpose": "x"},
            format="json",
        ).status_code
        == 404
    )
    assert [row["id"] for row in api.get("/api/v1/registry/persons/").json()["results"]] == [data.person_b.pk]
    assert api.get("/api/v1/registry/visits/").json()["count"] == 0
    search = api.get("/api/v1/registry/search/", {"q": data.person_a.resident_id}).json()
    assert search == {"persons": [], "places": []}
    posted = api.post("/api/v1/registry/visits/", {"key_person": data.elderly_a.pk}, format="json")
    assert posted.status_code == 400 and "key_person" in posted.json()["fields"]


def test_worker_b_cannot_register_a_person_in_grid_a(worker_b, town):
    from fengqiao.registry.tests.factories import resident_id

    api = builders.api_client(worker_b)
    answer = api.post(
        "/api/v1/registry/persons/",
        {"name": "新人", "resident_id": resident_id(77), "grid": town.grid_a.pk},
        format="json",
    )
    assert answer.status_code == 400 and "grid" in answer.json()["fields"]
    ok = api.post(
        "/api/v1/registry/persons/",
        {"name": "新人", "resident_id": resident_id(77), "grid": town.grid_b.pk, "phone": "139 1234 5678"},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert ok.json()["phone"] == "139****5678"
    from fengqiao.registry.models import Person

    assert Person.objects.get(pk=ok.json()["id"]).phone == "+8613912345678"
