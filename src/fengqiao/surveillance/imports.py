"""Cameras from Excel (摄像头台账导入): a template with Chinese headers, all rows checked first,
then all written or none; re-importing the same file updates by channel code, never duplicates.

Every row goes through `services.create_camera` / `services.update_camera`, so the rules, the
grid location and the audit rows are those of the pages; the import itself writes `camera.import`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from fengqiao.core import audit
from fengqiao.core.exceptions import DomainError
from fengqiao.regions.models import Grid
from fengqiao.surveillance import services
from fengqiao.surveillance.models import Camera, MonitoringRoom, Purpose

#: (field, header) in column order; the headers are what the town's register uses.
COLUMNS: tuple[tuple[str, str], ...] = (
    ("channel_code", "通道编号"),
    ("name", "点位名称"),
    ("room", "所属监控室"),
    ("place", "安装位置"),
    ("lon", "经度"),
    ("lat", "纬度"),
    ("purposes", "用途"),
    ("grid", "网格编码"),
    ("stream_url", "视频流地址"),
)
REQUIRED = {"channel_code", "name", "room", "lon", "lat", "purposes"}
#: Purposes as the register writes them (Chinese), besides the codes themselves.
PURPOSE_NAMES = {
    "道路交通": Purpose.ROAD_TRAFFIC,
    "宗教场所": Purpose.RELIGIOUS_VENUE,
    "人居环境": Purpose.LIVING_ENVIRONMENT,
    "农村人居环境": Purpose.LIVING_ENVIRONMENT,
    "防灾减灾": Purpose.DISASTER_PREVENTION,
    "社会治安": Purpose.PUBLIC_SECURITY,
    "其他": Purpose.OTHER,
}
PURPOSE_LABELS = {value: name for name, value in reversed(list(PURPOSE_NAMES.items()))}
MAX_ROWS = 5000


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number (the header is row 1)
    column: str  # the header of the column at fault, or "" for the whole row
    message: str


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


def template_workbook() -> bytes:
    """The empty register with its Chinese headers and one example row."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "摄像头"
    sheet.append([header for _name, header in COLUMNS])
    sheet.append(
        [
            "62080210120113200001",
            "东沟村村委会门口",
            "东沟村视频监控室",
            "东沟村村委会大门东侧",
            106.8123,
            35.5012,
            "社会治安、人居环境",
            "",
            "",
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _purposes(text: str) -> list[str] | None:
    values = []
    for part in (
        text.replace("，", "、").replace(",", "、").replace(";", "、").replace("；", "、").split("、")
    ):
        part = part.strip()
        if not part:
            continue
        value = PURPOSE_NAMES.get(part) or (part if part in Purpose.values else None)
        if value is None:
            return None
        values.append(value)
    return values


def _read(content: bytes) -> tuple[dict[str, int], list[tuple[int, list[Any]]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(cell) for cell in next(rows, ())]
    positions = {name: header.index(title) for name, title in COLUMNS if title in header}
    body = [
        (number, list(row))
        for number, row in enumerate(rows, start=2)
        if any(c not in (None, "") for c in row)
    ]
    return positions, body


def import_cameras(content: bytes, *, by: Any) -> ImportResult:
    """Check every row, then create or update every camera in one transaction, or write nothing.

    Rooms are named as on the room list (unique among the rooms the user sees); the grid column
    is only for overriding the grid located from the point.
    """
    if not services.may_manage(by):
        raise PermissionDenied(_("Only administrators and window clerks keep the camera register."))
    result = ImportResult()
    try:
        positions, body = _read(content)
    except Exception:  # any unreadable upload (not xlsx, corrupt zip, ...) is one clear error
        result.errors.append(RowError(0, "", _("The file is not an Excel workbook (.xlsx).")))
        return result
    headers = dict(COLUMNS)
    missing = [
        headers[name]
        for name in ("channel_code", "name", "room", "lon", "lat", "purposes")
        if name not in positions
    ]
    if missing:
        result.errors.append(
            RowError(1, "", _("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
        )
        return result
    if len(body) > MAX_ROWS:
        result.errors.append(RowError(0, "", _("At most %(max)d rows at a time.") % {"max": MAX_ROWS}))
        return result

    rooms: dict[str, list[MonitoringRoom]] = {}
    for room in MonitoringRoom.objects.visible_to(by).select_related("village"):
        rooms.setdefault(room.name, []).append(room)
    grids = {grid.code: grid for grid in Grid.objects.visible_to(by)}
    codes = [_text(row[positions["channel_code"]]) for _number, row in body]
    existing = {camera.channel_code: camera for camera in Camera.objects.filter(channel_code__in=codes)}
    visible = set(Camera.objects.visible_to(by).filter(channel_code__in=codes).values_list("pk", flat=True))

    parsed: list[tuple[int, dict[str, Any]]] = []
    seen: dict[str, int] = {}
    for number, row in body:
        values = {name: (row[index] if index < len(row) else None) for name, index in positions.items()}
        errors_before = len(result.errors)

        def fail(name: str, message: str, number: int = number) -> None:
            result.errors.append(RowError(number, headers[name], message))

        data: dict[str, Any] = {name: _text(values.get(name)) for name, _title in COLUMNS}
        for name in REQUIRED:
            if not data[name]:
                fail(name, _("This column is required."))
        code = data["channel_code"]
        if code:
            if code in seen:
                fail("channel_code", _("Same channel code as row %(row)d.") % {"row": seen[code]})
            else:
                seen[code] = number
            if code in existing and existing[code].pk not in visible:
                fail("channel_code", _("This channel code belongs to a camera outside your area."))
        for name, limit in (("lon", 180), ("lat", 90)):
            if data[name]:
                try:
                    data[name] = float(data[name])
                    if not -limit <= data[name] <= limit:
                        raise ValueError
                except ValueError:
                    fail(name, _("Not a number between -%(limit)d and %(limit)d.") % {"limit": limit})
        if data["purposes"]:
            purposes = _purposes(data["purposes"])
            if not purposes:
                fail("purposes", _("Unknown purpose: %(value)s.") % {"value": data["purposes"][:40]})
            data["purposes"] = purposes
        if data["room"]:
            candidates = rooms.get(data["room"], [])
            if len(candidates) != 1:
                fail(
                    "room",
                    _("No monitoring room of this name in your area.")
                    if not candidates
                    else _("Several monitoring rooms have this name."),
                )
            else:
                data["room"] = candidates[0]
        if data["grid"]:
            if data["grid"] not in grids:
                fail("grid", _("No grid with this code in your area."))
            else:
                data["grid"] = grids[data["grid"]]
        else:
            data["grid"] = None
        if len(result.errors) == errors_before:
            parsed.append((number, data))
    if result.errors:
        return result

    try:
        with transaction.atomic():
            for number, data in parsed:
                camera = existing.get(data["channel_code"])
                try:
                    if camera is None:
                        services.create_camera(by=by, **data)
                        result.created += 1
                        continue
                    grid = data["grid"] or (camera.grid if camera.grid_overridden else None)
                    before = camera.updated_at
                    # A blank stream address keeps the recorded one (as on the edit page).
                    updated = services.update_camera(
                        camera,
                        by=by,
                        **{
                            **data,
                            "grid": grid,
                            "active": camera.active,
                            "stream_url": data["stream_url"] or None,
                        },
                    )
                    if updated.updated_at != before:
                        result.updated += 1
                    else:
                        result.unchanged += 1
                except DomainError as error:
                    fields = getattr(error, "fields", None) or {}
                    name = next(iter(fields), "")
                    result.errors.append(RowError(number, headers.get(name, ""), str(error)))
            if result.errors:
                raise _Rollback
            audit.record(
                "camera.import",
                by=by,
                object_type="surveillance.camera",
                changes={"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
    except _Rollback:
        result.created = result.updated = result.unchanged = 0
    return result


class _Rollback(Exception):
    """Raised inside the import's transaction to undo every row when one of them was refused."""
