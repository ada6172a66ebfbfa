"""Cameras from Excel: every bad row reported, nothing written; the corrected file imports; the
same file again changes nothing; a camera already registered is updated, never duplicated."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from fengqiao.core.models import AuditEvent
from fengqiao.surveillance.imports import COLUMNS, import_cameras
from fengqiao.surveillance.models import Camera

HEADERS = [header for _name, header in COLUMNS]


def _xlsx(rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _good(n, room="东沟村视频监控室"):
    return [
        f"CAM{n:04d}",
        f"东沟村点位{n}",
        room,
        "村口",
        106.801 + n * 0.0001,
        35.505,
        "道路交通、社会治安",
        "",
        "",
    ]


def test_bad_rows_are_named_and_nothing_is_written(clerk, room_a):
    rows = [_good(n) for n in range(40)]
    rows[3][4] = "east"  # longitude not a number
    rows[7][6] = "监视邻居"  # unknown purpose
    rows[11][2] = "不存在的监控室"  # unknown room
    rows[15][0] = rows[14][0]  # duplicate channel code in the file
    rows[20][1] = ""  # missing name
    rows[25][7] = "GX"  # unknown grid
    result = import_cameras(_xlsx(rows), by=clerk)
    assert not result.ok
    # Spreadsheet rows: the header is row 1, so list index i is row i + 2.
    assert sorted((error.row, error.column) for error in result.errors) == [
        (5, "经度"),
        (9, "用途"),
        (13, "所属监控室"),
        (17, "通道编号"),
        (22, "点位名称"),
        (27, "网格编码"),
    ]
    assert (
        not Camera.objects.exists() and not AuditEvent.objects.filter(action__startswith="camera.").exists()
    )


def test_the_corrected_file_imports_and_again_changes_nothing(clerk, town, room_a):
    content = _xlsx([_good(n) for n in range(30)])
    first = import_cameras(content, by=clerk)
    assert first.ok and (first.created, first.updated, first.unchanged) == (30, 0, 0)
    assert Camera.objects.filter(grid=town.grid_a).count() == 30
    assert Camera.objects.get(channel_code="CAM0000").purpose_values == ["public_security", "road_traffic"]
    audit_rows = AuditEvent.objects.count()
    second = import_cameras(content, by=clerk)
    assert second.ok and (second.created, second.updated, second.unchanged) == (0, 0, 30)
    assert Camera.objects.count() == 30
    assert AuditEvent.objects.count() == audit_rows + 1  # only the second `camera.import`


def test_a_changed_row_updates_its_camera(clerk, town, room_a, camera_a):
    row = _good(1)
    row[0], row[1] = camera_a.channel_code, "东沟村村委会门口（新）"
    result = import_cameras(_xlsx([row]), by=clerk)
    assert result.ok and result.updated == 1
    camera_a.refresh_from_db()
    assert camera_a.name == "东沟村村委会门口（新）" and Camera.objects.count() == 1


def test_a_camera_outside_the_area_cannot_be_overwritten(town, room_a, camera_b):
    from fengqiao.testing import builders

    village_clerk = builders.make_user("vclerk", "clerk", regions=[town.village_a])
    row = _good(1)
    row[0] = camera_b.channel_code
    result = import_cameras(_xlsx([row]), by=village_clerk)
    assert [(error.row, error.column) for error in result.errors] == [(2, "通道编号")]


def test_the_page_uploads_and_reports(client, clerk, room_a):
    client.force_login(clerk)
    template = client.get(reverse("surveillance:camera_import_template"))
    assert template.status_code == 200
    assert [cell.value for cell in load_workbook(io.BytesIO(template.content)).active[1]] == HEADERS
    bad = [_good(1)]
    bad[0][5] = 200
    response = client.post(
        reverse("surveillance:camera_import"), {"file": SimpleUploadedFile("c.xlsx", _xlsx(bad))}
    )
    assert response.status_code == 200 and len(response.context["result"].errors) == 1
    response = client.post(
        reverse("surveillance:camera_import"), {"file": SimpleUploadedFile("c.xlsx", _xlsx([_good(1)]))}
    )
    assert response.status_code == 302 and Camera.objects.count() == 1
    garbage = client.post(
        reverse("surveillance:camera_import"), {"file": SimpleUploadedFile("c.xlsx", b"nope")}
    )
    assert garbage.status_code == 200 and garbage.context["result"].errors[0].row == 0


def test_a_grid_worker_may_not_import(client, worker_a):
    client.force_login(worker_a)
    assert client.get(reverse("surveillance:camera_import")).status_code == 403
    assert client.get(reverse("surveillance:camera_import_template")).status_code == 403
