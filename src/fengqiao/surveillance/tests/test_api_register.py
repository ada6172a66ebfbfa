"""Keeping the camera register through the API: rooms and cameras created, edited, retired and
their status set by the same services and rules as the pages; reads stay scoped."""

from __future__ import annotations

import pytest
from django.utils import translation

from fengqiao.cases.models import Case
from fengqiao.core.models import AuditEvent
from fengqiao.surveillance.models import Camera, CameraPurpose, CameraStatusChange, MonitoringRoom
from fengqiao.surveillance.tests.conftest import IN_A, IN_B
from fengqiao.testing import builders
from fengqiao.testing.builders import api_client

ROOMS = "/api/v1/monitoring-rooms/"
CAMERAS = "/api/v1/cameras/"


def _camera_body(room, **overrides):
    body = {
        "channel_code": "62080210120013200001",
        "name": "东沟村村口",
        "room": room.pk,
        "lon": IN_A[0],
        "lat": IN_A[1],
        "purposes": ["road_traffic", "public_security"],
    }
    body.update(overrides)
    return body


@pytest.fixture
def clerk_a(town):
    """A clerk of village A only: village B, its grid and its cameras are outside their area."""
    return builders.make_user("clerk_a", "clerk", regions=[town.village_a])


# --- monitoring rooms ----------------------------------------------------------------------------


def test_a_clerk_registers_a_room_through_the_api(clerk, town):
    response = api_client(clerk).post(
        ROOMS,
        {"village": town.village_a.pk, "name": "东沟村视频监控室", "responsible_phone": "13800138000"},
        format="json",
    )
    assert response.status_code == 201, response.content
    room = MonitoringRoom.objects.get()
    body = response.json()
    assert body["id"] == room.pk and body["village"]["code"] == town.village_a.code
    assert response["Location"].endswith(f"{ROOMS}{room.pk}/")
    assert room.responsible_phone == "+8613800138000"
    assert "13800138000" not in body["responsible_phone"]  # masked for a clerk without the right
    assert AuditEvent.objects.get(action="monitoring_room.create").object_id == str(room.pk)


@pytest.mark.parametrize("persona", ["worker_a", "leader", "police", "auditor"])
def test_other_roles_may_not_register_a_room(request, persona, town):
    user = request.getfixturevalue(persona)
    response = api_client(user).post(ROOMS, {"village": town.village_a.pk, "name": "x"}, format="json")
    assert response.status_code == 403
    assert not MonitoringRoom.objects.exists()


def test_a_room_outside_the_clerks_area_or_a_duplicate_name_is_a_400_on_its_field(clerk_a, town, room_a):
    api = api_client(clerk_a)
    other = api.post(ROOMS, {"village": town.village_b.pk, "name": "西沟村监控室"}, format="json")
    assert other.status_code == 400 and "village" in other.json()["fields"]
    twin = api.post(ROOMS, {"village": town.village_a.pk, "name": room_a.name}, format="json")
    assert twin.status_code == 400 and "name" in twin.json()["fields"]
    missing = api.post(ROOMS, {"village": town.village_a.pk}, format="json")
    assert missing.status_code == 400 and missing.json()["code"] == "invalid"
    assert "name" in missing.json()["fields"]
    assert MonitoringRoom.objects.count() == 1


def test_patch_changes_only_the_fields_sent_and_is_audited(clerk, room_a):
    response = api_client(clerk).patch(f"{ROOMS}{room_a.pk}/", {"address": "村委会三楼"}, format="json")
    assert response.status_code == 200, response.content
    room_a.refresh_from_db()
    assert room_a.address == "村委会三楼" and room_a.responsible_name == "赵文"
    assert room_a.responsible_phone == "+8613800138000"
    event = AuditEvent.objects.get(action="monitoring_room.update")
    assert set(event.changes) == {"address"}


def test_put_needs_every_required_field(clerk, room_a):
    response = api_client(clerk).put(f"{ROOMS}{room_a.pk}/", {"name": "新名"}, format="json")
    assert response.status_code == 400 and "village" in response.json()["fields"]


def test_editing_a_room_out_of_scope_is_404_and_for_other_roles_403(clerk_a, worker_a, room_a, room_b):
    assert api_client(clerk_a).patch(f"{ROOMS}{room_b.pk}/", {"name": "x"}, format="json").status_code == 404
    assert api_client(worker_a).patch(f"{ROOMS}{room_a.pk}/", {"name": "x"}, format="json").status_code == 403
    room_a.refresh_from_db()
    assert room_a.name != "x"


