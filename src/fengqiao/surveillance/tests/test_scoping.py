"""Scoping: a grid worker of grid B never sees grid A's cameras or village A's room, anywhere."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fengqiao.testing.builders import api_client


def test_worker_b_gets_404_on_grid_a_camera_pages(client, worker_b, camera_a):
    client.force_login(worker_b)
    for name in ("surveillance:camera_detail", "surveillance:camera_finding"):
        assert client.get(reverse(name, args=[camera_a.pk])).status_code == 404, name


def test_worker_b_gets_404_on_grid_a_camera_in_the_api(worker_b, camera_a):
    api = api_client(worker_b)
    assert api.get(f"/api/v1/cameras/{camera_a.pk}/").status_code == 404
    assert api.get(f"/api/v1/cameras/{camera_a.pk}/findings/").status_code == 404


def test_a_missing_camera_answers_the_same_404(client, worker_b, camera_a):
    client.force_login(worker_b)
    assert client.get(reverse("surveillance:camera_detail", args=[camera_a.pk + 1000])).status_code == 404
    assert api_client(worker_b).get(f"/api/v1/cameras/{camera_a.pk + 1000}/").status_code == 404


def test_grid_a_cameras_are_absent_from_worker_bs_lists_and_geojson(client, worker_b, camera_a, camera_b):
    api = api_client(worker_b)
    assert [row["id"] for row in api.get("/api/v1/cameras/").json()["results"]] == [camera_b.pk]
    features = api.get("/api/v1/cameras/geojson/").json()["features"]
    assert [feature["id"] for feature in features] == [camera_b.pk]
    # Filtering for grid A neither widens the scope nor reveals grid A: it is not a valid choice.
    assert api.get(f"/api/v1/cameras/?grid={camera_a.grid_id}").status_code == 400
    client.force_login(worker_b)
    page = client.get(reverse("surveillance:camera_list"))
    assert [camera.pk for camera in page.context["page"].object_list] == [camera_b.pk]
    assert camera_a.channel_code not in page.content.decode()


def test_worker_b_sees_only_village_bs_room_with_only_visible_cameras(
    client, worker_b, room_a, room_b, camera_a, camera_b
):
    api = api_client(worker_b)
    assert [row["id"] for row in api.get("/api/v1/monitoring-rooms/").json()["results"]] == [room_b.pk]
    assert api.get(f"/api/v1/monitoring-rooms/{room_a.pk}/").status_code == 404
    client.force_login(worker_b)
    assert client.get(reverse("surveillance:room_detail", args=[room_a.pk])).status_code == 404
    rooms = client.get(reverse("surveillance:room_list")).context["rooms"]
    assert [(room.pk, room.camera_total) for room in rooms] == [(room_b.pk, 1)]


def test_a_camera_of_grid_a_kept_in_village_bs_room_stays_hidden_from_worker_b(
    client, town, worker_b, room_b
):
    from fengqiao.surveillance.tests.conftest import IN_A, make_camera

    hidden = make_camera(room_b, "X1", grid=town.grid_a, point=IN_A)
    client.force_login(worker_b)
    assert client.get(reverse("surveillance:camera_detail", args=[hidden.pk])).status_code == 404
    room = client.get(reverse("surveillance:room_detail", args=[room_b.pk])).context["room"]
    assert room.camera_total == 0


@pytest.mark.parametrize("persona", ["clerk", "leader", "administrator"])
def test_town_staff_see_every_camera_of_the_town(request, persona, camera_a, camera_b):
    api = api_client(request.getfixturevalue(persona))
    assert {row["id"] for row in api.get("/api/v1/cameras/").json()["results"]} == {camera_a.pk, camera_b.pk}


def test_anonymous_callers_are_refused(client, camera_a):
    assert api_client().get("/api/v1/cameras/").status_code in (401, 403)
    response = client.get(reverse("surveillance:camera_list"))
    assert response.status_code == 302 and "login" in response["Location"]
