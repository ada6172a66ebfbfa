"""Excel import: every row checked first, a report of (row, column, message), all or nothing."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from fengqiao.core.models import AuditEvent
from fengqiao.core.validators import resident_id_check_char
from fengqiao.registry import imports, services
from fengqiao.registry.models import ImportJob, Person, Place
from fengqiao.registry.tests.factories import resident_id

pytestmark = pytest.mark.django_db

HEADER = ["姓名", "公民身份号码", "民族", "联系电话", "人口类型", "户号", "现住址", "网格编码"]


def xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def good_row(n: int) -> list[object]:
    grid = "GA" if n % 2 else "GB"
    return [
        f"居民{n}",
        resident_id(n % 1000, birth=_birth(n)),
        "汉族",
        "",
        "户籍人口",
        "",
        f"东沟村{n}号",
        grid,
    ]


def _birth(n: int):
    import datetime as dt

    return dt.date(1950, 1, 1) + dt.timedelta(days=n // 1000 * 400 + n % 7)


def persons_file(n_rows: int = 1000, *, bad: bool) -> tuple[bytes, set[int]]:
    """n rows; with `bad`, 50 of them wrong in four ways. Returns the file and the bad row numbers."""
    rows = [good_row(n) for n in range(n_rows)]
    bad_rows: set[int] = set()
    if bad:
        for i in range(0, 150, 10):  # 15 wrong check characters
            rid = str(rows[i][1])
            rows[i][1] = rid[:17] + ("1" if rid[17] != "1" else "2")
            bad_rows.add(i + 2)
        for i in range(155, 305, 10):  # 15 impossible birth dates (month 13), check char right
            first17 = f"620802199013{i % 28 + 1:02d}{i % 1000:03d}"
            rows[i][1] = first17 + resident_id_check_char(first17)
            bad_rows.add(i + 2)
        for i in range(401, 501, 10):  # 10 unknown grids
            rows[i][7] = "NOPE"
            bad_rows.add(i + 2)
        for i in range(601, 701, 10):  # 10 duplicates of the row before (a later row repeats an ID)
            rows[i][1] = rows[i - 1][1]
            bad_rows.add(i + 2)
    return xlsx(HEADER, rows), bad_rows


def run_import(user, content, kind="persons", django_capture_on_commit_callbacks=None):
    with django_capture_on_commit_callbacks(execute=True):
        job = services.start_import(by=user, kind=kind, filename="x.xlsx", content=content)
    job.refresh_from_db()
    return job


def test_a_file_with_50_bad_rows_is_refused_whole_and_the_report_names_them(
    clerk, django_capture_on_commit_callbacks
):
    content, bad_rows = persons_file(bad=True)
    assert len(bad_rows) == 50
    job = run_import(clerk, content, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.INVALID
    assert {error["row"] for error in job.errors} == bad_rows
    assert {error["column"] for error in job.errors} == {"公民身份号码", "网格编码"}
    assert Person.objects.count() == 0
    assert bytes(job.content) == b""  # the upload (personal data) is not kept


def test_the_corrected_file_imports_and_importing_it_again_changes_nothing(
    clerk, django_capture_on_commit_callbacks
):
    content, _bad = persons_file(bad=False)
    job = run_import(clerk, content, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE, job.errors[:3]
    assert (job.created_count, job.updated_count) == (1000, 0)
    assert Person.objects.count() == 1000
    stamps = dict(Person.objects.values_list("resident_id", "updated_at"))
    person = Person.objects.get(resident_id=resident_id(1, birth=_birth(1)))
    assert person.sex == "male" and person.birth_date == _birth(1) and person.grid.code == "GA"

    again = run_import(clerk, content, django_capture_on_commit_callbacks=django_capture_on_commit_callbacks)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 1000)
    assert Person.objects.count() == 1000
    assert dict(Person.objects.values_list("resident_id", "updated_at")) == stamps
    assert AuditEvent.objects.filter(action="registry.import.commit").count() == 2


def test_a_changed_row_updates_the_person_in_place(clerk, django_capture_on_commit_callbacks):
    rows = [good_row(n) for n in range(3)]
    run_import(
        clerk, xlsx(HEADER, rows), django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    rows[1][0] = "改名"
    job = run_import(
        clerk, xlsx(HEADER, rows), django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert (job.created_count, job.updated_count, job.unchanged_count) == (0, 1, 2)
    assert Person.objects.filter(name="改名").count() == 1


def test_a_grid_worker_cannot_import_into_another_grid(worker_b, django_capture_on_commit_callbacks):
    rows = [good_row(1)]  # grid GA
    job = run_import(
        worker_b, xlsx(HEADER, rows), django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["column"] == "网格编码"


def test_places_match_on_credit_code_or_name_and_grid(clerk, django_capture_on_commit_callbacks):
    header = [c.header for c in imports.COLUMNS["places"]]
    rows = [
        ["东沟小学", "学校", "", "东沟村", "106.805", "35.505", "", "GA"],
        ["某公司", "企业", "91350100M000100Y43", "", "", "", "", "GB"],
    ]
    for _ in range(2):
        job = run_import(
            clerk,
            xlsx(header, rows),
            kind="places",
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
        )
        assert job.status == ImportJob.Status.DONE
    assert Place.objects.count() == 2
    assert job.unchanged_count == 2
    rows[1][2] = "91350100M000100Y44"
    job = run_import(
        clerk,
        xlsx(header, rows),
        kind="places",
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert job.status == ImportJob.Status.INVALID and job.errors[0]["row"] == 3


@pytest.mark.parametrize("kind", ["persons", "households", "places", "key_persons"])
def test_templates_have_chinese_headers(client, clerk, kind):
    from openpyxl import load_workbook

    client.force_login(clerk)
    response = client.get(reverse("registry:import_template", args=[kind]))
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [cell.value for cell in sheet[1]] == [c.header for c in imports.COLUMNS[kind]]


def test_households_then_key_persons_import_and_match_on_the_id(
    clerk, town, django_capture_on_commit_callbacks
):
    from fengqiao.registry.models import Household, KeyPerson
    from fengqiao.registry.tests.factories import make_person

    head = make_person(town.grid_a, 401)
    capture = django_capture_on_commit_callbacks
    households = xlsx(
        [c.header for c in imports.COLUMNS["households"]], [["H-1", head.resident_id, "东沟村", "GA"]]
    )
    assert (
        run_import(clerk, households, kind="households", django_capture_on_commit_callbacks=capture).status
        == "done"
    )
    assert Household.objects.get(number="H-1").head == head
    header = [c.header for c in imports.COLUMNS["key_persons"]]
    rows = [[head.resident_id, "留守老人", "中", "14", ""], [resident_id(402), "其他", "", "", ""]]
    refused = run_import(
        clerk, xlsx(header, rows), kind="key_persons", django_capture_on_commit_callbacks=capture
    )
    assert [(e["row"], e["column"]) for e in refused.errors] == [(3, "公民身份号码")]  # no such person
    job = run_import(
        clerk, xlsx(header, rows[:1]), kind="key_persons", django_capture_on_commit_callbacks=capture
    )
    assert job.status == "done" and job.created_count == 1
    key_person = KeyPerson.objects.get()
    assert (key_person.category, key_person.risk_level, key_person.visit_every_days) == (
        "left_behind_elderly",
        "medium",
        14,
    )
    assert key_person.next_visit_due_at is not None
    again = run_import(
        clerk, xlsx(header, rows[:1]), kind="key_persons", django_capture_on_commit_callbacks=capture
    )
    assert again.unchanged_count == 1 and KeyPerson.objects.count() == 1


def test_a_worker_may_not_import_a_sensitive_category(worker_a, town, django_capture_on_commit_callbacks):
    from fengqiao.registry.tests.factories import make_person

    person = make_person(town.grid_a, 403)
    header = [c.header for c in imports.COLUMNS["key_persons"]]
    job = run_import(
        worker_a,
        xlsx(header, [[person.resident_id, "社区矫正对象", "高", "7", ""]]),
        kind="key_persons",
        django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
    )
    assert job.status == "invalid" and job.errors[0]["column"] == "人员类别"


def test_a_file_that_is_not_excel_is_reported(clerk, django_capture_on_commit_callbacks):
    job = run_import(
        clerk, b"not a spreadsheet", django_capture_on_commit_callbacks=django_capture_on_commit_callbacks
    )
    assert job.status == "invalid" and job.errors[0]["row"] == 0


def _download(client, user, kind) -> bytes:
    client.force_login(user)
    response = client.get(reverse("registry:import_template", args=[kind]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_downloaded_templates_import_unchanged_in_the_downloaders_grid(
    client, worker_b, town, django_capture_on_commit_callbacks
):
    """The sample rows are valid: a real check character and the downloader's own grid code."""
    from openpyxl import load_workbook

    from fengqiao.core.validators import resident_id_error
    from fengqiao.registry.models import Household, KeyPerson

    capture = django_capture_on_commit_callbacks
    persons = _download(client, worker_b, "persons")
    sample = [cell.value for cell in load_workbook(io.BytesIO(persons)).active[2]]
    assert resident_id_error(sample[1]) is None and sample[1] == imports.SAMPLE_RESIDENT_ID
    assert sample[-1] == town.grid_b.code
    for kind in ("persons", "households", "places", "key_persons"):  # key persons name the persons sample
        content = persons if kind == "persons" else _download(client, worker_b, kind)
        job = run_import(worker_b, content, kind=kind, django_capture_on_commit_callbacks=capture)
        assert (kind, job.status, job.errors) == (kind, ImportJob.Status.DONE, [])
        assert job.created_count == 1
    person = Person.objects.get(resident_id=imports.SAMPLE_RESIDENT_ID)
    assert person.grid == town.grid_b
    assert Household.objects.get().grid == town.grid_b and Place.objects.get().grid == town.grid_b
    assert KeyPerson.objects.get().person == person


