"""Audit #6: a key person of a sensitive category always has a controller or case owner who
keeps the to-do list of their grid, so their missed visits reach someone (page, API, import)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from fengqiao.registry import imports, services
from fengqiao.registry.exceptions import RegistryError
from fengqiao.registry.models import KeyPerson
from fengqiao.registry.tests.factories import make_person
from fengqiao.registry.tests.test_import import run_import, xlsx
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def admin_user(town):
    # Sees every category (privacy.SENSITIVE_ROLES) and edits the registry.
    return builders.make_user("admin_kp", "administrator", regions=[town.town])


def test_the_service_refuses_a_sensitive_key_person_without_a_keeper(town, admin_user, worker_a, police):
    person = make_person(town.grid_a, 31)
    with pytest.raises(RegistryError) as refused:
        services.save_key_person(None, by=admin_user, person=person, category="community_correction")
    assert refused.value.http_status == 400 and "controller" in refused.value.fields
    # A department officer keeps no to-do list of the grid; a grid worker of another grid neither.
    for user in (police,):
        with pytest.raises(RegistryError):
            services.save_key_person(
                None, by=admin_user, person=person, category="community_correction", controller=user
            )
    key_person = services.save_key_person(
        None, by=admin_user, person=person, category="community_correction", case_owner=worker_a
    )
    assert key_person.case_owner == worker_a
    # Taking the keeper away later is refused too; plain categories need none.
    with pytest.raises(RegistryError):
        services.save_key_person(key_person, by=admin_user, case_owner=None)
    services.save_key_person(None, by=admin_user, person=person, category="left_behind_elderly")


def test_a_grid_worker_of_another_grid_is_no_keeper(town, admin_user, worker_b):
    with pytest.raises(RegistryError):
        services.save_key_person(
            None,
            by=admin_user,
            person=make_person(town.grid_a, 32),
            category="drug_rehabilitation",
            controller=worker_b,
        )


def test_the_api_and_the_page_answer_400_without_a_keeper(client, town, admin_user, worker_a):
    person = make_person(town.grid_a, 33)
    api = builders.api_client(admin_user)
    body = {"person": person.pk, "category": "released_prisoner", "visit_every_days": 30}
    refused = api.post("/api/v1/registry/key-persons/", body, format="json")
    assert refused.status_code == 400 and "controller" in refused.json()["fields"]
    assert (
        api.post(
            "/api/v1/registry/key-persons/", {**body, "controller": worker_a.pk}, format="json"
        ).status_code
        == 201
    )

    client.force_login(admin_user)
    other = make_person(town.grid_a, 34)
    form = {
        "person": other.pk,
        "category": "severe_mental_disorder",
        "risk_level": "low",
        "visit_every_days": 14,
    }
    response = client.post(reverse("registry:keyperson_create"), {**form, "active": "on"})
    assert response.status_code == 200  # the form again, with the error
    assert not KeyPerson.objects.filter(person=other).exists()


def test_the_import_needs_a_keeper_for_sensitive_rows(
    town, clerk, worker_a, django_capture_on_commit_callbacks
):
    clerk.view_sensitive = True  # clerks with the right record sensitive categories
    clerk.save(update_fields=["view_sensitive"])
    first, second = make_person(town.grid_a, 35), make_person(town.grid_a, 36)
    header = [c.header for c in imports.COLUMNS["key_persons"]]
    rows = [
        [first.resident_id, "社区矫正对象", "中", "7", "", ""],
        [second.resident_id, "刑满释放人员", "低", "30", "", "nobody_here"],
    ]
    capture = django_capture_on_commit_callbacks
    refused = run_import(
        clerk, xlsx(header, rows), kind="key_persons", django_capture_on_commit_callbacks=capture
    )
    assert refused.status == "invalid"
    assert [(e["row"], e["column"]) for e in refused.errors] == [(2, "包控责任人账号"), (3, "包控责任人账号")]
    rows[0][5] = rows[1][5] = worker_a.username
    done = run_import(
        clerk, xlsx(header, rows), kind="key_persons", django_capture_on_commit_callbacks=capture
    )
    assert done.status == "done" and done.created_count == 2
    assert set(KeyPerson.objects.values_list("controller", flat=True)) == {worker_a.pk}
    # The file from the older template (no controller column) keeps the recorded controller.
    old = run_import(
        clerk,
        xlsx(header[:5], [r[:5] for r in rows]),
        kind="key_persons",
        django_capture_on_commit_callbacks=capture,
    )
    assert old.status == "done" and old.unchanged_count == 2
    assert set(KeyPerson.objects.values_list("controller", flat=True)) == {worker_a.pk}


def test_a_missed_visit_of_a_sensitive_key_person_reaches_the_controller(client, town, admin_user, worker_a):
    with time_machine.travel(START, tick=False):
        key_person = services.save_key_person(
            None,
            by=admin_user,
            person=make_person(town.grid_a, 37),
            category="community_correction",
            visit_every_days=7,
            controller=worker_a,
        )
    with time_machine.travel(START + dt.timedelta(days=8), tick=False):  # no sweep ran
        client.force_login(worker_a)
        body = client.get(reverse("registry:todo")).content.decode()
        assert f'data-state="overdue" data-pk="{key_person.pk}"' in body
        today = client.get("/field/api/today/").json()
        assert [row["key_person"] for row in today["visits_due"]] == [key_person.pk]
