"""/api/v1/audit/: the audit trail for auditors, read-only, same filters as the page."""

from __future__ import annotations

import pytest

from fengqiao.core import audit
from fengqiao.core.models import AuditEvent
from fengqiao.testing.builders import api_client

URL = "/api/v1/audit/"


@pytest.fixture
def event(administrator, clerk):
    audit.record("user.update", by=administrator, obj=clerk, changes={"role": ["clerk", "duty_leader"]})
    return audit.record("department.update", by=administrator, obj=clerk.regions.first())


@pytest.mark.parametrize("persona", ["clerk", "leader", "worker_a", "police", "mediator", "administrator"])
def test_everyone_but_auditors_gets_403(persona, request, event):
    response = api_client(request.getfixturevalue(persona)).get(URL)
    assert response.status_code == 403
    assert api_client(request.getfixturevalue(persona)).get(f"{URL}{event.pk}/").status_code == 403


def test_anonymous_gets_401_or_403(db):
    assert api_client().get(URL).status_code in (401, 403)


def test_an_auditor_lists_and_filters(auditor, event):
    client = api_client(auditor)
    data = client.get(URL).json()
    assert data["count"] == 2
    first = data["results"][0]
    assert first["action"] == "department.update"
    assert set(first) >= {"at", "actor", "actor_name", "object_type", "object_id", "ip_address", "changes"}
    assert [r["action"] for r in client.get(URL, {"action": "user."}).json()["results"]] == ["user.update"]
    assert client.get(URL, {"object_type": "accounts.user"}).json()["count"] == 1
    assert client.get(f"{URL}{event.pk}/").json()["id"] == event.pk


def test_the_api_cannot_change_or_delete(auditor, event):
    client = api_client(auditor)
    assert client.post(URL, {"action": "x"}, format="json").status_code == 405
    assert client.put(f"{URL}{event.pk}/", {"action": "x"}, format="json").status_code == 405
    assert client.patch(f"{URL}{event.pk}/", {"action": "x"}, format="json").status_code == 405
    assert client.delete(f"{URL}{event.pk}/").status_code == 405
    assert AuditEvent.objects.get(pk=event.pk).action == "department.update"


def test_the_api_query_count_does_not_grow_with_the_trail(auditor, clerk):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = api_client(auditor)
    audit.record("user.update", by=clerk, obj=clerk)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n in range(40):
        audit.record("user.update", by=clerk, obj=clerk, changes={"n": n})
    with CaptureQueriesContext(connection) as many:
        assert client.get(URL).json()["count"] == 41
    assert len(many) == len(few)
