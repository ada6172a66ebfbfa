"""The grid page shows the grid's patrol history and counts per worker (issue 5, item 6)."""

from __future__ import annotations

import re

from django.urls import reverse

from fengqiao.registry import services as registry_services


def test_the_grid_page_counts_patrols_per_worker(client, clerk, worker_a, town):
    for _ in range(2):
        patrol = registry_services.start_patrol(by=worker_a, grid=town.grid_a)
        registry_services.end_patrol(patrol, by=worker_a)
    client.force_login(clerk)
    html = client.get(
        reverse("regions:grid_detail", args=[town.grid_a.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    section = html[html.index('data-testid="grid-patrols"') :]
    assert re.search(r"<td>worker_a</td><td>2</td><td>2</td>", section), section[:800]


def test_another_grids_patrols_are_not_shown(client, clerk, worker_a, town):
    registry_services.start_patrol(by=worker_a, grid=town.grid_a)
    client.force_login(clerk)
    html = client.get(reverse("regions:grid_detail", args=[town.grid_b.pk])).content.decode()
    assert "worker_a" not in html
