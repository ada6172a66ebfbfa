"""Benchmarks of case handling at size, run by `fengqiao bench cases --cases N` (never in unit tests).

It WRITES to the configured database: point it at a scratch one, e.g.

    FENGQIAO_DATA_DIR=/tmp/fqbench fengqiao migrate && \\
        FENGQIAO_DATA_DIR=/tmp/fqbench fengqiao bench cases --cases 10000
    createdb -h 127.0.0.1 -U postgres fq_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fq_bench fengqiao migrate && \\
        DATABASE_URL=postgres://postgres@127.0.0.1:5432/fq_bench fengqiao bench cases --cases 10000

What it does: loads the demo town when the database has no town with grids; tops the town up to N
cases spread over its grids with realistic statuses, time limits, assignments and a first timeline
row (bulk_create, not the services: it is the size that matters here, and a re-run adds only the
missing cases); then measures, through Django's test client against the real URL conf:

- intake through the API (`POST /api/v1/cases/` with a token): cases/s, p50/p95, queries/request;
- the dispatcher's queue (`queries.dispatcher_queue`, every tab's first page and the tab counts;
  the queue page as well when the pages app has one), the case list API (plain, filtered by
  status, and a text search), the case detail API and its timeline: p50/p95 and queries/request.

Each figure is one JSON line: ``{"bench": name, "cases": N, ...}``.

On PostgreSQL, the server's JIT (on by default, `jit_above_cost` 100,000) compiles the queue's
count query at 1 M cases for ~0.5 s of its ~0.6 s; `PGOPTIONS="-c jit=off"` measures without it
(and is what an OLTP installation should run with).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

#: How many requests each read figure is taken over (after a few to warm caches).
SAMPLES = 40
WARMUP = 3
INTAKES = 200
BATCH = 5_000

#: Share of each status among a year of a town's cases: most are closed within their 15 working
#: days, so about one in fourteen is still open at any time.
STATUS_MIX = (
    ("closed", 0.87),
    ("rejected", 0.03),
    ("escalated", 0.01),
    ("duplicate", 0.02),
    ("reported", 0.005),
    ("accepted", 0.005),
    ("dispatched", 0.01),
    ("in_progress", 0.025),
    ("suspended", 0.005),
    ("resolved", 0.015),
    ("verified", 0.01),
)
KIND_MIX = (
    ("appeal", 0.35),
    ("dispute", 0.25),
    ("hazard", 0.15),
    ("opinion", 0.08),
    ("petition", 0.07),
    ("consultation", 0.10),
)
CHANNELS = ("window", "phone", "wechat", "patrol", "video", "online", "leader_duty", "referral")
TITLES = ("路灯不亮", "邻里噪音", "宅基地纠纷", "道路积水", "消防通道堵塞", "土地流转纠纷", "垃圾清运不及时")
CLOCK = ("reported", "accepted", "dispatched", "in_progress")
ASSIGNED = ("dispatched", "in_progress", "resolved", "verified", "closed", "suspended")


def _line(name: str, cases: int, **figures: Any) -> str:
    return json.dumps({"bench": name, "cases": cases, **figures}, ensure_ascii=False)


def _pick(rng: random.Random, mix: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([value for value, _ in mix], weights=[weight for _, weight in mix])[0]


@contextmanager
def _keep_created_at() -> Iterator[None]:
    """Let bulk_create store the generated `created_at` (auto_now_add would overwrite it)."""
    from fengqiao.cases.models import Case

    field: Any = Case._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def _town() -> Any:
    from fengqiao.regions.models import Grid, Region

    town = Region.objects.filter(level=Region.Level.TOWN, children__grids__isnull=False).distinct().first()
    if town is None:
        from fengqiao.demo.town import load_demo_town

        load_demo_town()
        town = (
            Region.objects.filter(level=Region.Level.TOWN, children__grids__isnull=False).distinct().first()
        )
    assert town is not None and Grid.objects.filter(village__parent=town).exists()
    return town


def _users(town: Any) -> tuple[Any, Any]:
    """A clerk of the town and an officer of its first department, made for the bench if missing."""
    from fengqiao.accounts.models import Role, User
    from fengqiao.center.models import Department

    clerk, _ = User.objects.get_or_create(username="bench_clerk", defaults={"role": Role.CLERK})
    clerk.regions.add(town)
    department = Department.objects.filter(region__path__startswith=town.path, is_active=True).first()
    if department is None:
        department = Department.objects.create(name="bench department", kind="police", region=town)
    officer, _ = User.objects.get_or_create(
        username="bench_officer", defaults={"role": Role.DEPARTMENT_OFFICER, "department": department}
    )
    return clerk, officer


def generate(town: Any, target: int, *, seed: int = 2026) -> int:
    """Top the town up to `target` cases (bulk); returns how many were made."""
    from fengqiao.cases.models import Assignment, Case, CaseEvent, case_number_scope
    from fengqiao.cases.services.intake import case_number_prefix, new_tracking_code
    from fengqiao.center.models import Department
    from fengqiao.core import sequences
    from fengqiao.regions.models import Grid

    existing = Case.objects.filter(town=town).count()
    missing = max(0, target - existing)
    if not missing:
        return 0
    rng = random.Random(seed + existing)  # noqa: S311 - reproducible data, not secrets
    grids = list(Grid.objects.filter(village__parent=town).select_related("village"))
    departments = list(Department.objects.filter(region__path__startswith=town.path, is_active=True))
    now = timezone.now()
    made = 0
    while made < missing:
        size = min(BATCH, missing - made)
        with transaction.atomic():
            # Numbers: claim a block of the town's sequence for this year, as intake would one by one.
            year = timezone.localtime(now).year
            numbers = sequences.claim(case_number_scope(town), year, size)
            prefix = case_number_prefix(town, year)
            cases = []
            for index in range(size):
                grid = rng.choice(grids)
                status = _pick(rng, STATUS_MIX)
                created = now - dt.timedelta(minutes=rng.randint(10, 365 * 24 * 60))
                running = status in CLOCK
                due = created + dt.timedelta(days=rng.randint(1, 20))
                sla_state = "normal"
                if running:
                    sla_state = rng.choices(("normal", "warning", "overdue"), weights=(85, 10, 5))[0]
                cases.append(
                    Case(
                        number=f"{prefix}-{year}-{numbers[index]:06d}",
                        tracking_code=new_tracking_code(),
                        kind=_pick(rng, KIND_MIX),
                        channel=rng.choice(CHANNELS),
                        urgency=rng.choices(("normal", "urgent", "critical"), weights=(90, 8, 2))[0],
                        title=rng.choice(TITLES),
                        description=f"bench case {numbers[index]}: {rng.choice(TITLES)}",
                        address=f"{grid.village.name}{rng.randint(1, 12)}组",
                        grid=grid,
                        village=grid.village,
                        town=town,
                        reporter_name="测试",
                        reporter_phone=f"+86139{rng.randint(0, 99_999_999):08d}",
                        status=status,
                        sla_state=sla_state,
                        ack_due_at=created + dt.timedelta(hours=8),
                        resolve_due_at=due if status != "reported" else None,
                        due_at=due if running else None,
                        warn_at=due - dt.timedelta(days=1) if running else None,
                        accepted_at=created + dt.timedelta(hours=1)
                        if status not in ("reported", "rejected")
                        else None,
                        closed_at=created + dt.timedelta(days=5) if status == "closed" else None,
                        created_at=created,
                    )
                )
            with _keep_created_at():
                Case.objects.bulk_create(cases, batch_size=1000)
            # PostgreSQL returns the ids; SQLite too since 3.35. Re-read them to be safe.
            if cases[0].pk is None:
                numbers = [case.number for case in cases]
                ids = dict(Case.objects.filter(town=town, number__in=numbers).values_list("number", "pk"))
                for case in cases:
                    case.pk = ids[case.number]
            CaseEvent.objects.bulk_create(
                [
                    CaseEvent(
                        case_id=case.pk,
                        at=case.created_at,
                        actor_name="bench",
                        action="report",
                        from_status="",
                        to_status="reported",
                    )
                    for case in cases
                ],
                batch_size=1000,
            )
            if departments:
                Assignment.objects.bulk_create(
                    [
                        Assignment(
                            case_id=case.pk,
                            department=rng.choice(departments),
                            role="lead",
                            status="done" if case.status in ("resolved", "verified", "closed") else "pending",
                            due_at=case.resolve_due_at,
                            ack_due_at=case.created_at + dt.timedelta(hours=4),
                        )
                        for case in cases
                        if case.status in ASSIGNED
                    ],
                    batch_size=1000,
                )
        made += size
    return made


def _measure(call: Callable[[], Any], samples: int = SAMPLES) -> dict[str, Any]:
    for _ in range(WARMUP):
        call()
    timings, queries = [], []
    for _ in range(samples):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = call()
            timings.append(time.perf_counter() - started)
        status = getattr(result, "status_code", 200)
        if status >= 400:
            raise RuntimeError(
                f"bench request failed with {status}: {getattr(result, 'content', b'')[:300]!r}"
            )
        queries.append(len(captured))
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings) * 1000, 1),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)] * 1000, 1),
        "queries": max(queries),
        "samples": samples,
    }


def _client_host() -> str:
    hosts = [str(host) for host in settings.ALLOWED_HOSTS if host != "*" and not str(host).startswith(".")]
    return hosts[0] if hosts else "localhost"


def run(cases: int = 10_000) -> list[str]:
    from rest_framework.authtoken.models import Token

    from fengqiao.cases import queries
    from fengqiao.cases.models import Case
    from fengqiao.regions.models import Grid

    town = _town()
    clerk, officer = _users(town)
    started = time.perf_counter()
    made = generate(town, cases)
    if made:
        # Fresh statistics, as autovacuum would gather them later: plans at this size, not at zero.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE cases_case, cases_assignment, cases_caseevent")
            else:
                cursor.execute("ANALYZE")
    total = Case.objects.filter(town=town).count()
    lines = [
        _line(
            "generate",
            total,
            made=made,
            seconds=round(time.perf_counter() - started, 1),
            database=connection.vendor,
        )
    ]

    token, _ = Token.objects.get_or_create(user=clerk)
    secure = bool(getattr(settings, "SECURE_SSL_REDIRECT", False))
    api = Client(
        HTTP_AUTHORIZATION=f"Token {token.key}", SERVER_NAME=_client_host(), HTTP_ACCEPT_LANGUAGE="en"
    )
    grid_ids = list(Grid.objects.filter(village__parent=town).values_list("pk", flat=True))
    rng = random.Random(7)  # noqa: S311

    # Intake through the API.
    timings, queries_per = [], []
    for index in range(INTAKES):
        body = {
            "kind": "appeal",
            "channel": "window",
            "title": "bench intake",
            "description": f"bench intake {index}",
            "grid": rng.choice(grid_ids),
            "reporter_name": "测试",
            "reporter_phone": "13912345678",
        }
        with CaptureQueriesContext(connection) as captured:
            begun = time.perf_counter()
            response = api.post("/api/v1/cases/", body, content_type="application/json", secure=secure)
            timings.append(time.perf_counter() - begun)
        if response.status_code != 201:
            raise RuntimeError(f"intake failed with {response.status_code}: {response.content[:300]!r}")
        queries_per.append(len(captured))
    ordered = sorted(timings)
    lines.append(
        _line(
            "intake_api",
            total,
            cases_per_s=round(INTAKES / sum(timings), 1),
            p50_ms=round(statistics.median(ordered) * 1000, 1),
            p95_ms=round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 1),
            queries=max(queries_per),
            requests=INTAKES,
        )
    )
    total = Case.objects.filter(town=town).count()

    # The dispatcher's queue: every tab's first page plus the tab counts, as the page shows them.
    def queue() -> None:
        queries.queue_counts(clerk)
        for bucket in queries.QUEUE_BUCKETS:
            list(queries.dispatcher_queue(clerk, bucket)[:50])

    lines.append(_line("dispatcher_queue_all_tabs", total, **_measure(queue)))
    lines.append(
        _line(
            "dispatcher_queue_one_tab",
            total,
            **_measure(lambda: list(queries.dispatcher_queue(clerk, "overdue")[:50])),
        )
    )

    get = lambda path: api.get(path, secure=secure)  # noqa: E731
    lines.append(_line("case_list_api", total, **_measure(lambda: get("/api/v1/cases/"))))
    lines.append(
        _line("case_list_api_status", total, **_measure(lambda: get("/api/v1/cases/?status=in_progress")))
    )
    lines.append(
        _line("case_list_api_search", total, **_measure(lambda: get("/api/v1/cases/?q=%E7%BA%A0%E7%BA%B7")))
    )
    lines.append(
        _line("case_list_api_offset_5000", total, **_measure(lambda: get("/api/v1/cases/?offset=5000"), 10))
    )
    max_id = Case.objects.filter(town=town).aggregate(top=Max("pk"))["top"] or 1
    ids = list(
        Case.objects.filter(town=town, pk__gte=max(1, max_id - 50_000)).values_list("pk", flat=True)[:2000]
    )
    lines.append(
        _line("case_detail_api", total, **_measure(lambda: get(f"/api/v1/cases/{rng.choice(ids)}/")))
    )
    lines.append(
        _line(
            "case_timeline_api", total, **_measure(lambda: get(f"/api/v1/cases/{rng.choice(ids)}/timeline/"))
        )
    )
    officer_token, _ = Token.objects.get_or_create(user=officer)
    inbox = Client(HTTP_AUTHORIZATION=f"Token {officer_token.key}", SERVER_NAME=_client_host())
    lines.append(
        _line(
            "assignment_inbox_api",
            total,
            **_measure(lambda: inbox.get("/api/v1/assignments/", secure=secure)),
        )
    )

    # The pages, when the pages app provides them (session login).
    browser = Client(SERVER_NAME=_client_host(), HTTP_ACCEPT_LANGUAGE="en")
    browser.force_login(clerk)
    for name, label in (("cases:case_queue", "queue_page"), ("cases:case_list", "case_list_page")):
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        lines.append(_line(label, total, **_measure(partial(browser.get, url, secure=secure), 20)))
    return lines
