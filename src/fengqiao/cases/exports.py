"""Export of a (filtered, scoped) case list to xlsx (导出), streamed row by row.

openpyxl's write-only mode keeps memory flat however many rows there are; the queryset is read
with `iterator()`. Reporters' phones and names are always masked: an exported file leaves the
system and its audit trail.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.cases.models import Case
from fengqiao.core.masking import mask_name, mask_phone

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def header() -> list[str]:
    return [
        _("Case number"),
        _("Created"),
        _("Kind"),
        _("Channel"),
        _("Category"),
        _("Urgency"),
        _("Title"),
        _("Status"),
        _("Time limit"),
        _("Due"),
        _("Village"),
        _("Grid"),
        _("Address"),
        _("Reporter"),
        _("Reporter's phone"),
    ]


def rows(cases: QuerySet[Case]) -> Iterator[list[Any]]:
    """One row per case: the list page's columns, the reporter masked."""
    for case in cases.select_related("category__parent", "village", "grid").iterator(chunk_size=2000):
        reporter = _("Anonymous") if case.anonymous else mask_name(case.reporter_name)
        yield [
            case.number,
            _local(case.created_at),
            case.get_kind_display(),
            case.get_channel_display(),
            str(case.category) if case.category else "",
            case.get_urgency_display(),
            case.title,
            case.get_status_display(),
            case.get_sla_state_display(),
            _local(case.due_at),
            case.village.name if case.village else "",
            case.grid.name if case.grid else "",
            case.address,
            reporter,
            mask_phone(case.reporter_phone) if case.reporter_phone else "",
        ]


def export_cases(cases: QuerySet[Case], *, filename: str = "cases.xlsx") -> FileResponse:
    """The cases as an xlsx download."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(_("Cases"))[:31])
    sheet.append(header())
    for row in rows(cases):
        sheet.append(row)
    # A spooled temporary file: small exports stay in memory, large ones go to disk.
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(buffer, as_attachment=True, filename=filename, content_type=XLSX)
