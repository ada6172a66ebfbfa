"""Audit #12: a key person's controller, helper and case owner are users the caller may name
(active, in their scope), in the API as in the edit form; anyone else is a 400."""

from __future__ import annotations

import pytest

from fengqiao.registry.models import KeyPerson
from fengqiao.registry.tests.factories import make_person
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db

URL = "/api/v1/registry/key-persons/"


@pytest.fixture
def stranger(town):
    """A grid worker of another town: being named controller would open sensitive categories."""
    other_town = builders.make_region("620802102000", "白水镇", "town", parent=town.county)
    village = builders.make_region("620802102201", "白水村", "village", parent=other_town)
    grid = builders.make_grid("GX", "白水村网格", village, builders.square(106.90, 35.50, 0.01))
    return builders.make_user("worker_x", "grid_worker", grids=[grid])


@pytest.mark.parametrize("field", ["controller", "helper", "case_owner"])
def test_a_user_of_another_town_is_refused(town, clerk, worker_a, stranger, field):
    api = builders.api_client(clerk)
    body = {"person": make_person(town.grid_a, 41).pk, "category": "left_behind_elderly", field: stranger.pk}
    refused = api.post(URL, body, format="json")
    assert refused.status_code == 400 and field in refused.json()["fields"]
    assert not KeyPerson.objects.exists()
    assert api.post(URL, {**body, field: worker_a.pk}, format="json").status_code == 201
    key_person = KeyPerson.objects.get()
    assert getattr(key_person, f"{field}_id") == worker_a.pk
    patched = api.patch(f"{URL}{key_person.pk}/", {field: stranger.pk}, format="json")
    assert patched.status_code == 400
    key_person.refresh_from_db()
    assert getattr(key_person, f"{field}_id") == worker_a.pk


def test_an_inactive_user_is_refused(town, clerk, worker_a):
    worker_a.is_active = False
    worker_a.save(update_fields=["is_active"])
    body = {"person": make_person(town.grid_a, 42).pk, "category": "other", "helper": worker_a.pk}
    assert builders.api_client(clerk).post(URL, body, format="json").status_code == 400
