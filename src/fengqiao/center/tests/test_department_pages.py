"""Department pages: scoped lists and details, administrators' create/edit forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fengqiao.center.models import Department
from fengqiao.center.tests.conftest import audit_rows
from fengqiao.core.models import AuditEvent
from fengqiao.testing import builders

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_a_department_officer_lists_only_their_own_department(client, town, police):
    client.force_login(police)
    response = client.get(reverse("center:department_list"), **EN)
    assert response.status_code == 200
    assert list(response.context["departments"]) == [town.police_station]
    assert "安国司法所" not in response.content.decode()


def test_another_department_is_a_404_for_an_officer(client, town, police):
    client.force_login(police)
    assert client.get(reverse("center:department_detail", args=[town.judicial_office.pk])).status_code == 404
    assert client.get(reverse("center:department_detail", args=[999999])).status_code == 404
    assert client.get(reverse("center:department_detail", args=[town.police_station.pk])).status_code == 200


def test_a_grid_worker_sees_no_department_page(client, town, worker_b):
    client.force_login(worker_b)
    assert client.get(reverse("center:department_detail", args=[town.police_station.pk])).status_code == 404
    assert list(client.get(reverse("center:department_list")).context["departments"]) == []


def test_the_clerk_lists_the_towns_departments_with_filters(client, town, clerk):
    builders.make_department("安国信访办", "petition", town.town, in_hall=True, stationing="permanent")
    client.force_login(clerk)
    names = {d.name for d in client.get(reverse("center:department_list")).context["departments"]}
    assert names == {"安国派出所", "安国司法所", "安国信访办"}
    response = client.get(reverse("center:department_list"), {"in_hall": "true"})
    assert [d.name for d in response.context["departments"]] == ["安国信访办"]
    response = client.get(reverse("center:department_list"), {"kind": "police"})
    assert [d.name for d in response.context["departments"]] == ["安国派出所"]


def test_the_detail_shows_officers_windows_kind_stationing_and_contact(client, town, clerk, police, hall):
    department = town.police_station
    department.contact_name, department.contact_phone = "联络员", "0933-8888888"
    department.save()
    client.force_login(clerk)
    page = client.get(reverse("center:department_detail", args=[department.pk]), **EN).content.decode()
    for text in ("Police station", "On call", "联络员", "0933-8888888", "派出所窗口"):
        assert text in page
    assert police.display_name in page
    assert "Edit" not in page  # read-only for the clerk


def test_the_department_list_has_a_fixed_number_of_queries(
    client, town, clerk, django_assert_max_num_queries
):
    for i in range(20):
        builders.make_department(f"部门{i}", "other", town.town)
    client.force_login(clerk)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("center:department_list"))
    assert len(response.context["departments"]) == 22


@pytest.mark.parametrize("persona", ["clerk", "leader", "police", "worker_a"])
def test_non_administrators_get_403_on_edit_pages(client, town, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    pk = town.police_station.pk
    assert client.get(reverse("center:department_create")).status_code == 403
    assert client.post(reverse("center:department_create"), {"name": "X"}).status_code == 403
    assert client.get(reverse("center:department_edit", args=[pk])).status_code == 403
    assert client.post(reverse("center:department_set_active", args=[pk])).status_code == 403
    assert Department.objects.count() == 2
    assert not AuditEvent.objects.filter(action__startswith="department.").exists()


def department_post(town, **overrides):
    data = {
        "name": "安国应急办",
        "kind": "emergency",
        "stationing": "rotating",
        "in_hall": "on",
        "region": town.town.pk,
        "contact_name": "联络员",
        "contact_phone": "13912345678",
    }
    data.update(overrides)
    return data


def test_an_administrator_creates_a_department_with_one_audit_row(client, town, administrator):
    client.force_login(administrator)
    response = client.post(reverse("center:department_create"), department_post(town))
    department = Department.objects.get(name="安国应急办")
    assert response.status_code == 302
    assert response["Location"] == reverse("center:department_detail", args=[department.pk])
    assert (department.kind, department.stationing, department.in_hall) == ("emergency", "rotating", True)
    [row] = audit_rows("department.create")
    assert row.actor == administrator
    assert row.changes["name"] == [None, "安国应急办"]
    assert row.changes["stationing"] == [None, "rotating"]


def test_an_administrator_edits_a_department_and_the_diff_is_audited(client, town, administrator):
    client.force_login(administrator)
    department = town.police_station
    assert client.get(reverse("center:department_edit", args=[department.pk])).status_code == 200
    data = department_post(town, name="安国派出所", kind="police", stationing="permanent", in_hall="")
    response = client.post(reverse("center:department_edit", args=[department.pk]), data)
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.stationing == "permanent"
    [row] = audit_rows("department.update")
    assert row.changes == {
        "stationing": ["on_call", "permanent"],
        "contact_name": ["", "联络员"],
        "contact_phone": ["", "13912345678"],
    }


def test_bad_input_gets_a_clear_error_and_writes_nothing(client, town, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("center:department_create"), department_post(town, contact_phone="12345"), **EN
    )
    assert response.status_code == 200
    assert "contact_phone" in response.context["form"].errors
    response = client.post(
        reverse("center:department_create"), department_post(town, name="安国司法所"), **EN
    )
    assert response.status_code == 200
    assert "Department with this Area served and Name already exists." in response.content.decode()
    assert Department.objects.count() == 2
    assert not AuditEvent.objects.filter(action__startswith="department.").exists()


def test_deactivating_a_department_staffing_a_window_is_refused(client, town, administrator, hall):
    client.force_login(administrator)
    url = reverse("center:department_set_active", args=[town.police_station.pk])
    response = client.post(url, {"active": "0"}, follow=True, **EN)
    assert "give them to another department first" in response.content.decode()
    town.police_station.refresh_from_db()
    assert town.police_station.is_active
    other = builders.make_department("安国教育办", "education", town.town)
    client.post(reverse("center:department_set_active", args=[other.pk]), {"active": "0"})
    other.refresh_from_db()
    assert not other.is_active
    [row] = audit_rows("department.deactivate")
    assert row.changes == {"is_active": [True, False]}
