"""Intake (受理登记): taking a case in, numbering it, locating it, and its attachments."""

from __future__ import annotations

import hashlib
import io
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from fengqiao.accounts.models import GRID_ROLES
from fengqiao.cases import sla, workflow
from fengqiao.cases.exceptions import AttachmentError, CaseError
from fengqiao.cases.models import (
    Assignment,
    Attachment,
    Case,
    CaseNumberPrefix,
    Category,
    Channel,
    Kind,
    Status,
    Urgency,
    case_number_scope,
)
from fengqiao.cases.services.common import ensure_visible, lock_case, record_event
from fengqiao.core import idempotency, sequences
from fengqiao.core.audit import record
from fengqiao.core.validators import normalize_phone
from fengqiao.regions.exceptions import CoordinateError
from fengqiao.regions.models import Grid, Region

#: Tracking codes avoid characters read aloud ambiguously over the phone (0/O, 1/I/L).
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_LENGTH = 12  # 31**12, about 2**59: not guessable, short enough to read out


def new_tracking_code() -> str:
    return "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH))


def _invalid(field: str, message: str) -> CaseError:
    return CaseError(message, code="invalid", http_status=400, fields={field: message})


def _choice(field: str, value: str, choices: Any) -> str:
    if value not in choices.values:
        raise _invalid(field, _("“%(value)s” is not a valid choice.") % {"value": str(value)[:40]})
    return value


def _town_of_user(by: Any) -> Region | None:
    """The one town a user works in, when it can be told from their regions or grids."""
    if by is None:
        return None
    towns = {region for region in by.regions.all() if region.level == Region.Level.TOWN}
    for region in by.regions.filter(level=Region.Level.VILLAGE).select_related("parent"):
        towns.add(region.parent)
    for grid in by.grids.select_related("village__parent"):
        towns.add(grid.village.parent)
    return towns.pop() if len(towns) == 1 else None


def case_number_prefix(town: Region, year: int) -> str:
    """The prefix of the town's numbers in the year; the year's first number writes the year's row
    (from the town's latest prefix), so changing another year's prefix later leaves this year alone."""
    prefix = CaseNumberPrefix.objects.filter(town=town, year=year).values_list("prefix", flat=True).first()
    if prefix is None:
        inherited = (
            CaseNumberPrefix.objects.filter(town=town)
            .order_by("-year")
            .values_list("prefix", flat=True)
            .first()
            or settings.CASE_NUMBER_PREFIX
        )
        prefix = CaseNumberPrefix.objects.get_or_create(town=town, year=year, defaults={"prefix": inherited})[
            0
        ].prefix
    return prefix


def next_case_number(town: Region, year: int) -> str:
    """The next number of the town's year, gap-free: `core.sequences` keeps the year's row locked
    until the caller commits (a rolled-back intake gives its number back)."""
    number = sequences.next_value(case_number_scope(town), year)
    return f"{case_number_prefix(town, year)}-{year}-{number:06d}"


#: The `core.idempotency` scope of intake's keys (the API, the intake page, and the services that
#: take cases in on another app's behalf with their own key prefix, e.g. registry's "patrol:").
IDEMPOTENCY_SCOPE = "cases.intake"


def _idempotency_conflict() -> CaseError:
    return CaseError(
        _("This idempotency key was already used for a different case."),
        code="idempotency_conflict",
        http_status=422,
    )


