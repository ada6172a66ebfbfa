"""Django admin for video surveillance: read-only, for administrators.

Rooms and cameras are edited on the surveillance pages, through the audited services; the admin
only looks, so nothing reaches the database around them.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fengqiao.surveillance.models import Camera, CameraStatusChange, MonitoringRoom, VideoFinding


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_module_permission(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "is_administrator", False))

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(MonitoringRoom)
class MonitoringRoomAdmin(ReadOnlyAdmin):
    list_display = ["name", "village", "address", "responsible_name"]
    list_select_related = ["village"]
    search_fields = ["name", "address"]


@admin.register(Camera)
class CameraAdmin(ReadOnlyAdmin):
    list_display = ["channel_code", "name", "room", "grid", "status", "active"]
    list_filter = ["status", "active"]
    list_select_related = ["room", "grid"]
    search_fields = ["channel_code", "name", "place"]


@admin.register(CameraStatusChange)
class CameraStatusChangeAdmin(ReadOnlyAdmin):
    list_display = ["camera", "from_status", "to_status", "at", "changed_by"]
    list_select_related = ["camera", "changed_by"]


@admin.register(VideoFinding)
class VideoFindingAdmin(ReadOnlyAdmin):
    list_display = ["camera", "case", "reported_by", "created_at"]
    list_select_related = ["camera", "case", "reported_by"]
