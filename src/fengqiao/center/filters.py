"""One FilterSet per list, shared by the department page and the API."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from fengqiao.center.models import Department, DutyShift


class DepartmentFilter(django_filters.FilterSet):
    """Departments by kind, stationing (常驻 / 轮驻 / 随叫随驻), hall presence and activity."""

    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=Department.Kind.choices)
    stationing = django_filters.ChoiceFilter(label=_("Stationing"), choices=Department.Stationing.choices)
    in_hall = django_filters.BooleanFilter(label=_("Stationed in the hall"))
    is_active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Department
        fields = ["kind", "stationing", "in_hall", "is_active"]

    @property
    def form(self) -> Any:
        form = super().form
        for field in form.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")
        return form


class DutyShiftFilter(django_filters.FilterSet):
    """Duty shifts of one month (`?month=2026-11`) and, for staff of several towns, one town."""

    month = django_filters.CharFilter(label=_("Month (YYYY-MM)"), method="filter_month")
    town = django_filters.NumberFilter(label=_("Town"), field_name="town_id")

    class Meta:
        model = DutyShift
        fields = ["month", "town"]

    def filter_month(self, queryset: Any, name: str, value: str) -> Any:
        from fengqiao.center.queries import month_days, parse_month

        month = parse_month(value, default=dt.date.today())
        if month is None:
            raise ValidationError({"month": [_("Give the month as YYYY-MM, for example 2026-11.")]})
        days = month_days(month)
        return queryset.filter(date__gte=days[0], date__lte=days[-1])
