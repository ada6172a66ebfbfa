"""THE FilterSet of disputes, shared by the dispute list, the API and the statistics' drill-down.

`month` (YYYY-MM, registered in that month) or `since_january` (registered from January 1 to that
month's end) and the figure parameters of `statistics.figure_q` (`dispute_type`, `source`,
`referral`, `outcome` agreement|failure|pending, `resolved=1`, `kept` criminal|petition) filter
through the very function the monthly table counts with. With a month, the outcomes are those at
the month's end (as the table counts them); without one, those of now.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from fengqiao.mediation import statistics
from fengqiao.mediation.models import Dispute, DisputeType, Outcome, Referral, RiskGrade, Source


def _figure(name: str) -> Any:
    # The figure parameters are applied together in `filter_queryset`: an outcome is "as at the
    # end" of the month the `month` / `since_january` parameter names.
    def method(queryset: QuerySet[Dispute], field_name: str, value: Any) -> QuerySet[Dispute]:
        return queryset

    return method


class DisputeFilter(django_filters.FilterSet):
    month = django_filters.CharFilter(label=_("Month (YYYY-MM)"), method="filter_month")
    since_january = django_filters.CharFilter(
        label=_("Since January up to the month (YYYY-MM)"), method="filter_since_january"
    )
    dispute_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=DisputeType.choices, method=_figure("dispute_type")
    )
    source = django_filters.ChoiceFilter(label=_("Source"), choices=Source.choices, method=_figure("source"))
    referral = django_filters.ChoiceFilter(
        label=_("Referred by"), choices=Referral.choices, method=_figure("referral")
    )
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"),
        choices=[
            (Outcome.AGREEMENT, Outcome.AGREEMENT.label),
            (Outcome.FAILURE, Outcome.FAILURE.label),
            ("pending", _("Pending")),
        ],
        method=_figure("outcome"),
    )
    resolved = django_filters.ChoiceFilter(
        label=_("Resolved"), choices=[("1", _("Resolved"))], method=_figure("resolved")
    )
    kept = django_filters.ChoiceFilter(
        label=_("Kept from"),
        choices=[("criminal", _("Turning criminal")), ("petition", _("Group petition"))],
        method=_figure("kept"),
    )
    risk_grade = django_filters.ChoiceFilter(label=_("Risk grade"), choices=RiskGrade.choices[1:])
    archived = django_filters.BooleanFilter(
        label=_("Archived"), field_name="archived_at", lookup_expr="isnull", exclude=True
    )
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")

    class Meta:
        model = Dispute
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Dispute]) -> QuerySet[Dispute]:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        params = {name: data.get(name) for name in statistics.FIGURE_PARAMS}
        if not any(params.values()):
            return queryset
        month = data.get("since_january") or data.get("month")
        end = statistics.month_end(statistics.parse_month(month)) if month else None
        return queryset.filter(statistics.figure_q(params, end=end))

    def filter_month(self, queryset: QuerySet[Dispute], name: str, value: str) -> QuerySet[Dispute]:
        if not value:
            return queryset
        return queryset.filter(statistics.month_q(statistics.parse_month(value)))

    def filter_since_january(self, queryset: QuerySet[Dispute], name: str, value: str) -> QuerySet[Dispute]:
        if not value:
            return queryset
        return queryset.filter(statistics.since_january_q(statistics.parse_month(value)))

    def filter_q(self, queryset: QuerySet[Dispute], name: str, value: str) -> QuerySet[Dispute]:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(dossier_number__icontains=value) | Q(case__title__icontains=value) | Q(parties__name=value)
        ).distinct()
