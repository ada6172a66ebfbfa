"""Excel in (导入) for persons, households, places and key persons.

Each kind has a fixed list of columns with Chinese headers (the headers ARE the file format, so
they are not translated). `check` reads every row and collects every problem as
(row, column, message) without writing anything; only a file without a single problem is
committed, in one transaction (`commit`). Re-importing updates rows in place: persons and key
persons match on the resident ID, households on their number, places on their credit code or,
without one, on name and grid. A row that changes nothing is counted as unchanged and not
written. Two rows for the same record in one file are an error on the later row.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from fengqiao.core import audit
from fengqiao.core.validators import (
    normalize_phone,
    normalize_resident_id,
    resident_id_check_char,
    resident_id_error,
)
from fengqiao.regions.models import Grid
from fengqiao.registry import privacy, sla
from fengqiao.registry.models import Household, ImportJob, KeyPerson, Person, Place
from fengqiao.registry.validators import credit_code_error


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    choices: dict[str, str] | None = None  # Chinese label -> stored value
    #: A column added later: files made from the older template may leave it out.
    optional: bool = False


RESIDENCE = {
    "户籍人口": "registered",
    "流动人口": "floating",
    "留守人员": "left_behind",
    "境外人员": "overseas",
}
PLACE_KINDS = {
    "宗教场所": "religious",
    "学校": "school",
    "企业": "enterprise",
    "市场": "market",
    "诊所": "clinic",
    "其他": "other",
}
KEY_CATEGORIES = {
    "社区矫正对象": "community_correction",
    "刑满释放人员": "released_prisoner",
    "严重精神障碍患者": "severe_mental_disorder",
    "吸毒康复人员": "drug_rehabilitation",
    "信访重点人员": "petition_prone",
    "重点青少年": "key_youth",
    "留守老人": "left_behind_elderly",
    "留守儿童": "left_behind_child",
    "其他": "other",
}
RISK = {"低": "low", "中": "medium", "高": "high"}

COLUMNS: dict[str, list[Column]] = {
    ImportJob.Kind.PERSONS: [
        Column("name", "姓名", required=True),
        Column("resident_id", "公民身份号码", required=True),
        Column("ethnicity", "民族"),
        Column("phone", "联系电话"),
        Column("residence_type", "人口类型", choices=RESIDENCE),
        Column("household", "户号"),
        Column("address", "现住址"),
        Column("grid", "网格编码", required=True),
    ],
    ImportJob.Kind.HOUSEHOLDS: [
        Column("number", "户号", required=True),
        Column("head", "户主公民身份号码"),
        Column("address", "住址"),
        Column("grid", "网格编码", required=True),
    ],
    ImportJob.Kind.PLACES: [
        Column("name", "名称", required=True),
        Column("kind", "类别", required=True, choices=PLACE_KINDS),
        Column("credit_code", "统一社会信用代码"),
        Column("address", "地址"),
        Column("lon", "经度"),
        Column("lat", "纬度"),
        Column("contact_phone", "联系电话"),
        Column("grid", "网格编码", required=True),
    ],
    ImportJob.Kind.KEY_PERSONS: [
        Column("resident_id", "公民身份号码", required=True),
        Column("category", "人员类别", required=True, choices=KEY_CATEGORIES),
        Column("risk_level", "风险等级", choices=RISK),
        Column("visit_every_days", "走访周期（天）"),
        Column("note", "备注"),
        # The user name of the controller (包控责任人); required for the sensitive categories.
        Column("controller", "包控责任人账号", optional=True),
    ],
}

#: The sample person's resident ID: fictional, with a valid GB 11643 check character.
SAMPLE_RESIDENT_ID = "62080219900101123" + resident_id_check_char("62080219900101123")
#: The grid code of the sample rows when the downloader sees no grid at all.
SAMPLE_GRID_PLACEHOLDER = "网格编码"


def examples(kind: str, grid_code: str = SAMPLE_GRID_PLACEHOLDER) -> list[str]:
    """The sample row of a template: valid as it stands, in the downloader's first grid, so that
    importing a template unchanged works (the key-person sample names the persons sample)."""
    table: dict[str, list[str]] = {
        ImportJob.Kind.PERSONS: [
            "张三",
            SAMPLE_RESIDENT_ID,
            "汉族",
            "13800000000",
            "户籍人口",
            "",
            "东沟村1组",
            grid_code,
        ],
        ImportJob.Kind.HOUSEHOLDS: ["6208020001", "", "东沟村1组", grid_code],
        ImportJob.Kind.PLACES: ["东沟小学", "学校", "", "东沟村", "106.805", "35.505", "", grid_code],
        ImportJob.Kind.KEY_PERSONS: [SAMPLE_RESIDENT_ID, "留守老人", "低", "30", "", ""],
    }
    return table[kind]


def template_bytes(kind: str, user: Any = None) -> bytes:
    """The template of this kind: the header row and one sample row (to be replaced), whose grid
    is the first grid `user` sees (a placeholder without one)."""
    from openpyxl import Workbook

    grid = Grid.objects.visible_to(user).order_by("code").first() if user is not None else None
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "导入"
    sheet.append([column.header for column in COLUMNS[kind]])
    sheet.append(examples(kind, grid.code if grid else SAMPLE_GRID_PLACEHOLDER))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Checked:
    """The outcome of checking a file: clean rows (row number, values) or the errors."""

    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)


def read_rows(content: bytes) -> tuple[list[str], list[tuple[int, list[Any]]]]:
    """The header and the non-empty data rows (with their spreadsheet row numbers)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    sheet = workbook.worksheets[0]
    header: list[str] = []
    rows: list[tuple[int, list[Any]]] = []
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if number == 1:
            header = [str(value or "").strip() for value in values]
            continue
        if any(value not in (None, "") for value in values):
            rows.append((number, list(values)))
    workbook.close()
    return header, rows


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class Checker:
    """Checks the rows of one kind for one user; `check_row` appends errors and returns values."""

    def __init__(self, kind: str, user: Any) -> None:
        self.kind = kind
        self.user = user
        self.columns = COLUMNS[kind]
        self.grids = {grid.code: grid for grid in Grid.objects.visible_to(user)}
        self.seen: dict[Any, int] = {}
        self.may_sensitive = privacy.sees_all_sensitive_categories(user)

    def header_errors(self, header: list[str]) -> list[RowError]:
        missing = [c.header for c in self.columns if c.header not in header and not c.optional]
        return [RowError(1, name, _("This column is missing.")) for name in missing]

    def check_row(self, number: int, raw: dict[str, str], errors: list[RowError]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        before = len(errors)

        def fail(column: Column, message: str) -> None:
            errors.append(RowError(number, column.header, message))

        for column in self.columns:
            value = raw.get(column.key, "")
            if column.required and not value:
                fail(column, _("This value is required."))
                continue
            if column.choices is not None and value:
                if value not in column.choices:
                    fail(column, _("Choose one of: %(choices)s.") % {"choices": "、".join(column.choices)})
                    continue
                value = column.choices[value]
            values[column.key] = value
        getattr(self, f"_check_{self.kind}")(number, values, fail)
        return values if len(errors) == before else {}

    def _column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def _grid(self, values: dict[str, Any], fail: Callable[[Column, str], None]) -> None:
        code = values.get("grid")
        if code:
            grid = self.grids.get(code)
            if grid is None:
                fail(self._column("grid"), _("No grid with this code in your area."))
            values["grid"] = grid

    def _resident_id(self, values: dict[str, Any], fail: Callable[[Column, str], None]) -> bool:
        if not values.get("resident_id"):
            return False
        values["resident_id"] = normalize_resident_id(values["resident_id"])
        error = resident_id_error(values["resident_id"])
        if error:
            fail(self._column("resident_id"), error)
            return False
        return True

    def _phone(self, key: str, values: dict[str, Any], fail: Callable[[Column, str], None]) -> None:
        if values.get(key):
            try:
                values[key] = normalize_phone(values[key])
            except ValidationError as exc:
                fail(self._column(key), str(exc.messages[0]))

    def _duplicate(self, key: Any, number: int, column: str, fail: Callable[[Column, str], None]) -> None:
        if key in self.seen:
            fail(self._column(column), _("Same record as row %(row)d.") % {"row": self.seen[key]})
        else:
            self.seen[key] = number

    def _check_persons(
        self, number: int, values: dict[str, Any], fail: Callable[[Column, str], None]
    ) -> None:
        if self._resident_id(values, fail):
            self._duplicate(values["resident_id"], number, "resident_id", fail)
        self._phone("phone", values, fail)
        self._grid(values, fail)
        values["residence_type"] = values.get("residence_type") or Person.Residence.REGISTERED
        if len(values.get("name", "")) > 60:
            fail(self._column("name"), _("At most 60 characters."))

    def _check_households(
        self, number: int, values: dict[str, Any], fail: Callable[[Column, str], None]
    ) -> None:
        if values.get("number"):
            self._duplicate(values["number"], number, "number", fail)
        if values.get("head"):
            values["head"] = normalize_resident_id(values["head"])
            error = resident_id_error(values["head"])
            if error:
                fail(self._column("head"), error)
        self._grid(values, fail)

    def _check_places(self, number: int, values: dict[str, Any], fail: Callable[[Column, str], None]) -> None:
        code = values.get("credit_code", "").upper()
        values["credit_code"] = code
        if code and (error := credit_code_error(code)):
            fail(self._column("credit_code"), error)
        for key in ("lon", "lat"):
            if values.get(key):
                try:
                    values[key] = float(values[key])
                except ValueError:
                    fail(self._column(key), _("Enter a number."))
            else:
                values[key] = None
        self._phone("contact_phone", values, fail)
        self._grid(values, fail)
        grid = values.get("grid")
        self._duplicate(code or (values.get("name"), grid.pk if grid else None), number, "name", fail)

    def _check_key_persons(
        self, number: int, values: dict[str, Any], fail: Callable[[Column, str], None]
    ) -> None:
        if self._resident_id(values, fail) and values.get("category"):
            self._duplicate((values["resident_id"], values["category"]), number, "resident_id", fail)
        if values.get("category") in privacy.SENSITIVE_CATEGORIES and not self.may_sensitive:
            fail(self._column("category"), _("Your role may not record this category."))
        values["risk_level"] = values.get("risk_level") or KeyPerson.Risk.LOW
        every = values.get("visit_every_days") or "30"
        try:
            values["visit_every_days"] = int(every)
            if not 1 <= values["visit_every_days"] <= 366:
                raise ValueError
        except ValueError:
            fail(self._column("visit_every_days"), _("Enter a whole number of days from 1 to 366."))


def check(
    kind: str, content: bytes, user: Any, *, progress: Callable[[int, int], None] | None = None
) -> Checked:
    """Check every row of the file; nothing is written."""
    checker = Checker(kind, user)
    result = Checked()
    try:
        header, rows = read_rows(content)
    except Exception:
        result.errors.append(RowError(0, "", _("This is not an Excel (.xlsx) file.")))
        return result
    result.errors.extend(checker.header_errors(header))
    if result.errors:
        return result
    positions = {c.key: header.index(c.header) for c in checker.columns if c.header in header}
    for index, (number, values) in enumerate(rows, start=1):
        raw = {key: _text(values[pos]) if pos < len(values) else "" for key, pos in positions.items()}
        clean = checker.check_row(number, raw, result.errors)
        if clean:
            result.rows.append((number, clean))
        if progress and index % 200 == 0:
            progress(index, len(rows))
    _check_references(kind, result, user)
    return result


def _check_references(kind: str, result: Checked, user: Any) -> None:
    """Errors that need the database: records outside the user's area, unknown references."""
    if kind == ImportJob.Kind.PERSONS:
        ids = [values["resident_id"] for _n, values in result.rows]
        visible = set(
            Person.objects.visible_to(user).filter(resident_id__in=ids).values_list("resident_id", flat=True)
        )
        elsewhere = (
            set(Person.objects.filter(resident_id__in=ids).values_list("resident_id", flat=True)) - visible
        )
        numbers = {values["household"] for _n, values in result.rows if values.get("household")}
        households = set(
            Household.objects.visible_to(user).filter(number__in=numbers).values_list("number", flat=True)
        )
        for number, values in result.rows:
            if values["resident_id"] in elsewhere:
                result.errors.append(
                    RowError(number, "公民身份号码", _("This person cannot be imported here."))
                )
            if values.get("household") and values["household"] not in households:
                result.errors.append(
                    RowError(number, "户号", _("No household with this number in your area."))
                )
    elif kind == ImportJob.Kind.HOUSEHOLDS:
        heads = {values["head"] for _n, values in result.rows if values.get("head")}
        known = set(
            Person.objects.visible_to(user)
            .filter(resident_id__in=heads)
            .values_list("resident_id", flat=True)
        )
        household_numbers = [values["number"] for _n, values in result.rows]
        foreign = set(
            Household.objects.filter(number__in=household_numbers).values_list("number", flat=True)
        ) - set(
            Household.objects.visible_to(user)
            .filter(number__in=household_numbers)
            .values_list("number", flat=True)
        )
        for number, values in result.rows:
            if values.get("head") and values["head"] not in known:
                result.errors.append(
                    RowError(number, "户主公民身份号码", _("No person with this ID in your area."))
                )
            if values["number"] in foreign:
                result.errors.append(RowError(number, "户号", _("This household cannot be imported here.")))
    elif kind == ImportJob.Kind.KEY_PERSONS:
        key_ids = {values["resident_id"] for _n, values in result.rows}
        known = set(
            Person.objects.visible_to(user)
            .filter(resident_id__in=key_ids)
            .values_list("resident_id", flat=True)
        )
        for number, values in result.rows:
            if values["resident_id"] not in known:
                result.errors.append(
                    RowError(number, "公民身份号码", _("No person with this ID in your area."))
                )
        _check_controllers(result, user, key_ids)
    elif kind == ImportJob.Kind.PLACES:
        codes = [values["credit_code"] for _n, values in result.rows if values["credit_code"]]
        foreign = set(
            Place.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True)
        ) - set(
            Place.objects.visible_to(user).filter(credit_code__in=codes).values_list("credit_code", flat=True)
        )
        for number, values in result.rows:
            if values["credit_code"] in foreign:
                result.errors.append(
                    RowError(number, "统一社会信用代码", _("This place belongs to a grid outside your area."))
                )
    result.errors.sort(key=lambda error: (error.row, error.column))


