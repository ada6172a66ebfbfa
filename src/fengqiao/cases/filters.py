"""THE FilterSets of case handling, shared by the case list page, the API and the xlsx export.

`CaseFilter` filters an already scoped queryset (`Case.objects.visible_to(user)`); it never widens
it. Dates are local (Asia/Shanghai) calendar days: `created_after=2026-11-02` means from midnight
of that day in Shanghai, `created_before=2026-11-02` up to the end of that day, both turned into
aware datetimes so the created_at indexes apply. Query parameters: `status` and `kind` and
`channel` repeatable (`?status=reported&status=accepted`) or comma-separated, `grid`, `village`,
`sla_state`, `urgency`, `category` (a top-level category includes its children),
`created_after`, `created_before`, `q` (number, tracking code, title, description, address).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fengqiao.cases.models import Assignment, Case, Channel, Kind, SLAState, Status, Urgency

#: A full case number (PREFIX-YEAR-NNNNNN), matched exactly rather than searched for.
CASE_NUMBER = re.compile(r"^[A-Za-z0-9]{1,8}-\d{4}-\d{6}$")
#: A tracking code as given to the public (12 characters of an unambiguous alphabet).
TRACKING_CODE = re.compile(r"^[23456789A-HJ-NP-Za-hj-np-z]{12}$")


class CommaSeparatedMultipleChoiceField(forms.MultipleChoiceField):
    def to_python(self, value: Any) -> list[str]:
        values = super().to_python([value] if isinstance(value, str) else value)
        return [part.strip() for item in values for part in str(item).split(",") if part.strip()]


class ChoicesFilter(django_filters.MultipleChoiceFilter):
    """`?status=reported&status=accepted` or `?status=reported,accepted`; blank means any."""

    field_class = CommaSeparatedMultipleChoiceField

    def filter(self, qs: Any, value: Any) -> Any:
        # One `IN (...)` rather than django-filter's OR of equalities: simpler plans on big tables.
        if not value:
            return qs
        return self.get_method(qs)(**{f"{self.field_name}__in": list(value)})


def _local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


class CaseFilter(django_filters.FilterSet):
    """Cases by status, kind, channel, place, time limit, creation date and a free-text `q`."""

    status = ChoicesFilter(label=_("Status"), choices=Status.choices)
    kind = ChoicesFilter(label=_("Kind"), choices=Kind.choices)
    channel = ChoicesFilter(label=_("Channel"), choices=Channel.choices)
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=Urgency.choices)
    sla_state = django_filters.ChoiceFilter(label=_("Time limit"), choices=SLAState.choices)
    grid = django_filters.NumberFilter(label=_("Grid"), field_name="grid_id")
    village = django_filters.NumberFilter(label=_("Village"), field_name="village_id")
    category = django_filters.NumberFilter(label=_("Category"), method="filter_category")
    created_after = django_filters.DateFilter(
        label=_("Created from"), method="filter_created_after", widget=forms.DateInput(attrs={"type": "date"})
    )
    created_before = django_filters.DateFilter(
        label=_("Created until"),
        method="filter_created_before",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = Case
        fields = [
            "q",
            "status",
            "kind",
            "channel",
            "urgency",
            "sla_state",
            "grid",
            "village",
            "category",
            "created_after",
            "created_before",
        ]

    def filter_category(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return queryset.filter(Q(category_id=value) | Q(category__parent_id=value))

    def filter_created_after(self, queryset: QuerySet[Case], name: str, value: dt.date) -> QuerySet[Case]:
        return queryset.filter(created_at__gte=_local_midnight(value))

    def filter_created_before(self, queryset: QuerySet[Case], name: str, value: dt.date) -> QuerySet[Case]:
        # Inclusive of the whole day: before the next local midnight.
        return queryset.filter(created_at__lt=_local_midnight(value + dt.timedelta(days=1)))

    def filter_q(self, queryset: QuerySet[Case], name: str, value: str) -> QuerySet[Case]:
        value = (value or "").strip()[:100]
        if not value:
            return queryset
        if CASE_NUMBER.match(value):
            return queryset.filter(number__in={value, value.upper()})
        query = (
            Q(number__icontains=value)
            | Q(title__icontains=value)
            | Q(description__icontains=value)
            | Q(address__icontains=value)
        )
        if TRACKING_CODE.match(value):
            query |= Q(tracking_code=value.upper())
        return queryset.filter(query)

    @property
    def form(self) -> Any:
        form = super().form
        for field in form.fields.values():
            widget = field.widget
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else "form-control form-control-sm"
            )
            widget.attrs.setdefault("class", css)
        return form


class AssignmentFilter(django_filters.FilterSet):
    """Assignments by status, role, department, case and the case's kind; `q` searches the case."""

    status = ChoicesFilter(label=_("Status"), choices=Assignment.Status.choices)
    role = django_filters.ChoiceFilter(label=_("Role"), choices=Assignment.Role.choices)
    department = django_filters.NumberFilter(label=_("Department"), field_name="department_id")
    case = django_filters.NumberFilter(label=_("Case"), field_name="case_id")
    kind = ChoicesFilter(label=_("Kind"), field_name="case__kind", choices=Kind.choices)
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = Assignment
        fields = ["q", "status", "role", "department", "case", "kind"]

    def filter_q(self, queryset: QuerySet[Assignment], name: str, value: str) -> QuerySet[Assignment]:
        value = (value or "").strip()[:100]
        if not value:
            return queryset
        return queryset.filter(Q(case__number__icontains=value) | Q(case__title__icontains=value))

    @property
    def form(self) -> Any:
        form = super().form
        for field in form.fields.values():
            widget = field.widget
            css = (
                "form-select form-select-sm"
                if isinstance(widget, forms.Select)
                else "form-control form-control-sm"
            )
            widget.attrs.setdefault("class", css)
        return form
