"""The surveillance pages render for the roles that use them, with masked phones and counts."""

from __future__ import annotations

from django.urls import reverse

from fengqiao.core.models import AuditEvent
from fengqiao.surveillance import services


def test_the_room_page_shows_counts_and_a_masked_phone(client, clerk, room_a, camera_a):
    services.set_camera_status(camera_a, by=clerk, status="offline")
    client.force_login(clerk)
    response = client.get(reverse("surveillance:room_detail", args=[room_a.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "138****8000" in page and "13800138000" not in page
    room = response.context["room"]
    assert (room.camera_total, room.camera_online, room.camera_offline) == (1, 0, 1)
    assert [camera.pk for camera in response.context["cameras"]] == [camera_a.pk]


def test_a_user_with_the_right_sees_the_phone_and_the_read_is_audited(client, town, room_a):
    from fengqiao.testing import builders

    reader = builders.make_user("reader", "clerk", regions=[town.town], view_sensitive=True)
    client.force_login(reader)
    page = client.get(reverse("surveillance:room_detail", args=[room_a.pk])).content.decode()
    assert "+8613800138000" in page
    assert AuditEvent.objects.filter(action="sensitive.read", object_id=str(room_a.pk)).count() == 1


def test_the_camera_page_shows_what_the_role_may_do(client, clerk, worker_a, police, camera_a):
    url = reverse("surveillance:camera_detail", args=[camera_a.pk])
    client.force_login(clerk)
    page = client.get(url)
    assert page.context["can_manage"] and page.context["can_set_status"] and page.context["can_report"]
    assert 'data-testid="status-form"' in page.content.decode()
    client.force_login(worker_a)
    page = client.get(url)
    assert not page.context["can_manage"] and page.context["can_set_status"] and page.context["can_report"]
    client.force_login(police)
    page = client.get(url)
    assert not (page.context["can_manage"] or page.context["can_set_status"] or page.context["can_report"])
    assert 'data-testid="status-form"' not in page.content.decode()


def test_the_admin_shows_cameras_read_only(client, administrator, camera_a):
    client.force_login(administrator)
    assert client.get(reverse("admin:surveillance_camera_changelist")).status_code == 200
    assert client.get(reverse("admin:surveillance_camera_add")).status_code == 403
