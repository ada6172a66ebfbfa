"""The monthly mediation table (人民调解工作统计月报), Ministry of Justice style, and the honest rate.

Every figure is a count over one `Q` made by `figure_q(params, end=...)` from the figure's
parameters; the list page behind it (`mediation:dispute_list?month=...&<params>`) filters with the
same function (`filters.DisputeFilter`), so a figure and its list cannot disagree.

A month's figures are those of the disputes registered (受理) in the month, **as they stood at the
month's end**: every outcome is dated by its own event (the agreement's effective date, the
failure's record, the case timeline's status changes), and nothing dated after the month's end
counts. So a filed month never changes later: a dispute registered on 28 October and settled on
3 November is October's pending dispute in October's table, and counts as settled in the
cumulative figures (年度累计, registered from January 1, as at the end of the month shown) from
November on. The columns add up: accepted = agreement + failure + pending.

Definitions (DESIGN.md "Honest numbers"), all as at the period's end:

- accepted: disputes registered in the period; a reopened dispute is one row, counted once;
- agreement: the case settled (resolved, verified or closed, so not a reopened case back in
  progress) with an agreement in effect: its latest agreement oral, or written and signed. An
  unsigned written agreement is not yet a success;
- failure: the case settled with mediation failed; pending: everything else;
- success rate (调解成功率): agreements / (agreements + failures);
- resolution rate (化解率): disputes closed (by archiving the dossier, the only way a dispute under
  mediation closes) with an agreement in effect / accepted. A reopened dispute counts once, and
  only once closed again; a dispute a department returned stays the center's and counts as
  resolved only when it is;
- amount in agreements: the sum of the amounts of the terms of the agreements counted;
- kept from turning criminal / from a group petition: disputes flagged with that risk that ended
  in an agreement (防止民间纠纷引起刑事案件 / 群体性上访).

Rows are by the dispute's type, source and referrer (诉调 / 警调 / 检调 / 访调 对接) as recorded
now: correcting a wrongly recorded type moves the dispute to its right row, which is a
correction, not a silent change.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact, In
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fengqiao.cases.models import CaseEvent, Status
from fengqiao.mediation.models import (
    Agreement,
    AgreementTerm,
    Dispute,
    DisputeType,
    Outcome,
    Referral,
    Source,
)

#: The parameters a figure may carry; each is also a filter of the list page.
FIGURE_PARAMS = ("dispute_type", "source", "referral", "outcome", "resolved", "kept")


#: The case statuses in which a dispute's recorded outcome stands (a reopened case is back before them).
SETTLED_STATUSES = (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)


def _local(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def _status_q(statuses: tuple[str, ...], end: dt.datetime | None, ref: str = "case") -> Q:
    """The case's status was one of `statuses` at `end` (now when None): the `to_status` of the
    last timeline row before it (the timeline is append-only; every row carries the status after it)."""
    if end is None:
        return Q(**{f"{ref}__status__in": statuses})
    last = (
        CaseEvent.objects.filter(case=OuterRef(ref), at__lt=end)
        .order_by("-at", "-pk")
        .values("to_status")[:1]
    )
    if len(statuses) == 1:
        return Q(Exact(Subquery(last), statuses[0]))
    return Q(In(Subquery(last), list(statuses)))


def _in_effect(agreements: QuerySet[Agreement], end: dt.datetime | None) -> QuerySet[Agreement]:
    """Of `agreements`, the one that is its dispute's latest recorded before `end` (now when None),
    if it had taken effect by then (oral, or written and signed)."""
    newer = Agreement.objects.filter(dispute=OuterRef("dispute"), pk__gt=OuterRef("pk"))
    in_effect = agreements.filter(effective_on__isnull=False)
    if end is not None:
        newer = newer.filter(created_at__lt=end)
        in_effect = in_effect.filter(created_at__lt=end, effective_on__lt=timezone.localtime(end).date())
    return in_effect.filter(~Exists(newer))


def agreement_in_effect_q(end: dt.datetime | None = None) -> Q:
    """The dispute's latest agreement (as at `end`) had taken effect (oral, or written and signed)."""
    return Q(Exists(_in_effect(Agreement.objects.filter(dispute=OuterRef("pk")), end)))


