"""Review 2 #1: every full-ID match spends the one budget of `privacy.RESIDENT_ID_SEARCH_RATE`
and writes its `registry.search.resident_id` row, whichever path it comes by: the search page
and API, and the persons list filter (`q`) on the page, in the API and in the export."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from fengqiao.core.models import AuditEvent
from fengqiao.registry import privacy
from fengqiao.registry.tests.factories import resident_id
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db

LIMIT = int(privacy.RESIDENT_ID_SEARCH_RATE.split("/")[0])
PERSONS_API = "/api/v1/registry/persons/"


def _id_rows():
    return list(AuditEvent.objects.filter(action="registry.search.resident_id").order_by("id"))


def test_each_path_audits_its_id_match_masked(client, worker_a, data):
    worker_a.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    client.force_login(worker_a)
    api = builders.api_client(worker_a)
    the_id = data.person_a.resident_id
    assert client.post(reverse("registry:search"), {"q": the_id}).status_code == 200
    assert api.get("/api/v1/registry/search/", {"q": the_id}).status_code == 200
    listed = api.get(PERSONS_API, {"q": the_id})
    assert listed.status_code == 200 and listed.json()["count"] == 1
    page = client.get(reverse("registry:person_list"), {"q": the_id})
    assert page.status_code == 200 and data.person_a.name in page.content.decode()
    assert client.get(reverse("registry:person_export"), {"q": the_id}).status_code == 200
    rows = _id_rows()
    assert [row.changes for row in rows] == [{"found": 1}] * 5
    assert {row.object_repr for row in rows} == {privacy.MASKERS["resident_id"](the_id)}
    assert {row.actor_id for row in rows} == {worker_a.pk}
    for row in AuditEvent.objects.all():
        assert the_id not in f"{row.object_repr}{row.changes}"
    # names stay free on the list: no row, no budget
    assert api.get(PERSONS_API, {"q": "王秀兰"}).json()["count"] == 1
    assert len(_id_rows()) == 5


def test_the_list_filter_is_refused_once_the_search_spent_the_budget(client, worker_a, worker_b, data):
    api = builders.api_client(worker_a)
    for n in range(LIMIT):
        assert api.get("/api/v1/registry/search/", {"q": resident_id(700 + n)}).status_code == 200
    the_id = data.person_a.resident_id
    refused = api.get(PERSONS_API, {"q": the_id})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled" and data.person_a.name not in refused.content.decode()
    client.force_login(worker_a)
    page = client.get(reverse("registry:person_list"), {"q": the_id})
    assert page.status_code == 429 and int(page["Retry-After"]) > 0
    body = page.content.decode()
    assert 'data-testid="search-throttled"' in body and data.person_a.name not in body
    assert len(_id_rows()) == LIMIT  # the refused ones found nothing and say nothing
    assert api.get(PERSONS_API, {"q": "王秀兰"}).status_code == 200  # names stay free
    other = builders.api_client(worker_b).get(PERSONS_API, {"q": data.person_b.resident_id})
    assert other.status_code == 200 and other.json()["count"] == 1  # per user


def test_the_list_filter_spends_the_search_budget(client, worker_a, data):
    worker_a.user_permissions.add(Permission.objects.get(codename="export_personal_data"))
    client.force_login(worker_a)
    api = builders.api_client(worker_a)
    for n in range(LIMIT - 1):
        assert api.get(PERSONS_API, {"q": resident_id(800 + n)}).status_code == 200
    assert client.get(reverse("registry:person_list"), {"q": resident_id(899)}).status_code == 200
    assert api.get("/api/v1/registry/search/", {"q": data.person_a.resident_id}).status_code == 429
    assert client.post(reverse("registry:search"), {"q": data.person_a.resident_id}).status_code == 429
    export = client.get(reverse("registry:person_export"), {"q": data.person_a.resident_id})
    assert export.status_code == 429
