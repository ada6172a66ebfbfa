"""Boundary files in and out: GeoJSON and zipped ESRI shapefiles (pyshp + pyproj).

Reading turns a file into numbered features (properties and a lon/lat shapely geometry, or the
reason the geometry could not be read); `services.import_boundaries` then checks them. What
surveyors in China actually send is handled here:

* attribute files (.dbf) in GBK: the .cpg names the encoding; without one, UTF-8 is tried and
  GB18030 (a superset of GBK) is the fallback;
* coordinates in CGCS2000 geographic (EPSG:4490, used as WGS84: they differ by centimetres) or in
  a CGCS2000 Gauss-Kruger projection (EPSG:4513-4554 ...), read from the .prj and transformed to
  longitude and latitude. GeoJSON files may name a CRS in the old `crs` member.

Writing produces GeoJSON (RFC 7946, WGS84) and a shapefile zip with a WGS84 .prj and a UTF-8 .cpg.
"""

from __future__ import annotations

import codecs
import io
import json
import struct
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import shapefile
import shapely
from django.utils.translation import gettext as _
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from fengqiao.regions.exceptions import RegionError
from fengqiao.regions.geo import boundary_from_geojson

#: A zip that inflates beyond this is refused (a town's grids take a few megabytes).
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024
WGS84 = CRS.from_epsg(4326)

#: Names of the attribute fields the export writes; the import looks for the same names.
GEOJSON_FIELDS = ("code", "name", "village_code", "village_name", "workers", "area_m2")
#: Shapefile attribute names are at most 10 characters.
SHAPEFILE_FIELDS = ("code", "name", "vill_code", "vill_name", "workers", "area_m2")


@dataclass
class ParsedFeature:
    """One feature of a boundary file: `index` counts from 1; `geometry` is lon/lat or None."""

    index: int
    properties: dict[str, Any]
    geometry: Any = None
    error: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        """A property by name, ignoring case (shapefile tools often upper-case field names)."""
        if name in self.properties:
            return self.properties[name]
        lowered = name.lower()
        for key, value in self.properties.items():
            if str(key).lower() == lowered:
                return value
        return None


# --- coordinate systems ------------------------------------------------------------------------


def _is_wgs84_like(crs: CRS) -> bool:
    """CGCS2000 and WGS84 (and their ESRI spellings) are used interchangeably at grid scale."""
    geodetic = crs.geodetic_crs
    if geodetic is not None and geodetic.to_epsg() in (4326, 4490):
        return True
    name = (crs.datum.name if crs.datum else "").lower().replace("_", " ")
    return ("china" in name and "2000" in name) or "wgs 1984" in name or "world geodetic system 1984" in name


def transformer_for(crs: CRS) -> Transformer | None:
    """The transformer to lon/lat, or None when coordinates already are WGS84-like lon/lat."""
    if crs.is_geographic and _is_wgs84_like(crs):
        return None
    # A CGCS2000 projection goes back to CGCS2000 lon/lat (no datum shift, exact); other datums
    # (Xian 1980, Beijing 1954) go to WGS84 with whatever transformation PROJ knows.
    target = crs.geodetic_crs if _is_wgs84_like(crs) and crs.geodetic_crs is not None else WGS84
    return Transformer.from_crs(crs, target, always_xy=True)


def crs_from_text(text: str, *, source: str) -> CRS:
    try:
        return CRS.from_user_input(text)
    except CRSError as exc:
        raise RegionError(
            _("The coordinate system in %(source)s cannot be read: %(error)s")
            % {"source": source, "error": str(exc)[:160]}
        ) from None


def _to_lonlat(geom: Any, transformer: Transformer | None) -> Any:
    if transformer is None:
        return geom
    return shapely.transform(geom, lambda x, y: transformer.transform(x, y), interleaved=False)


# --- reading -----------------------------------------------------------------------------------


def read_features(data: bytes, filename: str = "") -> list[ParsedFeature]:
    """The features of a GeoJSON file or a zipped shapefile, told apart by content."""
    if data[:4] == b"PK\x03\x04":
        return read_shapefile_zip(data)
    if filename.lower().endswith((".shp", ".dbf", ".shx")):
        raise RegionError(_("Upload a shapefile as one .zip holding its .shp, .shx, .dbf and .prj files."))
    return read_geojson(data)


