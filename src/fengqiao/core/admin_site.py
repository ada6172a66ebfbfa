"""Django admin is for configuration by administrators only, never for the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.http import HttpRequest


def is_administrator(request: HttpRequest) -> bool:
    user: Any = request.user
    return bool(user.is_active and user.is_authenticated and user.is_staff and user.is_administrator)


def restrict_admin_to_administrators(site: AdminSite) -> None:
    site.has_permission = is_administrator  # type: ignore[method-assign]
    site.site_header = "Fengqiao"
    site.site_title = "Fengqiao"


class AdministratorsOnlyMixin:
    """ModelAdmin permissions by role: administrators may do everything, nobody else anything.

    Roles, not Django's per-model permissions, decide who configures the platform; without this an
    administrator who is not a superuser would see an empty admin.
    """

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_administrator(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_administrator(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_administrator(request)
