"""Point location (定位到网格) and boundary geometry: which grid holds a point, is a polygon sound.

`locate(lon, lat)` answers from a shapely STRtree over every grid's boundary, built once per
process and rebuilt when the grids change. Change is detected across processes by
`GridIndexVersion`: every write to grids gives it a new random token in the writer's transaction,
and each `locate` reads the token (one primary-key query) before trusting its cached tree.

The rules, so every caller gets the same answer:

* A grid holds the points inside its boundary and on its boundary (a closed polygon); a point in a
  hole belongs to no grid unless another grid covers the hole.
* A point on a border shared by several grids (or a corner where several meet) belongs to the
  grid with the smallest `code`. Codes are unique, so the answer depends only on the grids, never
  on the order the tree returns them, and it is the same after every rebuild.
* Coordinates are WGS84 longitude and latitude in degrees (CGCS2000 is treated as the same, as it
  differs by centimetres).

Models are imported inside the functions that need them, so `GridIndex` and the geometry helpers
work without a configured Django (`regions.bench` builds indexes with no database).
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

import numpy as np
import shapely
from django.utils.translation import gettext as _
from pyproj import Geod
from shapely.geometry import mapping, shape

from fengqiao.regions.exceptions import CoordinateError, RegionError

if TYPE_CHECKING:
    from fengqiao.regions.models import Grid

logger = logging.getLogger(__name__)

#: Areas are computed on the ellipsoid; CGCS2000's GRS80 and WGS84 differ by 0.1 mm in the axis.
GEOD = Geod(ellps="WGS84")
#: Two grids may share a border; an overlap smaller than this (a sliver left by rounding in a
#: surveyor's file) is tolerated, anything larger is an overlap.
OVERLAP_TOLERANCE_M2 = 1.0

#: A shapely Polygon or MultiPolygon (shapely ships no type hints, so this is Any to mypy).
Boundary: TypeAlias = Any


# --- coordinates and geometry -------------------------------------------------------------------


def validate_point(lon: Any, lat: Any) -> tuple[float, float]:
    """Longitude and latitude as floats; CoordinateError (a ValueError) when missing or out of range."""
    values = []
    for label, value, limit in ((_("longitude"), lon, 180.0), (_("latitude"), lat, 90.0)):
        if value is None or value == "":
            raise CoordinateError(_("The %(name)s is missing.") % {"name": label})
        if isinstance(value, bool):
            raise CoordinateError(_("The %(name)s must be a number.") % {"name": label})
        try:
            number = float(value)
        except (TypeError, ValueError):
            raise CoordinateError(
                _("The %(name)s must be a number, not %(value)r.") % {"name": label, "value": str(value)[:40]}
            ) from None
        if not math.isfinite(number) or not -limit <= number <= limit:
            raise CoordinateError(
                _("The %(name)s must be between -%(limit)s and %(limit)s degrees, not %(value)s.")
                % {"name": label, "limit": int(limit), "value": str(value)[:40]}
            )
        values.append(number)
    return values[0], values[1]


def boundary_from_geojson(geometry: Any) -> Boundary:
    """A shapely Polygon or MultiPolygon from a GeoJSON geometry (dict or JSON text), unchecked."""
    if isinstance(geometry, str | bytes):
        try:
            geometry = json.loads(geometry)
        except ValueError:
            raise RegionError(_("The boundary is not valid JSON.")) from None
    if isinstance(geometry, dict) and geometry.get("type") == "Feature":
        geometry = geometry.get("geometry")
    if not isinstance(geometry, dict) or not geometry.get("type"):
        raise RegionError(_("The boundary has no geometry."), code="not_a_polygon")
    kind = geometry["type"]
    if kind not in ("Polygon", "MultiPolygon"):
        raise RegionError(
            _("The boundary must be a Polygon or a MultiPolygon, not %(type)s.") % {"type": str(kind)[:30]},
            code="not_a_polygon",
        )
    try:
        geom = shape(geometry)
    except (ValueError, TypeError, IndexError, KeyError, AttributeError, shapely.errors.ShapelyError) as exc:
        raise RegionError(
            _("The boundary's coordinates cannot be read: %(error)s") % {"error": str(exc)[:120]},
            code="invalid_polygon",
        ) from None
    return shapely.force_2d(geom)


_SELF_INTERSECTION = re.compile(r"Self-intersection\[([-\d.eE+]+) ([-\d.eE+]+)\]")


def check_boundary(geom: Boundary, *, lonlat: bool = True) -> Boundary:
    """The boundary, checked and normalised (exterior rings counter-clockwise, as RFC 7946 asks).

    RegionError when it is empty, has non-finite or (with `lonlat`) out-of-range coordinates, or is
    not a valid polygon: self-intersecting, a hole outside its shell, too few points, ...
    """
    if geom.is_empty:
        raise RegionError(_("The boundary is empty."), code="invalid_polygon")
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        raise RegionError(_("The boundary has coordinates that are not numbers."), code="invalid_polygon")
    if lonlat and ((np.abs(coords[:, 0]) > 180).any() or (np.abs(coords[:, 1]) > 90).any()):
        raise RegionError(
            _(
                "The boundary's coordinates are not longitude and latitude "
                "(is the file in a projected coordinate system without a .prj?)."
            ),
            code="not_lonlat",
        )
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        match = _SELF_INTERSECTION.search(reason)
        if match:
            raise RegionError(
                _("The polygon intersects itself near %(lon).6f, %(lat).6f.")
                % {"lon": float(match.group(1)), "lat": float(match.group(2))},
                code="self_intersection",
            )
        raise RegionError(
            _("The polygon is not valid: %(reason)s.") % {"reason": reason}, code="invalid_polygon"
        )
    oriented = shapely.orient_polygons(geom, exterior_cw=False)
    return oriented


def parse_boundary(geometry: Any) -> Boundary:
    """`boundary_from_geojson` then `check_boundary`: what a service stores must pass this."""
    return check_boundary(boundary_from_geojson(geometry))


def to_geojson(geom: Boundary) -> dict[str, Any]:
    """A GeoJSON geometry dict with plain lists and the exact coordinates, ready for a JSONField."""

    def listify(value: Any) -> Any:
        return [listify(item) for item in value] if isinstance(value, list | tuple) else float(value)

    mapped = mapping(geom)
    return {"type": mapped["type"], "coordinates": listify(mapped["coordinates"])}


def geodesic_area_m2(geom: Any) -> float:
    """The area on the WGS84 ellipsoid in square metres (holes subtracted)."""
    if geom.is_empty:
        return 0.0
    area, _perimeter = GEOD.geometry_area_perimeter(geom)
    return abs(float(area))


def overlap_area_m2(a: Any, b: Any) -> float:
    """Geodesic area shared by two polygons; 0 when they only touch."""
    shared = a.intersection(b)
    if shared.is_empty:
        return 0.0
    polygons = [
        part for part in getattr(shared, "geoms", [shared]) if part.geom_type in ("Polygon", "MultiPolygon")
    ]
    return sum(geodesic_area_m2(part) for part in polygons)


# --- the index ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndexedGrid:
    id: int
    code: str


class GridIndex:
    """An immutable STRtree over grid boundaries, answering by the rules in the module docstring."""

    def __init__(self, entries: Iterable[tuple[int, str, Any]]) -> None:
        ids: list[int] = []
        codes: list[str] = []
        geoms: list[Any] = []
        for grid_id, code, geom in entries:
            ids.append(grid_id)
            codes.append(code)
            geoms.append(geom)
        self.ids = ids
        self.codes = codes
        self.geometries = np.array(geoms, dtype=object)
        # Prepared polygons answer point-in-polygon in logarithmic time for the exact test after
        # the tree's bounding-box pass.
        shapely.prepare(self.geometries)
        self.tree = shapely.STRtree(self.geometries)

    def __len__(self) -> int:
        return len(self.ids)

    def candidates(self, lon: float, lat: float) -> list[IndexedGrid]:
        """Every grid whose closed boundary holds the point, smallest code first."""
        point = shapely.Point(lon, lat)
        hits = self.tree.query(point)
        if len(hits) == 0:
            return []
        holding = hits[shapely.intersects(self.geometries[hits], point)]
        found = [IndexedGrid(self.ids[i], self.codes[i]) for i in holding]
        return sorted(found, key=lambda grid: grid.code)

    def locate_id(self, lon: float, lat: float) -> int | None:
        found = self.candidates(lon, lat)
        return found[0].id if found else None

    def overlapping(self, geom: Any, *, tolerance_m2: float = OVERLAP_TOLERANCE_M2) -> list[IndexedGrid]:
        """The grids sharing more than `tolerance_m2` of area with `geom` (touching is fine)."""
        hits = self.tree.query(geom, predicate="intersects")
        found = [
            IndexedGrid(self.ids[i], self.codes[i])
            for i in hits
            if overlap_area_m2(geom, self.geometries[i]) > tolerance_m2
        ]
        return sorted(found, key=lambda grid: grid.code)


class _Cache:
    """The process's index with the version token it was built at, as one (token, index) pair.

    One attribute, replaced whole, so a thread reading it while another rebuilds sees either the
    old pair or the new one, never the new token beside the old index.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.built: tuple[str, GridIndex] | None = None


