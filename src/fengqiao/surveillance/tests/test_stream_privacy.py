"""Camera stream addresses (audit #5): the recorder's account in an address never leaves the
server (pages, API, map layer, audit rows, edit form), the address itself is shown only to the
register's keepers, and an edit that does not send it keeps the recorded one."""

from __future__ import annotations

import io
import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from fengqiao.core.models import AuditEvent
from fengqiao.surveillance import services
from fengqiao.surveillance.imports import COLUMNS, import_cameras
from fengqiao.surveillance.models import STREAM_SCHEMES, Camera
from fengqiao.surveillance.privacy import mask_stream_url
from fengqiao.testing import builders
from fengqiao.testing.builders import api_client

CAMERAS = "/api/v1/cameras/"
SECRET = "Secr3tPw"
HOST_PATH = "10.62.1.2:554/Streaming/Channels/101"
ADDRESS = f"rtsp://admin:{SECRET}@{HOST_PATH}"
MASKED = f"rtsp://***@{HOST_PATH}"


@pytest.fixture
def recorded(camera_a: Camera) -> Camera:
    camera_a.stream_url = ADDRESS
    camera_a.save()
    return camera_a


def _audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values_list("changes", flat=True)), ensure_ascii=False)


# --- the mask -------------------------------------------------------------------------------------

_PASSWORD = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Zs", "Cc")), min_size=1, max_size=30)
_USER = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
_HOST = st.from_regex(r"\A(?:10\.\d{1,3}\.\d{1,3}\.\d{1,3}|nvr[0-9]{1,3}\.example\.cn)(?::\d{2,5})?\Z")
_PATH = st.from_regex(r"\A(?:/[A-Za-z0-9.]{1,12}){0,4}\Z")


@given(st.sampled_from(STREAM_SCHEMES), _USER, _PASSWORD, _HOST, _PATH)
def test_the_mask_drops_the_whole_user_part_whatever_the_password_holds(scheme, user, password, host, path):
    masked = mask_stream_url(f"{scheme}://{user}:{password}@{host}{path}")
    assert masked == f"{scheme}://***@{host}{path}"
    assert mask_stream_url(masked) == masked


@given(st.sampled_from(STREAM_SCHEMES), _HOST, _PATH)
def test_an_address_without_an_account_is_shown_as_it_is(scheme, host, path):
    assert mask_stream_url(f"{scheme}://{host}{path}") == f"{scheme}://{host}{path}"


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("", ""),
        (
            "http://10.0.0.9/live.flv?user=admin&password=x1&ch=1",
            "http://10.0.0.9/live.flv?user=***&password=***&ch=1",
        ),
        ("https://gw.example.cn/hls/1.m3u8?token=abc", "https://gw.example.cn/hls/1.m3u8?token=***"),
        (
            "rtsp://10.0.0.9:554/user=admin_password=p_w_channel=1_stream=0.sdp",
            "rtsp://10.0.0.9:554/user=***_password=***_channel=1_stream=0.sdp",
        ),
    ],
)
def test_accounts_in_the_query_or_the_path_are_masked_too(address, masked):
    assert mask_stream_url(address) == masked


# --- who sees the address -------------------------------------------------------------------------


@pytest.fixture
def readers(town, leader, worker_a, police, auditor, mediator):
    return [
        leader,
        worker_a,
        police,
        auditor,
        mediator,
        builders.make_user("duty", "duty_leader", regions=[town.town]),
        builders.make_user("watch", "watch_member", grids=[town.grid_a]),
        builders.make_user("warden", "safety_warden", grids=[town.grid_a]),
    ]


@pytest.mark.parametrize("keeper", ["clerk", "administrator"])
def test_the_register_keepers_read_the_address_masked(request, keeper, recorded):
    user = request.getfixturevalue(keeper)
    client = api_client(user)
    detail = client.get(f"{CAMERAS}{recorded.pk}/")
    listed = client.get(CAMERAS)
    assert detail.status_code == 200 and detail.json()["stream_url"] == MASKED
    assert [row["stream_url"] for row in listed.json()["results"]] == [MASKED]
    assert SECRET not in detail.content.decode() + listed.content.decode()


