"""Django admin for case policy (categories, SLA policies, number prefixes): administrators only,
every write audited. Cases themselves change only through `cases.services`, never here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from fengqiao.cases.models import CaseNumberPrefix, Category, SLAPolicy, case_number_scope
from fengqiao.core import sequences
from fengqiao.core.admin_site import AdministratorsOnlyMixin
from fengqiao.core.audit import diff, record, snapshot


class AuditedPolicyAdmin(AdministratorsOnlyMixin, admin.ModelAdmin[Any]):
    """Administrators only; an audit row with the diff for every add, change and delete."""

    def _fields(self) -> list[str]:
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if f.editable and not f.primary_key and f.name not in ("created_at", "updated_at")
        ]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        fields = self._fields()
        with transaction.atomic():
            before = snapshot(type(obj).objects.select_for_update().get(pk=obj.pk), fields) if change else {}
            super().save_model(request, obj, form, change)
            changed = diff(obj, before, fields)
            if change and not changed:
                return
            action = f"{self.model._meta.model_name}.admin_{'change' if change else 'add'}"
            record(action, by=request.user, obj=obj, changes=changed)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        with transaction.atomic():
            gone = {field: [new, None] for field, (_old, new) in diff(obj, {}, self._fields()).items()}
            record(f"{self.model._meta.model_name}.admin_delete", by=request.user, obj=obj, changes=gone)
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


@admin.register(Category)
class CategoryAdmin(AuditedPolicyAdmin):
    list_display = ["__str__", "kind", "position", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name"]
    ordering = ["kind", "parent__name", "position", "name"]


@admin.register(SLAPolicy)
class SLAPolicyAdmin(AuditedPolicyAdmin):
    list_display = ["kind", "urgency", "ack_hours", "resolve_days", "warn_share"]
    list_filter = ["kind"]


@admin.register(CaseNumberPrefix)
class CaseNumberPrefixAdmin(AuditedPolicyAdmin):
    """Only the prefix is editable: the numbers move with intake, in `core.sequences`."""

    list_display = ["town", "year", "prefix", "last_number"]
    readonly_fields = ["town", "year"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("last number"))
    def last_number(self, obj: CaseNumberPrefix) -> int:
        return sequences.last_value(case_number_scope(obj.town_id), obj.year)