@transaction.atomic
def create_case(
    *,
    by: Any,
    kind: str,
    channel: str,
    title: str,
    description: str = "",
    category: Category | None = None,
    urgency: str = Urgency.NORMAL,
    lon: Any = None,
    lat: Any = None,
    address: str = "",
    grid: Grid | None = None,
    location_override_reason: str = "",
    town: Region | None = None,
    reporter_name: str = "",
    reporter_phone: str = "",
    anonymous: bool = False,
    idempotency_key: str | None = None,
) -> Case:
    """Take a case in (受理登记): number it, locate it, and start its acceptance clock.

    The grid (and so the village and town) comes from the point through `regions.geo.locate`; a
    `grid` given as well overrides it, with a reason. Without a point, `grid` or `town` (or the
    user's single town) says where it belongs. The reporter's phone is stored in E.164; an
    anonymous reporter's name and phone are not stored. Writes the case and a `report` timeline
    row (plus an audit row when the location was overridden). With an `idempotency_key`, the same
    user sending the same body again gets the first case back; a different body is a 422.
    """
    from fengqiao.regions import geo

    if workflow.role_of(by) not in workflow.roles_for(kind, "report"):
        raise PermissionDenied(_("Your role may not take cases in."))
    kind = _choice("kind", kind, Kind)
    channel = _choice("channel", channel, Channel)
    urgency = _choice("urgency", urgency or Urgency.NORMAL, Urgency)
    title = (title or "").strip()
    if not title:
        raise _invalid("title", _("A case needs a title."))
    if len(title) > 120:
        raise _invalid("title", _("The title is longer than 120 characters."))
    if category is not None and (category.kind != kind or not category.active):
        raise _invalid("category", _("This category is not an active category of this kind."))
    if anonymous:
        reporter_name, reporter_phone = "", ""
    reporter_name = (reporter_name or "").strip()[:60]
    if reporter_phone:
        try:
            reporter_phone = normalize_phone(reporter_phone)
        except ValidationError as exc:
            raise _invalid("reporter_phone", str(exc.messages[0])) from None

    point: tuple[float, float] | None = None
    if lon not in (None, "") or lat not in (None, ""):
        # Each coordinate is checked on its own so the error names its field structurally (the
        # message is translated: never look for a word in it).
        for field, pair in (("lon", (lon, 0.0)), ("lat", (0.0, lat))):
            try:
                geo.validate_point(*pair)
            except CoordinateError as exc:
                raise _invalid(field, str(exc)) from None
        point = geo.validate_point(lon, lat)
    located = geo.locate(*point) if point else None
    location_override_reason = (location_override_reason or "").strip()
    overridden = grid is not None and located is not None and grid.pk != located.pk
    if overridden and not location_override_reason:
        raise _invalid(
            "location_override_reason",
            _("The point lies in grid %(located)s: give a reason for filing the case under %(grid)s.")
            % {"located": located, "grid": grid},
        )
    if not overridden:
        location_override_reason = ""
    final_grid = grid or located
    if (
        final_grid is not None
        and final_grid is located
        and workflow.role_of(by) in GRID_ROLES
        and not Grid.objects.visible_to(by).filter(pk=final_grid.pk).exists()
    ):
        # A grid worker takes cases in only in their own grids, as when naming a grid.
        message = _("This point is outside your grids.")
        raise CaseError(message, code="invalid", http_status=400, fields={"lon": message, "lat": message})
    village = final_grid.village if final_grid else None
    case_town = village.parent if village is not None else (town or _town_of_user(by))
    if case_town is None or case_town.level != Region.Level.TOWN:
        raise _invalid("town", _("Say where the case is: a point, a grid or a town."))

    body = {
        "kind": kind,
        "channel": channel,
        "title": title,
        "description": description or "",
        "category": category.pk if category else None,
        "urgency": urgency,
        "lon": point[0] if point else None,
        "lat": point[1] if point else None,
        "address": address or "",
        "grid": final_grid.pk if final_grid else None,
        "town": case_town.pk,
        "reporter_name": reporter_name,
        "reporter_phone": reporter_phone,
        "anonymous": bool(anonymous),
    }
    now = timezone.now()

    def insert() -> Case:
        year = timezone.localtime(now, timezone.get_default_timezone()).year
        case = Case(
            number=next_case_number(case_town, year),
            tracking_code=new_tracking_code(),
            kind=kind,
            channel=channel,
            category=category,
            urgency=urgency,
            title=title,
            description=description or "",
            lon=point[0] if point else None,
            lat=point[1] if point else None,
            address=(address or "")[:200],
            grid=final_grid,
            village=village,
            town=case_town,
            location_override_reason=location_override_reason[:200],
            reporter_name=reporter_name,
            reporter_phone=reporter_phone,
            anonymous=bool(anonymous),
            reported_by=by if getattr(by, "is_authenticated", False) else None,
            status=Status.REPORTED,
        )
        sla.start_ack_clock(case, now=now)
        case.save()
        return case

    case, created = idempotency.once(
        by=by,
        scope=IDEMPOTENCY_SCOPE,
        key=idempotency_key,
        body=body,
        create=insert,
        conflict=_idempotency_conflict,
    )
    if not created:
        return case
    record_event(
        case,
        None,
        by=by,
        at=now,
        action="report",
        from_status="",
        to_status=Status.REPORTED,
        note=description[:500] if description else "",
        data={"channel": channel, "grid": final_grid.code if final_grid else None},
    )
    if overridden:
        record(
            "case.override_location",
            by=by,
            obj=case,
            changes={"grid": [str(located), str(final_grid)], "reason": location_override_reason},
        )
    return case


