"""Every change of state in video surveillance: rooms, cameras, status, and cases found through video.

Who may do what (one rule, checked here and nowhere else):

* rooms and cameras are created and edited by administrators and window clerks (`MANAGER_ROLES`),
  within their scope (the room's village must be visible to them);
* a camera's status is set by the center (clerks, duty and town leaders, administrators) and by
  the grid workers of its grid (`STATUS_ROLES`), who often notice a dead camera first;
* a case is reported from a camera by anyone who may take cases in (`cases.services.create_case`
  decides) and sees the camera;
* a camera's stream address is shown (masked, `privacy.mask_stream_url`) only to those who keep the
  register; the audit trail holds it masked too, never the recorder's account.

Each service runs in one transaction and writes its audit row itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.accounts.models import CENTER_ROLES, Role
from fengqiao.core import audit, idempotency
from fengqiao.core.validators import normalize_phone
from fengqiao.regions import geo
from fengqiao.regions.exceptions import CoordinateError
from fengqiao.regions.models import Grid, Region
from fengqiao.surveillance.exceptions import SurveillanceError
from fengqiao.surveillance.models import (
    STREAM_SCHEMES,
    Camera,
    CameraPurpose,
    CameraStatusChange,
    MonitoringRoom,
    Purpose,
    VideoFinding,
)
from fengqiao.surveillance.privacy import mask_stream_url

#: Who keeps the camera register (台账): administrators and window clerks.
MANAGER_ROLES = frozenset({Role.ADMINISTRATOR, Role.CLERK})
#: Who may mark a camera online or offline: the center, and the grid workers of its grid.
STATUS_ROLES = CENTER_ROLES | {Role.GRID_WORKER}

_ROOM_FIELDS = ["village", "name", "address", "responsible_name", "responsible_phone"]
_CAMERA_FIELDS = [
    "channel_code",
    "name",
    "room",
    "place",
    "lon",
    "lat",
    "grid",
    "grid_overridden",
    "stream_url",
    "active",
]


def may_manage(user: Any) -> bool:
    """Whether the user keeps the camera register (create and edit rooms and cameras)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and (getattr(user, "is_superuser", False) or getattr(user, "role", None) in MANAGER_ROLES)
    )


def may_set_status(user: Any) -> bool:
    """Whether the user may mark cameras online or offline (those in their scope)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and getattr(user, "is_active", False)
        and (getattr(user, "is_superuser", False) or getattr(user, "role", None) in STATUS_ROLES)
    )


def _check_manager(by: Any) -> None:
    if not may_manage(by):
        raise PermissionDenied(_("Only administrators and window clerks keep the camera register."))


# --- monitoring rooms ---------------------------------------------------------------------------


def _clean_room(village: Region, name: str, responsible_phone: str, *, by: Any) -> tuple[str, str]:
    if village is None or village.level != Region.Level.VILLAGE:
        raise SurveillanceError(_("A monitoring room belongs to a village."), field="village")
    if not Region.objects.visible_to(by).filter(pk=village.pk).exists():
        raise SurveillanceError(_("This village is outside your area."), field="village")
    name = (name or "").strip()
    if not name:
        raise SurveillanceError(_("A monitoring room needs a name."), field="name")
    phone = (responsible_phone or "").strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            raise SurveillanceError(str(exc.messages[0]), field="responsible_phone") from None
    return name[:60], phone


@transaction.atomic
def create_room(
    *,
    by: Any,
    village: Region,
    name: str,
    address: str = "",
    responsible_name: str = "",
    responsible_phone: str = "",
) -> MonitoringRoom:
    """Register a village's monitoring room (登记监控室); writes `monitoring_room.create`."""
    _check_manager(by)
    name, phone = _clean_room(village, name, responsible_phone, by=by)
    if MonitoringRoom.objects.filter(village=village, name=name).exists():
        raise SurveillanceError(_("This village already has a room of this name."), field="name")
    room = MonitoringRoom.objects.create(
        village=village,
        name=name,
        address=(address or "").strip()[:200],
        responsible_name=(responsible_name or "").strip()[:60],
        responsible_phone=phone,
    )
    audit.record(
        "monitoring_room.create",
        by=by,
        obj=room,
        changes={"village": village.code, "name": name},
    )
    return room


