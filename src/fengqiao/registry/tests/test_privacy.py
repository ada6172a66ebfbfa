"""Masking everywhere by default, reveals audited one by one, sensitive categories hidden."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from django.utils import translation

from fengqiao.core.models import AuditEvent
from fengqiao.registry.models import KeyPerson
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db


def _page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _identifiers(data):
    return [data.person_a.resident_id, "13912345678", "东沟村三组12号", data.household_a.address]


@pytest.mark.parametrize("persona", ["worker_a", "clerk", "leader"])
def test_no_page_shows_an_identifier_in_full(client, request, data, persona):
    user = request.getfixturevalue(persona)
    pages = [
        reverse("registry:person_list"),
        reverse("registry:person_detail", args=[data.person_a.pk]),
        reverse("registry:household_list"),
        reverse("registry:household_detail", args=[data.household_a.pk]),
        reverse("registry:place_detail", args=[data.place_a.pk]),
        reverse("registry:keyperson_detail", args=[data.elderly_a.pk]),
        reverse("registry:search") + "?q=王秀兰",
    ]
    for url in pages:
        body = _page(client, user, url)
        for secret in _identifiers(data):
            assert secret not in body, (url, secret)
    found = client.post(reverse("registry:search"), {"q": data.person_a.resident_id}).content.decode()
    assert f'href="{reverse("registry:person_detail", args=[data.person_a.pk])}"' in found
    for secret in _identifiers(data):
        assert secret not in found
    masked_id = data.person_a.resident_id[:6] + "*" * 11 + data.person_a.resident_id[-1]
    assert masked_id in _page(client, user, pages[0])


def _may_export_personal_data(user):
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="export_personal_data"))


def test_the_export_is_masked_without_view_sensitive_and_names_the_exporter(client, clerk, data):
    from openpyxl import load_workbook

    _may_export_personal_data(clerk)
    client.force_login(clerk)
    response = client.get(reverse("registry:person_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    for secret in _identifiers(data):
        assert not any(secret in value for value in values)
    assert "clerk" in values[0]
    event = AuditEvent.objects.get(action="registry.export")
    # Names are personal data even with every identifier masked: the audit row says so.
    assert event.changes["personal_data"] is True and event.changes["unmasked"] is False
    assert event.changes["rows"] == 3


def test_the_export_is_unmasked_with_the_permission_and_view_sensitive(client, town, data):
    from django.contrib.auth.models import Permission
    from openpyxl import load_workbook

    user = builders.make_user("exporter", "clerk", regions=[town.town], view_sensitive=True)
    user.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    client.force_login(user)
    response = client.get(reverse("registry:person_export") + f"?grid={town.grid_a.pk}")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert data.person_a.resident_id in values
    assert data.person_b.resident_id not in values  # the filter applies
    event = AuditEvent.objects.get(action="registry.export")
    assert event.changes["personal_data"] is True and event.changes["unmasked"] is True
    assert event.changes["rows"] == 2


def test_each_reveal_writes_one_audit_row(client, town, data):
    user = builders.make_user("sensitive_clerk", "clerk", regions=[town.town], view_sensitive=True)
    client.force_login(user)
    url = reverse("registry:person_reveal", args=[data.person_a.pk])
    response = client.post(url, {"field": "resident_id", "purpose": "核实身份"})
    assert response.status_code == 200
    assert data.person_a.resident_id in response.content.decode()
    assert "13912345678" not in response.content.decode()  # only the one field
    client.post(url, {"field": "phone", "purpose": "联系本人"})
    events = list(AuditEvent.objects.filter(action="registry.reveal").order_by("id"))
    assert [(e.actor_id, e.object_id, e.changes["field"], e.changes["purpose"]) for e in events] == [
        (user.pk, str(data.person_a.pk), "resident_id", "核实身份"),
        (user.pk, str(data.person_a.pk), "phone", "联系本人"),
    ]


def test_a_reveal_needs_view_sensitive_and_a_purpose(client, clerk, town, data):
    client.force_login(clerk)
    url = reverse("registry:person_reveal", args=[data.person_a.pk])
    with translation.override("en"):
        response = client.post(url, {"field": "resident_id", "purpose": "核实"}, follow=True)
    assert data.person_a.resident_id not in response.content.decode()
    user = builders.make_user("sensitive_clerk", "clerk", regions=[town.town], view_sensitive=True)
    client.force_login(user)
    client.post(url, {"field": "resident_id", "purpose": ""})
    client.post(url, {"field": "name", "purpose": "核实身份"})
    assert not AuditEvent.objects.filter(action="registry.reveal").exists()


def test_sensitive_categories_are_invisible_to_those_who_may_not_see_them(
    client, worker_a, clerk, leader, data
):
    hidden = data.corrected_a
    for user in (worker_a, clerk):
        assert not KeyPerson.objects.visible_to(user).filter(pk=hidden.pk).exists()
        client.force_login(user)
        assert client.get(reverse("registry:keyperson_detail", args=[hidden.pk])).status_code == 404
        body = client.get(reverse("registry:keyperson_list")).content.decode()
        assert f'data-pk="{hidden.pk}"' not in body
        api = builders.api_client(user).get("/api/v1/registry/key-persons/").json()
        assert hidden.pk not in [row["id"] for row in api["results"]]
    assert KeyPerson.objects.visible_to(leader).filter(pk=hidden.pk).exists()


def test_the_controller_sees_the_sensitive_key_person(worker_a, data):
    data.corrected_a.controller = worker_a
    data.corrected_a.save()
    assert KeyPerson.objects.visible_to(worker_a).filter(pk=data.corrected_a.pk).exists()


def test_the_api_masks_and_reveals_with_an_audit_row(town, clerk, data):
    answer = builders.api_client(clerk).get(f"/api/v1/registry/persons/{data.person_a.pk}/").json()
    assert answer["resident_id"] != data.person_a.resident_id
    assert answer["resident_id"].startswith("620802")
    assert "13912345678" not in str(answer)
    denied = builders.api_client(clerk).post(
        f"/api/v1/registry/persons/{data.person_a.pk}/reveal/",
        {"field": "phone", "purpose": "联系"},
        format="json",
    )
    assert denied.status_code == 403
    user = builders.make_user("sensitive_clerk", "clerk", regions=[town.town], view_sensitive=True)
    shown = builders.api_client(user).post(
        f"/api/v1/registry/persons/{data.person_a.pk}/reveal/",
        {"field": "phone", "purpose": "联系"},
        format="json",
    )
    assert shown.status_code == 200 and shown.json() == {"field": "phone", "value": "+8613912345678"}
    assert AuditEvent.objects.filter(action="registry.reveal").count() == 1


def test_department_officers_and_auditors_do_not_read_the_registry(client, police, auditor, data):
    for user in (police, auditor):
        client.force_login(user)
        assert client.get(reverse("registry:person_list")).status_code == 403
        assert builders.api_client(user).get("/api/v1/registry/persons/").json()["count"] == 0


@pytest.fixture
def more(data, town):
    from fengqiao.registry.models import House, Organization

    house = House.objects.create(grid=town.grid_a, address="东沟村三组12号", building="12号院")
    org = Organization.objects.create(
        grid=town.grid_a, name="东沟村群防群治队", kind="watch_team", phone="+8613912345678"
    )
    data.place_a.contact_phone = "+8613912345678"
    data.place_a.save()
    return house, org


def test_every_api_answer_is_masked(clerk, data, more):
    house, org = more
    api = builders.api_client(clerk)
    urls = [
        "/api/v1/registry/persons/",
        f"/api/v1/registry/persons/{data.person_a.pk}/",
        "/api/v1/registry/households/",
        f"/api/v1/registry/households/{data.household_a.pk}/",
        "/api/v1/registry/houses/",
        f"/api/v1/registry/houses/{house.pk}/",
        "/api/v1/registry/places/",
        f"/api/v1/registry/places/{data.place_a.pk}/",
        "/api/v1/registry/organizations/",
        f"/api/v1/registry/organizations/{org.pk}/",
        "/api/v1/registry/key-persons/",
        "/api/v1/registry/search/?q=王秀兰",
    ]
    for url in urls:
        answer = api.get(url)
        assert answer.status_code == 200, url
        for secret in _identifiers(data):
            assert secret not in answer.content.decode(), (url, secret)


@pytest.mark.parametrize("kind", ["person", "household", "house", "place", "organization", "keyperson"])
def test_every_export_is_masked_and_audited(client, clerk, data, more, kind):
    from openpyxl import load_workbook

    _may_export_personal_data(clerk)
    client.force_login(clerk)
    response = client.get(reverse(f"registry:{kind}_export"))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = " ".join(str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None)
    for secret in _identifiers(data):
        assert secret not in values
    assert AuditEvent.objects.filter(action="registry.export", actor=clerk).count() == 1


@pytest.mark.parametrize("kind", ["house", "organization", "place"])
def test_pages_of_houses_organisations_and_places_are_masked(client, clerk, data, more, kind):
    house, org = more
    obj = {"house": house, "organization": org, "place": data.place_a}[kind]
    for url in (reverse(f"registry:{kind}_list"), reverse(f"registry:{kind}_detail", args=[obj.pk])):
        body = _page(client, clerk, url)
        for secret in _identifiers(data):
            assert secret not in body, (url, secret)


@pytest.mark.parametrize(
    ("kind", "names_persons"),
    [
        ("person", True),
        ("household", True),
        ("keyperson", True),
        ("organization", True),
        ("place", False),
        ("house", False),
    ],
)
def test_exports_naming_persons_need_the_permission(client, clerk, data, more, kind, names_persons):
    """Issue 5: "exports containing personal data need their own permission" - names are
    personal data even with every identifier masked."""
    client.force_login(clerk)
    listing = client.get(reverse(f"registry:{kind}_list")).content.decode()
    response = client.get(reverse(f"registry:{kind}_export"))
    if names_persons:
        assert response.status_code == 403
        assert 'data-testid="export"' not in listing
        assert not AuditEvent.objects.filter(action="registry.export").exists()
    else:
        assert response.status_code == 200 and 'data-testid="export"' in listing
        assert AuditEvent.objects.get(action="registry.export").changes["personal_data"] is False
