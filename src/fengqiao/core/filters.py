"""FilterSets of the kernel, shared by the page and the API (STYLE.md: one FilterSet per list)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from fengqiao.core.models import AuditEvent


class AuditEventFilter(django_filters.FilterSet):
    """The audit trail by action, actor, object type and date range (dates in Asia/Shanghai)."""

    action = django_filters.CharFilter(
        label=_("Action"),
        method="filter_action",
        help_text=_("e.g. user.update, or auth. for every login event"),
    )
    actor = django_filters.CharFilter(label=_("Actor"), field_name="actor_name", lookup_expr="iexact")
    object_type = django_filters.CharFilter(
        label=_("Object type"), field_name="object_type", lookup_expr="exact"
    )
    object_id = django_filters.CharFilter(label=_("Object id"), field_name="object_id", lookup_expr="exact")
    since = django_filters.DateFilter(label=_("From"), field_name="at", lookup_expr="date__gte")
    until = django_filters.DateFilter(label=_("To"), field_name="at", lookup_expr="date__lte")

    class Meta:
        model = AuditEvent
        fields = ["action", "actor", "object_type", "object_id", "since", "until"]

    def filter_action(self, queryset: QuerySet[AuditEvent], name: str, value: str) -> Any:
        # "user." (or "user") means every user action; a full name matches exactly that action.
        value = value.strip()
        if value.endswith(".") or "." not in value:
            return queryset.filter(action__startswith=value.rstrip(".") + ".")
        return queryset.filter(action=value)