def _check_controllers(result: Checked, user: Any, key_ids: set[str]) -> None:
    """Controllers named by user name, among the users the importer may name; a key person of a
    sensitive category needs one who keeps the to-do list of their grid (given in the file or
    already on the record), as on the page and in the API (`services._require_keeper`)."""
    header = "包控责任人账号"
    names = {values["controller"] for _n, values in result.rows if values.get("controller")}
    users = {u.username: u for u in privacy.assignable_users(user).filter(username__in=names)}
    grids = dict(
        Person.objects.visible_to(user).filter(resident_id__in=key_ids).values_list("resident_id", "grid_id")
    )
    recorded = {
        (k.person.resident_id, k.category): [u for u in (k.controller, k.case_owner) if u is not None]
        for k in KeyPerson.objects.filter(
            person__resident_id__in=key_ids, category__in=privacy.SENSITIVE_CATEGORIES
        ).select_related("person", "controller", "case_owner")
    }
    for number, values in result.rows:
        name = values.get("controller")
        if name:
            if name not in users:
                result.errors.append(
                    RowError(number, header, _("No active user with this name in your area."))
                )
                continue
            values["controller"] = users[name]
        else:
            values["controller"] = None
        if values["category"] not in privacy.SENSITIVE_CATEGORIES or values["resident_id"] not in grids:
            continue
        keepers = (
            [values["controller"]]
            if values["controller"]
            else recorded.get((values["resident_id"], values["category"]), [])
        )
        if not any(privacy.keeps_to_do_for(u, grids[values["resident_id"]]) for u in keepers):
            result.errors.append(
                RowError(
                    number,
                    header,
                    _(
                        "A key person of this category needs a controller who works in their grid: "
                        "give the user name of a grid worker or center staff."
                    ),
                )
            )


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _upsert(
    model: Any, existing: dict[Any, Any], rows: Iterator[tuple[Any, dict[str, Any]]], fields: list[str]
) -> Outcome:
    """Create the new, update the changed, leave the rest: bulk writes, no row touched for nothing."""
    outcome = Outcome()
    new: list[Any] = []
    changed: list[Any] = []
    for key, values in rows:
        instance = existing.get(key)
        if instance is None:
            instance = model(**values)
            if isinstance(instance, Person):
                instance.derive_from_resident_id()
            new.append(instance)
            existing[key] = instance
            continue
        diffs = [name for name in fields if getattr(instance, name) != values[name]]
        if not diffs:
            outcome.unchanged += 1
            continue
        for name in fields:
            setattr(instance, name, values[name])
        changed.append(instance)
    model.objects.bulk_create(new, batch_size=500)
    if changed:
        model.objects.bulk_update(changed, [*fields, "updated_at"], batch_size=500)
    outcome.created, outcome.updated = len(new), len(changed)
    return outcome


