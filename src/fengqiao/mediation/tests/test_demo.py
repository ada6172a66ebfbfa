"""The demo town's mediation history matches the published figure: 78 disputes since 2023, all resolved."""

from __future__ import annotations

import datetime as dt

import pytest

from fengqiao.cases.models import Case, CaseEvent
from fengqiao.demo.town import load_demo_town
from fengqiao.mediation import statistics
from fengqiao.mediation.demo import load_demo_mediation
from fengqiao.mediation.models import Dispute
from fengqiao.regions.models import Region

pytestmark = pytest.mark.django_db

OCTOBER_2026 = dt.date(2026, 10, 15)


@pytest.fixture
def demo(db):
    load_demo_town(today=OCTOBER_2026)
    return Region.objects.get(code="620802101000")


def test_the_history_is_the_published_figure(demo):
    disputes = Dispute.objects.filter(case__town=demo)
    assert disputes.count() == 78
    assert disputes.filter(statistics.resolved_q()).count() == 78
    assert disputes.filter(registered_at__year__lt=2023).count() == 0
    assert set(disputes.values_list("dispute_type", flat=True)) == {"neighbour", "marriage_family", "debt"}
    assert disputes.filter(room__name="知心姐姐调解室").count() >= 20
    assert disputes.filter(invited_units__kind="police").exists()
    assert disputes.filter(organization__department__kind="village_committee").exists()
    assert len(set(disputes.values_list("dossier_number", flat=True))) == 78
    first = disputes.order_by("registered_at").first()
    assert first.dossier_number.startswith("(2023)")
    assert [e.action for e in CaseEvent.objects.filter(case=first.case)] == [
        "report",
        "accept",
        "register_dispute",
        "record_session",
        "resolve",
        "verify",
        "close",
    ]


def test_the_monthly_tables_add_up_to_78_all_resolved(demo):
    from fengqiao.accounts.models import User

    leader = User.objects.get(username="leader")
    scoped = Dispute.objects.visible_to(leader)
    total = resolved = 0
    month = dt.date(2023, 1, 1)
    while month <= dt.date(2026, 10, 1):
        table = statistics.monthly_table(scoped, month)
        total += table.total.accepted.value
        resolved += table.total.resolved.value
        if table.total.accepted.value:
            assert table.resolution_rate == 100
        month = (month + dt.timedelta(days=32)).replace(day=1)
    assert (total, resolved) == (78, 78)


def test_loading_again_adds_nothing_and_is_deterministic(demo):
    before = list(
        Dispute.objects.order_by("dossier_number").values_list("dossier_number", "case__title", "amount")
    )
    cases = Case.objects.count()
    assert load_demo_mediation(demo).created == 0
    assert Case.objects.count() == cases
    assert (
        list(
            Dispute.objects.order_by("dossier_number").values_list("dossier_number", "case__title", "amount")
        )
        == before
    )
