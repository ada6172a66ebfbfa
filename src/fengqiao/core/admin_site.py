"""Django admin is for configuration by administrators only, never for the audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib.admin import AdminSite
from django.http import HttpRequest


def restrict_admin_to_administrators(site: AdminSite) -> None:
    def has_permission(request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_active and user.is_authenticated and user.is_staff and user.is_administrator)

    site.has_permission = has_permission  # type: ignore[method-assign]
    site.site_header = "Fengqiao"
    site.site_title = "Fengqiao"
