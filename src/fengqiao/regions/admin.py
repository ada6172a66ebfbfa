"""Django admin for regions and grids: administrators only, every write through the services.

The admin's own saving is bypassed: `save_model` hands the form's values to `create_region` /
`update_region` and `create_grid` / `update_grid` / `set_grid_boundary`, and deleting a grid goes
through `delete_grid`, so each change is checked the same way as on the pages and audited.
Regions are not deleted here: villages carry grids, users and (later) every scoped record.
Large boundary changes belong on the import page; the admin edits one grid's GeoJSON.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fengqiao.core.admin_site import AdministratorsOnlyMixin
from fengqiao.regions import geo, services
from fengqiao.regions.exceptions import RegionError
from fengqiao.regions.models import Grid, Region


class GridAdminForm(forms.ModelForm[Grid]):
    boundary = forms.JSONField(
        label=_("boundary (GeoJSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 90}),
        help_text=_("A GeoJSON Polygon or MultiPolygon in WGS84 longitude and latitude."),
    )

    class Meta:
        model = Grid
        fields = ["code", "name", "village", "boundary"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        village_field = self.fields["village"]
        assert isinstance(village_field, forms.ModelChoiceField)
        village_field.queryset = Region.objects.filter(level=Region.Level.VILLAGE)

    def clean_boundary(self) -> Any:
        value = self.cleaned_data.get("boundary")
        if value in (None, "", {}):
            return None
        try:
            geom = geo.parse_boundary(value)
        except RegionError as error:
            raise forms.ValidationError(str(error)) from None
        own_code = self.instance.code if self.instance.pk else None
        overlapping = [found.code for found in geo.get_index().overlapping(geom) if found.code != own_code]
        if overlapping:
            raise forms.ValidationError(
                _("The boundary overlaps the grid(s) %(codes)s.") % {"codes": ", ".join(overlapping)}
            )
        return geo.to_geojson(geom)


@admin.register(Grid)
class GridAdmin(AdministratorsOnlyMixin, admin.ModelAdmin[Grid]):
    form = GridAdminForm
    list_display = ["code", "name", "village", "area_m2"]
    list_select_related = ["village"]
    list_filter = ["village"]
    search_fields = ["code", "name", "village__name"]
    readonly_fields = ["area_m2", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Grid, form: Any, change: bool) -> None:
        data = form.cleaned_data
        with transaction.atomic():
            if not change:
                created = services.create_grid(
                    data["village"],
                    by=request.user,
                    code=data["code"],
                    name=data["name"],
                    boundary=data["boundary"],
                )
                obj.pk = created.pk
                return
            grid = services.update_grid(
                obj, by=request.user, code=data["code"], name=data["name"], village=data["village"]
            )
            if "boundary" in form.changed_data:
                services.set_grid_boundary(grid, data["boundary"], by=request.user)

    def delete_model(self, request: HttpRequest, obj: Grid) -> None:
        services.delete_grid(obj, by=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Grid]) -> None:
        with transaction.atomic():
            for grid in queryset:
                services.delete_grid(grid, by=request.user)


class RegionAdminForm(forms.ModelForm[Region]):
    class Meta:
        model = Region
        fields = ["code", "name", "level", "parent"]


@admin.register(Region)
class RegionAdmin(AdministratorsOnlyMixin, admin.ModelAdmin[Region]):
    form = RegionAdminForm
    list_display = ["code", "name", "level", "parent"]
    list_select_related = ["parent"]
    list_filter = ["level"]
    search_fields = ["code", "name"]
    readonly_fields = ["path", "created_at", "updated_at"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # The level and the parent place a region in the tree; moving a subtree is not an admin edit.
        return [*self.readonly_fields, "level", "parent"] if obj is not None else self.readonly_fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.create_region(
                by=request.user,
                code=data["code"],
                name=data["name"],
                level=data["level"],
                parent=data.get("parent"),
            )
            obj.pk = created.pk
            return
        services.update_region(obj, by=request.user, code=data["code"], name=data["name"])
