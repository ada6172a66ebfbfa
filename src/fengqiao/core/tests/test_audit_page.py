"""The audit page: auditors only, read-only, filtered by action, actor, object type and dates."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from fengqiao.core import audit
from fengqiao.core.models import AuditEvent

URL = reverse("core:audit_list")


@pytest.fixture
def trail(administrator, clerk, police):
    # 2026-05-06 23:30 UTC is already the 7th in Shanghai: the date filter uses the local date.
    for when, action, by, obj in (
        (dt.datetime(2026, 5, 1, 2, 0, tzinfo=dt.UTC), "user.create", administrator, clerk),
        (dt.datetime(2026, 5, 3, 2, 0, tzinfo=dt.UTC), "department.update", administrator, police.department),
        (dt.datetime(2026, 5, 6, 23, 30, tzinfo=dt.UTC), "user.update", clerk, clerk),
    ):
        with time_machine.travel(when, tick=False):
            audit.record(action, by=by, obj=obj)


def rows(client, **params) -> list[str]:
    response = client.get(URL, params)
    assert response.status_code == 200
    return [event.action for event in response.context["page"]]


@pytest.mark.parametrize("persona", ["clerk", "leader", "worker_a", "police", "mediator", "administrator"])
def test_everyone_but_auditors_gets_403(client, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(URL).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_an_auditor_reads_the_trail_newest_first(client, auditor, trail):
    client.force_login(auditor)
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert [e.action for e in response.context["page"]][:3] == [
        "auth.login",
        "user.update",
        "department.update",
    ]
    body = response.content.decode()
    assert "安国派出所" in body
    assert (
        "<form" in body
        and 'method="post"' not in body.split('data-testid="audit-filter"')[1].split("</form>")[0]
    )


def test_it_filters_by_action_prefix_and_exact_action(client, auditor, trail):
    client.force_login(auditor)
    assert rows(client, action="user.") == ["user.update", "user.create"]
    assert rows(client, action="user") == ["user.update", "user.create"]
    assert rows(client, action="user.create") == ["user.create"]


def test_it_filters_by_actor_and_object_type(client, auditor, trail):
    client.force_login(auditor)
    assert rows(client, actor="clerk") == ["user.update"]
    assert rows(client, object_type="center.department") == ["department.update"]


def test_it_filters_by_local_date_range(client, auditor, trail):
    client.force_login(auditor)
    assert rows(client, since="2026-05-02", until="2026-05-06") == ["department.update"]
    assert rows(client, since="2026-05-07", until="2026-05-07") == ["user.update"]


def test_a_malformed_date_shows_an_error_not_a_crash(client, auditor, trail):
    client.force_login(auditor)
    response = client.get(URL, {"since": "yesterday"})
    assert response.status_code == 200
    assert list(response.context["page"]) == []
    assert response.context["filter"].errors


def test_the_page_offers_no_way_to_change_the_trail(client, auditor, trail):
    client.force_login(auditor)
    assert client.post(URL, {"action": "x"}).status_code == 405
    assert client.delete(URL).status_code == 405
    assert (
        AuditEvent.objects.filter(action__in=["user.create", "user.update", "department.update"]).count() == 3
    )


def test_the_page_query_count_does_not_grow_with_the_trail(client, auditor, clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(auditor)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(40):
        audit.record("user.update", by=clerk, obj=clerk, changes={"n": n})
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)