def commit(kind: str, checked: Checked, user: Any) -> Outcome:
    """Write every row of a checked file, all or nothing (the caller's transaction)."""
    from django.utils import timezone

    now = timezone.now()
    rows = [values for _n, values in checked.rows]
    if kind == ImportJob.Kind.PERSONS:
        households = {
            h.number: h
            for h in Household.objects.filter(number__in={v["household"] for v in rows if v.get("household")})
        }
        fields = ["name", "ethnicity", "phone", "residence_type", "household", "address", "grid"]
        existing = {
            p.resident_id: p for p in Person.objects.filter(resident_id__in=[v["resident_id"] for v in rows])
        }
        items = (
            (
                v["resident_id"],
                {
                    "resident_id": v["resident_id"],
                    "name": v["name"],
                    "ethnicity": v.get("ethnicity") or "汉族",
                    "phone": v.get("phone", ""),
                    "residence_type": v["residence_type"],
                    "household": households.get(v.get("household", "")),
                    "address": v.get("address", ""),
                    "grid": v["grid"],
                    "updated_at": now,
                },
            )
            for v in rows
        )
        outcome = _upsert(Person, existing, items, fields)
    elif kind == ImportJob.Kind.HOUSEHOLDS:
        heads = {
            p.resident_id: p
            for p in Person.objects.filter(resident_id__in={v["head"] for v in rows if v.get("head")})
        }
        existing = {h.number: h for h in Household.objects.filter(number__in=[v["number"] for v in rows])}
        items = (
            (
                v["number"],
                {
                    "number": v["number"],
                    "head": heads.get(v.get("head", "")),
                    "address": v.get("address", ""),
                    "grid": v["grid"],
                    "updated_at": now,
                },
            )
            for v in rows
        )
        outcome = _upsert(Household, existing, items, ["head", "address", "grid"])
    elif kind == ImportJob.Kind.PLACES:
        grid_ids = {v["grid"].pk for v in rows}
        existing = {}
        for place in Place.objects.filter(grid_id__in=grid_ids) | Place.objects.filter(
            credit_code__in=[v["credit_code"] for v in rows if v["credit_code"]]
        ):
            existing[place.credit_code or (place.name, place.grid_id)] = place
        items = (
            (
                v["credit_code"] or (v["name"], v["grid"].pk),
                {
                    "name": v["name"],
                    "kind": v["kind"],
                    "credit_code": v["credit_code"],
                    "address": v.get("address", ""),
                    "lon": v["lon"],
                    "lat": v["lat"],
                    "contact_phone": v.get("contact_phone", ""),
                    "grid": v["grid"],
                    "updated_at": now,
                },
            )
            for v in rows
        )
        outcome = _upsert(
            Place,
            existing,
            items,
            ["name", "kind", "credit_code", "address", "lon", "lat", "contact_phone", "grid"],
        )
    else:
        persons = {
            p.resident_id: p for p in Person.objects.filter(resident_id__in={v["resident_id"] for v in rows})
        }
        existing = {
            (k.person.resident_id, k.category): k
            for k in KeyPerson.objects.filter(person__in=persons.values()).select_related(
                "person", "controller"
            )
        }
        new_items = []
        for v in rows:
            key = (v["resident_id"], v["category"])
            # No controller in the file: the recorded one stays.
            controller = v.get("controller") or (existing[key].controller if key in existing else None)
            values = {
                "person": persons[v["resident_id"]],
                "category": v["category"],
                "risk_level": v["risk_level"],
                "visit_every_days": v["visit_every_days"],
                "note": v.get("note", ""),
                "controller": controller,
                "updated_at": now,
            }
            if key not in existing:
                draft = KeyPerson(**values)
                sla.schedule(draft, since=now, now=now)
                values.update(
                    next_visit_due_at=draft.next_visit_due_at,
                    visit_warn_at=draft.visit_warn_at,
                    visit_state=draft.visit_state,
                )
            new_items.append((key, values))
        outcome = _upsert(
            KeyPerson, existing, iter(new_items), ["risk_level", "visit_every_days", "note", "controller"]
        )
    return outcome


def run(job: ImportJob) -> ImportJob:
    """Check the job's file (storing progress on the row), then commit it or store the report."""
    from django.utils import timezone

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=done, total_rows=total)

    checked = check(job.kind, bytes(job.content), job.by, progress=progress)
    total = len(checked.rows) + len({e.row for e in checked.errors if e.row > 1})
    if checked.errors:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.INVALID,
            errors=[error.as_dict() for error in checked.errors],
            total_rows=total,
            processed_rows=total,
            finished_at=timezone.now(),
        )
    else:
        with transaction.atomic():
            outcome = commit(job.kind, checked, job.by)
            audit.record(
                "registry.import.commit",
                by=job.by,
                obj=job,
                changes={
                    "created": outcome.created,
                    "updated": outcome.updated,
                    "unchanged": outcome.unchanged,
                },
            )
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE,
                total_rows=total,
                processed_rows=total,
                created_count=outcome.created,
                updated_count=outcome.updated,
                unchanged_count=outcome.unchanged,
                errors=[],
                finished_at=timezone.now(),
            )
    # The file holds personal data: keep the report and the counts, drop the upload itself.
    ImportJob.objects.filter(pk=job.pk).update(content=b"")
    job.refresh_from_db()
    return job
