"""A camera's status: one history row per change, nothing on a repeat, by the roles that may."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fengqiao.core.models import AuditEvent
from fengqiao.surveillance.models import Camera, CameraStatusChange
from fengqiao.testing.builders import api_client


def _url(camera):
    return f"/api/v1/cameras/{camera.pk}/status/"


def test_the_api_marks_a_camera_offline_with_one_history_row_and_an_audit_row(clerk, camera_a):
    response = api_client(clerk).post(_url(camera_a), {"status": "offline", "note": "断电"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["changed"] is True and body["camera"]["status"] == "offline"
    assert body["change"]["from_status"] == "online" and body["change"]["to_status"] == "offline"
    change = CameraStatusChange.objects.get()
    assert (change.camera, change.from_status, change.to_status, change.note, change.changed_by) == (
        camera_a,
        "online",
        "offline",
        "断电",
        clerk,
    )
    camera_a.refresh_from_db()
    assert camera_a.status == "offline" and camera_a.status_changed_at == change.at
    event = AuditEvent.objects.get(action="camera.set_status")
    assert event.changes["status"] == ["online", "offline"] and event.object_id == str(camera_a.pk)


def test_the_same_status_again_changes_nothing(clerk, camera_a):
    client = api_client(clerk)
    client.post(_url(camera_a), {"status": "offline"}, format="json")
    response = client.post(_url(camera_a), {"status": "offline"}, format="json")
    assert response.status_code == 200
    assert response.json()["changed"] is False and response.json()["change"] is None
    assert CameraStatusChange.objects.count() == 1
    assert AuditEvent.objects.filter(action="camera.set_status").count() == 1


def test_back_online_adds_a_second_row_and_the_history_shows_both(client, clerk, camera_a):
    api = api_client(clerk)
    api.post(_url(camera_a), {"status": "offline"}, format="json")
    api.post(_url(camera_a), {"status": "online", "note": "已修复"}, format="json")
    assert list(CameraStatusChange.objects.order_by("id").values_list("from_status", "to_status")) == [
        ("online", "offline"),
        ("offline", "online"),
    ]
    client.force_login(clerk)
    page = client.get(reverse("surveillance:camera_detail", args=[camera_a.pk]))
    assert page.status_code == 200
    assert len(page.context["history"]) == 2 and "已修复" in page.content.decode()


def test_the_grid_worker_of_the_grid_may_set_the_status_through_the_page(client, worker_a, camera_a):
    client.force_login(worker_a)
    response = client.post(
        reverse("surveillance:camera_status", args=[camera_a.pk]), {"status": "offline", "note": "镜头被遮挡"}
    )
    assert response.status_code == 302
    camera_a.refresh_from_db()
    assert camera_a.status == Camera.Status.OFFLINE
    assert CameraStatusChange.objects.get().changed_by == worker_a


def test_a_grid_worker_of_another_grid_gets_404(client, worker_b, camera_a):
    assert api_client(worker_b).post(_url(camera_a), {"status": "offline"}, format="json").status_code == 404
    client.force_login(worker_b)
    assert (
        client.post(
            reverse("surveillance:camera_status", args=[camera_a.pk]), {"status": "offline"}
        ).status_code
        == 404
    )
    assert not CameraStatusChange.objects.exists()


@pytest.mark.parametrize("persona", ["police", "auditor", "mediator"])
def test_roles_that_see_the_camera_but_may_not_set_it_get_403(request, persona, camera_a):
    response = api_client(request.getfixturevalue(persona)).post(
        _url(camera_a), {"status": "offline"}, format="json"
    )
    assert response.status_code == 403
    assert not CameraStatusChange.objects.exists()


def test_an_unknown_status_is_a_400_naming_the_field(clerk, camera_a):
    response = api_client(clerk).post(_url(camera_a), {"status": "broken"}, format="json")
    assert response.status_code == 400
    assert "status" in str(response.json())
