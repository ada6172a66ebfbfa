"""Department officers read the key persons their department answers for (privacy.DEPARTMENT_CATEGORIES):
masked, read-only, with visits; no other category, and nothing else of the registry."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from fengqiao.registry import privacy, services
from fengqiao.registry.models import KeyPerson, Visit
from fengqiao.registry.tests.factories import make_key_person, make_person
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db

CATEGORIES = [value for value, _label in KeyPerson.Category.choices]


@pytest.fixture
def every_category(town, worker_a):
    """One key person of each category in grid A, each with one visit by the grid worker."""
    records = {}
    for seq, category in enumerate(CATEGORIES, start=100):
        key_person = make_key_person(make_person(town.grid_a, seq, name=f"对象{seq}"), category)
        Visit.objects.create(
            key_person=key_person, grid=town.grid_a, by=worker_a, at=key_person.created_at, note="走访"
        )
        records[category] = key_person
    return records


def _api_categories(user, path="/api/v1/registry/key-persons/"):
    body = builders.api_client(user).get(path).json()
    return {row["category"] for row in body.get("results", body)}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("police", {"drug_rehabilitation", "petition_prone", "key_youth"}),
        ("judicial", {"community_correction", "released_prisoner"}),
    ],
)
def test_an_officer_reads_exactly_the_categories_of_their_department(
    client, request, every_category, persona, expected
):
    officer = request.getfixturevalue(persona)
    assert privacy.department_categories(officer) == expected
    assert set(KeyPerson.objects.visible_to(officer).values_list("category", flat=True)) == expected
    assert _api_categories(officer) == expected
    visits = builders.api_client(officer).get("/api/v1/registry/visits/").json()
    visible_visit_people = {row["key_person"] for row in visits.get("results", visits)}
    assert visible_visit_people == {every_category[c].pk for c in expected}

    client.force_login(officer)
    listing = client.get(reverse("registry:keyperson_list"))
    assert listing.status_code == 200
    for category, key_person in every_category.items():
        detail = client.get(reverse("registry:keyperson_detail", args=[key_person.pk]))
        api = builders.api_client(officer).get(f"/api/v1/registry/key-persons/{key_person.pk}/")
        if category in expected:
            assert detail.status_code == 200 and api.status_code == 200
            page = detail.content.decode()
            assert "走访" in page and 'data-testid="visits"' in page
            assert 'data-testid="visit-form"' not in page  # read-only
            assert key_person.person.resident_id not in page
        else:
            assert detail.status_code == 404 and api.status_code == 404, category


def test_sensitive_categories_stay_hidden_from_the_departments_without_that_duty(every_category, town):
    sensitive_for = {
        kind: privacy.DEPARTMENT_CATEGORIES.get(kind, frozenset()) & privacy.SENSITIVE_CATEGORIES
        for kind, _label in town.police_station.Kind.choices
    }
    # Severe mental disorder belongs to no department kind; community correction and released
    # prisoners to the judicial office only; drug rehabilitation to the police only.
    assert not any("severe_mental_disorder" in cats for cats in sensitive_for.values())
    assert {k for k, cats in sensitive_for.items() if "community_correction" in cats} == {"judicial"}
    assert {k for k, cats in sensitive_for.items() if "drug_rehabilitation" in cats} == {"police"}
    for kind, _label in town.police_station.Kind.choices:
        department = builders.make_department(f"部门{kind}", kind, town.town)
        officer = builders.make_user(f"officer_{kind}", "department_officer", department=department)
        seen = set(KeyPerson.objects.visible_to(officer).values_list("category", flat=True))
        assert seen == set(privacy.DEPARTMENT_CATEGORIES.get(kind, frozenset())), kind
        assert not seen & (privacy.SENSITIVE_CATEGORIES - sensitive_for[kind]), kind


def test_an_officer_reads_nothing_else_and_changes_nothing(client, police, every_category, data):
    drug = every_category["drug_rehabilitation"]
    api = builders.api_client(police)
    for kind in ("persons", "households", "houses", "places", "organizations"):
        body = api.get(f"/api/v1/registry/{kind}/").json()
        assert body.get("results", body) == [], kind
    assert api.get(f"/api/v1/registry/persons/{drug.person_id}/").status_code == 404
    assert api.get("/api/v1/registry/search/?q=对象").status_code == 403
    patch = api.patch(f"/api/v1/registry/key-persons/{drug.pk}/", {"note": "x"}, format="json")
    assert patch.status_code == 403
    visit = api.post("/api/v1/registry/visits/", {"key_person": drug.pk}, format="json")
    assert visit.status_code in (400, 403)
    assert not Visit.objects.filter(by=police).exists()
    reveal = api.post(
        f"/api/v1/registry/key-persons/{drug.pk}/reveal/",
        {"field": "resident_id", "purpose": "核查"},
        format="json",
    )
    assert reveal.status_code == 403
    with pytest.raises(PermissionDenied):
        services.save_key_person(drug, by=police, note="x")
    client.force_login(police)
    assert client.get(reverse("registry:person_list")).status_code == 403
    assert client.get(reverse("registry:keyperson_export")).status_code == 403
    assert client.post(reverse("registry:visit_create", args=[drug.pk]), {"note": "x"}).status_code == 403
    listing = client.get(reverse("registry:keyperson_list")).content.decode()
    assert 'data-testid="export"' not in listing
    assert drug.person.name in listing and drug.person.resident_id not in listing


def test_an_officer_of_another_town_or_an_inactive_department_reads_nothing(every_category, town):
    other_town = builders.make_region("620802102000", "白水镇", "town", parent=town.county)
    far = builders.make_department("白水派出所", "police", other_town)
    far_officer = builders.make_user("far_police", "department_officer", department=far)
    assert not KeyPerson.objects.visible_to(far_officer).exists()
    town.police_station.is_active = False
    town.police_station.save()
    officer = builders.make_user("police2", "department_officer", department=town.police_station)
    assert not KeyPerson.objects.visible_to(officer).exists()


def test_an_officer_of_a_department_without_categories_gets_an_empty_list(client, town, every_category):
    from fengqiao.core.navigation import navigation_for

    department = builders.make_department("安国环保站", "environment", town.town)
    officer = builders.make_user("env", "department_officer", department=department)
    assert "registry:keyperson_list" in {item["name"] for item in navigation_for(officer)}
    client.force_login(officer)
    listing = client.get(reverse("registry:keyperson_list"))
    assert listing.status_code == 200
    assert not any(kp.person.name in listing.content.decode() for kp in every_category.values())
    drug = every_category["drug_rehabilitation"]
    assert client.get(reverse("registry:keyperson_detail", args=[drug.pk])).status_code == 404
