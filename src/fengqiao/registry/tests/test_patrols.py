"""Patrols: start, check in, a finding filed as a case in one step, end; history per worker."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from fengqiao.cases.models import Case
from fengqiao.core.models import AuditEvent
from fengqiao.registry.models import Patrol, PatrolCheckin, PatrolFinding
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db


def test_a_worker_patrols_and_files_a_finding_as_a_case(client, town, worker_a):
    client.force_login(worker_a)
    response = client.post(reverse("registry:patrol_list"), {"grid": town.grid_a.pk})
    patrol = Patrol.objects.get(worker=worker_a)
    assert response.url == reverse("registry:patrol_detail", args=[patrol.pk])
    client.post(
        reverse("registry:patrol_checkin", args=[patrol.pk]),
        {"lon": "106.805", "lat": "35.505", "note": "村口"},
    )
    client.post(
        reverse("registry:patrol_finding", args=[patrol.pk]),
        {"kind": "hazard", "title": "路灯损坏", "lon": "106.805", "lat": "35.505", "idempotency_key": "f1"},
    )
    case = Case.objects.get()
    assert (case.channel, case.grid_id, case.title) == ("patrol", town.grid_a.pk, "路灯损坏")
    assert PatrolFinding.objects.get().patrol == patrol
    page = client.get(reverse("registry:patrol_detail", args=[patrol.pk])).content.decode()
    assert case.number in page
    client.post(reverse("registry:patrol_end", args=[patrol.pk]))
    patrol.refresh_from_db()
    assert patrol.status == "ended" and patrol.ended_at is not None
    assert PatrolCheckin.objects.filter(patrol=patrol).count() == 1
    assert set(
        AuditEvent.objects.filter(action__startswith="registry.patrol").values_list("action", flat=True)
    ) == {
        "registry.patrol.start",
        "registry.patrol.end",
    }


def test_the_api_patrol_with_a_finding_sent_twice_is_one_case(town, worker_a, worker_b):
    api = builders.api_client(worker_a)
    started = api.post("/api/v1/registry/patrols/", {"grid": town.grid_a.pk}, format="json")
    assert started.status_code == 201
    pk = started.json()["id"]
    assert api.post("/api/v1/registry/patrols/", {"grid": town.grid_a.pk}, format="json").status_code == 409
    checkin = api.post(
        f"/api/v1/registry/patrols/{pk}/checkins/", {"lon": 106.805, "lat": 35.505}, format="json"
    )
    assert checkin.status_code == 201
    body = {"kind": "hazard", "title": "井盖缺失", "lon": 106.805, "lat": 35.505}
    first = api.post(
        f"/api/v1/registry/patrols/{pk}/findings/", body, format="json", HTTP_IDEMPOTENCY_KEY="x1"
    )
    again = api.post(
        f"/api/v1/registry/patrols/{pk}/findings/", body, format="json", HTTP_IDEMPOTENCY_KEY="x1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json()["case"] == again.json()["case"]
    assert Case.objects.count() == 1 and PatrolFinding.objects.count() == 1
    detail = api.get(f"/api/v1/registry/patrols/{pk}/").json()
    assert detail["checkin_count"] == 1 and detail["finding_cases"] == [first.json()["case"]]
    assert builders.api_client(worker_b).get(f"/api/v1/registry/patrols/{pk}/").status_code == 404
    assert builders.api_client(worker_b).post(f"/api/v1/registry/patrols/{pk}/end/").status_code == 404
    assert api.post(f"/api/v1/registry/patrols/{pk}/end/").json()["status"] == "ended"
    assert (
        api.post(
            f"/api/v1/registry/patrols/{pk}/checkins/", {"lon": 106.805, "lat": 35.505}, format="json"
        ).status_code
        == 409
    )


def test_a_worker_may_not_patrol_another_grid(town, worker_b):
    answer = builders.api_client(worker_b).post(
        "/api/v1/registry/patrols/", {"grid": town.grid_a.pk}, format="json"
    )
    assert answer.status_code == 403


def test_the_grid_page_include_counts_patrols_per_worker(town, worker_a, clerk):
    api = builders.api_client(worker_a)
    for _ in range(2):
        pk = api.post("/api/v1/registry/patrols/", {"grid": town.grid_a.pk}, format="json").json()["id"]
        api.post(f"/api/v1/registry/patrols/{pk}/checkins/", {"lon": 106.805, "lat": 35.505}, format="json")
        api.post(f"/api/v1/registry/patrols/{pk}/end/")
    request = RequestFactory().get("/")
    request.user = clerk
    html = Template("{% load registry_tags %}{% grid_patrols grid %}").render(
        Context({"request": request, "grid": town.grid_a})
    )
    assert "<td>worker_a</td><td>2</td><td>2</td><td>2</td>" in html
