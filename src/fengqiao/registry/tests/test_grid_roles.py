"""The volunteer grid roles read less than the grid worker (privacy.GRID_ROLE_READS):

- a safety warden reads the households they cover, those households' members and houses and the
  visits to them, nothing else of the grid (pages, API, search, field search: 404 for the rest);
- a watch member reads the grid's places and organisations, not the persons registry;
- neither reads key persons; both see their own patrols only.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from fengqiao.registry.models import House, Household, Organization, Patrol, Person, Place, Visit
from fengqiao.registry.tests.factories import make_household, make_person
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def warden(town):
    return builders.make_user("warden_a", "safety_warden", grids=[town.grid_a])


@pytest.fixture
def watch(town):
    return builders.make_user("watch_a", "watch_member", grids=[town.grid_a])


@pytest.fixture
def grid_a(town, data, warden, worker_a):
    """Grid A: a household the warden covers (member, house, visit) and one they do not."""
    covered_house = House.objects.create(address="东沟村三组12号", grid=town.grid_a)
    resident_house = House.objects.create(address="东沟村三组14号", grid=town.grid_a)
    other_house = House.objects.create(address="东沟村一组1号", grid=town.grid_a)
    covered = make_household(town.grid_a, "HA-100", house=covered_house)
    covered.wardens.add(warden)
    member = make_person(town.grid_a, 200, name="钱守仁", household=covered, house=resident_house)
    uncovered = make_household(town.grid_a, "HA-101", house=other_house)
    stranger = make_person(town.grid_a, 201, name="孙外人", household=uncovered, house=other_house)
    organization = Organization.objects.create(name="东沟村志愿队", kind="watch_team", grid=town.grid_a)
    at = timezone.now()
    covered_visit = Visit.objects.create(household=covered, grid=town.grid_a, by=worker_a, at=at)
    other_visit = Visit.objects.create(household=uncovered, grid=town.grid_a, by=worker_a, at=at)
    return {
        "covered": covered,
        "member": member,
        "houses": {covered_house, resident_house},
        "other_house": other_house,
        "uncovered": uncovered,
        "stranger": stranger,
        "organization": organization,
        "covered_visit": covered_visit,
        "other_visit": other_visit,
    }


def _ids(user, kind):
    body = builders.api_client(user).get(f"/api/v1/registry/{kind}/?limit=500").json()
    rows = body.get("results", body) if isinstance(body, dict) else body
    return {row["id"] for row in rows}


def test_a_warden_reads_the_households_they_cover_their_members_and_houses(client, data, grid_a, warden):
    assert set(Household.objects.visible_to(warden)) == {grid_a["covered"]}
    assert set(Person.objects.visible_to(warden)) == {grid_a["member"]}
    assert set(House.objects.visible_to(warden)) == grid_a["houses"]
    assert set(Visit.objects.visible_to(warden)) == {grid_a["covered_visit"]}
    assert _ids(warden, "households") == {grid_a["covered"].pk}
    assert _ids(warden, "persons") == {grid_a["member"].pk}
    assert _ids(warden, "houses") == {house.pk for house in grid_a["houses"]}
    assert _ids(warden, "visits") == {grid_a["covered_visit"].pk}
    for kind in ("places", "organizations", "key-persons", "todo"):
        assert not _ids(warden, kind), kind

    api = builders.api_client(warden)
    client.force_login(warden)
    assert api.get(f"/api/v1/registry/persons/{grid_a['member'].pk}/").status_code == 200
    assert client.get(reverse("registry:household_detail", args=[grid_a["covered"].pk])).status_code == 200
    hidden = [
        ("persons", "person", grid_a["stranger"].pk),
        ("persons", "person", data.person_a.pk),
        ("households", "household", grid_a["uncovered"].pk),
        ("houses", "house", grid_a["other_house"].pk),
        ("places", "place", data.place_a.pk),
        ("organizations", "organization", grid_a["organization"].pk),
        ("key-persons", "keyperson", data.elderly_a.pk),
        ("visits", None, grid_a["other_visit"].pk),
    ]
    for kind, page, pk in hidden:
        assert api.get(f"/api/v1/registry/{kind}/{pk}/").status_code == 404, kind
        if page and kind != "key-persons":
            assert client.get(reverse(f"registry:{page}_detail", args=[pk])).status_code == 404, kind
    # Key persons are not the warden's business at all: the pages refuse them outright.
    assert client.get(reverse("registry:keyperson_detail", args=[data.elderly_a.pk])).status_code == 403

    found = api.get("/api/v1/registry/search/?q=钱守仁").json()
    assert [p["id"] for p in found["persons"]] == [grid_a["member"].pk]
    for text in ("孙外人", data.person_a.name, data.place_a.name, data.person_a.resident_id):
        found = api.get("/api/v1/registry/search/", {"q": text}).json()
        assert found == {"persons": [], "places": []}, text
        page = client.post(reverse("registry:search"), {"q": text}).content.decode()
        for hidden_pk in (data.person_a.pk, grid_a["stranger"].pk):
            assert reverse("registry:person_detail", args=[hidden_pk]) not in page, text
        assert reverse("registry:place_detail", args=[data.place_a.pk]) not in page, text


def test_a_watch_member_reads_places_and_organisations_not_persons(client, data, grid_a, watch):
    assert _ids(watch, "places") == {data.place_a.pk}
    assert _ids(watch, "organizations") == {grid_a["organization"].pk}
    for kind in ("persons", "households", "houses", "visits", "key-persons", "todo"):
        assert not _ids(watch, kind), kind
    api = builders.api_client(watch)
    assert api.get(f"/api/v1/registry/persons/{grid_a['member'].pk}/").status_code == 404
    assert api.get(f"/api/v1/registry/households/{grid_a['covered'].pk}/").status_code == 404
    assert api.get(f"/api/v1/registry/key-persons/{data.elderly_a.pk}/").status_code == 404
    found = api.get("/api/v1/registry/search/", {"q": data.place_a.name}).json()
    assert [p["id"] for p in found["places"]] == [data.place_a.pk]
    assert api.get("/api/v1/registry/search/", {"q": data.person_a.name}).json()["persons"] == []
    assert not Place.objects.visible_to(watch).filter(grid=data.place_b.grid).exists()
    client.force_login(watch)
    assert client.get(reverse("registry:place_detail", args=[data.place_a.pk])).status_code == 200
    assert client.get(reverse("registry:person_detail", args=[data.person_a.pk])).status_code == 404
    assert data.person_a.name not in client.get(reverse("registry:person_list")).content.decode()


def test_the_field_search_follows_the_same_rule(client, data, grid_a, warden, watch):
    """The field page searches through the registry API: what the API hides, the phone never gets."""
    for user, name, expected in [
        (warden, grid_a["member"].name, 1),
        (warden, data.person_a.name, 0),
        (watch, data.person_a.name, 0),
    ]:
        client.force_login(user)
        body = client.get("/api/v1/registry/search/", {"q": name}).json()
        assert len(body["persons"]) == expected, (user, name)


def test_volunteers_see_their_own_patrols_only(town, worker_a, warden, watch):
    for user in (worker_a, warden, watch):
        Patrol.objects.create(worker=user, grid=town.grid_a, started_at=timezone.now())
    assert Patrol.objects.visible_to(worker_a).count() == 3
    assert set(Patrol.objects.visible_to(warden).values_list("worker", flat=True)) == {warden.pk}
    assert set(Patrol.objects.visible_to(watch).values_list("worker", flat=True)) == {watch.pk}