def read_geojson(data: bytes | str | dict[str, Any]) -> list[ParsedFeature]:
    """Features of a GeoJSON FeatureCollection (or a single Feature)."""
    if isinstance(data, dict):
        document: Any = data
    else:
        try:
            document = json.loads(data.decode("utf-8-sig") if isinstance(data, bytes) else data)
        except (UnicodeDecodeError, ValueError):
            raise RegionError(_("The file is neither GeoJSON (UTF-8 JSON) nor a zipped shapefile.")) from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        document = {"type": "FeatureCollection", "features": [document]}
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise RegionError(_("The GeoJSON file must hold a FeatureCollection."))
    features = document.get("features")
    if not isinstance(features, list):
        raise RegionError(_("The FeatureCollection has no list of features."))
    transformer = None
    crs_member = document.get("crs")
    if isinstance(crs_member, dict):
        name = (crs_member.get("properties") or {}).get("name")
        if name:
            transformer = transformer_for(crs_from_text(str(name), source="crs"))
    parsed = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            parsed.append(ParsedFeature(number, {}, error=_("The feature is not a GeoJSON object.")))
            continue
        properties = feature.get("properties") or {}
        item = ParsedFeature(number, properties if isinstance(properties, dict) else {})
        try:
            item.geometry = _to_lonlat(boundary_from_geojson(feature.get("geometry")), transformer)
        except RegionError as exc:
            item.error = str(exc)
        parsed.append(item)
    return parsed


def _cpg_encoding(text: str) -> str | None:
    """The Python codec a .cpg names ("UTF-8", "GBK", "936", "ANSI 936", "CP936"), None if unknown."""
    value = text.strip().upper().removeprefix("ANSI").strip()
    if value.isdigit():
        value = f"cp{value}"
    try:
        return codecs.lookup(value).name
    except LookupError:
        return None


def _decode_records(dbf: bytes, shp: bytes, shx: bytes | None, encoding: str) -> list[Any]:
    reader = shapefile.Reader(
        shp=io.BytesIO(shp), shx=io.BytesIO(shx) if shx else None, dbf=io.BytesIO(dbf), encoding=encoding
    )
    try:
        return list(reader.iterShapeRecords())
    finally:
        reader.close()


