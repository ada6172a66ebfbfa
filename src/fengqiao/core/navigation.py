"""Navigation by role: each entry names the roles that see it.

The menu only offers what the role can use; the pages still check scope themselves, so the menu
is a convenience, never the gate.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from fengqiao.accounts.models import GRID_ROLES, Role

_CENTER = frozenset({Role.CLERK, Role.DUTY_LEADER, Role.TOWN_LEADER, Role.ADMINISTRATOR})
_OFFICE = _CENTER | {Role.MEDIATOR, Role.DEPARTMENT_OFFICER}
_ALL_BUT_GRIDS = frozenset(Role) - GRID_ROLES
_LEADERS = frozenset({Role.DUTY_LEADER, Role.TOWN_LEADER, Role.ADMINISTRATOR})


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    roles: frozenset[str] | None = None  # None: every logged-in user
    admin_only: bool = False


NAV_ITEMS: tuple[NavItem, ...] = (
    # The phone page comes first for the grid roles (issue 5, item 5): their day starts there.
    NavItem(_("Field"), "field:home", roles=GRID_ROLES),
    NavItem(_("Home"), "core:home"),
    NavItem(_("Grid map"), "regions:grid_map"),
    NavItem(_("New case"), "cases:case_intake", roles=_CENTER | GRID_ROLES),
    NavItem(_("Dispatch queue"), "cases:case_queue", roles=_CENTER),
    NavItem(_("My inbox"), "cases:assignment_inbox", roles=frozenset({Role.DEPARTMENT_OFFICER})),
    NavItem(_("To verify"), "cases:verification_list", roles=GRID_ROLES),
    NavItem(_("Supervision"), "cases:supervision_board", roles=_LEADERS),
    NavItem(_("Cases"), "cases:case_list"),
    NavItem(_("Mediation"), "mediation:workbench", roles=_CENTER | {Role.MEDIATOR}),
    NavItem(_("Dispute screening"), "mediation:screening", roles=GRID_ROLES),
    NavItem(_("Cameras"), "surveillance:camera_list", roles=_CENTER | GRID_ROLES),
    # The grid registry (issue 5): who reads it is `registry.privacy.REGISTRY_ROLES`.
    NavItem(_("Grid registry"), "registry:todo", roles=_CENTER | GRID_ROLES),
    # Officers read the key persons their department answers for (registry.privacy).
    NavItem(_("Key persons"), "registry:keyperson_list", roles=frozenset({Role.DEPARTMENT_OFFICER})),
    NavItem(_("Departments"), "center:department_list", roles=_ALL_BUT_GRIDS - {Role.AUDITOR}),
    NavItem(_("Windows and rooms"), "center:hall", roles=_OFFICE),
    NavItem(_("Duty roster"), "center:duty_roster", roles=_OFFICE),
    NavItem(_("Village liaisons"), "center:liaison_list", roles=_CENTER),
    NavItem(_("Audit trail"), "core:audit_list", roles=frozenset({Role.AUDITOR})),
    NavItem(_("Administration"), "admin:index", admin_only=True),
)


def navigation_for(user: Any) -> list[dict[str, str]]:
    """The menu entries for this user, in order, with their URLs."""
    items = []
    for item in NAV_ITEMS:
        if item.admin_only and not (getattr(user, "is_administrator", False) and user.is_staff):
            continue
        if item.roles is not None and user.role not in item.roles:
            continue
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue  # an app not installed yet
        items.append({"label": str(item.label), "url": url, "name": item.url_name})
    return items
