"""Account services: create, update, set password; each writes one audit row, never a password."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token

from fengqiao.accounts import services
from fengqiao.accounts.exceptions import AccountError
from fengqiao.accounts.models import Role, User
from fengqiao.core.audit import audit_context
from fengqiao.core.models import AuditEvent

NEW_PASSWORD = "violet-harbour-kettle-9"


def test_it_creates_a_user_with_role_and_scope(administrator, town):
    with audit_context("10.1.2.3", "pytest"):
        user = services.create_user(
            by=administrator,
            username="worker09",
            role=Role.GRID_WORKER,
            password=NEW_PASSWORD,
            full_name="王小明",
            phone="139 1234 5678",
            grids=[town.grid_a],
        )
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert user.phone == "+8613912345678"
    assert list(user.grids.all()) == [town.grid_a]
    assert not user.is_staff
    event = AuditEvent.objects.get(action="user.create")
    assert (event.actor, event.object_type, event.object_id) == (administrator, "accounts.user", str(user.pk))
    assert event.ip_address == "10.1.2.3"
    assert event.user_agent == "pytest"
    assert event.changes["role"] == [None, "grid_worker"]
    assert event.changes["grids"] == [[], [f"{town.grid_a.pk}:东沟村网格"]]
    assert event.changes["password_set"] is True
    assert NEW_PASSWORD not in str(event.changes)
    assert "password" not in {key for key in event.changes if key != "password_set"}


def test_administrators_get_the_admin_and_no_password_means_no_login(administrator):
    user = services.create_user(by=administrator, username="admin2", role=Role.ADMINISTRATOR)
    assert user.is_staff
    assert not user.has_usable_password()


def test_it_refuses_a_taken_username_a_weak_password_and_a_bad_phone(administrator, clerk, town):
    with pytest.raises(AccountError):
        services.create_user(by=administrator, username="CLERK", role=Role.CLERK)
    with pytest.raises(ValidationError):
        services.create_user(by=administrator, username="x1", role=Role.CLERK, password="anguo12345")
    with pytest.raises(ValidationError):
        services.create_user(by=administrator, username="x2", role=Role.CLERK, phone="１３９１２３４５６７８")
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()
    assert not AuditEvent.objects.exists()


def test_a_department_officer_needs_a_department_and_only_they_have_one(administrator, town):
    with pytest.raises(AccountError):
        services.create_user(by=administrator, username="p2", role=Role.DEPARTMENT_OFFICER)
    with pytest.raises(AccountError):
        services.create_user(by=administrator, username="c2", role=Role.CLERK, department=town.police_station)


def update(user, by, **changes):
    state = {
        "role": user.role,
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
        "department": user.department,
        "regions": list(user.regions.all()),
        "grids": list(user.grids.all()),
        "view_sensitive": user.view_sensitive,
        "is_active": user.is_active,
    }
    return services.update_user(user, by=by, **{**state, **changes})


def test_it_updates_role_scope_and_rights_with_a_diff(administrator, worker_a, town):
    update(worker_a, administrator, grids=[town.grid_b], view_sensitive=True)
    worker_a.refresh_from_db()
    assert list(worker_a.grids.all()) == [town.grid_b]
    assert worker_a.view_sensitive
    event = AuditEvent.objects.get(action="user.update")
    assert event.changes == {
        "view_sensitive": [False, True],
        "grids": [[f"{town.grid_a.pk}:东沟村网格"], [f"{town.grid_b.pk}:西沟村网格"]],
    }


def test_a_role_change_moves_the_scope_at_once(administrator, clerk, town):
    from fengqiao.regions.models import Grid

    assert Grid.objects.visible_to(clerk).count() == 2
    clerk = update(clerk, administrator, role=Role.GRID_WORKER, regions=[], grids=[town.grid_a])
    assert list(Grid.objects.visible_to(clerk)) == [town.grid_a]


def test_deactivation_is_audited_and_ends_access(client, administrator, clerk):
    client.force_login(clerk)
    update(clerk, administrator, is_active=False)
    assert AuditEvent.objects.get(action="user.update").changes == {"is_active": [True, False]}
    assert client.get("/").status_code == 302


def test_an_unchanged_update_writes_nothing(administrator, clerk):
    update(clerk, administrator)
    assert not AuditEvent.objects.exists()


def test_administrators_cannot_deactivate_themselves(administrator):
    with pytest.raises(AccountError):
        update(administrator, administrator, is_active=False)


def test_set_password_is_audited_without_the_password_and_revokes_tokens(administrator, clerk):
    Token.objects.create(user=clerk)
    services.set_password(clerk, by=administrator, password=NEW_PASSWORD)
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    assert not Token.objects.filter(user=clerk).exists()
    event = AuditEvent.objects.get(action="user.set_password")
    assert event.actor == administrator
    assert event.object_id == str(clerk.pk)
    assert event.changes == {"by_self": False, "tokens_revoked": 1}
    assert NEW_PASSWORD not in str(event.changes)
    assert clerk.password not in str(event.changes)


def test_set_password_applies_the_password_rules(administrator, clerk):
    with pytest.raises(ValidationError):
        services.set_password(clerk, by=administrator, password="1234567890")
    assert not AuditEvent.objects.exists()
