"""Pages: the import page with its report and progress, forms through services, pinned queries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fengqiao.core.models import AuditEvent
from fengqiao.registry.models import ImportJob, Person
from fengqiao.registry.tests.factories import make_key_person, make_person, resident_id
from fengqiao.registry.tests.test_import import HEADER, good_row, xlsx
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db


def test_the_import_page_shows_the_report_and_writes_nothing(
    client, clerk, django_capture_on_commit_callbacks
):
    rows = [good_row(n) for n in range(5)]
    rows[3][7] = "NOPE"
    client.force_login(clerk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("registry:import_start"),
            {"kind": "persons", "file": SimpleUploadedFile("p.xlsx", xlsx(HEADER, rows))},
        )
    job = ImportJob.objects.get()
    assert response.url == reverse("registry:import_detail", args=[job.pk])
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<div id="import-progress" data-status="invalid">' in page  # finished: no polling
    assert "<tr><td>5</td><td>网格编码</td>" in page
    assert "1 problem; nothing was written." in page
    assert Person.objects.count() == 0
    fragment = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.startswith('<div id="import-progress"')


def test_a_running_import_polls_for_progress(client, clerk):
    job = ImportJob.objects.create(
        kind="persons", content=b"", by=clerk, status="running", total_rows=1000, processed_rows=400
    )
    client.force_login(clerk)
    page = client.get(reverse("registry:import_detail", args=[job.pk])).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'aria-valuenow="40"' in page


def test_an_import_is_seen_only_by_who_started_it(client, clerk, leader):
    job = ImportJob.objects.create(kind="persons", content=b"", by=clerk)
    client.force_login(leader)
    assert client.get(reverse("registry:import_detail", args=[job.pk])).status_code == 404


def test_the_person_form_saves_through_the_service(client, town, worker_a):
    client.force_login(worker_a)
    response = client.post(
        reverse("registry:person_create"),
        {
            "name": "新居民",
            "resident_id": resident_id(55),
            "ethnicity": "回族",
            "phone": "13912345678",
            "residence_type": "floating",
            "grid": town.grid_a.pk,
            "address": "东沟村",
        },
    )
    person = Person.objects.get(name="新居民")
    assert response.url == reverse("registry:person_detail", args=[person.pk])
    assert person.phone == "+8613912345678" and person.birth_date.year == 1980
    assert AuditEvent.objects.filter(action="registry.person.create", object_id=str(person.pk)).exists()
    bad = client.post(
        reverse("registry:person_create"),
        {
            "name": "外网格",
            "resident_id": resident_id(56),
            "residence_type": "floating",
            "grid": town.grid_b.pk,
        },
    )
    assert bad.status_code == 200 and not Person.objects.filter(name="外网格").exists()


def test_list_pages_cost_the_same_at_any_size(client, town, clerk):
    client.force_login(clerk)

    def queries(url: str) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [reverse(f"registry:{name}_list") for name in ("person", "keyperson", "household", "place")]
    for n in range(3):
        make_key_person(make_person(town.grid_a, 100 + n), "left_behind_elderly")
    few = [queries(url) for url in urls]
    for n in range(20):
        make_key_person(make_person(town.grid_b, 200 + n), "key_youth")
    assert [queries(url) for url in urls] == few
    assert few[0] <= 14, few  # 2 of them: the export permission (user's and groups')


def test_api_lists_cost_the_same_at_any_size(town, clerk, django_assert_max_num_queries):
    api = builders.api_client(clerk)
    for n in range(25):
        make_key_person(make_person(town.grid_a, 300 + n), "left_behind_elderly")
    for url in ("/api/v1/registry/persons/", "/api/v1/registry/key-persons/", "/api/v1/registry/todo/"):
        with django_assert_max_num_queries(8):
            assert api.get(url).status_code == 200


def test_the_import_entry_is_offered_to_editors_only(client, clerk, town, data):
    url = reverse("registry:import_start")
    client.force_login(clerk)
    assert f'href="{url}"' in client.get(reverse("registry:person_list")).content.decode()
    # A safety warden reads (the households they cover) but does not edit.
    client.force_login(builders.make_user("warden_a", "safety_warden", grids=[town.grid_a]))
    assert f'href="{url}"' not in client.get(reverse("registry:household_list")).content.decode()
    assert client.get(url).status_code == 403
