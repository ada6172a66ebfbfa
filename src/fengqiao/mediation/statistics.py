"""The monthly mediation table (人民调解工作统计月报), Ministry of Justice style, and the honest rate.

Every figure is a count over one `Q` made by `figure_q(params)` from the figure's parameters; the
list page behind it (`mediation:dispute_list?month=...&<params>`) filters with the same function
(`filters.DisputeFilter`), so a figure and its list cannot disagree.

Definitions (DESIGN.md "Honest numbers"):

- accepted: disputes registered (受理) in the month; a reopened dispute is one row, counted once;
- agreement: the case is settled now (resolved, verified or closed, so not a reopened case back in
  progress) with an agreement in effect: its latest agreement is oral, or written and signed. An
  unsigned written agreement is not yet a success;
- failure: the case is settled now with mediation failed; pending: everything else;
- success rate (调解成功率): agreements / (agreements + failures);
- resolution rate (化解率): disputes closed (archived) with an agreement in effect / accepted. A
  reopened dispute counts once, and only once it is closed again; a dispute a department
  returned stays the center's and counts as resolved only when it is;
- amount in agreements: the sum of the amounts of the terms of the agreements counted;
- kept from turning criminal / from a group petition: disputes flagged with that risk that ended
  in an agreement (防止民间纠纷引起刑事案件 / 群体性上访).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.cases.models import Status
from fengqiao.mediation.models import Agreement, AgreementTerm, Dispute, DisputeType, Outcome, Source

#: The parameters a figure may carry; each is also a filter of the list page.
FIGURE_PARAMS = ("dispute_type", "source", "referral", "outcome", "resolved", "kept")


#: The case statuses in which a dispute's recorded outcome stands (a reopened case is back before them).
SETTLED_STATUSES = (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)


def _newer_agreement(agreement_ref: str, dispute_ref: str) -> Exists:
    return Exists(Agreement.objects.filter(dispute=OuterRef(dispute_ref), pk__gt=OuterRef(agreement_ref)))


def agreement_in_effect_q() -> Q:
    """The dispute's latest agreement has taken effect (oral, or written and signed)."""
    in_effect = Agreement.objects.filter(dispute=OuterRef("pk"), effective_on__isnull=False).filter(
        ~_newer_agreement("pk", "dispute")
    )
    return Q(Exists(in_effect))


def agreement_q() -> Q:
    """Settled by an agreement in effect: the case settled now, the latest agreement signed or oral."""
    return Q(outcome=Outcome.AGREEMENT, case__status__in=SETTLED_STATUSES) & agreement_in_effect_q()


def failure_q() -> Q:
    return Q(outcome=Outcome.FAILURE, case__status__in=SETTLED_STATUSES)


def resolved_q() -> Q:
    """The numerator of the resolution rate: closed with an agreement in effect (a reopened case
    counts only once closed again)."""
    return Q(case__status=Status.CLOSED) & agreement_q()


def figure_q(params: Mapping[str, Any]) -> Q:
    """The disputes a figure counts, from its parameters (unknown or blank parameters ignored)."""
    query = Q()
    value = params.get("dispute_type")
    if value:
        query &= Q(dispute_type=value)
    value = params.get("source")
    if value:
        query &= Q(source=value)
    value = params.get("referral")
    if value:
        query &= Q(referral=value)
    value = params.get("outcome")
    if value == "pending":
        query &= ~(agreement_q() | failure_q())
    elif value == Outcome.AGREEMENT:
        query &= agreement_q()
    elif value == Outcome.FAILURE:
        query &= failure_q()
    if params.get("resolved") in ("1", "true", True):
        query &= resolved_q()
    value = params.get("kept")
    if value == "criminal":
        query &= Q(risk_criminal=True) & agreement_q()
    elif value == "petition":
        query &= Q(risk_group_petition=True) & agreement_q()
    return query


