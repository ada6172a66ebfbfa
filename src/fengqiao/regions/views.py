"""Pages for regions and grids: the grid map, a grid's page, and the administrators' boundary
import and export. Views parse, call one service or query, and render."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from fengqiao.regions import boundary_files, services
from fengqiao.regions.exceptions import RegionError
from fengqiao.regions.filters import GridFilter
from fengqiao.regions.forms import BoundaryImportForm
from fengqiao.regions.models import Grid
from fengqiao.regions.queries import (
    export_boundaries_shapefile,
    export_rows,
    get_grid_for_user,
    grids_for_map,
    liaisons_of,
)

View = Callable[..., HttpResponse]


def administrator_required(view: View) -> View:
    """Logged in, and an administrator; everyone else gets 403."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "is_administrator", False):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _map_features(rows: list[boundary_files.ExportRow]) -> dict[str, Any]:
    """The drawable grids (those with a boundary) as GeoJSON, each with the link to its page."""
    document = boundary_files.geojson_document(row for row in rows if row.boundary)
    for feature in document["features"]:
        feature["properties"]["url"] = reverse("regions:grid_detail", args=[feature["id"]])
    return document


def _map_settings() -> dict[str, Any]:
    return {"tile_url": settings.MAP_TILE_URL or "", "tile_attribution": settings.MAP_TILE_ATTRIBUTION or ""}


@login_required
@require_GET
def grid_map(request: HttpRequest) -> HttpResponse:
    rows = export_rows(grids_for_map(request.user))
    return render(
        request,
        "regions/grid_map.html",
        {"rows": rows, "grid_features": _map_features(rows), "map_settings": _map_settings()},
    )


@login_required
@require_GET
def grid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grid = get_grid_for_user(request.user, pk)
    rows = export_rows(Grid.objects.filter(pk=grid.pk))
    return render(
        request,
        "regions/grid_detail.html",
        {
            "grid": grid,
            "workers": rows[0].workers,
            "liaisons": liaisons_of(grid.village),
            "grid_features": _map_features(rows),
            "map_settings": _map_settings(),
        },
    )


@administrator_required
@require_http_methods(["GET", "POST"])
def boundary_import(request: HttpRequest) -> HttpResponse:
    form = BoundaryImportForm(request.POST or None, request.FILES or None)
    errors: list[Any] = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_boundaries(
                upload.read(),
                by=request.user,
                filename=upload.name or "",
                code_field=form.cleaned_data["code_field"],
                name_field=form.cleaned_data["name_field"],
                village_field=form.cleaned_data["village_field"] or None,
            )
        except RegionError as exc:
            form.add_error(None, str(exc))
            errors = exc.errors
        else:
            messages.success(
                request,
                _(
                    "Boundaries imported: %(created)d grids created, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % {
                    "created": len(result.created),
                    "updated": len(result.updated),
                    "unchanged": len(result.unchanged),
                },
            )
            return redirect("regions:grid_map")
    return render(request, "regions/boundary_import.html", {"form": form, "feature_errors": errors})


def _export_queryset(request: HttpRequest) -> Any:
    return GridFilter(request.GET, queryset=Grid.objects.visible_to(request.user)).qs


@administrator_required
@require_GET
def boundary_export(request: HttpRequest) -> HttpResponse:
    grid_filter = GridFilter(request.GET, queryset=Grid.objects.visible_to(request.user))
    for field in grid_filter.form.fields.values():
        field.widget.attrs.setdefault("class", "form-control form-control-sm")
    return render(
        request,
        "regions/boundary_export.html",
        {"filter": grid_filter, "count": grid_filter.qs.count(), "query": request.GET.urlencode()},
    )


@administrator_required
@require_GET
def boundary_export_geojson(request: HttpRequest) -> HttpResponse:
    document = services.export_boundaries(_export_queryset(request))
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=1), content_type="application/geo+json; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="grids.geojson"'
    return response


@administrator_required
@require_GET
def boundary_export_shapefile(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        export_boundaries_shapefile(_export_queryset(request)), content_type="application/zip"
    )
    response["Content-Disposition"] = 'attachment; filename="grids-shapefile.zip"'
    return response
