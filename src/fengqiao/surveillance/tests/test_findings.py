"""A case found through video (视频发现): one case, channel video, at the camera, linked to it."""

from __future__ import annotations

from django.urls import reverse

from fengqiao.cases.models import Case
from fengqiao.core.models import AuditEvent
from fengqiao.surveillance import services
from fengqiao.surveillance.models import VideoFinding
from fengqiao.testing.builders import api_client


def _url(camera):
    return f"/api/v1/cameras/{camera.pk}/findings/"


def test_a_finding_creates_one_video_case_in_the_cameras_grid_linked_to_it(clerk, town, camera_a):
    response = api_client(clerk).post(
        _url(camera_a),
        {"title": "村委会门口垃圾堆放", "description": "监控发现", "kind": "hazard"},
        format="json",
    )
    assert response.status_code == 201, response.content
    case = Case.objects.get()
    assert case.channel == "video" and case.grid == town.grid_a and case.village == town.village_a
    assert (case.lon, case.lat) == (camera_a.lon, camera_a.lat)
    assert case.reported_by == clerk
    finding = VideoFinding.objects.get()
    assert finding.camera == camera_a and finding.case == case and finding.reported_by == clerk
    body = response.json()
    assert (
        body["camera"] == camera_a.pk and body["case"]["id"] == case.pk and body["case"]["channel"] == "video"
    )
    assert AuditEvent.objects.filter(action="camera.report_finding", object_id=str(camera_a.pk)).count() == 1


def test_the_case_follows_a_camera_filed_by_hand_under_another_grid(clerk, town, camera_a):
    camera_a.grid, camera_a.grid_overridden = town.grid_b, True
    camera_a.save()
    finding = services.report_video_finding(camera_a, by=clerk, title="河道漂浮物")
    assert finding.case.grid == town.grid_b and finding.case.channel == "video"


def test_the_same_idempotency_key_gives_one_case(worker_a, camera_a):
    client = api_client(worker_a)
    body = {"title": "路口积水"}
    first = client.post(_url(camera_a), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    second = client.post(_url(camera_a), body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert first.json()["id"] == second.json()["id"]
    assert Case.objects.count() == 1 and VideoFinding.objects.count() == 1


def test_the_findings_of_a_camera_are_listed_on_the_api_and_its_page(client, clerk, camera_a):
    services.report_video_finding(camera_a, by=clerk, title="占道经营")
    rows = api_client(clerk).get(_url(camera_a)).json()
    assert [row["case"]["title"] for row in rows] == ["占道经营"]
    client.force_login(clerk)
    page = client.get(reverse("surveillance:camera_detail", args=[camera_a.pk]))
    assert [case.title for case in page.context["cases"]] == ["占道经营"]


def test_the_page_form_takes_the_case_in_and_opens_it(client, worker_a, camera_a):
    client.force_login(worker_a)
    response = client.post(
        reverse("surveillance:camera_finding", args=[camera_a.pk]),
        {"kind": "hazard", "urgency": "normal", "title": "围墙倒塌", "description": ""},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "cases:case_detail", args=[case.pk]
    )
    assert case.video_finding.camera == camera_a


def test_a_bad_finding_writes_nothing(clerk, camera_a):
    response = api_client(clerk).post(_url(camera_a), {"title": ""}, format="json")
    assert response.status_code == 400
    assert not Case.objects.exists() and not VideoFinding.objects.exists()


def test_out_of_scope_and_wrong_roles_are_refused(client, worker_b, police, camera_a):
    assert api_client(worker_b).post(_url(camera_a), {"title": "x"}, format="json").status_code == 404
    assert api_client(worker_b).get(_url(camera_a)).status_code == 404
    client.force_login(worker_b)
    assert (
        client.post(reverse("surveillance:camera_finding", args=[camera_a.pk]), {"title": "x"}).status_code
        == 404
    )
    # A police officer sees the town's cameras but does not take cases in.
    assert api_client(police).post(_url(camera_a), {"title": "x"}, format="json").status_code == 403
    assert not Case.objects.exists()
