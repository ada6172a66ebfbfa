"""`regions.bench.run` works and its single and batched answers agree (no timing asserted)."""

from __future__ import annotations

from fengqiao.regions import bench


def test_the_benchmark_runs_and_finds_no_mismatches(monkeypatch):
    monkeypatch.setattr(bench, "SIZES", ((8, 5),))
    monkeypatch.setattr(bench, "POINTS", 500)
    lines = bench.run()
    assert lines[0].lstrip().startswith("40 grids")
    assert "0 mismatches" in lines[0]
    assert "STRtree build" in lines[0] and "/s one by one" in lines[0]
