"""Export of a filtered, scoped registry list to xlsx (导出), streamed row by row (write-only).

Who may export what is `privacy.may_export` (lists naming persons need the
`registry.export_personal_data` permission). Resident IDs, dates of birth (to the year), phones,
exact addresses and building labels are masked unless the exporter may export them unmasked
(`privacy.may_export_personal_data`). The
audit row says whether the file holds personal data at all (`personal_data`: names of persons,
masked or not) and whether identifiers are in full (`unmasked`). The first line of every file
names the exporter and the time; every export writes one audit row (`services.record_export`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.registry import privacy, services

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

Cell = Callable[[Any, bool], Any]


def _personal(field: str) -> Cell:
    def cell(obj: Any, unmasked: bool) -> Any:
        return (getattr(obj, field) or "") if unmasked else privacy.masked(obj, field)

    return cell


def _plain(path: str) -> Cell:
    def cell(obj: Any, unmasked: bool) -> Any:
        value: Any = obj
        for part in path.split("."):
            value = getattr(value, part, None) if value is not None else None
            if callable(value):
                value = value()
        return "" if value is None else str(value) if not isinstance(value, int | float) else value

    return cell


def columns(what: str) -> list[tuple[str, Cell]]:
    """The columns of each export: (header, cell function)."""
    table: dict[str, list[tuple[str, Cell]]] = {
        "persons": [
            (_("Name"), _plain("name")),
            (_("Resident ID number"), _personal("resident_id")),
            (_("Sex"), _plain("get_sex_display")),
            (_("Date of birth"), _personal("birth_date")),
            (_("Ethnicity"), _plain("ethnicity")),
            (_("Phone"), _personal("phone")),
            (_("Residence type"), _plain("get_residence_type_display")),
            (_("Household"), _plain("household.number")),
            (_("Current address"), _personal("address")),
            (_("Grid"), _plain("grid.name")),
        ],
        "households": [
            (_("Household number"), _plain("number")),
            (_("Head of household"), _plain("head.name")),
            (_("Address"), _personal("address")),
            (_("Grid"), _plain("grid.name")),
        ],
        "houses": [
            (_("Building"), _personal("building")),
            (_("Address"), _personal("address")),
            (_("Rented out"), _plain("rented_out")),
            (_("Grid"), _plain("grid.name")),
        ],
        "places": [
            (_("Name"), _plain("name")),
            (_("Kind"), _plain("get_kind_display")),
            (_("Unified social credit code"), _plain("credit_code")),
            (_("Address"), _personal("address")),
            (_("Contact phone"), _personal("contact_phone")),
            (_("Grid"), _plain("grid.name")),
        ],
        "organizations": [
            (_("Name"), _plain("name")),
            (_("Kind"), _plain("get_kind_display")),
            (_("Leader"), _plain("leader_name")),
            (_("Phone"), _personal("phone")),
            (_("Grid"), _plain("grid.name")),
        ],
        "key_persons": [
            (_("Name"), _plain("person.name")),
            (_("Resident ID number"), lambda kp, unmasked: _personal("resident_id")(kp.person, unmasked)),
            (_("Category"), _plain("get_category_display")),
            (_("Risk level"), _plain("get_risk_level_display")),
            (_("Visit"), _plain("get_visit_state_display")),
            (_("Next visit due"), lambda kp, _u: _local(kp.next_visit_due_at)),
            (_("Grid"), _plain("person.grid.name")),
        ],
    }
    return table[what]


NAMES_PERSONS = privacy.EXPORTS_NAMING_PERSONS

RELATED = {
    "persons": ["grid", "household"],
    "households": ["grid", "head"],
    "houses": ["grid"],
    "places": ["grid"],
    "organizations": ["grid"],
    "key_persons": ["person__grid"],
}


def _local(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export(what: str, queryset: QuerySet[Any], *, by: Any, filters: dict[str, Any]) -> FileResponse:
    """The list as an xlsx download, masked unless `by` may export personal data; audited."""
    from openpyxl import Workbook

    unmasked = privacy.may_export_personal_data(by)
    cols = columns(what)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=what[:31])
    now = timezone.now()
    sheet.append(
        [
            _("Exported by %(name)s at %(time)s")
            % {"name": getattr(by, "display_name", str(by)), "time": _local(now)},
            _("Personal data unmasked") if unmasked else _("Personal data masked"),
        ]
    )
    sheet.append([header for header, _cell in cols])
    count = 0
    for obj in queryset.select_related(*RELATED[what]).iterator(chunk_size=2000):
        sheet.append([cell(obj, unmasked) for _header, cell in cols])
        count += 1
    services.record_export(
        by=by,
        what=what,
        count=count,
        personal=unmasked or (count > 0 and what in NAMES_PERSONS),
        unmasked=unmasked,
        filters=filters,
    )
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    workbook.save(buffer)
    buffer.seek(0)
    stamp = timezone.localtime(now).strftime("%Y%m%d-%H%M")
    return FileResponse(buffer, as_attachment=True, filename=f"{what}-{stamp}.xlsx", content_type=XLSX)
