"""Review of issue 5: what rebuilds a masked identifier stays masked too.

- The full date of birth would narrow a masked resident ID (620802***********4 + 1960-08-12)
  to a few hundred candidates: only the year shows wherever the ID is masked (pages, API,
  exports, search); `core.masking` keeps only the region and the check character.
- A house's building label is the exact address in practice: masked like the address.
- Exact house and visit coordinates go only to holders of `view_sensitive`.
"""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from fengqiao.core.models import AuditEvent
from fengqiao.registry.models import House, Visit
from fengqiao.registry.tests.factories import make_household, make_key_person, make_person
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1960, 8, 12)
BUILDING = "西川村2组6号院"
LON, LAT = 106.812345, 35.498765


@pytest.fixture
def home(town):
    house = House.objects.create(
        building=BUILDING, address="西川村2组6号院东屋", lon=LON, lat=LAT, grid=town.grid_a
    )
    household = make_household(town.grid_a, "HA-060", address="西川村2组6号院东屋", house=house)
    person = make_person(town.grid_a, 84, name="孙桂英", birth=BIRTH, house=house, household=household)
    key_person = make_key_person(person, "left_behind_elderly")
    return {"house": house, "household": household, "person": person, "key_person": key_person}


@pytest.fixture
def visit(home, worker_a):
    return Visit.objects.create(
        key_person=home["key_person"],
        grid=home["person"].grid,
        by=worker_a,
        at=dt.datetime(2026, 11, 2, 2, tzinfo=dt.UTC),
        lon=LON,
        lat=LAT,
    )


def _secrets(person) -> list[str]:
    """What must never reach a user without the right: the 8 birth digits, the ISO date, the
    building label and the exact coordinates."""
    assert person.birth_date == BIRTH and person.resident_id[6:14] == "19600812"
    return ["19600812", "1960-08-12", BUILDING, str(LON), str(LAT), "106.8123", "35.4987"]


def _assert_clean(text: str, person, where: str) -> None:
    for secret in _secrets(person):
        assert secret not in text, (where, secret)