def test_no_one_else_gets_the_address_from_the_api(readers, recorded):
    seen_by = set()
    for user in readers:
        client = api_client(user)
        listed = client.get(CAMERAS)
        detail = client.get(f"{CAMERAS}{recorded.pk}/")
        for body in (listed.content.decode(), detail.content.decode()):
            assert "10.62.1.2" not in body and SECRET not in body, user.role
        rows = listed.json()["results"]
        assert all(row["stream_url"] is None for row in rows), user.role
        if rows:
            seen_by.add(user.role)
            assert detail.json()["stream_url"] is None
    # The test means something only if the camera is visible to several of these roles.
    assert {"town_leader", "grid_worker", "watch_member", "safety_warden", "duty_leader"} <= seen_by


def test_a_grid_worker_setting_the_status_gets_no_address_back(worker_a, recorded):
    response = api_client(worker_a).post(
        f"{CAMERAS}{recorded.pk}/status/", {"status": "offline"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["camera"]["stream_url"] is None and "10.62.1.2" not in response.content.decode()


def test_the_map_layer_carries_no_address(clerk, worker_a, recorded):
    for user in (clerk, worker_a):
        response = api_client(user).get(f"{CAMERAS}geojson/")
        assert response.status_code == 200 and len(response.json()["features"]) == 1
        assert "10.62.1.2" not in response.content.decode()


def test_the_camera_page_shows_the_address_masked_to_keepers_only(client, clerk, readers, recorded):
    url = reverse("surveillance:camera_detail", args=[recorded.pk])
    client.force_login(clerk)
    page = client.get(url).content.decode()
    assert MASKED in page and SECRET not in page
    shown_to = 0
    for user in readers:
        client.force_login(user)
        response = client.get(url)
        if response.status_code == 200:
            shown_to += 1
            page = response.content.decode()
            assert "10.62.1.2" not in page and 'data-testid="stream-url"' not in page, user.role
    assert shown_to >= 5


def test_the_api_documents_the_field_as_null_for_others():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    field = schema["components"]["schemas"]["Camera"]["properties"]["stream_url"]
    assert field["nullable"] is True and "null unless" in field["description"]


# --- editing keeps the recorded address -----------------------------------------------------------


def test_the_edit_page_does_not_put_the_account_in_the_form(client, clerk, recorded):
    client.force_login(clerk)
    page = client.get(reverse("surveillance:camera_edit", args=[recorded.pk])).content.decode()
    assert SECRET not in page and f'placeholder="{MASKED}"' in page


def _form_body(camera, **overrides):
    body = {
        "channel_code": camera.channel_code,
        "name": "东沟村村委会大门",
        "room": camera.room_id,
        "place": camera.place,
        "lon": camera.lon,
        "lat": camera.lat,
        "grid": "",
        "purposes": camera.purpose_values,
        "stream_url": "",
        "active": "on",
    }
    body.update(overrides)
    return body


def test_saving_the_edit_page_with_the_address_blank_keeps_it(client, clerk, recorded):
    client.force_login(clerk)
    response = client.post(reverse("surveillance:camera_edit", args=[recorded.pk]), _form_body(recorded))
    assert response.status_code == 302
    recorded.refresh_from_db()
    assert recorded.name == "东沟村村委会大门" and recorded.stream_url == ADDRESS


def test_the_edit_page_removes_the_address_only_when_asked(client, clerk, recorded):
    client.force_login(clerk)
    url = reverse("surveillance:camera_edit", args=[recorded.pk])
    assert client.post(url, _form_body(recorded, clear_stream_url="on")).status_code == 302
    recorded.refresh_from_db()
    assert recorded.stream_url == ""
    assert SECRET not in _audit_text()


def test_a_new_address_from_the_edit_page_is_audited_masked(client, clerk, recorded):
    client.force_login(clerk)
    new = "rtsp://admin:N3wPass@10.62.1.3:554/101"
    url = reverse("surveillance:camera_edit", args=[recorded.pk])
    assert client.post(url, _form_body(recorded, stream_url=new)).status_code == 302
    recorded.refresh_from_db()
    assert recorded.stream_url == new
    row = AuditEvent.objects.get(action="camera.update")
    assert row.changes["stream_url"] == [MASKED, "rtsp://***@10.62.1.3:554/101"]
    assert SECRET not in _audit_text() and "N3wPass" not in _audit_text()


def test_an_api_patch_without_the_address_keeps_it(clerk, recorded):
    response = api_client(clerk).patch(f"{CAMERAS}{recorded.pk}/", {"name": "新名称"}, format="json")
    assert response.status_code == 200 and response.json()["stream_url"] == MASKED
    recorded.refresh_from_db()
    assert recorded.stream_url == ADDRESS


def test_sending_back_the_masked_address_as_read_keeps_the_account(clerk, recorded):
    client = api_client(clerk)
    body = client.get(f"{CAMERAS}{recorded.pk}/").json()
    body.update(room=body["room"]["id"], grid=None, name="新名称")
    response = client.put(f"{CAMERAS}{recorded.pk}/", body, format="json")
    assert response.status_code == 200, response.content
    recorded.refresh_from_db()
    assert recorded.stream_url == ADDRESS and recorded.name == "新名称"
    assert "stream_url" not in AuditEvent.objects.get(action="camera.update").changes


def test_an_empty_address_through_the_api_removes_it(clerk, recorded):
    response = api_client(clerk).patch(f"{CAMERAS}{recorded.pk}/", {"stream_url": ""}, format="json")
    assert response.status_code == 200 and response.json()["stream_url"] == ""
    recorded.refresh_from_db()
    assert recorded.stream_url == ""
    assert SECRET not in _audit_text()


def test_registering_a_camera_with_an_account_audits_it_masked(clerk, room_a):
    body = {
        "channel_code": "62080210120013200009",
        "name": "东沟村村口",
        "room": room_a.pk,
        "lon": 106.805,
        "lat": 35.505,
        "purposes": ["road_traffic"],
        "stream_url": ADDRESS,
    }
    response = api_client(clerk).post(CAMERAS, body, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["stream_url"] == MASKED and SECRET not in response.content.decode()
    assert Camera.objects.get(channel_code=body["channel_code"]).stream_url == ADDRESS
    assert AuditEvent.objects.get(action="camera.create").changes["stream_url"] == MASKED


def _xlsx(stream_url: str, camera: Camera) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append([header for _name, header in COLUMNS])
    sheet.append(
        [
            camera.channel_code,
            camera.name,
            camera.room.name,
            "",
            camera.lon,
            camera.lat,
            "社会治安",
            "",
            stream_url,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_reimporting_the_register_with_a_blank_address_keeps_it(clerk, recorded):
    result = import_cameras(_xlsx("", recorded), by=clerk)
    assert result.ok, result.errors
    recorded.refresh_from_db()
    assert recorded.stream_url == ADDRESS


def test_an_imported_address_is_audited_masked(clerk, recorded):
    result = import_cameras(_xlsx("rtsp://admin:N3wPass@10.62.1.3:554/101", recorded), by=clerk)
    assert result.ok, result.errors
    recorded.refresh_from_db()
    assert recorded.stream_url.endswith("@10.62.1.3:554/101")
    assert "N3wPass" not in _audit_text() and SECRET not in _audit_text()


def test_the_service_keeps_the_address_when_none_is_given(clerk, recorded):
    services.update_camera(
        recorded,
        by=clerk,
        room=recorded.room,
        channel_code=recorded.channel_code,
        name=recorded.name,
        lon=recorded.lon,
        lat=recorded.lat,
        purposes=recorded.purpose_values,
        place=recorded.place,
        grid=None,
        active=True,
    )
    recorded.refresh_from_db()
    assert recorded.stream_url == ADDRESS
