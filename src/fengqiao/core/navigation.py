"""Navigation by role: each entry names the roles that see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None = None  # None: every logged-in user
    admin_only: bool = False


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem(_("Home"), "core:home"),
    NavItem(_("Grid map"), "regions:grid_map"),
    NavItem(_("Departments"), "center:department_list"),
    NavItem(_("Windows and rooms"), "center:hall"),
    NavItem(_("Duty roster"), "center:duty_roster"),
    NavItem(_("Audit trail"), "core:audit_list", roles=frozenset({"auditor"})),
    NavItem(_("Administration"), "admin:index", admin_only=True),
)


def navigation_for(user: Any) -> list[dict[str, str]]:
    items = []
    for item in NAV_ITEMS:
        if item.admin_only and not getattr(user, "is_administrator", False):
            continue
        if item.roles is not None and user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # an app not installed yet
        items.append({"label": str(item.label), "url": url, "name": item.url_name})
    return items
