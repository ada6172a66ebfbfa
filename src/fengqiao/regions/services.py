"""Every change to regions (行政区划) and grids (网格), and the boundary files in and out.

Each writing service runs in one transaction, is for administrators only, and writes one audit
row per changed region or grid. Services that write boundaries take the grid-boundary lock (the
`GridIndexVersion` row), so two imports can never each pass the overlap check and together
overlap; every grid write leaves the index version bumped, so every process's `locate` index is
rebuilt on its next call.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import shapely
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fengqiao.core.audit import diff, record, snapshot
from fengqiao.regions import boundary_files, geo
from fengqiao.regions.exceptions import FeatureError, RegionError
from fengqiao.regions.models import Grid, GridIndexVersion, Region

# Exports are reads and live with the other read helpers; they are named here too because an
# import and its export belong together.
from fengqiao.regions.queries import export_boundaries as export_boundaries
from fengqiao.regions.queries import export_boundaries_shapefile as export_boundaries_shapefile

GRID_FIELDS = ["code", "name", "village"]
#: Property names tried, in order, for a feature's village when the caller names none.
VILLAGE_FIELDS = ("village_code", "vill_code", "village", "village_name", "vill_name")


def _require_administrator(user: Any) -> None:
    if not getattr(user, "is_administrator", False):
        raise PermissionDenied(_("Only administrators may change regions and grids."))


def _lock_boundaries() -> None:
    """Serialise boundary writers (a no-op on SQLite, whose IMMEDIATE transactions already do)."""
    GridIndexVersion.current()
    list(GridIndexVersion.objects.select_for_update().filter(pk=GridIndexVersion.SINGLETON_ID))


def _clean_code_and_name(code: Any, name: Any) -> tuple[str, str]:
    code_s = str(code if code is not None else "").strip()
    name_s = str(name if name is not None else "").strip()
    if not code_s:
        raise RegionError(_("The grid code is missing."), code="missing_code")
    if len(code_s) > Grid._meta.get_field("code").max_length:  # type: ignore[operator]
        raise RegionError(_("The grid code %(code)s is too long.") % {"code": code_s[:40]})
    if not name_s:
        raise RegionError(_("The grid name is missing."), code="missing_name")
    if len(name_s) > Grid._meta.get_field("name").max_length:  # type: ignore[operator]
        raise RegionError(_("The grid name %(name)s is too long.") % {"name": name_s[:60]})
    return code_s, name_s


def _check_village(village: Region) -> None:
    if village.level != Region.Level.VILLAGE:
        raise RegionError(_("A grid belongs to a village, not to %(name)s.") % {"name": village.name})


def _check_no_overlap(geom: Any, *, exclude_codes: Iterable[str]) -> None:
    excluded = set(exclude_codes)
    overlapping = [found for found in geo.get_index().overlapping(geom) if found.code not in excluded]
    if overlapping:
        raise RegionError(
            _("The boundary overlaps the grid(s) %(codes)s.")
            % {"codes": ", ".join(found.code for found in overlapping)},
            code="overlap",
        )


def _region_error(error: ValidationError) -> RegionError:
    messages = (
        error.messages
        if not hasattr(error, "error_dict")
        else [m for ms in error.message_dict.values() for m in ms]
    )
    return RegionError(" ".join(str(message) for message in messages))


@transaction.atomic
def create_region(*, by: Any, code: str, name: str, level: str, parent: Region | None = None) -> Region:
    """Add a county, town or village (新增行政区划) to the tree; writes `region.create`."""
    _require_administrator(by)
    region = Region(code=str(code).strip(), name=str(name).strip(), level=level, parent=parent)
    try:
        region.full_clean(exclude=["path"])
    except ValidationError as error:
        raise _region_error(error) from None
    region.save()
    record(
        "region.create",
        by=by,
        obj=region,
        changes={"code": region.code, "name": region.name, "level": level, "parent": str(parent or "")},
    )
    return region


@transaction.atomic
def update_region(region: Region, *, by: Any, code: str, name: str) -> Region:
    """Rename or recode a region (修改行政区划); writes `region.update` if anything changed.

    A new code changes the region's materialised path and, in the same transaction, the paths of
    everything under it, so "everything under this town" stays one `startswith` query.
    """
    _require_administrator(by)
    region = Region.objects.select_for_update().get(pk=region.pk)
    before = snapshot(region, ["code", "name"])
    old_path = region.path
    region.code, region.name = str(code).strip(), str(name).strip()
    try:
        region.full_clean(exclude=["path"])
    except ValidationError as error:
        raise _region_error(error) from None
    changes = diff(region, before, ["code", "name"])
    if not changes:
        return region
    region.save()
    if region.path != old_path:
        descendants = list(
            Region.objects.select_for_update().filter(path__startswith=old_path).exclude(pk=region.pk)
        )
        for descendant in descendants:
            descendant.path = region.path + descendant.path[len(old_path) :]
        Region.objects.bulk_update(descendants, ["path"])
        changes["descendants_moved"] = len(descendants)
    record("region.update", by=by, obj=region, changes=changes)
    return region


@transaction.atomic
def create_grid(village: Region, *, by: Any, code: str, name: str, boundary: Any = None) -> Grid:
    """Create a grid (新建网格) in a village, optionally with its boundary; writes `grid.create`."""
    _require_administrator(by)
    _check_village(village)
    code, name = _clean_code_and_name(code, name)
    _lock_boundaries()
    if Grid.objects.filter(code=code).exists():
        raise RegionError(_("A grid with the code %(code)s already exists.") % {"code": code})
    geom = geo.parse_boundary(boundary) if boundary is not None else None
    if geom is not None:
        _check_no_overlap(geom, exclude_codes=())
    grid = Grid(code=code, name=name, village=village)
    if geom is not None:
        grid.boundary, grid.area_m2 = geo.to_geojson(geom), geo.geodesic_area_m2(geom)
    grid.save()
    record(
        "grid.create",
        by=by,
        obj=grid,
        changes={"code": code, "name": name, "village": village.code, "area_m2": grid.area_m2},
    )
    return grid


@transaction.atomic
def update_grid(grid: Grid, *, by: Any, code: str, name: str, village: Region) -> Grid:
    """Rename, recode or move a grid to another village (修改网格); writes `grid.update` if changed."""
    _require_administrator(by)
    _check_village(village)
    code, name = _clean_code_and_name(code, name)
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    if code != grid.code and Grid.objects.filter(code=code).exclude(pk=grid.pk).exists():
        raise RegionError(_("A grid with the code %(code)s already exists.") % {"code": code})
    before = snapshot(grid, GRID_FIELDS)
    grid.code, grid.name, grid.village = code, name, village
    changes = diff(grid, before, GRID_FIELDS)
    if changes:
        grid.save(update_fields=["code", "name", "village", "updated_at"])
        record("grid.update", by=by, obj=grid, changes=changes)
    return grid


@transaction.atomic
def set_grid_boundary(grid: Grid, geometry: Any, *, by: Any) -> Grid:
    """Set (or with None, clear) a grid's boundary polygon (网格边界) and its geodesic area.

    The boundary must be a valid Polygon or MultiPolygon in WGS84 lon/lat that overlaps no other
    grid (sharing a border is fine). Writes `grid.set_boundary` with the old and new area; setting
    the boundary a grid already has writes nothing.
    """
    _require_administrator(by)
    _lock_boundaries()
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    old_boundary, old_area = grid.boundary, grid.area_m2
    if geometry is None:
        grid.boundary, grid.area_m2 = None, None
    else:
        geom = geo.parse_boundary(geometry)
        _check_no_overlap(geom, exclude_codes=[grid.code])
        grid.boundary, grid.area_m2 = geo.to_geojson(geom), geo.geodesic_area_m2(geom)
    if grid.boundary == old_boundary and (grid.boundary is None or old_area is not None):
        return grid  # the same boundary again: nothing to write, nothing to audit
    grid.save(update_fields=["boundary", "area_m2", "updated_at"])
    record("grid.set_boundary", by=by, obj=grid, changes={"area_m2": [old_area, grid.area_m2]})
    return grid


@transaction.atomic
def delete_grid(grid: Grid, *, by: Any) -> None:
    """Delete a grid (删除网格); writes `grid.delete` with what it was. Its workers lose it."""
    _require_administrator(by)
    grid = Grid.objects.select_for_update().select_related("village").get(pk=grid.pk)
    record(
        "grid.delete",
        by=by,
        obj=grid,
        changes={"code": grid.code, "name": grid.name, "village": grid.village.code, "area_m2": grid.area_m2},
    )
    grid.delete()


# --- import ------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    """What an import did: grids created, grids updated, and grids the file left as they were."""

    created: list[Grid] = field(default_factory=list)
    updated: list[Grid] = field(default_factory=list)
    unchanged: list[Grid] = field(default_factory=list)


@dataclass
class _Checked:
    index: int
    code: str
    name: str
    village: Region | None = None
    geom: Any = None


def _village_value(feature: boundary_files.ParsedFeature, village_field: str | None) -> str:
    names = (village_field,) if village_field else VILLAGE_FIELDS
    for name in names:
        value = feature.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def _villages_for(values: Iterable[str], user: Any) -> tuple[dict[str, Region], dict[str, list[Region]]]:
    """Villages the user may see, by 12-digit division code and by name."""
    values = set(values)
    codes = {value for value in values if value.isascii() and value.isdigit() and len(value) == 12}
    villages = Region.objects.visible_to(user).filter(level=Region.Level.VILLAGE)
    by_code = {region.code: region for region in villages.filter(code__in=codes)}
    by_name: dict[str, list[Region]] = {}
    for region in villages.filter(name__in=values - codes):
        by_name.setdefault(region.name, []).append(region)
    return by_code, by_name


def _check_features(
    features: list[boundary_files.ParsedFeature],
    *,
    by: Any,
    code_field: str,
    name_field: str,
    village_field: str | None,
) -> tuple[list[_Checked], list[FeatureError]]:
    errors: list[FeatureError] = []
    checked: list[_Checked] = []
    village_values = {feature.index: _village_value(feature, village_field) for feature in features}
    by_code, by_name = _villages_for(village_values.values(), by)
    first_with_code: dict[str, int] = {}

    for feature in features:
        raw_code = feature.get(code_field)
        item = _Checked(feature.index, str(raw_code).strip() if raw_code is not None else "", "")

        def fail(message: str, item: _Checked = item) -> None:
            errors.append(FeatureError(item.index, item.code, message))

        try:
            item.code, item.name = _clean_code_and_name(raw_code, feature.get(name_field))
        except RegionError as exc:
            fail(str(exc))
        if item.code:
            if item.code in first_with_code:
                fail(
                    _("The grid code %(code)s is already used by feature %(index)d.")
                    % {"code": item.code, "index": first_with_code[item.code]}
                )
            else:
                first_with_code[item.code] = item.index

        if feature.error:
            fail(feature.error)
        else:
            try:
                item.geom = geo.check_boundary(feature.geometry)
            except RegionError as exc:
                fail(str(exc))

        value = village_values[feature.index]
        if not value:
            fail(_("The feature names no village."))
        elif value in by_code:
            item.village = by_code[value]
        elif len(by_name.get(value, [])) == 1:
            item.village = by_name[value][0]
        elif len(by_name.get(value, [])) > 1:
            fail(_("The village name %(name)s is ambiguous; use its 12-digit code.") % {"name": value})
        else:
            fail(_("Unknown village: %(village)s.") % {"village": value})
        checked.append(item)
    return checked, errors


def _overlap_errors(checked: list[_Checked]) -> list[FeatureError]:
    """Positive-area overlaps between the file's features, and with grids the file does not replace.

    Of two overlapping features in the file, the later one is named, pointing at the earlier.
    """
    errors: list[FeatureError] = []
    replaced = {item.code for item in checked if item.code}
    sound = [item for item in checked if item.geom is not None]
    if not sound:
        return errors
    tree = shapely.STRtree([item.geom for item in sound])
    index = geo.get_index()
    for position, item in enumerate(sound):
        for other_position in sorted(tree.query(item.geom, predicate="intersects")):
            other = sound[other_position]
            if other_position >= position:
                continue
            if geo.overlap_area_m2(item.geom, other.geom) > geo.OVERLAP_TOLERANCE_M2:
                errors.append(
                    FeatureError(
                        item.index,
                        item.code,
                        _("The boundary overlaps feature %(index)d (%(code)s).")
                        % {"index": other.index, "code": other.code},
                    )
                )
        existing = [found.code for found in index.overlapping(item.geom) if found.code not in replaced]
        if existing:
            errors.append(
                FeatureError(
                    item.index,
                    item.code,
                    _("The boundary overlaps the existing grid(s) %(codes)s.")
                    % {"codes": ", ".join(existing)},
                )
            )
    return errors


@transaction.atomic
def import_boundaries(
    data: bytes | str | dict[str, Any],
    *,
    by: Any,
    filename: str = "",
    code_field: str = "code",
    name_field: str = "name",
    village_field: str | None = None,
) -> ImportResult:
    """Import grid boundaries (导入网格边界) from GeoJSON or a zipped shapefile, all or nothing.

    Every feature names a grid code, a grid name and its village (12-digit division code or
    name; by default the first of VILLAGE_FIELDS present). All features are checked first; if
    any is unreadable, not a polygon, invalid or self-intersecting, overlaps another feature or a
    grid the file does not replace, or names an unknown village, RegionError carries the list of
    every problem and nothing is written. Otherwise grids are created or updated by code, with one
    `grid.import` audit row per grid that changed.
    """
    _require_administrator(by)
    if isinstance(data, dict):
        features = boundary_files.read_geojson(data)
    else:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        features = boundary_files.read_features(raw, filename)
    if not features:
        raise RegionError(_("The file holds no features."))
    _lock_boundaries()
    checked, errors = _check_features(
        features, by=by, code_field=code_field, name_field=name_field, village_field=village_field
    )
    errors += _overlap_errors(checked)
    if errors:
        errors.sort(key=lambda error: error.index)
        bad = len({error.index for error in errors})
        raise RegionError(
            _("Nothing was imported: %(bad)d of %(total)d features have problems.")
            % {"bad": bad, "total": len(features)},
            errors=errors,
            code="bad_features",
        )

    result = ImportResult()
    existing = {
        grid.code: grid
        for grid in Grid.objects.select_for_update().filter(code__in=[c.code for c in checked])
    }
    for item in checked:
        assert item.village is not None and item.geom is not None  # guaranteed by the checks above
        boundary, area = geo.to_geojson(item.geom), geo.geodesic_area_m2(item.geom)
        grid = existing.get(item.code)
        if grid is None:
            grid = Grid(code=item.code, name=item.name, village=item.village, boundary=boundary, area_m2=area)
            grid.save()
            record(
                "grid.import",
                by=by,
                obj=grid,
                changes={"created": True, "file": filename, "village": item.village.code, "area_m2": area},
            )
            result.created.append(grid)
            continue
        before = snapshot(grid, ["name", "village"])
        old_boundary, old_area = grid.boundary, grid.area_m2
        grid.name, grid.village = item.name, item.village
        changes = diff(grid, before, ["name", "village"])
        # A boundary written around the services may lack its area: filling it in is a change.
        if old_boundary != boundary or old_area is None or abs(old_area - area) > 0.01:
            grid.boundary, grid.area_m2 = boundary, area
            changes["area_m2"] = [old_area, area]
        if not changes:
            result.unchanged.append(grid)
            continue
        grid.save(update_fields=["name", "village", "boundary", "area_m2", "updated_at"])
        record("grid.import", by=by, obj=grid, changes={"created": False, "file": filename, **changes})
        result.updated.append(grid)
    return result
