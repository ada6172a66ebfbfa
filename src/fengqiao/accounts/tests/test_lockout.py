"""Login lockout (登录锁定): 5 failures lock the account for 30 minutes, on the page and the API."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from fengqiao.core.models import AuditEvent
from fengqiao.testing.builders import PASSWORD

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
WRONG = "not-the-password-at-all"


def login(client, username: str, password: str):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, HTTP_ACCEPT_LANGUAGE="en"
    )


def token(username: str, password: str):
    return APIClient().post(
        reverse("api_token"),
        {"username": username, "password": password},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def fail_five_times_on_the_page(client, username: str = "clerk") -> None:
    for _ in range(5):
        response = login(client, username, WRONG)
    assert response.status_code == 429


def is_logged_in(client) -> bool:
    return client.get(reverse("core:home")).status_code == 200


@pytest.fixture
def frozen():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_it_locks_the_page_login_after_five_failures_even_with_the_right_password(client, clerk, frozen):
    for attempt in range(4):
        response = login(client, "clerk", WRONG)
        assert response.status_code == 200, attempt  # the form again, with its error
    response = login(client, "clerk", WRONG)
    assert response.status_code == 429
    assert "locked for 30 minutes" in response.content.decode()

    frozen.shift(dt.timedelta(minutes=29))
    response = login(client, "clerk", PASSWORD)
    assert response.status_code == 429
    assert 'data-testid="locked-out"' in response.content.decode()
    assert not is_logged_in(client)


def test_it_unlocks_after_thirty_minutes(client, clerk, frozen):
    fail_five_times_on_the_page(client)
    frozen.shift(dt.timedelta(minutes=29, seconds=59))
    assert login(client, "clerk", PASSWORD).status_code == 429
    frozen.shift(dt.timedelta(seconds=2))
    response = login(client, "clerk", PASSWORD)
    assert response.status_code == 302
    assert is_logged_in(client)


def test_attempts_while_locked_do_not_extend_the_lockout(client, clerk, frozen):
    fail_five_times_on_the_page(client)
    for _ in range(3):
        frozen.shift(dt.timedelta(minutes=9))
        assert login(client, "clerk", WRONG).status_code == 429
    frozen.shift(dt.timedelta(minutes=4))  # 31 minutes after the fifth failure
    assert login(client, "clerk", PASSWORD).status_code == 302


def test_a_success_resets_the_failure_count(client, clerk, frozen):
    for _ in range(4):
        login(client, "clerk", WRONG)
    assert login(client, "clerk", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for _ in range(4):
        assert login(client, "clerk", WRONG).status_code == 200
    assert login(client, "clerk", PASSWORD).status_code == 302


def test_the_lockout_is_per_username(client, clerk, leader, frozen):
    fail_five_times_on_the_page(client, "clerk")
    assert login(client, "leader", PASSWORD).status_code == 302


def test_it_locks_the_api_token_endpoint_with_a_clear_answer(clerk, frozen):
    for _ in range(4):
        response = token("clerk", WRONG)
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_login"
    response = token("clerk", WRONG)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "locked_out"
    assert "30 minutes" in response.json()["detail"]

    frozen.shift(dt.timedelta(minutes=10))
    response = token("clerk", PASSWORD)
    assert response.status_code == 429
    assert "token" not in response.json()

    frozen.shift(dt.timedelta(minutes=21))
    response = token("clerk", PASSWORD)
    assert response.status_code == 200
    assert response.json()["token"]


def test_page_and_api_failures_count_together(client, clerk, frozen):
    for _ in range(3):
        login(client, "clerk", WRONG)
    for _ in range(2):
        token("clerk", WRONG)
    assert token("clerk", PASSWORD).status_code == 429
    assert login(client, "clerk", PASSWORD).status_code == 429


def test_an_api_token_success_resets_the_failure_count(clerk, frozen):
    for _ in range(4):
        token("clerk", WRONG)
    assert token("clerk", PASSWORD).status_code == 200
    for _ in range(4):
        assert token("clerk", WRONG).status_code == 400
    assert token("clerk", PASSWORD).status_code == 200


def test_a_token_works_for_the_api(clerk):
    key = token("clerk", PASSWORD).json()["token"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/regions/").status_code == 200


def test_an_inactive_user_gets_no_token(clerk):
    clerk.is_active = False
    clerk.save()
    assert token("clerk", PASSWORD).status_code == 400


def test_the_lockout_is_audited(client, clerk, frozen):
    fail_five_times_on_the_page(client)
    login(client, "clerk", PASSWORD)
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions == {"auth.login_failed": 5, "auth.lockout": 1, "auth.login_refused": 1}
    refused = AuditEvent.objects.get(action="auth.login_refused")
    assert refused.object_id == str(clerk.pk)
    assert refused.ip_address == "127.0.0.1"
    assert PASSWORD not in str(refused.changes)


def test_an_administrator_can_unlock_an_account_early_and_it_is_audited(client, clerk, administrator, frozen):
    fail_five_times_on_the_page(client)
    admin_client = type(client)()
    admin_client.force_login(administrator)
    response = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "unlock", "_selected_action": [clerk.pk]},
    )
    assert response.status_code == 302
    event = AuditEvent.objects.get(action="user.unlock")
    assert (event.actor, event.object_id, event.changes) == (
        administrator,
        str(clerk.pk),
        {"attempts_cleared": 1},
    )
    assert login(client, "clerk", PASSWORD).status_code == 302