def _failed_q(end: dt.datetime | None) -> Q:
    """The outcome standing at `end` was a failure: the last outcome row of the case's timeline
    before `end` (`services.OUTCOME_EVENTS`; `outcome_at` is overwritten when a reopened dispute
    ends again, the timeline is not). A dispute whose outcomes predate those rows falls back on
    `outcome` and `outcome_at`."""
    query = Q(outcome=Outcome.FAILURE)
    if end is None:
        return query
    from fengqiao.mediation.services import OUTCOME_EVENTS

    actions = list(OUTCOME_EVENTS.values())
    outcomes = CaseEvent.objects.filter(case=OuterRef("case"), action__in=actions)
    last = outcomes.filter(at__lt=end).order_by("-at", "-pk").values("action")[:1]
    # Coalesced: a NULL (no outcome row yet) would make the negations (pending) unknown, not true.
    last_action = Coalesce(Subquery(last), Value(""))
    return Q(Exact(last_action, OUTCOME_EVENTS[Outcome.FAILURE])) | (
        ~Q(Exists(outcomes)) & query & Q(outcome_at__lt=end)
    )


def agreement_q(end: dt.datetime | None = None) -> Q:
    """Settled by an agreement in effect, as at `end` (now when None)."""
    return _status_q(SETTLED_STATUSES, end) & ~_failed_q(end) & agreement_in_effect_q(end)


def failure_q(end: dt.datetime | None = None) -> Q:
    return _status_q(SETTLED_STATUSES, end) & _failed_q(end)


def resolved_q(end: dt.datetime | None = None) -> Q:
    """The numerator of the resolution rate: closed with an agreement in effect, as at `end` (a
    reopened case counts only once closed again). A dispute under mediation closes only by
    archiving its dossier (`apps.py` guards the case's generic close), and one without an archive
    date (closed before that guard) does not count."""
    return _status_q((Status.CLOSED,), end) & Q(archived_at__isnull=False) & agreement_q(end)


def figure_q(params: Mapping[str, Any], *, end: dt.datetime | None = None) -> Q:
    """The disputes a figure counts, from its parameters, as at `end` (unknown or blank parameters
    ignored). The period's own filter (registered in it) is `month_q` / `since_january_q`."""
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
        query &= ~(agreement_q(end) | failure_q(end))
    elif value == Outcome.AGREEMENT:
        query &= agreement_q(end)
    elif value == Outcome.FAILURE:
        query &= failure_q(end)
    if params.get("resolved") in ("1", "true", True):
        query &= resolved_q(end)
    value = params.get("kept")
    if value == "criminal":
        query &= Q(risk_criminal=True) & agreement_q(end)
    elif value == "petition":
        query &= Q(risk_group_petition=True) & agreement_q(end)
    return query


def parse_month(value: str | None, *, today: dt.date | None = None) -> dt.date:
    """The first day of the month "YYYY-MM" (this month when blank or malformed)."""
    try:
        year, month = (int(part) for part in (value or "").split("-"))
        return dt.date(year, month, 1)
    except (ValueError, TypeError):
        today = today or timezone.localdate()
        return today.replace(day=1)


def month_end(month: dt.date) -> dt.datetime:
    """The first moment after the month (local time): figures are as at this instant."""
    return _local((month + dt.timedelta(days=32)).replace(day=1))


def month_q(month: dt.date, *, first: dt.date | None = None) -> Q:
    """Disputes registered in the month (or from `first` to the month's end), in local time."""
    return Q(registered_at__gte=_local(first or month), registered_at__lt=month_end(month))


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
    #: The referred disputes by who referred them (诉调 / 警调 / 检调 / 访调 对接, and government).
    by_referral: list[Row] = field(default_factory=list)
    total: Row | None = None
    kept_criminal: Figure | None = None
    kept_petition: Figure | None = None
    resolution_rate: Decimal | None = None
    cumulative_resolution_rate: Decimal | None = None
    #: Whose table it is: the town(s) of the disputes in scope, and the organisation when only one.
    town_name: str = ""

    @property
    def title(self) -> str:
        """Whose table, what, and which month: "安国镇 人民调解工作统计月报 2026-11"."""
        return " ".join(
            part
            for part in (self.town_name, _("Monthly mediation statistics"), f"{self.month:%Y-%m}")
            if part
        )


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


