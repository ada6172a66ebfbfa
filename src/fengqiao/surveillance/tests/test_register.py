"""Keeping the camera register: rooms and cameras created and edited by clerks and administrators,
located in their grid, audited; everyone else refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import translation

from fengqiao.core.models import AuditEvent
from fengqiao.surveillance import services
from fengqiao.surveillance.exceptions import SurveillanceError
from fengqiao.surveillance.models import Camera, CameraPurpose, MonitoringRoom
from fengqiao.surveillance.tests.conftest import IN_A, IN_B


def _create(by, room, **overrides):
    fields = {
        "room": room,
        "channel_code": "62080210120013200001",
        "name": "东沟村村口",
        "lon": IN_A[0],
        "lat": IN_A[1],
        "purposes": ["road_traffic", "public_security"],
    }
    fields.update(overrides)
    return services.create_camera(by=by, **fields)


def test_it_locates_the_camera_in_its_grid_and_audits(clerk, town, room_a):
    camera = _create(clerk, room_a)
    assert camera.grid == town.grid_a and camera.grid_overridden is False
    assert camera.status == Camera.Status.ONLINE and camera.stream_url == ""
    assert sorted(CameraPurpose.objects.filter(camera=camera).values_list("purpose", flat=True)) == [
        "public_security",
        "road_traffic",
    ]
    event = AuditEvent.objects.get(action="camera.create")
    assert event.actor == clerk and event.object_id == str(camera.pk)
    assert event.changes["grid"] == "GA" and event.changes["purposes"] == ["public_security", "road_traffic"]


def test_a_grid_given_by_hand_overrides_the_point(administrator, town, room_a):
    camera = _create(administrator, room_a, grid=town.grid_b)
    assert camera.grid == town.grid_b and camera.grid_overridden is True


def test_a_point_outside_every_grid_has_no_grid(clerk, room_a):
    camera = _create(clerk, room_a, lon=100.0, lat=30.0)
    assert camera.grid is None


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"purposes": []}, "purposes"),
        ({"purposes": ["spying"]}, "purposes"),
        ({"lon": None}, "lon"),
        ({"lat": 95}, "lat"),
        ({"name": " "}, "name"),
        ({"channel_code": ""}, "channel_code"),
        ({"stream_url": "not a url"}, "stream_url"),
    ],
)
def test_bad_input_is_refused_per_field(clerk, room_a, overrides, field):
    with pytest.raises(SurveillanceError) as error:
        _create(clerk, room_a, **overrides)
    assert field in error.value.fields
    assert not Camera.objects.exists() and not AuditEvent.objects.filter(action="camera.create").exists()


def test_the_channel_code_is_unique(clerk, room_a, camera_a):
    with pytest.raises(SurveillanceError) as error:
        _create(clerk, room_a, channel_code=camera_a.channel_code)
    assert error.value.code == "duplicate"


def test_an_rtsp_stream_address_is_accepted(clerk, room_a):
    camera = _create(clerk, room_a, stream_url="rtsp://10.62.1.2:554/Streaming/Channels/101")
    assert camera.stream_url.startswith("rtsp://")


@pytest.mark.parametrize("persona", ["worker_a", "leader", "police", "auditor", "mediator"])
def test_other_roles_may_not_keep_the_register(request, persona, room_a):
    with pytest.raises(PermissionDenied):
        _create(request.getfixturevalue(persona), room_a)


def test_update_writes_the_changes_and_moves_the_grid_with_the_point(clerk, town, room_a, room_b, camera_a):
    services.update_camera(
        camera_a,
        by=clerk,
        room=room_b,
        channel_code=camera_a.channel_code,
        name="西沟村村口",
        lon=IN_B[0],
        lat=IN_B[1],
        purposes=["road_traffic"],
        place="村口",
        grid=None,
        stream_url="",
        active=True,
    )
    camera_a.refresh_from_db()
    assert (
        camera_a.grid == town.grid_b
        and camera_a.room == room_b
        and camera_a.purpose_values == ["road_traffic"]
    )
    event = AuditEvent.objects.get(action="camera.update")
    assert set(event.changes) >= {"name", "room", "grid", "lon", "purposes"}


def test_an_update_that_changes_nothing_writes_nothing(clerk, town, room_a, camera_a):
    services.update_camera(
        camera_a,
        by=clerk,
        room=room_a,
        channel_code=camera_a.channel_code,
        name=camera_a.name,
        lon=camera_a.lon,
        lat=camera_a.lat,
        purposes=camera_a.purpose_values,
        place=camera_a.place,
        grid=None,
        stream_url="",
        active=True,
    )
    assert not AuditEvent.objects.filter(action="camera.update").exists()


def test_rooms_are_created_and_edited_with_an_audit_row_without_the_phone(clerk, town):
    room = services.create_room(
        by=clerk, village=town.village_a, name="东沟村视频监控室", responsible_phone="13800138000"
    )
    assert room.responsible_phone == "+8613800138000"
    services.update_room(
        room,
        by=clerk,
        village=town.village_a,
        name="东沟村监控中心",
        address="村委会二楼",
        responsible_name="赵文",
        responsible_phone="13900139000",
    )
    event = AuditEvent.objects.get(action="monitoring_room.update")
    assert event.changes["name"] == ["东沟村视频监控室", "东沟村监控中心"]
    assert "13900139000" not in str(event.changes) and "+8613900139000" not in str(event.changes)
    assert AuditEvent.objects.filter(action="monitoring_room.create").count() == 1


def test_a_room_needs_a_village_in_scope_and_a_unique_name(town, room_a):
    from fengqiao.testing import builders

    village_clerk = builders.make_user("vclerk", "clerk", regions=[town.village_b])
    with pytest.raises(SurveillanceError):
        services.create_room(by=village_clerk, village=town.village_a, name="x")
    with pytest.raises(SurveillanceError):
        services.create_room(by=village_clerk, village=town.village_b, name=" ")
    admin = builders.make_user("root2", "administrator")
    with pytest.raises(SurveillanceError):
        services.create_room(by=admin, village=town.village_a, name=room_a.name)
    with pytest.raises(SurveillanceError):
        services.create_room(by=admin, village=town.town, name="镇监控室")


def test_the_clerk_creates_a_camera_through_the_page(client, clerk, town, room_a):
    client.force_login(clerk)
    with translation.override("en"):
        response = client.post(
            reverse("surveillance:camera_create"),
            {
                "channel_code": "C-1",
                "name": "东沟村河道",
                "room": room_a.pk,
                "place": "河道",
                "lon": IN_A[0],
                "lat": IN_A[1],
                "purposes": ["disaster_prevention"],
                "stream_url": "",
                "active": "on",
            },
        )
    camera = Camera.objects.get(channel_code="C-1")
    assert response.status_code == 302 and response["Location"] == reverse(
        "surveillance:camera_detail", args=[camera.pk]
    )
    assert camera.grid == town.grid_a and camera.purpose_values == ["disaster_prevention"]


def test_the_page_shows_a_service_refusal_on_its_field(client, clerk, room_a, camera_a):
    client.force_login(clerk)
    with translation.override("en"):
        response = client.post(
            reverse("surveillance:camera_create"),
            {
                "channel_code": camera_a.channel_code,
                "name": "x",
                "room": room_a.pk,
                "lon": IN_A[0],
                "lat": IN_A[1],
                "purposes": ["other"],
            },
        )
    assert response.status_code == 200
    assert len(response.context["form"].errors["channel_code"]) == 1
    assert Camera.objects.count() == 1


def test_the_clerk_edits_a_room_through_the_page(client, clerk, town, room_a):
    client.force_login(clerk)
    response = client.post(
        reverse("surveillance:room_edit", args=[room_a.pk]),
        {
            "village": town.village_a.pk,
            "name": "东沟村监控中心",
            "address": "",
            "responsible_name": "",
            "responsible_phone": "",
        },
    )
    assert response.status_code == 302
    room_a.refresh_from_db()
    assert room_a.name == "东沟村监控中心"


@pytest.mark.parametrize("url_name", ["surveillance:camera_create", "surveillance:room_create"])
def test_a_grid_worker_gets_403_on_the_forms(client, worker_a, url_name):
    client.force_login(worker_a)
    assert client.get(reverse(url_name)).status_code == 403


def test_the_forms_render_for_the_clerk(client, clerk, room_a, camera_a):
    client.force_login(clerk)
    for url in (
        reverse("surveillance:camera_create") + f"?room={room_a.pk}",
        reverse("surveillance:camera_edit", args=[camera_a.pk]),
        reverse("surveillance:room_create"),
        reverse("surveillance:room_edit", args=[room_a.pk]),
    ):
        assert client.get(url).status_code == 200, url
    assert MonitoringRoom.objects.count() == 1
