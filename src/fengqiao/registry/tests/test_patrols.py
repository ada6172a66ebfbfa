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


def test_a_patrol_queued_offline_and_sent_twice_is_one_patrol_with_the_same_check_ins(town, worker_a):
    """The phone's outbox: start (the patrol's key made on the phone), two check-ins and the end,
    each with its own key and the phone's time, sent in order, then all sent again."""
    import datetime as dt

    from django.utils import timezone

    api = builders.api_client(worker_a)
    t0 = timezone.now() - dt.timedelta(hours=2)
    patrol_key = "patrol-5f1c"
    queue = [
        ("start", "", {"grid": town.grid_a.pk, "started_at": t0.isoformat()}, patrol_key),
        (
            "checkin",
            "checkins/",
            {"lon": 106.801, "lat": 35.501, "at": (t0 + dt.timedelta(minutes=20)).isoformat()},
            "c1",
        ),
        (
            "checkin",
            "checkins/",
            {"lon": 106.802, "lat": 35.502, "at": (t0 + dt.timedelta(minutes=40)).isoformat()},
            "c2",
        ),
        (
            "finding",
            "findings/",
            {"kind": "hazard", "title": "井盖缺失", "at": (t0 + dt.timedelta(minutes=45)).isoformat()},
            "f1",
        ),
        ("end", "end/", {"ended_at": (t0 + dt.timedelta(hours=1)).isoformat()}, "e1"),
    ]
    answers = []
    for attempt in range(2):
        patrol_id = None
        for what, path, body, key in queue:
            if what != "start" and patrol_id is None:
                # Later items name the patrol by its key until the start's answer gave its id.
                patrol_id = api.get(f"/api/v1/registry/patrols/?key={patrol_key}").json()["results"][0]["id"]
            url = "/api/v1/registry/patrols/" + (f"{patrol_id}/{path}" if what != "start" else "")
            answer = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
            assert answer.status_code in (200, 201), (attempt, what, answer.json())
            assert (answer.headers.get("Idempotent-Replayed") == "true") == (attempt == 1), (attempt, what)
            if what == "start":
                patrol_id = answer.json()["id"]
            answers.append((attempt, what, answer.json()))
    patrol = Patrol.objects.get(worker=worker_a)
    assert patrol.status == "ended"
    assert patrol.started_at == t0 and patrol.ended_at == t0 + dt.timedelta(hours=1)
    checkins = list(patrol.checkins.values_list("lon", "at"))
    assert checkins == [
        (106.801, t0 + dt.timedelta(minutes=20)),
        (106.802, t0 + dt.timedelta(minutes=40)),
    ]
    assert Case.objects.count() == 1 and PatrolFinding.objects.get().at == t0 + dt.timedelta(minutes=45)
    first = {what: body for attempt, what, body in answers if attempt == 0}
    again = {what: body for attempt, what, body in answers if attempt == 1}
    assert first["checkin"]["id"] == again["checkin"]["id"] and first["start"]["id"] == again["start"]["id"]
    assert AuditEvent.objects.filter(action="registry.patrol.start").count() == 1
    # Another worker's key never finds this patrol.
    other = builders.make_user("worker_a2", "grid_worker", grids=[town.grid_a])
    assert (
        builders.api_client(other).get(f"/api/v1/registry/patrols/?key={patrol_key}").json()["results"] == []
    )


def test_a_key_reused_with_another_body_is_refused_and_phone_times_are_bounded(town, worker_a):
    import datetime as dt

    from django.utils import timezone

    api = builders.api_client(worker_a)
    future = (timezone.now() + dt.timedelta(hours=3)).isoformat()
    late = api.post(
        "/api/v1/registry/patrols/", {"grid": town.grid_a.pk, "started_at": future}, format="json"
    )
    assert late.status_code == 400 and "started_at" in late.json()["fields"]
    started = api.post(
        "/api/v1/registry/patrols/", {"grid": town.grid_a.pk}, format="json", HTTP_IDEMPOTENCY_KEY="p"
    )
    pk = started.json()["id"]
    other = api.post(
        "/api/v1/registry/patrols/",
        {"grid": town.grid_a.pk, "note": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="p",
    )
    assert other.status_code == 422
    url = f"/api/v1/registry/patrols/{pk}/checkins/"
    early = (timezone.now() - dt.timedelta(days=1)).isoformat()
    first = api.post(
        url, {"lon": 106.805, "lat": 35.505, "at": early}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert first.status_code == 201
    # A check-in before its patrol started is put at the start.
    assert PatrolCheckin.objects.get().at == Patrol.objects.get(pk=pk).started_at
    moved = api.post(
        url, {"lon": 106.806, "lat": 35.505, "at": early}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )
    assert moved.status_code == 422 and PatrolCheckin.objects.count() == 1
    assert (
        api.post(
            f"/api/v1/registry/patrols/{pk}/end/", {}, format="json", HTTP_IDEMPOTENCY_KEY="e"
        ).status_code
        == 200
    )
    # Without a key an ended patrol stays a 409, as before.
    assert api.post(f"/api/v1/registry/patrols/{pk}/end/").status_code == 409
    assert (
        api.post(
            f"/api/v1/registry/patrols/{pk}/end/", {}, format="json", HTTP_IDEMPOTENCY_KEY="e"
        ).status_code
        == 200
    )


def test_a_finding_takes_a_category_of_its_kind(town, worker_a):
    from fengqiao.cases.models import Case, Category

    lamp = Category.objects.create(kind="hazard", name="路灯损坏")
    other_kind = Category.objects.create(kind="dispute", name="邻里纠纷")
    api = builders.api_client(worker_a)
    pk = api.post("/api/v1/registry/patrols/", {"grid": town.grid_a.pk}, format="json").json()["id"]
    url = f"/api/v1/registry/patrols/{pk}/findings/"
    body = {"kind": "hazard", "title": "路灯不亮", "lon": "106.805", "lat": "35.505"}
    refused = api.post(url, {**body, "category": other_kind.pk}, format="json")
    assert refused.status_code == 400 and "category" in refused.json()["fields"]
    created = api.post(url, {**body, "category": lamp.pk}, format="json")
    assert created.status_code == 201
    assert Case.objects.get(pk=created.json()["case"]).category == lamp
