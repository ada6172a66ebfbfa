"""The monthly table on a hand-built set: exact counts and rates, and every figure's list."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from fengqiao.cases import services as case_services
from fengqiao.cases.models import Status
from fengqiao.mediation import services, statistics
from fengqiao.mediation.models import Dispute

from .conftest import TERMS, agree, local, make_dispute

pytestmark = pytest.mark.django_db


def session(dispute, by):
    services.record_session(dispute, by=by, participants="双方", minutes="调解")
    services.add_document(dispute, by=by, kind="identity")


def archive(dispute, by):
    return services.archive_dossier(dispute, by=by)


def terms_for(amount):
    """The conftest terms with the money term's amount changed (the agreed amount, not the dispute's)."""
    return [TERMS[0], {**TERMS[1], "amount": amount}]


@pytest.fixture
def month_set(town, mediator, clerk, judicial, committee):
    with time_machine.travel(local(2026, 10, 20, 10, 0), tick=False):
        october = make_dispute(mediator, committee, dispute_type="neighbour")
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        resolved = make_dispute(
            mediator, committee, dispute_type="neighbour", amount="3500", risk_criminal=True
        )
        session(resolved, mediator)
        agree(resolved, mediator, signed_on="2026-11-02")
        archive(resolved, mediator)

        failed = make_dispute(
            mediator, committee, dispute_type="marriage_family", source="referral", referral="police"
        )
        session(failed, mediator)
        services.record_failure(failed, by=mediator, reason="拒绝调解", route="litigation")
        archive(failed, mediator)

        returned = make_dispute(mediator, committee, dispute_type="debt", amount="12000")
        case_services.dispatch_case(
            returned.case, by=clerk, assignments=[{"department": town.judicial_office, "role": "lead"}]
        )
        case_services.return_assignment(returned.case.assignments.get(), by=judicial, reason="不属本所职责")

        reopened = make_dispute(
            mediator, committee, dispute_type="neighbour", source="screening", amount="500"
        )
        session(reopened, mediator)
        agree(reopened, mediator, signed_on="2026-11-02")
        archive(reopened, mediator)
        case_services.reopen_case(reopened.case, by=clerk, reason="当事人反映未履行")

        # Reopened, then settled and archived again with a new agreement: counts once, with the
        # new agreement's amount only.
        reresolved = make_dispute(mediator, committee, dispute_type="neighbour", amount="600")
        session(reresolved, mediator)
        agree(reresolved, mediator, signed_on="2026-11-02")
        archive(reresolved, mediator)
        case_services.reopen_case(reresolved.case, by=clerk, reason="协议内容需变更")
        agree(reresolved, mediator, signed_on="2026-11-02", terms=terms_for("450"))
        archive(reresolved, mediator)

        unarchived = make_dispute(
            mediator, committee, dispute_type="neighbour", amount="900", risk_group_petition=True
        )
        agree(unarchived, mediator, signed_on="2026-11-02", terms=terms_for("800"))

        # A written agreement the parties have not signed yet: not a success yet.
        unsigned = make_dispute(
            mediator, committee, dispute_type="neighbour", amount="700", risk_criminal=True
        )
        agree(unsigned, mediator)
    sets = {
        "october": october,
        "resolved": resolved,
        "failed": failed,
        "returned": returned,
        "reopened": reopened,
        "reresolved": reresolved,
        "unarchived": unarchived,
        "unsigned": unsigned,
    }
    return {name: Dispute.objects.get(pk=d.pk) for name, d in sets.items()}


def test_the_set_is_what_the_test_says(month_set):
    assert month_set["resolved"].case.status == Status.CLOSED
    assert month_set["returned"].case.status == Status.ACCEPTED
    assert month_set["returned"].case.assignments.get().status == "returned"
    reopened = month_set["reopened"].case
    assert (reopened.status, reopened.reopen_count) == (Status.IN_PROGRESS, 1)
    reresolved = month_set["reresolved"]
    assert (reresolved.case.status, reresolved.case.reopen_count, reresolved.agreements.count()) == (
        Status.CLOSED,
        1,
        2,
    )
    assert month_set["unarchived"].case.status == Status.RESOLVED
    assert month_set["unsigned"].current_agreement.effective_on is None


def test_the_monthly_table_counts_exactly(month_set, clerk):
    table = statistics.monthly_table(Dispute.objects.visible_to(clerk), statistics.parse_month("2026-11"))
    total = table.total
    # agreement: resolved, reresolved, unarchived; failure: failed;
    # pending: returned, reopened (back in progress), unsigned (written, not signed).
    assert (total.accepted.value, total.agreement.value, total.failure.value, total.pending.value) == (
        7,
        3,
        1,
        3,
    )
    assert total.resolved.value == 2  # closed with an agreement in effect: resolved, reresolved
    assert table.resolution_rate == Decimal("28.6")  # 2 of 7
    assert total.success_rate == Decimal("75.0")  # 3 agreements of 4 concluded
    # The agreed amounts of the agreements counted: 3000 + 450 (the new agreement only) + 800.
    assert total.amount.value == Decimal("4250.00")
    rows = {row.key: row for row in table.by_type}
    assert (
        rows["neighbour"].accepted.value,
        rows["neighbour"].agreement.value,
        rows["neighbour"].resolved.value,
    ) == (5, 3, 2)
    assert rows["neighbour"].amount.value == Decimal("4250.00")
    assert (
        rows["marriage_family"].failure.value,
        rows["debt"].pending.value,
        rows["labour"].accepted.value,
    ) == (1, 1, 0)
    sources = {row.key: row for row in table.by_source}
    assert (
        sources["application"].accepted.value,
        sources["referral"].accepted.value,
        sources["screening"].accepted.value,
    ) == (5, 1, 1)
    # The unsigned one was flagged criminal too, but it is not kept from anything yet.
    assert (table.kept_criminal.value, table.kept_petition.value) == (1, 1)


def test_signing_the_agreement_makes_it_count(month_set, mediator, clerk):
    unsigned = month_set["unsigned"]
    services.sign_agreement(unsigned.current_agreement, by=mediator, signed_on="2026-11-05")
    table = statistics.monthly_table(Dispute.objects.visible_to(clerk), statistics.parse_month("2026-11"))
    assert (table.total.agreement.value, table.total.pending.value, table.total.resolved.value) == (4, 2, 2)
    assert table.total.amount.value == Decimal("7250.00")
    assert table.kept_criminal.value == 2


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {d.pk for d in response.context["page"].object_list}


def test_each_figure_links_to_exactly_the_disputes_it_counts(month_set, clerk, client):
    client.force_login(clerk)
    table = statistics.monthly_table(Dispute.objects.visible_to(clerk), statistics.parse_month("2026-11"))
    ids = {name: d.pk for name, d in month_set.items()}
    assert listed(client, table.total.accepted.url) == set(ids.values()) - {ids["october"]}
    assert listed(client, table.total.resolved.url) == {ids["resolved"], ids["reresolved"]}
    assert listed(client, table.total.pending.url) == {ids["returned"], ids["reopened"], ids["unsigned"]}
    assert listed(client, table.kept_criminal.url) == {ids["resolved"]}
    assert listed(client, table.kept_petition.url) == {ids["unarchived"]}
    rows = {row.key: row for row in table.by_type}
    assert listed(client, rows["neighbour"].agreement.url) == {
        ids["resolved"],
        ids["reresolved"],
        ids["unarchived"],
    }
    assert listed(client, table.total.amount.url) == listed(client, table.total.agreement.url)
    # And every other figure of the table: its list has as many disputes as it counts.
    for row in [*table.by_type, *table.by_source, table.total]:
        for column in ("accepted", "agreement", "failure", "pending", "resolved"):
            figure = getattr(row, column)
            assert len(listed(client, figure.url)) == figure.value, (row.key, column)


def test_the_page_and_the_xlsx(month_set, clerk, client):
    client.force_login(clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("mediation:statistics") + "?month=2026-11")
    assert page.status_code == 200
    assert b'data-testid="resolution-rate">28.6%' in page.content
    response = client.get(reverse("mediation:statistics_xlsx") + "?month=2026-11")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    total = next(r for r in rows if r and r[0] == "Total" and r[1] is not None)
    assert total[1:6] == [7, 3, 1, 3, 2]
    assert ["Resolution rate (%)", 28.6] in [r[:2] for r in rows if r]


def test_a_mediator_counts_only_their_disputes(month_set, other_mediator):
    table = statistics.monthly_table(
        Dispute.objects.visible_to(other_mediator), statistics.parse_month("2026-11")
    )
    assert table.total.accepted.value == 0
    assert table.resolution_rate is None


def test_cumulative_since_january(month_set, clerk, client):
    scoped = Dispute.objects.visible_to(clerk)
    table = statistics.monthly_table(scoped, statistics.parse_month("2026-11"))
    cumulative = table.total.cumulative
    # October's pending dispute joins November's seven; the figures are otherwise November's.
    assert (
        cumulative.accepted.value,
        cumulative.agreement.value,
        cumulative.pending.value,
        cumulative.resolved.value,
    ) == (8, 3, 4, 2)
    assert cumulative.amount.value == Decimal("4250.00")
    assert table.cumulative_resolution_rate == Decimal("25.0")
    october = statistics.monthly_table(scoped, statistics.parse_month("2026-10"))
    assert october.total.cumulative.accepted.value == 1  # November's not yet counted
    client.force_login(clerk)
    ids = {name: d.pk for name, d in month_set.items()}
    assert listed(client, cumulative.accepted.url) == set(ids.values())
    for row in [*table.by_type, *table.by_source, table.total]:
        for column in ("accepted", "agreement", "failure", "pending", "resolved"):
            figure = getattr(row.cumulative, column)
            assert len(listed(client, figure.url)) == figure.value, (row.key, column)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = client.get(reverse("mediation:statistics") + "?month=2026-11")
    assert b'data-testid="cumulative-resolution-rate">25.0%' in page.content
    assert b'data-figure="total-cumulative-accepted">8<' in page.content
    response = client.get(reverse("mediation:statistics_xlsx") + "?month=2026-11")
    rows = [list(r) for r in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]
    total = next(r for r in rows if r and r[0] == "Total" and r[1] is not None)
    assert total[8:12] == [8, 3, 2, 4250.0]
    assert ["Resolution rate since January (%)", 25.0] in [r[:2] for r in rows if r]