@transaction.atomic
def update_room(
    room: MonitoringRoom,
    *,
    by: Any,
    village: Region,
    name: str,
    address: str,
    responsible_name: str,
    responsible_phone: str,
) -> MonitoringRoom:
    """Edit a monitoring room (every field given); writes `monitoring_room.update` with the changes."""
    _check_manager(by)
    room = MonitoringRoom.objects.select_for_update().get(pk=room.pk)
    name, phone = _clean_room(village, name, responsible_phone, by=by)
    if MonitoringRoom.objects.filter(village=village, name=name).exclude(pk=room.pk).exists():
        raise SurveillanceError(_("This village already has a room of this name."), field="name")
    before = audit.snapshot(room, _ROOM_FIELDS)
    room.village, room.name = village, name
    room.address = (address or "").strip()[:200]
    room.responsible_name = (responsible_name or "").strip()[:60]
    room.responsible_phone = phone
    changes = audit.diff(room, before, _ROOM_FIELDS)
    if changes:
        room.save(update_fields=[*_ROOM_FIELDS, "updated_at"])
        if "responsible_phone" in changes:
            changes["responsible_phone"] = ["***", "***"]  # the audit trail never holds a phone number
        audit.record("monitoring_room.update", by=by, obj=room, changes=changes)
    return room


# --- cameras ------------------------------------------------------------------------------------


def _clean_purposes(purposes: Iterable[str]) -> list[str]:
    values = sorted({str(value) for value in purposes or ()})
    unknown = [value for value in values if value not in Purpose.values]
    if unknown:
        raise SurveillanceError(
            _("Unknown purpose: %(value)s.") % {"value": ", ".join(unknown)[:60]}, field="purposes"
        )
    if not values:
        raise SurveillanceError(_("Give the camera at least one purpose."), field="purposes")
    return values


def _clean_stream_url(stream_url: str) -> str:
    stream_url = (stream_url or "").strip()
    if stream_url:
        try:
            URLValidator(schemes=STREAM_SCHEMES)(stream_url)
        except ValidationError:
            raise SurveillanceError(
                _("The stream address must be an rtsp://, rtmp:// or http(s):// address."),
                field="stream_url",
            ) from None
    return stream_url


def _new_stream_url(current: str, sent: str | None) -> str:
    """The address to store on an edit: None (not sent, or a blank form field) keeps the current
    one, as does its masked form sent back (clients only ever read it masked); "" clears it."""
    if sent is None:
        return current
    sent = sent.strip()
    if sent and current and sent != current and sent == mask_stream_url(current):
        return current
    return _clean_stream_url(sent)


def _place_camera(lon: Any, lat: Any, grid: Grid | None) -> tuple[float, float, Grid | None, bool]:
    """The point, the grid it is filed under, and whether that grid was chosen by hand."""
    # Each coordinate is checked on its own so the error names its field structurally (the
    # message is translated: never look for a word in it).
    for field, pair in (("lon", (lon, 0.0)), ("lat", (0.0, lat))):
        try:
            geo.validate_point(*pair)
        except CoordinateError as exc:
            raise SurveillanceError(str(exc), field=field, code="invalid_coordinates") from None
    point = geo.validate_point(lon, lat)
    located = geo.locate(*point)
    if grid is None:
        return point[0], point[1], located, False
    return point[0], point[1], grid, located is None or located.pk != grid.pk


def _check_room(room: MonitoringRoom, *, by: Any) -> None:
    if room is None or not MonitoringRoom.objects.visible_to(by).filter(pk=room.pk).exists():
        raise SurveillanceError(_("Choose a monitoring room in your area."), field="room")


def _check_channel_code(channel_code: str, *, exclude: int | None = None) -> str:
    channel_code = (channel_code or "").strip()
    if not channel_code:
        raise SurveillanceError(_("A camera needs a channel code."), field="channel_code")
    if len(channel_code) > 40:
        raise SurveillanceError(_("The channel code is longer than 40 characters."), field="channel_code")
    taken = Camera.objects.filter(channel_code=channel_code)
    if exclude is not None:
        taken = taken.exclude(pk=exclude)
    if taken.exists():
        raise SurveillanceError(
            _("Another camera already has this channel code."), field="channel_code", code="duplicate"
        )
    return channel_code