def read_shapefile_zip(data: bytes) -> list[ParsedFeature]:
    """Features of the one shapefile inside a zip (.shp, .shx, .dbf, optional .prj and .cpg)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise RegionError(_("The file is not a readable zip archive.")) from None
    with archive:
        members = [
            info for info in archive.infolist() if not info.is_dir() and "__MACOSX" not in info.filename
        ]
        if sum(info.file_size for info in members) > MAX_UNZIPPED_BYTES:
            raise RegionError(_("The zip archive is too large once unpacked."))
        by_ext: dict[str, list[zipfile.ZipInfo]] = {}
        for info in members:
            by_ext.setdefault(PurePosixPath(info.filename).suffix.lower(), []).append(info)
        shps = by_ext.get(".shp", [])
        if len(shps) != 1:
            raise RegionError(
                _("The zip archive must hold exactly one shapefile (.shp); it holds %(count)d.")
                % {"count": len(shps)}
            )
        stem = str(PurePosixPath(shps[0].filename).with_suffix("")).lower()

        def sibling(ext: str) -> bytes | None:
            for info in by_ext.get(ext, []):
                if str(PurePosixPath(info.filename).with_suffix("")).lower() == stem:
                    return archive.read(info)
            return None

        shp = archive.read(shps[0])
        shx, dbf, prj, cpg = sibling(".shx"), sibling(".dbf"), sibling(".prj"), sibling(".cpg")
    if dbf is None:
        raise RegionError(_("The shapefile has no attribute file (.dbf)."))

    transformer = None
    if prj is not None:
        prj_text = prj.decode("latin-1").strip()
        if prj_text:
            transformer = transformer_for(crs_from_text(prj_text, source=".prj"))

    encodings = []
    if cpg is not None and (named := _cpg_encoding(cpg.decode("latin-1"))):
        encodings.append(named)
    encodings += [enc for enc in ("utf-8", "gb18030") if enc not in encodings]
    records = None
    for encoding in encodings:
        try:
            records = _decode_records(dbf, shp, shx, encoding)
            break
        except UnicodeDecodeError:
            continue
        except (shapefile.ShapefileException, ValueError, OSError, IndexError, struct.error) as exc:
            raise RegionError(
                _("The shapefile cannot be read: %(error)s") % {"error": str(exc)[:160]}
            ) from None
    if records is None:
        raise RegionError(_("The attribute file's text encoding is neither UTF-8 nor GBK; add a .cpg file."))

    parsed = []
    for number, item in enumerate(records, start=1):
        properties = {key: _clean_value(value) for key, value in item.record.as_dict().items()}
        feature = ParsedFeature(number, properties)
        shape_ = item.shape
        if shape_.shapeType == shapefile.NULL:
            feature.error = _("The feature has no geometry.")
        elif shape_.shapeType not in (shapefile.POLYGON, shapefile.POLYGONZ, shapefile.POLYGONM):
            feature.error = _("The boundary must be a Polygon or a MultiPolygon, not %(type)s.") % {
                "type": shape_.shapeTypeName
            }
        else:
            try:
                feature.geometry = _to_lonlat(boundary_from_geojson(shape_.__geo_interface__), transformer)
            except RegionError as exc:
                feature.error = str(exc)
        parsed.append(feature)
    return parsed


def _clean_value(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


# --- writing -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRow:
    id: int
    code: str
    name: str
    village_code: str
    village_name: str
    workers: list[str]
    area_m2: float | None
    boundary: dict[str, Any] | None

    @property
    def area_km2(self) -> float | None:
        return self.area_m2 / 1e6 if self.area_m2 is not None else None


def geojson_document(rows: Iterable[ExportRow]) -> dict[str, Any]:
    features = []
    for row in rows:
        features.append(
            {
                "type": "Feature",
                "id": row.id,
                "geometry": row.boundary,
                "properties": {
                    "code": row.code,
                    "name": row.name,
                    "village_code": row.village_code,
                    "village_name": row.village_name,
                    "workers": row.workers,
                    "area_m2": round(row.area_m2, 1) if row.area_m2 is not None else None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _fit(text: str, size: int) -> str:
    """Text cut to at most `size` UTF-8 bytes without splitting a character."""
    return text.encode("utf-8")[:size].decode("utf-8", "ignore")


def shapefile_zip(rows: Iterable[ExportRow], stem: str = "grids") -> bytes:
    """A zip holding grids.shp/.shx/.dbf, a WGS84 .prj and a UTF-8 .cpg."""
    shp, shx, dbf = io.BytesIO(), io.BytesIO(), io.BytesIO()
    writer = shapefile.Writer(shp=shp, shx=shx, dbf=dbf, shapeType=shapefile.POLYGON, encoding="utf-8")
    code_f, name_f, vcode_f, vname_f, workers_f, area_f = SHAPEFILE_FIELDS
    writer.field(code_f, "C", size=32)
    writer.field(name_f, "C", size=254)
    writer.field(vcode_f, "C", size=12)
    writer.field(vname_f, "C", size=254)
    writer.field(workers_f, "C", size=254)
    writer.field(area_f, "N", size=18, decimal=1)
    for row in rows:
        if row.boundary:
            writer.shape(row.boundary)
        else:
            writer.null()
        writer.record(
            _fit(row.code, 32),
            _fit(row.name, 254),
            row.village_code,
            _fit(row.village_name, 254),
            _fit(", ".join(row.workers), 254),
            round(row.area_m2, 1) if row.area_m2 is not None else None,
        )
    writer.close()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{stem}.shp", shp.getvalue())
        archive.writestr(f"{stem}.shx", shx.getvalue())
        archive.writestr(f"{stem}.dbf", dbf.getvalue())
        archive.writestr(f"{stem}.prj", WGS84.to_wkt("WKT1_ESRI"))
        archive.writestr(f"{stem}.cpg", "UTF-8")
    return out.getvalue()
