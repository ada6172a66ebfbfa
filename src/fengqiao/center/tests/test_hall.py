"""The hall page: 5 windows with their departments, 12 rooms with their purposes; admins edit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fengqiao.center.models import Room, Window
from fengqiao.center.tests.conftest import audit_rows
from fengqiao.testing import builders

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def test_the_hall_lists_windows_with_departments_and_rooms_with_purposes(client, clerk, hall):
    client.force_login(clerk)
    page = client.get(reverse("center:hall"), **EN).content.decode()
    for text in (
        "派出所窗口",
        "安国派出所",
        "司法所窗口",
        "知心姐姐调解室",
        "Dispute mediation",
        "Legal aid",
    ):
        assert text in page
    assert reverse("center:window_create") not in page  # read-only


def test_a_grid_worker_sees_the_hall_but_no_department_links(client, town, worker_b, hall):
    client.force_login(worker_b)
    page = client.get(reverse("center:hall")).content.decode()
    assert "派出所窗口" in page and "知心姐姐调解室" in page
    assert reverse("center:department_detail", args=[town.police_station.pk]) not in page


def test_an_officer_links_only_their_own_department(client, town, police, hall):
    client.force_login(police)
    page = client.get(reverse("center:hall")).content.decode()
    assert reverse("center:department_detail", args=[town.police_station.pk]) in page
    assert reverse("center:department_detail", args=[town.judicial_office.pk]) not in page


def test_another_towns_hall_is_not_shown(client, town, hall):
    other_town = builders.make_region("620802102000", "别镇", "town", parent=town.county)
    stranger = builders.make_user("stranger", "clerk", regions=[other_town])
    client.force_login(stranger)
    response = client.get(reverse("center:hall"))
    assert list(response.context["windows"]) == [] and list(response.context["rooms"]) == []


def test_the_hall_has_a_fixed_number_of_queries(client, town, administrator, django_assert_max_num_queries):
    for number in range(1, 6):
        department = builders.make_department(f"部门{number}", "other", town.town)
        Window.objects.create(town=town.town, number=number, name=f"窗口{number}", department=department)
    for i in range(12):
        Room.objects.create(town=town.town, name=f"功能室{i}", purpose="other")
    client.force_login(administrator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("center:hall"))
    assert len(response.context["windows"]) == 5 and len(response.context["rooms"]) == 12


@pytest.mark.parametrize("persona", ["clerk", "leader", "police", "worker_a"])
def test_non_administrators_get_403_on_hall_edit_pages(client, persona, request, hall):
    client.force_login(request.getfixturevalue(persona))
    window, room = hall["windows"][0], hall["rooms"][0]
    for url in (
        reverse("center:window_create"),
        reverse("center:window_edit", args=[window.pk]),
        reverse("center:room_create"),
        reverse("center:room_edit", args=[room.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"name": "X"}).status_code == 403
    assert Window.objects.get(pk=window.pk).name == "派出所窗口"


def test_an_administrator_opens_and_edits_a_window(client, town, administrator, hall):
    client.force_login(administrator)
    data = {"town": town.town.pk, "number": 3, "name": "信访接待窗口", "department": town.judicial_office.pk}
    response = client.post(reverse("center:window_create"), data)
    assert response.status_code == 302
    window = Window.objects.get(number=3)
    [row] = audit_rows("window.create")
    assert row.changes["name"] == [None, "信访接待窗口"]
    data = {"number": 3, "name": "信访接待窗口", "department": town.police_station.pk}
    assert client.post(reverse("center:window_edit", args=[window.pk]), data).status_code == 302
    [row] = audit_rows("window.update")
    assert row.changes == {"department": ["安国司法所", "安国派出所"]}


def test_a_window_number_taken_gets_a_clear_error(client, town, administrator, hall):
    client.force_login(administrator)
    data = {"number": 1, "name": "司法所窗口", "department": town.judicial_office.pk}
    response = client.post(reverse("center:window_edit", args=[hall["windows"][1].pk]), data, **EN)
    assert response.status_code == 200
    assert "already has a window number 1" in response.content.decode()
    assert Window.objects.get(pk=hall["windows"][1].pk).number == 2
    assert not audit_rows("window.update")


def test_an_administrator_adds_and_edits_a_room(client, town, administrator, hall):
    client.force_login(administrator)
    data = {"town": town.town.pk, "name": "心理咨询室", "purpose": "counselling", "description": ""}
    assert client.post(reverse("center:room_create"), data).status_code == 302
    room = Room.objects.get(name="心理咨询室")
    data = {"name": "心理咨询室", "purpose": "counselling", "description": "二楼"}
    assert client.post(reverse("center:room_edit", args=[room.pk]), data).status_code == 302
    [row] = audit_rows("room.update")
    assert row.changes == {"description": ["", "二楼"]}
    response = client.post(reverse("center:room_edit", args=[room.pk]), {**data, "purpose": "bakery"})
    assert response.status_code == 200 and "purpose" in response.context["form"].errors
