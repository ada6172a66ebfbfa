"""The Django admin: administrators only; user changes there go through the audited services."""

from __future__ import annotations

from django.urls import reverse

from fengqiao.accounts.models import Role, User
from fengqiao.core.models import AuditEvent
from fengqiao.testing import builders

NEW_PASSWORD = "violet-harbour-kettle-9"


def test_a_clerk_with_is_staff_cannot_open_the_admin(client, town):
    clerk = builders.make_user("staffclerk", Role.CLERK, regions=[town.town], is_staff=True)
    client.force_login(clerk)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
    assert client.get(reverse("admin:accounts_user_changelist")).status_code == 302


def test_an_administrator_opens_the_admin_and_the_user_list(client, administrator, clerk):
    client.force_login(administrator)
    assert client.get(reverse("admin:index")).status_code == 200
    response = client.get(reverse("admin:accounts_user_changelist"))
    assert response.status_code == 200
    assert "clerk" in response.content.decode()


def test_the_administrator_role_without_is_staff_stays_out(client, town):
    user = builders.make_user("admin3", Role.ADMINISTRATOR)
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 302


def test_changing_a_user_in_the_admin_writes_an_audit_row_with_the_diff(client, administrator, clerk, town):
    client.force_login(administrator)
    url = reverse("admin:accounts_user_change", args=[clerk.pk])
    response = client.post(
        url,
        {
            "full_name": "李明",
            "phone": "",
            "email": "",
            "role": Role.DUTY_LEADER,
            "department": "",
            "regions": [town.town.pk],
            "grids": [],
            "view_sensitive": "on",
            "is_active": "on",
        },
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    clerk.refresh_from_db()
    assert clerk.role == Role.DUTY_LEADER
    event = AuditEvent.objects.get(action="user.update")
    assert event.actor == administrator
    assert event.ip_address == "10.9.8.7"
    assert event.changes == {
        "role": ["clerk", "duty_leader"],
        "full_name": ["", "李明"],
        "view_sensitive": [False, True],
    }


def test_adding_a_user_in_the_admin_goes_through_the_service(client, administrator, town):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "worker07",
            "usable_password": "true",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "full_name": "赵六",
            "phone": "13812345678",
            "email": "",
            "role": Role.GRID_WORKER,
            "department": "",
            "regions": [],
            "grids": [town.grid_b.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="worker07")
    assert user.check_password(NEW_PASSWORD)
    assert list(user.grids.all()) == [town.grid_b]
    event = AuditEvent.objects.get(action="user.create")
    assert event.object_id == str(user.pk)
    assert NEW_PASSWORD not in str(event.changes)


def test_the_admin_form_refuses_an_officer_without_department(client, administrator, clerk):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_change", args=[clerk.pk]),
        {"role": Role.DEPARTMENT_OFFICER, "department": "", "is_active": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "A department officer needs a department." in response.content.decode()
    assert not AuditEvent.objects.filter(action__startswith="user.").exists()


def test_setting_a_password_in_the_admin_is_audited(client, administrator, clerk):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[clerk.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="user.set_password")
    assert event.actor == administrator
    assert NEW_PASSWORD not in str(event.changes)


def test_accounts_cannot_be_deleted_in_the_admin(client, administrator, clerk):
    client.force_login(administrator)
    response = client.post(reverse("admin:accounts_user_delete", args=[clerk.pk]), {"post": "yes"})
    assert response.status_code == 403
    assert User.objects.filter(pk=clerk.pk).exists()


def test_the_audit_trail_is_not_in_the_admin(client, administrator):
    client.force_login(administrator)
    assert "auditevent" not in client.get(reverse("admin:index")).content.decode().lower()
