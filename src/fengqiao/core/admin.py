"""The working-day calendar in Django admin: administrators correct it each year (节假日安排).

Every save and delete goes through `core.calendar.set_holiday`, so each correction is audited and
every process reloads its calendar. The audit trail itself is deliberately not in the admin: it
is read by auditors on their own page and changed by nobody.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from fengqiao.core.admin_site import AdministratorsOnlyMixin
from fengqiao.core.calendar import set_holiday
from fengqiao.core.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(AdministratorsOnlyMixin, admin.ModelAdmin[Holiday]):
    list_display = ["date", "is_workday", "name"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["name"]
    ordering = ["-date"]
    actions: list[Any] = []  # no bulk delete: it would bypass set_holiday and the audit trail

    def save_model(self, request: HttpRequest, obj: Holiday, form: Any, change: bool) -> None:
        saved = set_holiday(obj.date, by=request.user, is_workday=obj.is_workday, name=obj.name)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Holiday) -> None:
        # Deleting an exception restores the plain week for that date.
        set_holiday(obj.date, by=request.user, is_workday=obj.date.weekday() < 5, name="")