@pytest.mark.parametrize("persona", ["worker_a", "clerk", "leader"])
def test_pages_show_the_birth_year_only_and_no_building_or_exact_point(client, request, home, visit, persona):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    person, house = home["person"], home["house"]
    pages = [
        reverse("registry:person_list"),
        reverse("registry:person_detail", args=[person.pk]),
        reverse("registry:house_list"),
        reverse("registry:house_detail", args=[house.pk]),
        reverse("registry:household_list"),
        reverse("registry:household_detail", args=[home["household"].pk]),
        reverse("registry:keyperson_detail", args=[home["key_person"].pk]),
        reverse("registry:search") + "?q=孙桂英",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        _assert_clean(response.content.decode(), person, url)
    found = client.post(reverse("registry:search"), {"q": person.resident_id}).content.decode()
    _assert_clean(found, person, "search by ID")
    detail = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert "1960-**-**" in detail and person.resident_id[:6] + "*" * 11 + person.resident_id[-1] in detail
    assert "西川村2****" in detail  # the house: its number and the masked start of its label


@pytest.mark.parametrize("persona", ["worker_a", "clerk"])
def test_the_api_answers_the_birth_year_only_and_no_building_or_exact_point(request, home, visit, persona):
    user = request.getfixturevalue(persona)
    api = builders.api_client(user)
    person, house = home["person"], home["house"]
    urls = [
        "/api/v1/registry/persons/",
        f"/api/v1/registry/persons/{person.pk}/",
        "/api/v1/registry/houses/",
        f"/api/v1/registry/houses/{house.pk}/",
        "/api/v1/registry/households/",
        "/api/v1/registry/key-persons/",
        "/api/v1/registry/todo/",
        "/api/v1/registry/visits/",
        f"/api/v1/registry/visits/{visit.pk}/",
        "/api/v1/registry/search/?q=孙桂英",
        f"/api/v1/registry/search/?q={person.resident_id}",
    ]
    for url in urls:
        response = api.get(url)
        assert response.status_code == 200, url
        _assert_clean(response.content.decode(), person, url)
    answer = api.get(f"/api/v1/registry/persons/{person.pk}/").json()
    assert answer["birth_date"] == "1960-**-**"
    assert api.get(f"/api/v1/registry/search/?q={person.resident_id}").json()["persons"][0]["id"] == person.pk
    house_answer = api.get(f"/api/v1/registry/houses/{house.pk}/").json()
    assert (house_answer["building"], house_answer["lon"], house_answer["lat"]) == (
        "西川村2****",
        106.81,
        35.5,
    )
    visit_answer = api.get(f"/api/v1/registry/visits/{visit.pk}/").json()
    assert (visit_answer["lon"], visit_answer["lat"]) == (106.81, 35.5)


@pytest.mark.parametrize("kind", ["person", "house", "household", "keyperson"])
def test_the_masked_export_has_the_birth_year_only_and_no_building(client, clerk, home, kind):
    from django.contrib.auth.models import Permission
    from openpyxl import load_workbook

    clerk.user_permissions.add(Permission.objects.get(codename="export_personal_data"))  # not unmasked
    client.force_login(clerk)
    response = client.get(reverse(f"registry:{kind}_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    _assert_clean(" | ".join(values), home["person"], kind)
    if kind == "person":
        assert "1960-**-**" in values
    event = AuditEvent.objects.get(action="registry.export")
    assert event.changes["unmasked"] is False
    # Names of persons are personal data even masked; houses name nobody.
    assert event.changes["personal_data"] is (kind != "house")


def test_with_the_right_a_reveal_shows_the_date_and_the_building_and_is_audited(client, town, home):
    user = builders.make_user("sensitive_clerk", "clerk", regions=[town.town], view_sensitive=True)
    client.force_login(user)
    person, house = home["person"], home["house"]
    page = client.get(reverse("registry:person_detail", args=[person.pk])).content.decode()
    assert "1960-08-12" not in page and "19600812" not in page  # masked until revealed
    shown = client.post(
        reverse("registry:person_reveal", args=[person.pk]), {"field": "resident_id", "purpose": "核实身份"}
    ).content.decode()
    assert person.resident_id in shown
    shown = client.post(
        reverse("registry:person_reveal", args=[person.pk]), {"field": "birth_date", "purpose": "核实年龄"}
    ).content.decode()
    assert "1960-08-12" in shown
    api = builders.api_client(user)
    revealed = api.post(
        f"/api/v1/registry/houses/{house.pk}/reveal/",
        {"field": "building", "purpose": "上门走访"},
        format="json",
    )
    assert revealed.json() == {"field": "building", "value": BUILDING}
    events = AuditEvent.objects.filter(action="registry.reveal").order_by("id")
    assert [(e.object_id, e.changes["field"]) for e in events] == [
        (str(person.pk), "resident_id"),
        (str(person.pk), "birth_date"),
        (str(house.pk), "building"),
    ]
    # Holders of the right get exact coordinates (the map needs them); the label stays masked.
    answer = api.get(f"/api/v1/registry/houses/{house.pk}/").json()
    assert (answer["lon"], answer["lat"], answer["building"]) == (LON, LAT, "西川村2****")


def test_the_unmasked_export_with_the_permission_has_the_full_date(client, town, home):
    from openpyxl import load_workbook

    user = builders.make_user("exporter", "clerk", regions=[town.town], view_sensitive=True)
    user.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    client.force_login(user)
    response = client.get(reverse("registry:house_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert BUILDING in values
    response = client.get(reverse("registry:person_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert any(value.startswith("1960-08-12") for value in values)
    events = AuditEvent.objects.filter(action="registry.export").order_by("id")
    assert [(e.changes["personal_data"], e.changes["unmasked"]) for e in events] == [
        (True, True),
        (True, True),
    ]


def test_the_house_label_goes_through_translation(client, worker_a, home):
    from django.utils import translation

    client.force_login(worker_a)
    with translation.override("zh-hans"):
        page = client.get(
            reverse("registry:person_detail", args=[home["person"].pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).content.decode()
    assert '<dt class="col-sm-3">房屋</dt>' in page


@pytest.mark.parametrize("persona", ["worker_a", "clerk"])
def test_edit_forms_do_not_show_identifiers_and_blank_keeps_them(client, request, home, persona):
    """The edit page is a page too: identifiers come blank with the masked value as placeholder."""
    user = request.getfixturevalue(persona)
    client.force_login(user)
    person, house = home["person"], home["house"]
    person.phone, person.address = "+8613912345678", "西川村2组6号院东屋"
    person.save()
    page = client.get(reverse("registry:person_edit", args=[person.pk])).content.decode()
    for secret in [person.resident_id, "13912345678", "西川村2组6号院东屋"]:
        assert secret not in page
    _assert_clean(page, person, "person edit")
    assert f'placeholder="{person.resident_id[:6]}***********{person.resident_id[-1]}"' in page
    response = client.post(
        reverse("registry:person_edit", args=[person.pk]),
        {
            "name": "孙桂芳",
            "resident_id": "",
            "ethnicity": "汉族",
            "phone": "",
            "residence_type": "registered",
            "household": home["household"].pk,
            "house": house.pk,
            "address": "",
            "grid": person.grid_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert (person.name, person.phone, person.address) == ("孙桂芳", "+8613912345678", "西川村2组6号院东屋")
    assert person.birth_date == BIRTH
    page = client.get(reverse("registry:house_edit", args=[house.pk])).content.decode()
    _assert_clean(page, person, "house edit")
    response = client.post(
        reverse("registry:house_edit", args=[house.pk]),
        {"building": "", "address": "", "lon": "", "lat": "", "rented_out": "on", "grid": house.grid_id},
    )
    assert response.status_code == 302
    house.refresh_from_db()
    assert (house.building, house.lon, house.lat, house.rented_out) == (BUILDING, LON, LAT, True)


def test_the_house_filter_matches_a_whole_building_label_only(worker_a, home):
    api = builders.api_client(worker_a)
    assert api.get("/api/v1/registry/houses/?q=6号院").json()["count"] == 0
    assert api.get(f"/api/v1/registry/houses/?q={BUILDING}").json()["count"] == 1
