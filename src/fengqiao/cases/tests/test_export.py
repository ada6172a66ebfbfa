"""The xlsx export of the case list: exactly the filtered rows the user may see, phones masked."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from fengqiao.cases import services
from fengqiao.cases.tests.conftest import POINT_B, make_case


def login(user: Any) -> Client:
    client = Client(headers={"accept-language": "en"})
    client.force_login(user)
    return client


def sheet_rows(response: Any) -> list[tuple[Any, ...]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return list(workbook.active.iter_rows(values_only=True))


@pytest.fixture
def cases(frozen, town, clerk) -> dict[str, Any]:
    return {
        "a_accepted": services.accept_case(make_case(clerk, title="甲 已受理"), by=clerk),
        "a_reported": make_case(clerk, title="乙 待受理", reporter_phone="13800001111"),
        "a_anonymous": make_case(clerk, title="丙 匿名", anonymous=True),
        "b_accepted": services.accept_case(make_case(clerk, title="丁 西沟", point=POINT_B), by=clerk),
    }


def test_the_export_has_the_filtered_rows_with_masked_phones(cases, clerk):
    rows = sheet_rows(login(clerk).get(reverse("cases:case_export"), {"status": "accepted"}))
    header, *body = rows
    assert header[0] == "Case number" and header[-1] == "Reporter's phone"
    assert {row[0] for row in body} == {cases["a_accepted"].number, cases["b_accepted"].number}
    assert all(row[-1] == "139****5678" for row in body)
    assert all(row[-2] == "张*" for row in body)
    assert not any("13912345678" in str(cell) for row in body for cell in row)


def test_the_export_without_filters_has_every_case_in_scope(cases, clerk, worker_a, worker_b):
    assert len(sheet_rows(login(clerk).get(reverse("cases:case_export")))) == 1 + 4
    in_a = {row[0] for row in sheet_rows(login(worker_a).get(reverse("cases:case_export")))[1:]}
    assert in_a == {cases[key].number for key in ("a_accepted", "a_reported", "a_anonymous")}
    in_b = {row[0] for row in sheet_rows(login(worker_b).get(reverse("cases:case_export")))[1:]}
    assert in_b == {cases["b_accepted"].number}


def test_the_export_follows_the_search_and_shows_anonymous_reporters(cases, clerk):
    [_header, row] = sheet_rows(login(clerk).get(reverse("cases:case_export"), {"q": "匿名"}))
    assert row[0] == cases["a_anonymous"].number
    assert row[-2] == "Anonymous" and row[-1] in (None, "")


def test_an_officer_exports_only_the_cases_of_their_department(cases, town, clerk, police):
    services.dispatch_case(
        cases["a_accepted"], by=clerk, assignments=[{"department": town.police_station, "role": "lead"}]
    )
    rows = sheet_rows(login(police).get(reverse("cases:case_export")))
    assert [row[0] for row in rows[1:]] == [cases["a_accepted"].number]


def test_the_list_links_to_the_export_of_the_same_filter(cases, clerk):
    html = login(clerk).get(reverse("cases:case_list"), {"status": "accepted", "page": "1"}).content.decode()
    assert f'href="{reverse("cases:case_export")}?status=accepted"' in html


def test_the_export_reads_a_fixed_number_of_queries(frozen, clerk, django_assert_max_num_queries):
    for index in range(12):
        make_case(clerk, title=f"案件 {index}")
    client = login(clerk)
    client.get(reverse("cases:case_export"))
    with django_assert_max_num_queries(8):
        rows = sheet_rows(client.get(reverse("cases:case_export")))
    assert len(rows) == 13
