"""Logins are audited: success, failure, logout and a password change, each with where from."""

from __future__ import annotations

from django.urls import reverse
from rest_framework.test import APIClient

from fengqiao.core.models import AuditEvent
from fengqiao.testing.builders import PASSWORD

NEW_PASSWORD = "violet-harbour-kettle-9"


def test_a_login_and_a_logout_are_audited(client, clerk):
    client.post(
        reverse("accounts:login"),
        {"username": "clerk", "password": PASSWORD},
        REMOTE_ADDR="192.0.2.10",
        HTTP_USER_AGENT="Firefox",
    )
    client.post(reverse("accounts:logout"), REMOTE_ADDR="192.0.2.10")
    login, logout = AuditEvent.objects.order_by("id")
    assert (login.action, login.actor, login.ip_address, login.user_agent) == (
        "auth.login",
        clerk,
        "192.0.2.10",
        "Firefox",
    )
    assert (logout.action, logout.actor) == ("auth.logout", clerk)


def test_a_failed_login_is_audited_without_the_password(client, clerk):
    client.post(reverse("accounts:login"), {"username": "clerk", "password": "guess-guess-guess"})
    event = AuditEvent.objects.get()
    assert event.action == "auth.login_failed"
    assert event.actor is None
    assert event.actor_name == "clerk"
    assert event.object_id == str(clerk.pk)
    assert "guess" not in str(event.changes)


def test_a_failure_for_an_unknown_name_is_audited_too(client, db):
    client.post(reverse("accounts:login"), {"username": "nobody", "password": "guess-guess-guess"})
    event = AuditEvent.objects.get()
    assert (event.action, event.object_id, event.object_repr) == ("auth.login_failed", "", "nobody")


def test_a_token_login_is_audited(clerk):
    APIClient().post(reverse("api_token"), {"username": "clerk", "password": PASSWORD}, format="json")
    assert AuditEvent.objects.get().action == "auth.token"


def test_changing_ones_own_password_is_audited_and_keeps_the_session(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    clerk.refresh_from_db()
    assert clerk.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.get(action="user.set_password")
    assert event.changes["by_self"] is True
    assert client.get(reverse("core:home")).status_code == 200


def test_the_password_page_applies_the_context_words_rule(client, clerk):
    client.force_login(clerk)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "anguo-town-2026", "new_password2": "anguo-town-2026"},
    )
    assert response.status_code == 200
    assert not AuditEvent.objects.filter(action="user.set_password").exists()
