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
    """Each month's table is as at the month's end (a dispute archived in a later month is that
    month's pending or agreement); all 78 are resolved now, and no month counts more."""
    from fengqiao.accounts.models import User

    leader = User.objects.get(username="leader")
    scoped = Dispute.objects.visible_to(leader)
    total = resolved = 0
    month = dt.date(2023, 1, 1)
    while month <= dt.date(2026, 10, 1):
        table = statistics.monthly_table(scoped, month)
        row = table.total
        assert row.accepted.value == row.agreement.value + row.failure.value + row.pending.value
        assert row.failure.value == 0
        total += row.accepted.value
        resolved += row.resolved.value
        month = (month + dt.timedelta(days=32)).replace(day=1)
    assert total == 78
    # The demo archives each dossier 20 days after the agreement, mostly in a later month.
    assert 0 <= resolved <= 78
    assert scoped.filter(statistics.figure_q({"resolved": "1"})).count() == 78


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


def test_the_demo_mediator_prints_complete_documents(demo):
    from fengqiao.accounts.models import User

    assert User.objects.get(username="mediator").view_sensitive
    assert not User.objects.get(username="police").view_sensitive
    # An older demo whose mediator lacks the right gets it on the next load (and only that).
    User.objects.filter(username="mediator").update(view_sensitive=False)
    users = User.objects.count()
    assert load_demo_town(today=OCTOBER_2026).built
    assert User.objects.get(username="mediator").view_sensitive
    assert User.objects.count() == users
    assert not load_demo_town(today=OCTOBER_2026).built  # complete again


def test_demo_disputes_have_their_grid_risk_grades_and_screening_reports(demo):
    from fengqiao.accounts.models import User
    from fengqiao.mediation.models import ScreeningItem

    disputes = Dispute.objects.filter(case__town=demo).select_related("case__grid__village", "screening")
    assert not disputes.filter(case__grid__isnull=True).exists()
    for dispute in disputes:
        # The grid is the village's whose committee the parties live under.
        assert dispute.parties.first().address.startswith(dispute.case.grid.village.name)
    worker = User.objects.filter(role="grid_worker", grids=disputes.first().case.grid).first()
    assert Dispute.objects.visible_to(worker).filter(pk=disputes.first().pk).exists()
    flagged = disputes.filter(risk_criminal=True)
    assert flagged.count() == 4
    assert not flagged.filter(risk_grade="").exists()
    assert not disputes.filter(risk_group_petition=True, risk_grade="").exists()
    found = disputes.filter(source="screening")
    assert found.count() == 10
    for dispute in found:
        report = dispute.screening
        assert report is not None and report.submitted_at is not None and not report.zero_report
        assert report.grid_id == dispute.case.grid_id
        assert report.period_start <= dispute.registered_at.date() <= report.period_end
        assert ScreeningItem.objects.get(case=dispute.case).screening == report
    assert not disputes.exclude(source="screening").filter(screening__isnull=False).exists()


def test_an_older_demo_is_completed_without_new_disputes(demo):
    from fengqiao.mediation.models import Screening, ScreeningItem

    complete = list(
        Dispute.objects.order_by("pk").values_list("pk", "case__grid", "risk_grade", "screening__grid")
    )
    reports = Screening.objects.count()
    ScreeningItem.objects.all().delete()
    Dispute.objects.update(screening=None)
    Screening.objects.all().delete()
    Case.objects.filter(dispute__isnull=False).update(grid=None)
    Dispute.objects.filter(risk_criminal=True).update(risk_grade="")
    cases = Case.objects.count()
    assert load_demo_mediation(demo).created == 0
    assert Case.objects.count() == cases
    assert Screening.objects.count() == reports
    assert (
        list(Dispute.objects.order_by("pk").values_list("pk", "case__grid", "risk_grade", "screening__grid"))
        == complete
    )


def test_the_statistics_pages_of_the_demo_town_add_up_to_78_all_resolved(demo, client):
    """What the center reads: the monthly pages since 2023 add up to 78 accepted (no failure, each
    row adding up), every month's figures link to exactly the disputes they count, and the list
    of disputes resolved now holds all 78."""
    from fengqiao.accounts.models import User

    client.force_login(User.objects.get(username="leader"))
    total = 0
    month = dt.date(2023, 1, 1)
    while month <= dt.date(2026, 10, 1):
        row = client.get(f"/mediation/statistics/?month={month:%Y-%m}").context["table"].total
        assert row.accepted.value == row.agreement.value + row.pending.value and row.failure.value == 0
        if row.accepted.value:
            for figure in (row.accepted, row.agreement, row.resolved):
                assert client.get(figure.url).context["page"].paginator.count == figure.value
        total += row.accepted.value
        month = (month + dt.timedelta(days=32)).replace(day=1)
    assert total == 78
    assert client.get("/mediation/disputes/?resolved=1").context["page"].paginator.count == 78
    assert client.get("/mediation/disputes/?outcome=failure").context["page"].paginator.count == 0
