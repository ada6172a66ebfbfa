"""Lists, filters, counts and their pinned query counts (pages and API)."""

from __future__ import annotations

from django.urls import reverse

from fengqiao.surveillance import services
from fengqiao.surveillance.tests.conftest import IN_A, IN_B, make_camera, make_room
from fengqiao.testing.builders import api_client


def _many(town, room_a, room_b, count=6):
    """`count` cameras in each village; every third one offline; purposes alternate."""
    for index in range(count):
        for room, grid, point, prefix in ((room_a, town.grid_a, IN_A, "A"), (room_b, town.grid_b, IN_B, "B")):
            make_camera(
                room,
                f"{prefix}{index:03d}",
                grid=grid,
                point=point,
                purposes=("religious_venue",) if index % 2 else ("road_traffic", "living_environment"),
                status="offline" if index % 3 == 0 else "online",
            )


def test_the_room_list_counts_online_and_offline(client, clerk, town, room_a, room_b):
    _many(town, room_a, room_b)
    client.force_login(clerk)
    response = client.get(reverse("surveillance:room_list"))
    counts = {
        room.pk: (room.camera_total, room.camera_online, room.camera_offline)
        for room in response.context["rooms"]
    }
    assert counts == {room_a.pk: (6, 4, 2), room_b.pk: (6, 4, 2)}
    assert response.context["totals"] == {"total": 12, "online": 8, "offline": 4}


def test_the_camera_list_filters_by_village_grid_purpose_and_status(client, clerk, town, room_a, room_b):
    _many(town, room_a, room_b)
    client.force_login(clerk)

    def codes(query):
        response = client.get(reverse("surveillance:camera_list") + query)
        assert response.status_code == 200
        return [camera.channel_code for camera in response.context["page"].object_list]

    assert codes(f"?village={town.village_a.pk}") == [f"A{i:03d}" for i in range(6)]
    assert codes(f"?grid={town.grid_b.pk}&status=offline") == ["B000", "B003"]
    assert codes("?purpose=religious_venue&village=" + str(town.village_a.pk)) == ["A001", "A003", "A005"]
    # Two asked purposes of one camera still give the camera once.
    assert codes("?purpose=road_traffic,living_environment&grid=" + str(town.grid_a.pk)) == [
        "A000",
        "A002",
        "A004",
    ]
    assert codes("?q=B00") == [f"B{i:03d}" for i in range(6)]


def test_the_api_filters_the_same_way(clerk, town, room_a, room_b):
    _many(town, room_a, room_b)
    api = api_client(clerk)
    rows = api.get(f"/api/v1/cameras/?purpose=religious_venue&status=online&room={room_b.pk}").json()[
        "results"
    ]
    assert [row["channel_code"] for row in rows] == ["B001", "B005"]
    assert rows[0]["purposes"] == ["religious_venue"] and rows[0]["grid"]["code"] == "GB"
    assert rows[0]["village"]["name"] == "西沟村" and rows[0]["room"]["id"] == room_b.pk
    features = api.get("/api/v1/cameras/geojson/?status=offline").json()["features"]
    assert len(features) == 4
    assert features[0]["geometry"] == {"type": "Point", "coordinates": list(IN_A)}
    assert features[0]["properties"]["url"] == reverse("surveillance:camera_detail", args=[features[0]["id"]])
    rooms = api.get("/api/v1/monitoring-rooms/").json()["results"]
    assert [(row["camera_total"], row["camera_online"], row["camera_offline"]) for row in rooms] == [
        (6, 4, 2)
    ] * 2


def test_the_room_phone_is_masked_without_the_right(clerk, room_a):
    body = api_client(clerk).get(f"/api/v1/monitoring-rooms/{room_a.pk}/").json()
    assert body["responsible_phone"] == "138****8000"


def test_query_counts_do_not_grow_with_the_rows(
    client, clerk, town, room_a, room_b, django_assert_num_queries
):
    client.force_login(clerk)
    api = api_client(clerk)
    _many(town, room_a, room_b, count=3)
    counts = {}
    for label, call in (
        ("camera page", lambda: client.get(reverse("surveillance:camera_list"))),
        ("room page", lambda: client.get(reverse("surveillance:room_list"))),
        ("camera api", lambda: api.get("/api/v1/cameras/")),
        ("room api", lambda: api.get("/api/v1/monitoring-rooms/")),
        ("geojson", lambda: api.get("/api/v1/cameras/geojson/")),
    ):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        call()  # warm up: the API client's user caches its scope after the first request
        with CaptureQueriesContext(connection) as small:
            assert call().status_code == 200
        counts[label] = len(small)
    _many(town, make_room(town.village_a, "二号监控室"), make_room(town.village_b, "二号监控室"), count=0)
    for index in range(20):
        make_camera(room_a, f"Z{index:03d}", grid=town.grid_a, purposes=("other", "road_traffic"))
    for label, call in (
        ("camera page", lambda: client.get(reverse("surveillance:camera_list"))),
        ("room page", lambda: client.get(reverse("surveillance:room_list"))),
        ("camera api", lambda: api.get("/api/v1/cameras/")),
        ("room api", lambda: api.get("/api/v1/monitoring-rooms/")),
        ("geojson", lambda: api.get("/api/v1/cameras/geojson/")),
    ):
        with django_assert_num_queries(counts[label]):
            assert call().status_code == 200
    assert counts == PINNED


#: The pinned figures; a change here must be deliberate. The pages include the session, the user,
#: the scope (2), the base layout (duty shift, menu villages) and the session save (3); the camera
#: page adds its filter choices (villages, grids, rooms), the count, the rows and their purposes.
#: The API: count, rows, purposes (cameras); count, rows, camera counts (rooms); rows, purposes.
PINNED = {"camera page": 14, "room page": 11, "camera api": 3, "room api": 3, "geojson": 2}


def test_services_used_as_builders_keep_the_lists_consistent(clerk, town, room_a):
    services.create_camera(
        by=clerk, room=room_a, channel_code="S1", name="x", lon=IN_A[0], lat=IN_A[1], purposes=["other"]
    )
    rows = api_client(clerk).get("/api/v1/cameras/?purpose=other").json()["results"]
    assert [row["channel_code"] for row in rows] == ["S1"]
