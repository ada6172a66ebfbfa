"""Benchmarks of the grid registry at a town's size, run by `fengqiao bench registry --cases N`
(N = persons in the imported file; never in unit tests).

It WRITES to the configured database: point it at a scratch one, e.g.

    FENGQIAO_DATA_DIR=/tmp/fqbench fengqiao migrate && \\
        FENGQIAO_DATA_DIR=/tmp/fqbench fengqiao bench registry --cases 10000

What it does: loads the demo town when the database has none; removes the persons an earlier run
imported; then measures, through the real services and URL conf:

- an Excel import of N new persons (`services.start_import`, checked then committed in one
  transaction, as a clerk does it): rows/s;
- the same file imported again (every row matched on its resident ID, nothing changes): rows/s;
- a copy with 5 % bad rows (refused whole, the report built): rows/s;
- a grid worker's phone to-do (`GET /field/api/today/`), the registry search API and the persons
  list API (first page) with the town's registry grown by N: p50/p95 and queries/request.

Each figure is one JSON line: ``{"bench": name, ...}``.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

#: Every person the bench imports lives at an address starting with this, so a re-run finds them.
ADDRESS_MARK = "基准测试路"
SAMPLES = 40
WARMUP = 3
HEADER = ["姓名", "公民身份号码", "民族", "联系电话", "人口类型", "户号", "现住址", "网格编码"]


def _line(name: str, **figures: Any) -> str:
    return json.dumps({"bench": name, **figures}, ensure_ascii=False)


def _resident_id(n: int) -> str:
    from fengqiao.core.validators import resident_id_check_char

    birth = dt.date(1940, 1, 1) + dt.timedelta(days=(n * 37) % 25_000)
    first17 = f"620826{birth:%Y%m%d}{n % 1000:03d}"  # another county than the demo's, so no ID collides
    return first17 + resident_id_check_char(first17)


def _persons_file(grid_codes: list[str], count: int, *, bad_every: int = 0) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    for n in range(count):
        # n // 1000 varies the birth date so that (date, sequence) never repeats within the file.
        rid = _resident_id(n + (n // 1000) * 1_000_003)
        if bad_every and n % bad_every == 0:
            rid = rid[:17] + ("1" if rid[17] != "1" else "2")  # a wrong check character
        grid = grid_codes[n % len(grid_codes)]
        sheet.append([f"基准居民{n:05d}", rid, "汉族", "", "户籍人口", "", f"{ADDRESS_MARK}{n}号", grid])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(user: Any, content: bytes) -> tuple[Any, float]:
    from fengqiao.registry import services

    started = time.perf_counter()
    job = services.start_import(by=user, kind="persons", filename="bench.xlsx", content=content)
    job.refresh_from_db()
    return job, time.perf_counter() - started


def _timed(call: Callable[[], Any]) -> dict[str, Any]:
    for _ in range(WARMUP):
        call()
    times: list[float] = []
    queries = 0
    for _ in range(SAMPLES):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = call()
            times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
        queries = len(captured)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(times[int(len(times) * 0.95) - 1], 1),
        "queries": queries,
    }


def _users(town: Any) -> tuple[Any, Any]:
    from fengqiao.accounts.models import Role, User
    from fengqiao.regions.models import Grid

    clerk, _ = User.objects.get_or_create(username="bench_clerk", defaults={"role": Role.CLERK})
    clerk.regions.add(town)
    worker = User.objects.filter(role=Role.GRID_WORKER, grids__village__parent=town, is_active=True).first()
    if worker is None:
        worker = User.objects.create(username="bench_worker", role=Role.GRID_WORKER)
        worker.grids.add(Grid.objects.filter(village__parent=town).order_by("code").first())
    return clerk, worker


def run(cases: int = 10_000) -> list[str]:
    from fengqiao.cases.bench import _client_host, _town
    from fengqiao.regions.models import Grid
    from fengqiao.registry.models import Person

    persons = cases
    town = _town()
    clerk, worker = _users(town)
    Person.objects.filter(address__startswith=ADDRESS_MARK).delete()
    grid_codes = list(
        Grid.objects.filter(village__parent=town).order_by("code").values_list("code", flat=True)
    )
    content = _persons_file(grid_codes, persons)
    lines = [_line("file", rows=persons, kilobytes=round(len(content) / 1024), database=connection.vendor)]

    job, seconds = _import(clerk, content)
    assert job.status == "done" and job.created_count == persons, (job.status, job.errors[:3])
    lines.append(
        _line("import.new", rows=persons, seconds=round(seconds, 2), rows_per_s=round(persons / seconds))
    )
    job, seconds = _import(clerk, content)
    assert job.status == "done" and job.created_count == 0 and job.updated_count == 0, job.status
    lines.append(
        _line(
            "import.again",
            rows=persons,
            unchanged=job.unchanged_count,
            seconds=round(seconds, 2),
            rows_per_s=round(persons / seconds),
        )
    )
    job, seconds = _import(clerk, _persons_file(grid_codes, persons, bad_every=20))
    assert job.status == "invalid", job.status
    lines.append(
        _line(
            "import.refused",
            rows=persons,
            errors=len(job.errors),
            seconds=round(seconds, 2),
            rows_per_s=round(persons / seconds),
        )
    )

    host = _client_host()
    phone = Client(SERVER_NAME=host, HTTP_ACCEPT_LANGUAGE="zh-hans")
    phone.force_login(worker)
    desk = Client(SERVER_NAME=host, HTTP_ACCEPT_LANGUAGE="zh-hans")
    desk.force_login(clerk)
    total = Person.objects.filter(grid__village__parent=town).count()
    secure = {"secure": bool(getattr(settings, "SECURE_SSL_REDIRECT", False))}
    lines.append(
        _line("field.today", persons=total, **_timed(lambda: phone.get(reverse("field:api_today"), **secure)))
    )
    search = "/api/v1/registry/search/"
    lines.append(
        _line(
            "api.search", persons=total, **_timed(lambda: desk.get(search, {"q": "基准居民0042"}, **secure))
        )
    )
    lines.append(
        _line(
            "api.persons.first_page",
            persons=total,
            **_timed(lambda: desk.get("/api/v1/registry/persons/", **secure)),
        )
    )
    return lines
