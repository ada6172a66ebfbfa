"""A month's figures are those of its disputes as at the month's end, so a filed month never
changes (audit #9); rows by referrer; the xlsx titled with the town and the month.

The set: October: a dispute settled in November (late), one archived in October and reopened in
November (reopened), one a department returned (returned), one referred by the police and archived
(police), one by the court still pending (court).
"""

from __future__ import annotations

import io

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from fengqiao.cases import services as case_services
from fengqiao.mediation import services, statistics
from fengqiao.mediation.models import Dispute

from .conftest import agree, local, make_dispute

pytestmark = pytest.mark.django_db


def _archived(dispute, by, signed_on):
    services.record_session(dispute, by=by, participants="双方", minutes="调解")
    agree(dispute, by, signed_on=signed_on)
    services.add_document(dispute, by=by, kind="identity")
    return services.archive_dossier(dispute, by=by)


@pytest.fixture
def two_months(town, mediator, clerk, judicial, committee):
    at = time_machine.travel
    with at(local(2026, 10, 28, 10, 0), tick=False):
        late = make_dispute(mediator, committee, amount="1000")
        reopened = make_dispute(mediator, committee, amount="2000")
        returned = make_dispute(mediator, committee, dispute_type="debt")
        police = make_dispute(mediator, committee, source="referral", referral="police")
        court = make_dispute(mediator, committee, source="referral", referral="court")
        _archived(reopened, mediator, "2026-10-28")
        _archived(police, mediator, "2026-10-28")
        case_services.dispatch_case(
            returned.case, by=clerk, assignments=[{"department": town.judicial_office, "role": "lead"}]
        )
        case_services.return_assignment(returned.case.assignments.get(), by=judicial, reason="不属本所职责")
    with at(local(2026, 11, 3, 10, 0), tick=False):
        _archived(late, mediator, "2026-11-03")
        case_services.reopen_case(reopened.case, by=clerk, reason="当事人反映未履行")
    names = {"late": late, "reopened": reopened, "returned": returned, "police": police, "court": court}
    return {name: Dispute.objects.get(pk=d.pk) for name, d in names.items()}


def figures(row):
    return (
        row.accepted.value,
        row.agreement.value,
        row.failure.value,
        row.pending.value,
        row.resolved.value,
    )


def listed(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return {d.pk for d in response.context["page"].object_list}


def test_october_as_filed_does_not_change_in_november(two_months, clerk, client):
    scoped = Dispute.objects.visible_to(clerk)
    october = statistics.monthly_table(scoped, statistics.parse_month("2026-10"))
    # As at October's end: reopened and police archived with an agreement; late, returned and
    # court pending. November's settling of "late" and reopening of "reopened" do not reach back.
    assert figures(october.total) == (5, 2, 0, 3, 2)
    assert october.resolution_rate == 40
    assert october.total.amount.value == 6000  # the money term (3000) of each agreement counted
    ids = {name: d.pk for name, d in two_months.items()}
    client.force_login(clerk)
    assert listed(client, october.total.resolved.url) == {ids["reopened"], ids["police"]}
    assert listed(client, october.total.pending.url) == {ids["late"], ids["returned"], ids["court"]}
    assert listed(client, october.total.agreement.url) == {ids["reopened"], ids["police"]}
    # November's cumulative (registered since January, as at November's end): late resolved,
    # reopened back in progress (pending), returned still the center's (pending, not resolved).
    november = statistics.monthly_table(scoped, statistics.parse_month("2026-11"))
    assert figures(november.total) == (0, 0, 0, 0, 0)
    assert figures(november.total.cumulative) == (5, 2, 0, 3, 2)
    assert listed(client, november.total.cumulative.resolved.url) == {ids["late"], ids["police"]}
    assert listed(client, november.total.cumulative.pending.url) == {
        ids["reopened"],
        ids["returned"],
        ids["court"],
    }
    assert november.cumulative_resolution_rate == 40
    assert november.total.cumulative.amount.value == 6000  # late's and police's, not reopened's


def test_rows_by_referrer_link_to_exactly_their_disputes(two_months, clerk, client):
    table = statistics.monthly_table(Dispute.objects.visible_to(clerk), statistics.parse_month("2026-10"))
    rows = {row.key: row for row in table.by_referral}
    assert list(rows) == ["court", "police", "procuratorate", "petition", "government"]
    assert figures(rows["police"]) == (1, 1, 0, 0, 1)
    assert figures(rows["court"]) == (1, 0, 0, 1, 0)
    assert figures(rows["petition"]) == (0, 0, 0, 0, 0)
    client.force_login(clerk)
    ids = {name: d.pk for name, d in two_months.items()}
    assert listed(client, rows["police"].resolved.url) == {ids["police"]}
    assert listed(client, rows["court"].pending.url) == {ids["court"]}
    for row in [*table.by_type, *table.by_source, *table.by_referral, table.total]:
        for column in ("accepted", "agreement", "failure", "pending", "resolved"):
            for figure in (getattr(row, column), getattr(row.cumulative, column)):
                assert len(listed(client, figure.url)) == figure.value, (row.key, column)
    page = client.get(reverse("mediation:statistics") + "?month=2026-10")
    assert b'data-figure="police-resolved">1<' in page.content


def test_the_xlsx_is_titled_with_the_town_and_the_month(two_months, clerk, client):
    client.force_login(clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get(reverse("mediation:statistics_xlsx") + "?month=2026-10")
    workbook = load_workbook(io.BytesIO(response.content))
    first = next(workbook.active.iter_rows(values_only=True))
    assert first[0] == "安国镇 安国镇人民调解委员会 Monthly mediation statistics 2026-10"
    assert workbook.properties.title == first[0]
    rows = [list(r) for r in workbook.active.iter_rows(values_only=True)]
    assert ["By referrer"] in [r[:1] for r in rows if r]
