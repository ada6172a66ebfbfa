"""Django admin for mediation: the committees and their mediators (administrators only, audited);
disputes are read-only here, since they change only through `mediation.services`."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from fengqiao.core.admin_site import AdministratorsOnlyMixin
from fengqiao.core.audit import record
from fengqiao.mediation.models import Dispute, MediationOrganization


@admin.register(MediationOrganization)
class MediationOrganizationAdmin(AdministratorsOnlyMixin, admin.ModelAdmin[Any]):
    list_display = ["name", "town", "department", "abbreviation"]
    list_filter = ["town"]
    filter_horizontal = ["members"]
    search_fields = ["name"]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            obj = form.instance
            record(
                f"mediation_organization.admin_{'change' if change else 'add'}",
                by=request.user,
                obj=obj,
                changes={
                    "abbreviation": obj.abbreviation,
                    "members": sorted(obj.members.values_list("username", flat=True)),
                },
            )


@admin.register(Dispute)
class DisputeAdmin(AdministratorsOnlyMixin, admin.ModelAdmin[Any]):
    list_display = ["dossier_number", "dispute_type", "source", "outcome", "registered_at", "archived_at"]
    list_filter = ["dispute_type", "source", "outcome"]
    search_fields = ["dossier_number", "case__title"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
