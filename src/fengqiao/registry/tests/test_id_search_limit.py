"""Audit #17: a search by full resident ID confirms whether it lives in the area, so each is
audited (the ID masked) and a user makes at most `privacy.RESIDENT_ID_SEARCH_RATE` of them (429
beyond, page and API alike); searches by name stay free."""

from __future__ import annotations

import pytest
from django.urls import reverse

from fengqiao.core.models import AuditEvent
from fengqiao.registry import privacy
from fengqiao.registry.tests.factories import resident_id
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db

LIMIT = int(privacy.RESIDENT_ID_SEARCH_RATE.split("/")[0])


def test_id_searches_are_audited_masked(client, worker_a, data):
    client.force_login(worker_a)
    client.post(reverse("registry:search"), {"q": data.person_a.resident_id})
    builders.api_client(worker_a).get("/api/v1/registry/search/", {"q": resident_id(999)})
    client.post(reverse("registry:search"), {"q": "王秀兰"})
    rows = list(AuditEvent.objects.filter(action="registry.search.resident_id").order_by("id"))
    assert [row.changes for row in rows] == [{"found": 1}, {"found": 0}]
    assert rows[0].object_repr == privacy.MASKERS["resident_id"](data.person_a.resident_id)
    for row in AuditEvent.objects.all():
        assert data.person_a.resident_id not in f"{row.object_repr}{row.changes}"


def test_the_api_limits_id_searches_per_user(worker_a, worker_b, data):
    api = builders.api_client(worker_a)
    for n in range(LIMIT):
        assert api.get("/api/v1/registry/search/", {"q": resident_id(500 + n)}).status_code == 200
    refused = api.get("/api/v1/registry/search/", {"q": data.person_a.resident_id})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert AuditEvent.objects.filter(action="registry.search.resident_id").count() == LIMIT
    assert api.get("/api/v1/registry/search/", {"q": "王秀兰"}).status_code == 200  # names stay free
    other = builders.api_client(worker_b).get("/api/v1/registry/search/", {"q": data.person_b.resident_id})
    assert other.status_code == 200  # per user


def test_the_page_shares_the_limit(client, worker_a, data):
    api = builders.api_client(worker_a)
    for n in range(LIMIT):
        assert api.get("/api/v1/registry/search/", {"q": resident_id(600 + n)}).status_code == 200
    client.force_login(worker_a)
    refused = client.post(reverse("registry:search"), {"q": data.person_a.resident_id})
    assert refused.status_code == 429
    body = refused.content.decode()
    assert 'data-testid="search-throttled"' in body and data.person_a.name not in body
    assert client.post(reverse("registry:search"), {"q": "王秀兰"}).status_code == 200
