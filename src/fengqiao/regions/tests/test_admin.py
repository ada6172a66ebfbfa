"""Regions and grids in the Django admin: administrators only, every write through the services."""

from __future__ import annotations

import json

import pytest

from fengqiao.core.models import AuditEvent
from fengqiao.regions import services
from fengqiao.regions.exceptions import RegionError
from fengqiao.regions.models import Grid, Region
from fengqiao.testing import builders


def test_an_administrator_adds_a_grid_with_its_boundary(client, town, administrator):
    client.force_login(administrator)
    response = client.post(
        "/admin/regions/grid/add/",
        {
            "code": "GC",
            "name": "新网格",
            "village": town.village_a.pk,
            "boundary": json.dumps(builders.square(106.9, 35.5, 0.01)),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    grid = Grid.objects.get(code="GC")
    assert grid.area_m2 == pytest.approx(1.005e6, rel=0.01)
    assert AuditEvent.objects.filter(
        action="grid.create", object_id=str(grid.pk), actor=administrator
    ).exists()


def test_the_admin_refuses_an_overlapping_or_self_intersecting_boundary(client, town, administrator):
    client.force_login(administrator)
    bow_tie = {
        "type": "Polygon",
        "coordinates": [[[107, 36], [107.01, 36.01], [107.01, 36], [107, 36.01], [107, 36]]],
    }
    for boundary in (builders.square(106.805, 35.5, 0.01), bow_tie):
        response = client.post(
            f"/admin/regions/grid/{town.grid_a.pk}/change/",
            {
                "code": "GA",
                "name": "东沟村网格",
                "village": town.village_a.pk,
                "boundary": json.dumps(boundary),
            },
        )
        assert response.status_code == 200  # the form again, with the error
        assert response.context["adminform"].form.errors["boundary"]
    assert not AuditEvent.objects.filter(action__startswith="grid.").exists()


def test_an_administrator_changes_and_deletes_a_grid(client, town, administrator):
    client.force_login(administrator)
    response = client.post(
        f"/admin/regions/grid/{town.grid_a.pk}/change/",
        {
            "code": "GA",
            "name": "东沟网格",
            "village": town.village_a.pk,
            "boundary": json.dumps(builders.square(106.79, 35.5, 0.02)),
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="grid.update", object_id=str(town.grid_a.pk)).count() == 1
    assert AuditEvent.objects.filter(action="grid.set_boundary", object_id=str(town.grid_a.pk)).count() == 1
    response = client.post(f"/admin/regions/grid/{town.grid_b.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Grid.objects.filter(pk=town.grid_b.pk).exists()
    assert AuditEvent.objects.get(action="grid.delete").changes["code"] == "GB"


def test_non_administrators_cannot_use_the_admin(client, town, clerk):
    clerk.is_staff = True
    clerk.save()
    client.force_login(clerk)
    assert client.get("/admin/regions/grid/").status_code in (302, 403)


def test_an_administrator_adds_a_village_and_recodes_a_town(client, town, administrator):
    client.force_login(administrator)
    response = client.post(
        "/admin/regions/region/add/",
        {"code": "620802101203", "name": "南沟村", "level": "village", "parent": town.town.pk},
    )
    assert response.status_code == 302
    village = Region.objects.get(code="620802101203")
    assert village.path == f"{town.town.path}620802101203/"
    assert AuditEvent.objects.filter(action="region.create", object_id=str(village.pk)).exists()

    response = client.post(
        f"/admin/regions/region/{town.town.pk}/change/", {"code": "620802102000", "name": "安国镇"}
    )
    assert response.status_code == 302
    town.village_a.refresh_from_db()
    assert town.village_a.path == "620802000000/620802102000/620802101201/"
    assert AuditEvent.objects.get(action="region.update").changes["descendants_moved"] == 3


def test_region_services_check_the_tree(town, administrator):
    with pytest.raises(RegionError):
        services.create_region(
            by=administrator, code="620802101204", name="错村", level="village", parent=town.county
        )
    with pytest.raises(RegionError):
        services.create_region(by=administrator, code="12345", name="坏码", level="village", parent=town.town)
    with pytest.raises(RegionError):
        services.update_region(town.village_a, by=administrator, code="620802101202", name="东沟村")
    assert not AuditEvent.objects.filter(action__startswith="region.").exists()
