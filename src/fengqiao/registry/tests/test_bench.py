"""`registry.bench.run` works end to end at a tiny size (no timing asserted)."""

from __future__ import annotations

import json

import pytest

from fengqiao.registry import bench, services
from fengqiao.registry.models import Person

pytestmark = pytest.mark.django_db


def test_the_benchmark_imports_reimports_refuses_and_reads(monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(bench, "SAMPLES", 2)
    monkeypatch.setattr(bench, "WARMUP", 0)
    start_import = services.start_import

    def start_and_run(**kwargs):
        # Outside tests the import runs when start_import's transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            return start_import(**kwargs)

    monkeypatch.setattr(services, "start_import", start_and_run)
    figures = {line["bench"]: line for line in map(json.loads, bench.run(cases=60))}
    assert figures["import.new"]["rows"] == 60
    assert figures["import.again"]["unchanged"] == 60
    assert figures["import.refused"]["errors"] == 3  # every 20th of 60 rows
    assert {"field.today", "api.search", "api.persons.first_page"} <= set(figures)
    assert Person.objects.filter(address__startswith=bench.ADDRESS_MARK).count() == 60