def parse_month(value: str | None, *, today: dt.date | None = None) -> dt.date:
    """The first day of the month "YYYY-MM" (this month when blank or malformed)."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        today = today or timezone.localdate()
        return today.replace(day=1)


def month_q(month: dt.date, *, first: dt.date | None = None) -> Q:
    """Disputes registered in the month (or from `first` to the month's end), in local time."""
    tz = timezone.get_default_timezone()
    start = dt.datetime.combine(first or month, dt.time.min, tzinfo=tz)
    following = (month + dt.timedelta(days=32)).replace(day=1)
    end = dt.datetime.combine(following, dt.time.min, tzinfo=tz)
    return Q(registered_at__gte=start, registered_at__lt=end)


def since_january_q(month: dt.date) -> Q:
    """Disputes registered from January 1 of the month's year to the month's end (年度累计)."""
    return month_q(month, first=month.replace(month=1, day=1))


@dataclass
class Figure:
    value: int | Decimal
    url: str


@dataclass
class Row:
    key: str
    label: str
    accepted: Figure
    agreement: Figure
    failure: Figure
    pending: Figure
    resolved: Figure
    amount: Figure
    success_rate: Decimal | None
    #: The same row counted from January 1 to the month's end (年度累计).
    cumulative: Row | None = None


@dataclass
class MonthlyTable:
    month: dt.date
    by_type: list[Row] = field(default_factory=list)
    by_source: list[Row] = field(default_factory=list)
    total: Row | None = None
    kept_criminal: Figure | None = None
    kept_petition: Figure | None = None
    resolution_rate: Decimal | None = None
    cumulative_resolution_rate: Decimal | None = None


COLUMNS = {
    "accepted": {},
    "agreement": {"outcome": "agreement"},
    "failure": {"outcome": "failure"},
    "pending": {"outcome": "pending"},
    "resolved": {"resolved": "1"},
}


def list_url(month: dt.date, params: Mapping[str, str], *, cumulative: bool = False) -> str:
    period = "since_january" if cumulative else "month"
    query = {period: f"{month:%Y-%m}", **{k: v for k, v in params.items() if v}}
    return f"{reverse('mediation:dispute_list')}?{urlencode(query)}"


def _rate(numerator: int, denominator: int) -> Decimal | None:
    if not denominator:
        return None
    return (Decimal(numerator) * 100 / Decimal(denominator)).quantize(Decimal("0.1"))


def agreed_amounts(disputes: QuerySet[Dispute], group: str) -> dict[str, Decimal]:
    """The sum of the amounts of the agreed terms (the latest agreement of each dispute counted as an
    agreement), by `group` (a field of the dispute): one query."""
    terms = AgreementTerm.objects.filter(
        agreement__dispute__in=disputes.filter(agreement_q()).values("pk"), amount__isnull=False
    ).filter(~_newer_agreement("agreement", "agreement__dispute"))
    rows = terms.order_by().values_list(f"agreement__dispute__{group}").annotate(total=Sum("amount"))
    return dict(rows)


def monthly_table(disputes: QuerySet[Dispute], month: dt.date) -> MonthlyTable:
    """The month's table over `disputes` (already scoped with `visible_to`): a fixed number of queries."""
    table = MonthlyTable(month=month)

    def aggregate(group: str, keys: list[tuple[str, str]], cumulative: bool = False) -> list[Row]:
        base = disputes.filter(since_january_q(month) if cumulative else month_q(month))

        def url(params: Mapping[str, str]) -> str:
            return list_url(month, params, cumulative=cumulative)

        spec: dict[str, Any] = {}
        for key, _label in keys:
            group_params = {group: key} if key else {}
            for column, extra in COLUMNS.items():
                spec[f"{key}__{column}"] = Count("pk", filter=figure_q({**group_params, **extra}))
        values = base.aggregate(**spec)
        amounts = agreed_amounts(base, group)
        rows = []
        for key, label in keys:
            group_params = {group: key} if key else {}
            figures = {
                column: Figure(values[f"{key}__{column}"] or 0, url({**group_params, **extra}))
                for column, extra in COLUMNS.items()
            }
            amount = Figure(
                (sum(amounts.values(), Decimal("0")) if not key else amounts.get(key)) or Decimal("0"),
                url({**group_params, "outcome": "agreement"}),
            )
            agreements, failures = int(figures["agreement"].value), int(figures["failure"].value)
            rows.append(
                Row(
                    key=key,
                    label=label,
                    accepted=figures["accepted"],
                    agreement=figures["agreement"],
                    failure=figures["failure"],
                    pending=figures["pending"],
                    resolved=figures["resolved"],
                    amount=amount,
                    success_rate=_rate(agreements, agreements + failures),
                )
            )
        return rows

    types = [(t.value, str(t.label)) for t in DisputeType]
    sources = [(s.value, str(s.label)) for s in Source]
    total = [("", _("Total"))]
    table.by_type = aggregate("dispute_type", types)
    table.by_source = aggregate("source", sources)
    table.total = aggregate("dispute_type", total)[0]
    for rows, cumulative_rows in (
        (table.by_type, aggregate("dispute_type", types, cumulative=True)),
        (table.by_source, aggregate("source", sources, cumulative=True)),
        ([table.total], aggregate("dispute_type", total, cumulative=True)),
    ):
        for row, cumulative_row in zip(rows, cumulative_rows, strict=True):
            row.cumulative = cumulative_row
    cumulative_total = table.total.cumulative
    assert cumulative_total is not None
    table.cumulative_resolution_rate = _rate(
        int(cumulative_total.resolved.value), int(cumulative_total.accepted.value)
    )
    kept = disputes.filter(month_q(month)).aggregate(
        criminal=Count("pk", filter=figure_q({"kept": "criminal"})),
        petition=Count("pk", filter=figure_q({"kept": "petition"})),
    )
    table.kept_criminal = Figure(kept["criminal"], list_url(month, {"kept": "criminal"}))
    table.kept_petition = Figure(kept["petition"], list_url(month, {"kept": "petition"}))
    table.resolution_rate = _rate(int(table.total.resolved.value), int(table.total.accepted.value))
    return table


def monthly_xlsx(table: MonthlyTable, *, town_name: str = "") -> bytes:
    """The table as an xlsx workbook (one sheet, the page's rows and totals)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"{table.month:%Y-%m}"
    sheet.append([_("Mediation statistics"), town_name, f"{table.month:%Y-%m}"])
    header = [
        "",
        _("Accepted"),
        _("Agreement"),
        _("Failure"),
        _("Pending"),
        _("Resolved"),
        _("Success rate (%)"),
        _("Amount in agreements (yuan)"),
        _("Since January: accepted"),
        _("Since January: agreement"),
        _("Since January: resolved"),
        _("Since January: amount in agreements (yuan)"),
    ]

    def write(rows: list[Row], title: str) -> None:
        sheet.append([])
        sheet.append([title])
        sheet.append(header)
        for row in rows:
            sheet.append(
                [
                    row.label,
                    row.accepted.value,
                    row.agreement.value,
                    row.failure.value,
                    row.pending.value,
                    row.resolved.value,
                    float(row.success_rate) if row.success_rate is not None else None,
                    float(row.amount.value),
                    *(
                        [
                            row.cumulative.accepted.value,
                            row.cumulative.agreement.value,
                            row.cumulative.resolved.value,
                            float(row.cumulative.amount.value),
                        ]
                        if row.cumulative
                        else []
                    ),
                ]
            )

    write(table.by_type, _("By type"))
    write(table.by_source, _("By source"))
    assert table.total is not None
    write([table.total], _("Total"))
    sheet.append([])
    sheet.append(
        [
            _("Resolution rate (%)"),
            float(table.resolution_rate) if table.resolution_rate is not None else None,
        ]
    )
    sheet.append(
        [
            _("Resolution rate since January (%)"),
            float(table.cumulative_resolution_rate) if table.cumulative_resolution_rate is not None else None,
        ]
    )
    sheet.append([_("Kept from turning criminal"), table.kept_criminal.value if table.kept_criminal else 0])
    sheet.append([_("Kept from group petitions"), table.kept_petition.value if table.kept_petition else 0])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
