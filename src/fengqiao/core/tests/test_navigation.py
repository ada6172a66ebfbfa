"""Navigation by role: the menu offers what the role uses, and the admin only to administrators."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fengqiao.core.navigation import navigation_for
from fengqiao.testing import builders

EVERYONE = {"core:home", "regions:grid_map"}
OFFICE = EVERYONE | {"center:department_list", "center:hall", "center:duty_roster"}
CENTER = OFFICE | {"center:liaison_list"}
# The case pages (issue 3): every role has the case list; intake, queue, inbox, verification and
# supervision go to the roles that use them.
CASES = {"cases:case_list"}
CENTER_CASES = CASES | {"cases:case_intake", "cases:case_queue"}
LEADER_CASES = CENTER_CASES | {"cases:supervision_board"}
# The camera register (issue 5, item 7): the center and the grids.
CAMERAS = {"surveillance:camera_list"}
# Mediation (issue 4): the workbench for the center and mediators, screening reports for the grids.
MEDIATION = {"mediation:workbench"}
SCREENING = {"mediation:screening"}
# The grid registry (issue 5): the center and the grids (not mediators: registry/privacy.py).
REGISTRY = {"registry:todo"}
# The phone-first field page (issue 5, item 5): the grid roles only.
FIELD = {"field:home"}


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("clerk", CENTER | CENTER_CASES | CAMERAS | MEDIATION | REGISTRY),
        ("leader", CENTER | LEADER_CASES | CAMERAS | MEDIATION | REGISTRY),
        ("police", OFFICE | CASES | {"cases:assignment_inbox", "registry:keyperson_list"}),
        ("mediator", OFFICE | CASES | MEDIATION),
        (
            "worker_a",
            EVERYONE
            | CASES
            | CAMERAS
            | SCREENING
            | REGISTRY
            | FIELD
            | {"cases:case_intake", "cases:verification_list"},
        ),
        ("auditor", EVERYONE | CASES | {"core:audit_list"}),
        ("administrator", CENTER | LEADER_CASES | CAMERAS | MEDIATION | REGISTRY | {"admin:index"}),
    ],
)
def test_each_role_gets_its_menu(request, persona, expected):
    user = request.getfixturevalue(persona)
    assert {item["name"] for item in navigation_for(user)} == expected


@pytest.mark.parametrize("role", ["grid_worker", "watch_member"])
def test_the_grid_roles_get_the_field_page_first(town, role):
    user = builders.make_user(f"field_{role}", role, grids=[town.grid_a])
    assert navigation_for(user)[0]["name"] == "field:home"


def test_an_administrator_without_is_staff_gets_no_admin_link(town):
    user = builders.make_user("admin4", "administrator")
    assert "admin:index" not in {item["name"] for item in navigation_for(user)}


def test_the_menu_is_on_the_page_with_the_account_link(client, auditor):
    client.force_login(auditor)
    page = client.get(reverse("core:home")).content.decode()
    assert f'href="{reverse("core:audit_list")}"' in page
    assert f'href="{reverse("admin:index")}"' not in page
    assert f'href="{reverse("accounts:password_change")}"' in page