def test_a_worker_is_not_told_an_id_exists_in_another_grid(
    worker_b, town, django_capture_on_commit_callbacks
):
    """A resident ID registered in grid A is refused for worker B without confirming it exists."""
    from fengqiao.registry.tests.factories import make_person

    elsewhere = make_person(town.grid_a, 404)
    from django.utils import translation

    row = ["某人", elsewhere.resident_id, "汉族", "", "户籍人口", "", "西川村", town.grid_b.code]
    with translation.override("en"):
        job = run_import(
            worker_b,
            xlsx(HEADER, [row]),
            django_capture_on_commit_callbacks=django_capture_on_commit_callbacks,
        )
    assert job.status == ImportJob.Status.INVALID and Person.objects.count() == 1
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "公民身份号码")]
    message = job.errors[0]["message"]
    assert message == "This person cannot be imported here."
    assert "grid" not in message and "registered" not in message
    elsewhere.refresh_from_db()
    assert elsewhere.grid == town.grid_a and elsewhere.name != "某人"


@pytest.mark.parametrize("fails_in", ["check", "commit"])
def test_a_failed_import_drops_the_uploaded_file(
    clerk, monkeypatch, django_capture_on_commit_callbacks, fails_in
):
    """Audit #16: the spreadsheet (personal data) is wiped on every ending path, a crash too."""

    def crash(*args, **kwargs):
        raise RuntimeError("the worker crashed")

    monkeypatch.setattr(imports, fails_in, crash)
    content, _bad = persons_file(bad=False)
    with django_capture_on_commit_callbacks(execute=True):  # the task backend records the crash
        services.start_import(by=clerk, kind="persons", filename="x.xlsx", content=content)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert bytes(job.content) == b""
