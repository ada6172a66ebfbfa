"""Benchmarks of point location, run by `fengqiao bench regions` (never as timed unit tests).

Synthetic lattices of square grids are built in memory, no database: a town's worth (about
1,000 grids) and a prefecture's worth (about 20,000). For each: the STRtree build time, the
throughput of single `locate` calls (what a request does) and of one batched query, checked
against each other so a fast wrong answer cannot pass for a result.
"""

from __future__ import annotations

import random
import time
from typing import Any

import numpy as np
import shapely

from fengqiao.regions.geo import GridIndex, boundary_from_geojson

#: (columns, rows): 40 x 25 = 1,000 grids and 160 x 125 = 20,000 grids.
SIZES = ((40, 25), (160, 125))
POINTS = 20_000
CELL = 0.01  # degrees, about 1 km at 35 N


def lattice(columns: int, rows: int) -> list[tuple[int, str, dict[str, Any]]]:
    """GeoJSON squares of CELL degrees tiling a block whose south-west corner is 106 E, 35 N."""
    entries = []
    for row in range(rows):
        for column in range(columns):
            lon, lat = 106.0 + column * CELL, 35.0 + row * CELL
            ring = [[lon, lat], [lon + CELL, lat], [lon + CELL, lat + CELL], [lon, lat + CELL], [lon, lat]]
            entries.append(
                (
                    row * columns + column + 1,
                    f"G{row:04d}{column:04d}",
                    {"type": "Polygon", "coordinates": [ring]},
                )
            )
    return entries


def _rate(count: int, seconds: float) -> str:
    return f"{count / seconds:,.0f}/s" if seconds > 0 else "n/a"


def run() -> list[str]:
    lines = []
    rng = random.Random(2026)  # noqa: S311 - reproducible points, not secrets
    for columns, rows in SIZES:
        entries = lattice(columns, rows)
        started = time.perf_counter()
        parsed = [(grid_id, code, boundary_from_geojson(boundary)) for grid_id, code, boundary in entries]
        parse = time.perf_counter() - started
        started = time.perf_counter()
        index = GridIndex(parsed)
        index.tree.query(shapely.Point(0, 0))  # GEOS builds the tree on the first query
        build = time.perf_counter() - started

        # Points over the lattice and a margin around it, so some fall outside every grid.
        width, height = columns * CELL, rows * CELL
        points = [
            (
                106.0 - 0.05 * width + rng.random() * 1.1 * width,
                35.0 - 0.05 * height + rng.random() * 1.1 * height,
            )
            for _ in range(POINTS)
        ]
        started = time.perf_counter()
        single = [index.locate_id(lon, lat) for lon, lat in points]
        single_seconds = time.perf_counter() - started

        started = time.perf_counter()
        geometries = shapely.points(np.array(points))
        point_idx, grid_idx = index.tree.query(geometries, predicate="intersects")
        batch_seconds = time.perf_counter() - started

        # The batched query knows nothing of the smallest-code rule, so compare only the points
        # that fall inside exactly one grid (all but those on a lattice line).
        hits: dict[int, list[int]] = {}
        for p, g in zip(point_idx.tolist(), grid_idx.tolist(), strict=True):
            hits.setdefault(p, []).append(index.ids[g])
        mismatches = sum(
            1
            for p, answer in enumerate(single)
            if len(hits.get(p, [])) <= 1 and answer != (hits[p][0] if p in hits else None)
        )
        inside = sum(1 for answer in single if answer is not None)
        lines.append(
            f"{len(entries):>6,} grids: GeoJSON parse {parse * 1000:,.0f} ms, "
            f"STRtree build {build * 1000:,.1f} ms; "
            f"locate {_rate(POINTS, single_seconds)} one by one, {_rate(POINTS, batch_seconds)} batched; "
            f"{inside:,} of {POINTS:,} points inside; {mismatches} mismatches"
        )
    lines.append("(each request's locate also reads the version token: one primary-key query)")
    return lines


if __name__ == "__main__":  # pragma: no cover - `python -m fengqiao.regions.bench`
    print("\n".join(run()))