def agreed_amounts(
    disputes: QuerySet[Dispute], group: str, *, end: dt.datetime | None = None
) -> dict[str, Decimal]:
    """The sum of the amounts of the agreed terms (of each dispute counted as an agreement as at
    `end`, the agreement then in effect), by `group` (a field of the dispute): one query."""
    in_effect = _in_effect(Agreement.objects.filter(pk=OuterRef("agreement")), end)
    terms = AgreementTerm.objects.filter(
        agreement__dispute__in=disputes.filter(agreement_q(end)).values("pk"), amount__isnull=False
    ).filter(Exists(in_effect))
    rows = terms.order_by().values_list(f"agreement__dispute__{group}").annotate(total=Sum("amount"))
    return dict(rows)


def scope_name(disputes: QuerySet[Dispute]) -> str:
    """The town(s) of the disputes in scope, with the organisation's name when there is only one."""
    rows = list(
        disputes.order_by().values_list("organization__town__name", "organization__name").distinct()[:20]
    )
    towns = list(dict.fromkeys(town for town, _org in rows if town))
    organizations = {org for _town, org in rows}
    name = "、".join(towns)
    if len(organizations) == 1:
        name = " ".join(part for part in (name, next(iter(organizations))) if part)
    return name


def monthly_table(disputes: QuerySet[Dispute], month: dt.date) -> MonthlyTable:
    """The month's table over `disputes` (already scoped with `visible_to`): a fixed number of queries."""
    table = MonthlyTable(month=month, town_name=scope_name(disputes))
    end = month_end(month)

    def aggregate(group: str, keys: list[tuple[str, str]], cumulative: bool = False) -> list[Row]:
        base = disputes.filter(since_january_q(month) if cumulative else month_q(month))

        def url(params: Mapping[str, str]) -> str:
            return list_url(month, params, cumulative=cumulative)

        spec: dict[str, Any] = {}
        for key, _label in keys:
            group_params = {group: key} if key else {}
            for column, extra in COLUMNS.items():
                spec[f"{key}__{column}"] = Count("pk", filter=figure_q({**group_params, **extra}, end=end))
        values = base.aggregate(**spec)
        amounts = agreed_amounts(base, group, end=end)
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
    referrals = [(r.value, str(r.label)) for r in Referral]
    total = [("", _("Total"))]
    table.by_type = aggregate("dispute_type", types)
    table.by_source = aggregate("source", sources)
    table.by_referral = aggregate("referral", referrals)
    table.total = aggregate("dispute_type", total)[0]
    for rows, cumulative_rows in (
        (table.by_type, aggregate("dispute_type", types, cumulative=True)),
        (table.by_source, aggregate("source", sources, cumulative=True)),
        (table.by_referral, aggregate("referral", referrals, cumulative=True)),
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
        criminal=Count("pk", filter=figure_q({"kept": "criminal"}, end=end)),
        petition=Count("pk", filter=figure_q({"kept": "petition"}, end=end)),
    )
    table.kept_criminal = Figure(kept["criminal"], list_url(month, {"kept": "criminal"}))
    table.kept_petition = Figure(kept["petition"], list_url(month, {"kept": "petition"}))
    table.resolution_rate = _rate(int(table.total.resolved.value), int(table.total.accepted.value))
    return table


def monthly_xlsx(table: MonthlyTable, *, town_name: str = "") -> bytes:
    """The table as an xlsx workbook (one sheet, the page's rows and totals), titled with the town
    (or organisation) and the month, also in the workbook's properties."""
    from openpyxl import Workbook

    if town_name:
        table.town_name = town_name
    workbook = Workbook()
    workbook.properties.title = table.title
    sheet = workbook.active
    sheet.title = f"{table.month:%Y-%m}"
    sheet.append([table.title])
    sheet.append([_("Mediation statistics"), table.town_name, f"{table.month:%Y-%m}"])
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
    write(table.by_referral, _("By referrer"))
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
