"""Pages for regions and grids: the grid map and a grid's page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from fengqiao.regions.models import Grid
from fengqiao.regions.queries import get_grid_for_user


@login_required
def grid_map(request: HttpRequest) -> HttpResponse:
    grids = Grid.objects.visible_to(request.user).select_related("village").prefetch_related("members")
    return render(request, "regions/grid_map.html", {"grids": grids})


@login_required
def grid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grid = get_grid_for_user(request.user, pk)
    return render(request, "regions/grid_detail.html", {"grid": grid})
