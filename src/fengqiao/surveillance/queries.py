"""Read helpers for video surveillance, always scoped; 404 alike for missing and out of scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from fengqiao.cases.models import Case
from fengqiao.core.scoping import get_for_user
from fengqiao.surveillance.models import Camera, CameraQuerySet, CameraStatusChange, MonitoringRoom


def cameras_for(user: Any) -> CameraQuerySet:
    """The cameras the user may see, with what every list shows (room, village, grid, purposes)."""
    queryset: CameraQuerySet = Camera.objects.visible_to(user)  # type: ignore[assignment]
    return queryset.select_related("room", "room__village", "grid").with_purposes()


def rooms_for(user: Any) -> QuerySet[MonitoringRoom]:
    return MonitoringRoom.objects.visible_to(user).select_related("village")


def get_camera_for_user(user: Any, pk: Any) -> Camera:
    """The camera if the user may see it; Http404 if it is missing or out of scope."""
    camera: Camera = get_for_user(
        Camera.objects.select_related("room", "room__village", "grid", "grid__village"), user, pk
    )
    return camera


def get_room_for_user(user: Any, pk: Any) -> MonitoringRoom:
    """The monitoring room if the user may see it; Http404 if it is missing or out of scope."""
    room: MonitoringRoom = get_for_user(MonitoringRoom.objects.select_related("village"), user, pk)
    return room


def camera_counts(user: Any, rooms: Any = None) -> dict[int, dict[str, int]]:
    """Per room id: the user's visible cameras in total, online and offline (one grouped query)."""
    queryset = Camera.objects.visible_to(user)
    if rooms is not None:
        queryset = queryset.filter(room__in=rooms)
    rows = (
        queryset.order_by()
        .values("room_id")
        .annotate(
            total=Count("id"),
            online=Count("id", filter=Q(status=Camera.Status.ONLINE)),
            offline=Count("id", filter=Q(status=Camera.Status.OFFLINE)),
        )
    )
    return {
        row["room_id"]: {"total": row["total"], "online": row["online"], "offline": row["offline"]}
        for row in rows
    }


def with_counts(rooms: list[MonitoringRoom], user: Any) -> list[MonitoringRoom]:
    """The rooms with `camera_total`, `camera_online` and `camera_offline` set (one query)."""
    counts = camera_counts(user, [room.pk for room in rooms])
    for room in rooms:
        figures = counts.get(room.pk, {"total": 0, "online": 0, "offline": 0})
        room.camera_total = figures["total"]  # type: ignore[attr-defined]
        room.camera_online = figures["online"]  # type: ignore[attr-defined]
        room.camera_offline = figures["offline"]  # type: ignore[attr-defined]
    return rooms


def status_history(camera: Camera, limit: int = 50) -> list[CameraStatusChange]:
    return list(camera.status_changes.select_related("changed_by").order_by("-at", "-id")[:limit])


def linked_cases(camera: Camera, user: Any) -> QuerySet[Case]:
    """The cases found through this camera that the user may see, newest first."""
    return (
        Case.objects.visible_to(user)
        .filter(video_finding__camera=camera)
        .select_related("grid")
        .order_by("-id")
    )
