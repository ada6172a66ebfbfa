"""Idle timeout (会话超时): a session unused for 30 minutes is gone; any request renews it."""

from __future__ import annotations

import datetime as dt

import time_machine
from django.conf import settings
from django.urls import reverse

from fengqiao.testing.builders import PASSWORD

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def test_the_idle_timeout_is_thirty_minutes_and_renewed_by_each_request():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True


def test_activity_keeps_the_session_and_thirty_one_idle_minutes_end_it(client, clerk):
    home = reverse("core:home")
    with time_machine.travel(START, tick=False) as clock:
        response = client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
        assert response.status_code == 302
        assert client.get(home).status_code == 200

        clock.shift(dt.timedelta(minutes=20))
        assert client.get(home).status_code == 200  # renews the session

        clock.shift(dt.timedelta(minutes=29))  # 49 minutes after login, 29 idle
        assert client.get(home).status_code == 200

        clock.shift(dt.timedelta(minutes=31))
        response = client.get(home)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
        # and it stays logged out: the expired session is not revived
        assert client.get(home).status_code == 302


def test_the_api_session_times_out_too(client, clerk):
    with time_machine.travel(START, tick=False) as clock:
        client.post(reverse("accounts:login"), {"username": "clerk", "password": PASSWORD})
        assert client.get("/api/v1/regions/").status_code == 200
        clock.shift(dt.timedelta(minutes=31))
        assert client.get("/api/v1/regions/").status_code in (401, 403)
