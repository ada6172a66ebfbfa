"""Small builders for tests (`make_region`, `make_grid`, ...), instead of fixture files."""

from __future__ import annotations

from typing import Any

from rest_framework.test import APIClient

from fengqiao.accounts.models import User
from fengqiao.center.models import Department
from fengqiao.regions.models import Grid, Region

PASSWORD = "a-Long-test-passphrase-42"  # noqa: S105 - test accounts only


def square(lon: float, lat: float, size: float) -> dict[str, Any]:
    """A GeoJSON square polygon with its south-west corner at (lon, lat)."""
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def make_region(code: str, name: str, level: str, parent: Region | None = None) -> Region:
    return Region.objects.create(code=code, name=name, level=level, parent=parent)


def make_grid(code: str, name: str, village: Region, boundary: dict[str, Any] | None = None) -> Grid:
    return Grid.objects.create(code=code, name=name, village=village, boundary=boundary)


def make_department(name: str, kind: str, region: Region, **fields: Any) -> Department:
    return Department.objects.create(name=name, kind=kind, region=region, **fields)


def make_user(
    username: str,
    role: str,
    *,
    regions: list[Region] | None = None,
    grids: list[Grid] | None = None,
    department: Department | None = None,
    **fields: Any,
) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, department=department, **fields
    )
    if regions:
        user.regions.set(regions)
    if grids:
        user.grids.set(grids)
    return user


def api_client(user: User | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client