_cache = _Cache()


def _load_index() -> GridIndex:
    from fengqiao.regions.models import Grid

    entries = []
    rows = Grid.objects.filter(boundary__isnull=False).values_list("id", "code", "boundary").order_by()
    for grid_id, code, boundary in rows.iterator(chunk_size=2000):
        try:
            geom = boundary_from_geojson(boundary)
        except RegionError:
            # Services refuse such boundaries; one written around them must not break locating.
            logger.warning("grid %s (%s) has an unreadable boundary; left out of the index", grid_id, code)
            continue
        if not geom.is_valid:
            geom = shapely.make_valid(geom)
        entries.append((grid_id, code, geom))
    return GridIndex(entries)


def get_index() -> GridIndex:
    """The process's index, rebuilt first if any process changed the grids since it was built."""
    from fengqiao.regions.models import GridIndexVersion

    # Read the token before the grids: a change committed in between makes the next call rebuild,
    # never tags old grids with a new token.
    token = GridIndexVersion.current()
    built = _cache.built
    if built is not None and built[0] == token:
        return built[1]
    with _cache.lock:
        built = _cache.built
        if built is None or built[0] != token:
            built = (token, _load_index())
            _cache.built = built
        return built[1]


def forget_index() -> None:
    """Drop this process's index (the next locate rebuilds it)."""
    with _cache.lock:
        _cache.built = None


def grids_changed() -> None:
    """Tell every process the grids changed, after writing them around the model (raw SQL, loaddata)."""
    from fengqiao.regions.models import GridIndexVersion

    GridIndexVersion.bump()


def locate(lon: Any, lat: Any) -> Grid | None:
    """The grid holding the point (WGS84 degrees), None outside every grid; see the module rules."""
    from fengqiao.regions.models import Grid

    lon_f, lat_f = validate_point(lon, lat)
    grid_id = get_index().locate_id(lon_f, lat_f)
    if grid_id is None:
        return None
    return Grid.objects.select_related("village").filter(pk=grid_id).first()


def locate_for_user(user: Any, lon: Any, lat: Any) -> Grid | None:
    """`locate`, but None when the grid holding the point is not visible to the user.

    The point's grid is the same for everyone (a border point goes to the smallest code even if
    the user sees only the other grid), so a user never learns of a grid they may not see and
    never gets a different answer from the one a case reported there is filed under.
    """
    from fengqiao.regions.models import Grid

    grid = locate(lon, lat)
    if grid is None or not Grid.objects.visible_to(user).filter(pk=grid.pk).exists():
        return None
    return grid