# --- cameras -------------------------------------------------------------------------------------


def test_a_clerk_registers_a_camera_located_in_its_grid_without_a_stream_address(clerk, town, room_a):
    response = api_client(clerk).post(CAMERAS, _camera_body(room_a), format="json")
    assert response.status_code == 201, response.content
    camera = Camera.objects.get()
    body = response.json()
    assert body["grid"]["code"] == "GA" and body["grid_overridden"] is False
    assert body["stream_url"] == "" and body["status"] == "online" and body["active"] is True
    assert sorted(body["purposes"]) == ["public_security", "road_traffic"]
    assert response["Location"].endswith(f"{CAMERAS}{camera.pk}/")
    assert AuditEvent.objects.get(action="camera.create").object_id == str(camera.pk)


def test_a_grid_named_by_hand_is_kept_and_flagged(administrator, town, room_a):
    response = api_client(administrator).post(
        CAMERAS, _camera_body(room_a, grid=town.grid_b.pk), format="json"
    )
    assert response.status_code == 201, response.content
    assert response.json()["grid"]["code"] == "GB" and response.json()["grid_overridden"] is True


def test_the_channel_code_is_unique_through_the_api(clerk, room_a, camera_a):
    response = api_client(clerk).post(
        CAMERAS, _camera_body(room_a, channel_code=camera_a.channel_code), format="json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "duplicate" and "channel_code" in response.json()["fields"]
    clash = api_client(clerk).post(CAMERAS, _camera_body(room_a, channel_code="C-2"), format="json")
    assert clash.status_code == 201
    renamed = api_client(clerk).patch(
        f"{CAMERAS}{clash.json()['id']}/", {"channel_code": camera_a.channel_code}, format="json"
    )
    assert renamed.status_code == 400 and "channel_code" in renamed.json()["fields"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purposes": []}, "purposes"),
        ({"purposes": ["spying"]}, "purposes"),
        ({"lat": 95}, "lat"),
        ({"lon": True}, "lon"),
        ({"stream_url": "ftp://10.0.0.1/x"}, "stream_url"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_camera_input_is_a_400_on_its_field(clerk, room_a, overrides, field):
    response = api_client(clerk).post(CAMERAS, _camera_body(room_a, **overrides), format="json")
    assert response.status_code == 400, response.content
    # A list's item is named by its index ("purposes.0"), as in the case API.
    assert field in {name.split(".")[0] for name in response.json()["fields"]}
    assert not Camera.objects.exists()


def test_a_bad_coordinate_names_its_field_in_chinese_too(clerk, room_a):
    # The field used to be guessed from the English word "longitude" in the message.
    with translation.override("zh-hans"):
        response = api_client(clerk).post(
            CAMERAS, _camera_body(room_a, lon=200.0), format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"
        )
    assert response.status_code == 400
    assert list(response.json()["fields"]) == ["lon"]


def test_a_room_or_grid_outside_the_clerks_area_is_refused(clerk_a, town, room_a, room_b):
    api = api_client(clerk_a)
    in_b = api.post(CAMERAS, _camera_body(room_b), format="json")
    assert in_b.status_code == 400 and "room" in in_b.json()["fields"]
    grid_b = api.post(CAMERAS, _camera_body(room_a, grid=town.grid_b.pk), format="json")
    assert grid_b.status_code == 400 and "grid" in grid_b.json()["fields"]
    assert not Camera.objects.exists()


@pytest.mark.parametrize("persona", ["worker_a", "leader", "police"])
def test_other_roles_may_not_register_or_edit_a_camera(request, persona, room_a, camera_a):
    api = api_client(request.getfixturevalue(persona))
    assert api.post(CAMERAS, _camera_body(room_a), format="json").status_code == 403
    assert api.patch(f"{CAMERAS}{camera_a.pk}/", {"name": "x"}, format="json").status_code == 403
    assert Camera.objects.count() == 1 and Camera.objects.get().name != "x"


def test_a_camera_out_of_scope_is_404_on_edit(clerk_a, camera_b):
    response = api_client(clerk_a).patch(f"{CAMERAS}{camera_b.pk}/", {"name": "x"}, format="json")
    assert response.status_code == 404


def test_moving_the_point_moves_a_located_grid_but_not_one_set_by_hand(clerk, town, camera_a, camera_b):
    api = api_client(clerk)
    moved = api.patch(f"{CAMERAS}{camera_a.pk}/", {"lon": IN_B[0], "lat": IN_B[1]}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["grid"]["code"] == "GB" and moved.json()["grid_overridden"] is False
    pinned = api.patch(f"{CAMERAS}{camera_b.pk}/", {"grid": town.grid_a.pk}, format="json")
    assert pinned.json()["grid"]["code"] == "GA" and pinned.json()["grid_overridden"] is True
    renamed = api.patch(f"{CAMERAS}{camera_b.pk}/", {"name": "西沟村村口东"}, format="json")
    assert renamed.json()["grid"]["code"] == "GA" and renamed.json()["name"] == "西沟村村口东"
    assert sorted(CameraPurpose.objects.filter(camera=camera_b).values_list("purpose", flat=True)) == [
        "road_traffic"
    ]


def test_retiring_a_camera_keeps_it_on_record_and_is_audited(clerk, camera_a):
    api = api_client(clerk)
    response = api.patch(f"{CAMERAS}{camera_a.pk}/", {"active": False}, format="json")
    assert response.status_code == 200 and response.json()["active"] is False
    event = AuditEvent.objects.get(action="camera.update")
    assert event.changes["active"] == [True, False]
    retired = api.get(f"{CAMERAS}?active=false").json()["results"]
    assert [row["id"] for row in retired] == [camera_a.pk]


def test_a_status_sent_on_edit_writes_one_history_row(clerk, camera_a):
    api = api_client(clerk)
    url = f"{CAMERAS}{camera_a.pk}/"
    response = api.patch(url, {"status": "offline", "status_note": "光缆被挖断"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "offline"
    change = CameraStatusChange.objects.get()
    assert (change.from_status, change.to_status, change.note, change.changed_by) == (
        "online",
        "offline",
        "光缆被挖断",
        clerk,
    )
    assert AuditEvent.objects.filter(action="camera.set_status").count() == 1
    assert not AuditEvent.objects.filter(action="camera.update").exists()
    # The same status again is no change.
    api.patch(url, {"status": "offline"}, format="json")
    assert CameraStatusChange.objects.count() == 1


def test_an_edit_with_a_bad_field_writes_neither_the_edit_nor_the_status(clerk, camera_a):
    response = api_client(clerk).patch(
        f"{CAMERAS}{camera_a.pk}/", {"status": "offline", "purposes": []}, format="json"
    )
    assert response.status_code == 400
    camera_a.refresh_from_db()
    assert camera_a.status == "online" and not CameraStatusChange.objects.exists()


def test_put_replaces_every_field_but_a_missing_stream_address_keeps_it(clerk, room_b, camera_a):
    # The address is only ever read masked, so a client cannot send it back whole (audit #5).
    camera_a.stream_url = "rtsp://10.62.1.2:554/101"
    camera_a.save()
    response = api_client(clerk).put(
        f"{CAMERAS}{camera_a.pk}/",
        _camera_body(room_b, channel_code=camera_a.channel_code, lon=IN_B[0], lat=IN_B[1]),
        format="json",
    )
    assert response.status_code == 200, response.content
    camera_a.refresh_from_db()
    assert camera_a.room == room_b and camera_a.grid.code == "GB"
    assert camera_a.stream_url == "rtsp://10.62.1.2:554/101"


# --- a case found through video, through the API ------------------------------------------------


def test_a_case_found_through_video_leads_to_its_camera_in_the_api(clerk, worker_b, camera_a, camera_b):
    finding = api_client(clerk).post(
        f"{CAMERAS}{camera_a.pk}/findings/", {"title": "村委会门口垃圾堆放"}, format="json"
    )
    case_id = finding.json()["case"]["id"]
    assert finding.json()["camera"] == camera_a.pk and Case.objects.get(pk=case_id).channel == "video"
    rows = api_client(clerk).get(f"{CAMERAS}?case={case_id}").json()["results"]
    assert [row["id"] for row in rows] == [camera_a.pk]
    # Worker B sees neither the case nor camera A: the filter tells nothing.
    assert api_client(worker_b).get(f"{CAMERAS}?case={case_id}").json()["results"] == []


def test_the_schema_documents_the_write_endpoints(clerk):
    from django.core.management import call_command

    schema = api_client(clerk).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert {"post"} <= set(paths[ROOMS]) and {"put", "patch"} <= set(paths[f"{ROOMS}{{id}}/"])
    assert {"post"} <= set(paths[CAMERAS]) and {"put", "patch"} <= set(paths[f"{CAMERAS}{{id}}/"])
    assert "delete" not in paths[f"{CAMERAS}{{id}}/"]
    assert any(parameter["name"] == "case" for parameter in paths[CAMERAS]["get"]["parameters"])
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", "/dev/null")