def _check_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise SurveillanceError(_("A camera needs a name."), field="name")
    return name[:100]


@transaction.atomic
def create_camera(
    *,
    by: Any,
    room: MonitoringRoom,
    channel_code: str,
    name: str,
    lon: Any,
    lat: Any,
    purposes: Iterable[str],
    place: str = "",
    grid: Grid | None = None,
    stream_url: str | None = "",
    status: str = Camera.Status.ONLINE,
    active: bool = True,
) -> Camera:
    """Register a camera (登记摄像头) at a point; its grid comes from the point unless `grid` is given.

    Writes the camera, its purpose rows and `camera.create`. The stream address is optional (None
    or ""); the audit row holds it masked.
    """
    _check_manager(by)
    _check_room(room, by=by)
    channel_code = _check_channel_code(channel_code)
    name = _check_name(name)
    values = _clean_purposes(purposes)
    if status not in Camera.Status.values:
        raise SurveillanceError(_("Unknown status."), field="status")
    lon_f, lat_f, final_grid, overridden = _place_camera(lon, lat, grid)
    camera = Camera.objects.create(
        channel_code=channel_code,
        name=name,
        room=room,
        place=(place or "").strip()[:200],
        lon=lon_f,
        lat=lat_f,
        grid=final_grid,
        grid_overridden=overridden,
        stream_url=_clean_stream_url(stream_url or ""),
        status=status,
        status_changed_at=timezone.now(),
        active=active,
    )
    CameraPurpose.objects.bulk_create([CameraPurpose(camera=camera, purpose=value) for value in values])
    audit.record(
        "camera.create",
        by=by,
        obj=camera,
        changes={
            "channel_code": channel_code,
            "room": str(room),
            "grid": final_grid.code if final_grid else None,
            "grid_overridden": overridden,
            "purposes": values,
            "stream_url": mask_stream_url(camera.stream_url),
        },
    )
    return camera


@transaction.atomic
def update_camera(
    camera: Camera,
    *,
    by: Any,
    room: MonitoringRoom,
    channel_code: str,
    name: str,
    lon: Any,
    lat: Any,
    purposes: Iterable[str],
    place: str,
    grid: Grid | None,
    active: bool,
    stream_url: str | None = None,
) -> Camera:
    """Edit a camera (every field given); `grid=None` files it under the grid holding its point.

    `stream_url=None` (or the masked address sent back) keeps the stored address, `""` clears it.
    Writes `camera.update` with the changed fields, the stream address masked (the status has its
    own service).
    """
    _check_manager(by)
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    _check_room(room, by=by)
    before = audit.snapshot(camera, _CAMERA_FIELDS)
    before_purposes = sorted(CameraPurpose.objects.filter(camera=camera).values_list("purpose", flat=True))
    values = _clean_purposes(purposes)
    camera.channel_code = _check_channel_code(channel_code, exclude=camera.pk)
    camera.name = _check_name(name)
    camera.room = room
    camera.place = (place or "").strip()[:200]
    camera.lon, camera.lat, camera.grid, camera.grid_overridden = _place_camera(lon, lat, grid)
    camera.stream_url = _new_stream_url(camera.stream_url, stream_url)
    camera.active = bool(active)
    changes = audit.diff(camera, before, _CAMERA_FIELDS)
    if values != before_purposes:
        CameraPurpose.objects.filter(camera=camera).exclude(purpose__in=values).delete()
        CameraPurpose.objects.bulk_create(
            [CameraPurpose(camera=camera, purpose=value) for value in values if value not in before_purposes]
        )
        changes["purposes"] = [before_purposes, values]
    if changes:
        camera.save(update_fields=[*_CAMERA_FIELDS, "updated_at"])
        if "stream_url" in changes:
            # The recorder's account never goes into the audit trail (it is read by auditors).
            changes["stream_url"] = [
                mask_stream_url(before["stream_url"]),
                mask_stream_url(camera.stream_url),
            ]
        audit.record("camera.update", by=by, obj=camera, changes=changes)
    return camera


