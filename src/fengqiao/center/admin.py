"""Django admin for the center's organisation: administrators only, every change audited.

The pages of this app are the everyday way to edit the organisation; the admin is the
configuration back door, so it applies the same rules (the services' checks in the forms) and
writes an audit row with the diff for every add, change and delete.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from fengqiao.center import services
from fengqiao.center.exceptions import CenterError
from fengqiao.center.models import Department, DutyShift, Room, Window
from fengqiao.core.audit import diff, record, snapshot


class AuditedModelAdmin(admin.ModelAdmin[Any]):
    """A ModelAdmin that only administrators use and that audits every write."""

    def _audit_fields(self) -> list[str]:
        return [
            field.name
            for field in self.model._meta.concrete_fields
            if field.editable and not field.primary_key and field.name not in ("created_at", "updated_at")
        ]

    def _action(self, verb: str) -> str:
        return f"{self.model._meta.model_name}.admin_{verb}"

    def _is_admin(self, request: HttpRequest) -> bool:
        user: Any = request.user
        return bool(user.is_active and user.is_staff and getattr(user, "is_administrator", False))

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self._is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._is_admin(request)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = self._audit_fields()
        with transaction.atomic():
            before = snapshot(type(obj).objects.select_for_update().get(pk=obj.pk), fields) if change else {}
            super().save_model(request, obj, form, change)
            changed = diff(obj, before, fields)
            if change and not changed:
                return
            record(self._action("change" if change else "add"), by=request.user, obj=obj, changes=changed)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        fields = self._audit_fields()
        with transaction.atomic():
            # The diff against nothing lists the values the row held: [value, None] per field.
            gone = {field: [new, None] for field, (_old, new) in diff(obj, {}, fields).items()}
            record(self._action("delete"), by=request.user, obj=obj, changes=gone)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


def _as_validation_error(error: CenterError) -> forms.ValidationError:
    return forms.ValidationError(str(error), code=error.code)


class WindowAdminForm(forms.ModelForm[Window]):
    class Meta:
        model = Window
        fields = ["town", "number", "name", "department"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        town, department = data.get("town"), data.get("department")
        if town is not None and department is not None:
            try:
                services.check_town(town)
                services.check_window_department(department, town)
            except CenterError as error:
                raise _as_validation_error(error) from None
        return data


class RoomAdminForm(forms.ModelForm[Room]):
    class Meta:
        model = Room
        fields = ["town", "name", "purpose", "description"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("town") is not None:
            try:
                services.check_town(data["town"])
            except CenterError as error:
                raise _as_validation_error(error) from None
        return data


class DutyShiftAdminForm(forms.ModelForm[DutyShift]):
    class Meta:
        model = DutyShift
        fields = ["town", "date", "leader", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        town, leader = data.get("town"), data.get("leader")
        if town is not None and leader is not None:
            try:
                services.check_town(town)
                services.check_duty_leader(leader, town)
            except CenterError as error:
                raise _as_validation_error(error) from None
        return data


class WindowInline(admin.TabularInline[Any, Any]):
    model = Window
    extra = 0
    fields = ["town", "number", "name"]
    readonly_fields = ["town", "number", "name"]
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Department)
class DepartmentAdmin(AuditedModelAdmin):
    list_display = ["name", "kind", "stationing", "in_hall", "region", "contact_name", "is_active"]
    list_filter = ["kind", "stationing", "in_hall", "is_active"]
    search_fields = ["name", "contact_name"]
    list_select_related = ["region"]
    inlines = [WindowInline]


@admin.register(Window)
class WindowAdmin(AuditedModelAdmin):
    form = WindowAdminForm
    list_display = ["number", "name", "department", "town"]
    list_select_related = ["department", "town"]
    list_filter = ["town"]


@admin.register(Room)
class RoomAdmin(AuditedModelAdmin):
    form = RoomAdminForm
    list_display = ["name", "purpose", "town"]
    list_select_related = ["town"]
    list_filter = ["purpose", "town"]


@admin.register(DutyShift)
class DutyShiftAdmin(AuditedModelAdmin):
    form = DutyShiftAdminForm
    list_display = ["date", "leader", "town", "note"]
    list_select_related = ["leader", "town"]
    list_filter = ["town"]
    date_hierarchy = "date"