@transaction.atomic
def relocate_case(case: Case, *, by: Any, grid: Grid, reason: str) -> Case:
    """File the case under another grid (改派网格), with a reason; audited."""
    case = lock_case(case)
    ensure_visible(case, by)
    if workflow.role_of(by) not in workflow.CENTER:
        raise PermissionDenied(_("Only the center may move a case to another grid."))
    if not (reason or "").strip():
        raise _invalid("reason", _("Give a reason for moving the case."))
    if not case.is_open:
        raise CaseError(
            _("The case is “%(status)s”: it cannot be moved now.") % {"status": case.get_status_display()},
            code="wrong_status",
            http_status=409,
            current_status=case.status,
        )
    old = case.grid
    town = grid.village.parent
    if town is None or town.pk != case.town_id:
        # The number belongs to the town that took the case in; another town re-registers it.
        raise _invalid("grid", _("The case can only move to a grid of its own town."))
    case.grid, case.village, case.town = grid, grid.village, town
    case.location_override_reason = reason.strip()[:200]
    case.save(update_fields=["grid", "village", "town", "location_override_reason", "updated_at"])
    now = timezone.now()
    record_event(
        case, None, by=by, at=now, action="relocate", note=reason, data={"grid": [str(old), str(grid)]}
    )
    record(
        "case.override_location", by=by, obj=case, changes={"grid": [str(old), str(grid)], "reason": reason}
    )
    return case


# --- attachments ----------------------------------------------------------------------------------

ALLOWED_TYPES = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}


def sniff_content_type(head: bytes) -> str | None:
    """The content type from the file's first bytes (never from its name or the browser's claim)."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    return None


# Decoding a crafted "decompression bomb" would exhaust memory; no phone photo comes near this.
MAX_IMAGE_PIXELS = 60_000_000


def clean_image(data: bytes, content_type: str) -> bytes:
    """The picture re-encoded so that only its pixels survive.

    EXIF (GPS position, camera, time), XMP, IPTC, comments and PNG text chunks are dropped: the
    image's `info` is emptied before saving, because Pillow carries some of it (the JPEG comment)
    over on its own. Only the colour profile is kept. The EXIF orientation is applied to the pixels
    first, so the photo still shows the right way up.
    """
    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            picture = ImageOps.exif_transpose(image)
            fmt = "JPEG" if content_type == "image/jpeg" else "PNG"
            if fmt == "JPEG" and picture.mode not in ("RGB", "L"):
                picture = picture.convert("RGB")
            colour_profile = picture.info.get("icc_profile")
            picture.info = {}
            extra = {"icc_profile": colour_profile} if colour_profile else {}
            buffer = io.BytesIO()
            picture.save(buffer, format=fmt, quality=88, optimize=True, **extra)
            return buffer.getvalue()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        # Pillow's ways of saying "this is not a picture it can read"
        raise AttachmentError(_("The image is damaged."), code="bad_image", http_status=400) from None


@transaction.atomic
def add_attachment(
    case: Case, *, by: Any, file: Any, name: str = "", assignment: Assignment | None = None
) -> Attachment:
    """Attach a photo (JPEG, PNG) or a PDF to a case (附件), its type sniffed from the bytes.

    Refuses empty files, files over `CASE_ATTACHMENT_MAX_BYTES` and anything else (an executable
    renamed .jpg); strips image metadata such as the GPS position. Writes an `attach` timeline row.
    """
    case = lock_case(case)
    ensure_visible(case, by)
    limit = settings.CASE_ATTACHMENT_MAX_BYTES
    data = file.read(limit + 1) if hasattr(file, "read") else bytes(file)
    name = (name or getattr(file, "name", "") or "attachment").rsplit("/", 1)[-1][:200]
    if not data:
        raise AttachmentError(_("The file is empty."), code="empty_file", http_status=400)
    if len(data) > limit:
        raise AttachmentError(
            _("The file is larger than %(mb)s MB.") % {"mb": limit // (1024 * 1024)},
            code="file_too_large",
            http_status=400,
        )
    content_type = sniff_content_type(data[:16])
    if content_type is None:
        raise AttachmentError(
            _("Only photos (JPEG, PNG) and PDF documents can be attached."), code="bad_type", http_status=400
        )
    if content_type.startswith("image/"):
        data = clean_image(data, content_type)
    if assignment is not None and assignment.case_id != case.pk:
        raise ValueError("the assignment belongs to another case")
    attachment = Attachment(
        case=case,
        assignment=assignment,
        original_name=name,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    attachment.file.save(f"upload.{ALLOWED_TYPES[content_type]}", ContentFile(data), save=False)
    attachment.save()
    record_event(
        case,
        None,
        by=by,
        at=timezone.now(),
        action="attach",
        assignment=assignment,
        data={"attachment": attachment.pk, "name": name, "content_type": content_type},
    )
    return attachment