@transaction.atomic
def set_camera_status(camera: Camera, *, by: Any, status: str, note: str = "") -> CameraStatusChange | None:
    """Mark a camera online or offline (设备在线状态); None, and nothing written, when unchanged.

    A change writes one `CameraStatusChange` (from, to, at, by, note) and `camera.set_status`.
    Grid workers may set it only for cameras of their own grids.
    """
    if not may_set_status(by):
        raise PermissionDenied(_("Your role may not change a camera's status."))
    if status not in Camera.Status.values:
        raise SurveillanceError(_("Unknown status."), field="status")
    camera = Camera.objects.select_for_update().get(pk=camera.pk)
    if not Camera.objects.visible_to(by).filter(pk=camera.pk).exists():
        raise PermissionDenied(_("This camera is outside your area."))
    if camera.status == status:
        return None
    now = timezone.now()
    note = (note or "").strip()[:300]
    change = CameraStatusChange.objects.create(
        camera=camera,
        from_status=camera.status,
        to_status=status,
        at=now,
        note=note,
        changed_by=by if getattr(by, "is_authenticated", False) else None,
    )
    audit.record(
        "camera.set_status", by=by, obj=camera, changes={"status": [camera.status, status], "note": note}
    )
    camera.status, camera.status_changed_at = status, now
    camera.save(update_fields=["status", "status_changed_at", "updated_at"])
    return change


#: The `core.idempotency` scope of findings' keys (apart from intake's: a key names one report).
FINDING_SCOPE = "surveillance.finding"


def _finding_conflict() -> SurveillanceError:
    return SurveillanceError(
        _("This idempotency key was already used for a different case."),
        code="idempotency_conflict",
        http_status=422,
    )


@transaction.atomic
def report_video_finding(
    camera: Camera,
    *,
    by: Any,
    title: str,
    description: str = "",
    kind: str = "hazard",
    category: Any = None,
    urgency: str = "normal",
    idempotency_key: str | None = None,
) -> VideoFinding:
    """Take in a case seen on a camera (视频发现): channel `video`, at the camera's point and grid.

    Creates the case through `cases.services.create_case` (its acceptance clock starts there) and
    links it to the camera, both in this transaction; writes `camera.report_finding`. With an
    `idempotency_key` (`core.idempotency`, scope `FINDING_SCOPE`), the same user sending the same
    report about the same camera again gets the first finding; another report is a 422.
    """
    from fengqiao.cases import workflow
    from fengqiao.cases.models import Channel
    from fengqiao.cases.services import create_case

    # Refused before a replay too, as intake refuses a role that may no longer take cases in.
    if workflow.role_of(by) not in workflow.roles_for(kind, "report"):
        raise PermissionDenied(_("Your role may not take cases in."))
    body = {
        "camera": camera.pk,
        "title": (title or "").strip(),
        "description": description or "",
        "kind": kind,
        "category": getattr(category, "pk", category),
        "urgency": urgency or "normal",
    }

    def report() -> VideoFinding:
        case = create_case(
            by=by,
            kind=kind,
            channel=Channel.VIDEO,
            title=title,
            description=description,
            category=category,
            urgency=urgency,
            lon=camera.lon,
            lat=camera.lat,
            address=camera.place or camera.name,
            grid=camera.grid,
            # Only used when the camera was filed under another grid than its point's (create_case
            # ignores it otherwise): the case goes where the camera is kept.
            location_override_reason=_("Filed under the camera's grid (%(code)s).")
            % {"code": camera.channel_code},
        )
        reporter = by if getattr(by, "is_authenticated", False) else None
        finding = VideoFinding.objects.create(case=case, camera=camera, reported_by=reporter)
        audit.record(
            "camera.report_finding",
            by=by,
            obj=camera,
            changes={"case": case.number, "case_id": case.pk},
        )
        return finding

    finding, _created = idempotency.once(
        by=by,
        scope=FINDING_SCOPE,
        key=idempotency_key,
        body=body,
        create=report,
        conflict=_finding_conflict,
    )
    return finding
