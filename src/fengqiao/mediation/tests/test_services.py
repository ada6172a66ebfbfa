"""The mediation services: registration through the case lifecycle, parties, agreement, archive."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied

from fengqiao.cases.models import CaseEvent, Kind, Status
from fengqiao.core.models import AuditEvent
from fengqiao.mediation import services
from fengqiao.mediation.exceptions import MediationError
from fengqiao.mediation.models import Agreement, AgreementTerm, Dispute, Party
from fengqiao.mediation.queries import dossier_checklist

from .conftest import ID_APPLICANT, TERMS, agree, applicant, local, make_dispute, respondent

pytestmark = pytest.mark.django_db


def test_it_registers_a_dispute_as_an_accepted_case_with_a_dossier_number(mediator, committee, room):
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        dispute = make_dispute(mediator, committee, room=room, source="referral", referral="police")
    case = dispute.case
    assert case.kind == Kind.DISPUTE and case.status == Status.ACCEPTED
    assert case.channel == "referral"
    assert dispute.dossier_number == "(2026)安人调字第1号"
    assert dispute.lead_mediator == mediator
    assert dispute.settle_due_on == dt.date(2026, 12, 2)
    assert list(case.events.values_list("action", flat=True)) == ["report", "accept", "register_dispute"]
    assert AuditEvent.objects.filter(action="dispute.register", object_id=str(dispute.pk)).exists()
    assert dispute.parties.count() == 2
    assert make_dispute(mediator, committee).dossier_number == "(2026)安人调字第2号"


def test_numbers_are_per_organisation_and_year(mediator, committee, village_committee, clerk):
    with time_machine.travel(local(2026, 12, 31, 10, 0), tick=False):
        assert make_dispute(mediator, committee).dossier_number == "(2026)安人调字第1号"
        assert make_dispute(clerk, village_committee).dossier_number == "(2026)东沟人调字第1号"
    with time_machine.travel(local(2027, 1, 4, 10, 0), tick=False):
        assert make_dispute(mediator, committee).dossier_number == "(2027)安人调字第1号"


def test_referral_needs_its_referrer(mediator, committee):
    with pytest.raises(MediationError) as error:
        make_dispute(mediator, committee, source="referral")
    assert error.value.fields == {"referral": "Say who referred the dispute."}
    assert not Dispute.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("resident_id", "620802198503150012"),  # check character wrong
        ("resident_id", "62080219850315001"),  # too short
        ("resident_id", "990802198503150018"),  # no such province
        ("phone", "12345"),
    ],
)
def test_party_ids_and_phones_are_validated(mediator, committee, field, value):
    dispute = make_dispute(mediator, committee, parties=[])
    with pytest.raises(MediationError) as error:
        services.add_party(dispute, by=mediator, **applicant(**{field: value}))
    assert field in error.value.fields
    assert not Party.objects.exists()


def test_a_party_is_stored_normalised(mediator, committee):
    dispute = make_dispute(mediator, committee, parties=[])
    party = services.add_party(
        dispute, by=mediator, **applicant(resident_id=ID_APPLICANT.lower(), phone="139 1234 5678", gender="")
    )
    assert party.phone == "+8613912345678"
    assert party.gender == "male"
    assert AuditEvent.objects.filter(action="dispute.add_party").count() == 1


def test_an_agent_needs_whom_they_represent(mediator, committee):
    dispute = make_dispute(mediator, committee)
    with pytest.raises(MediationError):
        services.add_party(dispute, by=mediator, role="agent", name="赵律师")
    principal = dispute.parties.get(role="applicant")
    agent = services.add_party(dispute, by=mediator, role="agent", name="赵律师", represents=principal)
    assert agent.represents == principal


@pytest.mark.parametrize(
    "parties", [[], [applicant()], [respondent()], [applicant(), applicant(name="李二")]]
)
def test_no_agreement_without_an_applicant_and_a_respondent(mediator, committee, parties):
    dispute = make_dispute(mediator, committee, parties=parties)
    with pytest.raises(MediationError) as error:
        agree(dispute, mediator)
    assert error.value.code == "parties_missing"
    dispute.case.refresh_from_db()
    assert dispute.case.status == Status.ACCEPTED
    assert not Agreement.objects.exists()


def test_the_whole_dispute_from_registration_to_archive(mediator, committee, room):
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        dispute = make_dispute(mediator, committee)
        services.record_investigation(
            dispute, by=mediator, content="现场查看排水沟", persons="李春花、王大山"
        )
        services.record_session(
            dispute,
            by=mediator,
            room=room,
            participants="李春花、王大山、调解员",
            minutes="双方陈述",
            outcome="agreement",
        )
        agreement = agree(dispute, mediator)
        dispute.refresh_from_db()
        assert dispute.outcome == "agreement"
        assert dispute.case.status == Status.RESOLVED
        assert agreement.effective_on is None  # written: effective when signed
        assert [t.content for t in agreement.terms.all()] == [t["content"] for t in TERMS]
        services.sign_agreement(agreement, by=mediator)
        agreement.refresh_from_db()
        assert agreement.effective_on == dt.date(2026, 11, 2)
        assert agreement.confirmation_due_on == dt.date(2026, 12, 2)
        term = agreement.terms.get(position=2)
        services.update_term_performance(term, by=mediator, performance="done", note="已当面支付")
        assert AgreementTerm.objects.get(pk=term.pk).performance == "done"
        services.record_follow_up(dispute, by=mediator, content="双方相安无事", method="phone")
        services.apply_judicial_confirmation(
            agreement, by=mediator, applied_on="2026-11-20", court="崆峒区人民法院"
        )
        services.record_court_decision(agreement, by=mediator, decision="confirmed", decided_on="2026-11-25")

        with pytest.raises(MediationError) as error:
            services.archive_dossier(dispute, by=mediator)
        assert error.value.code == "dossier_incomplete"
        assert "identity" in str(error.value)
        missing = {item.kind for item in dossier_checklist(dispute) if item.required and not item.present}
        assert missing == {"identity"}
        services.add_document(dispute, by=mediator, kind="identity", title="身份证复印件", pages=2)
        services.archive_dossier(dispute, by=mediator)
    dispute.refresh_from_db()
    assert dispute.archived_at is not None
    assert dispute.case.status == Status.CLOSED
    actions = list(CaseEvent.objects.filter(case=dispute.case).values_list("action", flat=True))
    for action in (
        "record_investigation",
        "record_session",
        "resolve",
        "sign_agreement",
        "term_performance",
        "record_follow_up",
        "apply_confirmation",
        "court_decision",
        "add_document",
        "verify",
        "close",
    ):
        assert action in actions
    with pytest.raises(MediationError):
        services.record_investigation(dispute, by=mediator, content="late")


def test_confirmation_must_be_applied_within_30_days(mediator, committee):
    dispute = make_dispute(mediator, committee)
    agreement = agree(dispute, mediator, signed_on="2026-11-02")
    with pytest.raises(MediationError) as error:
        services.apply_judicial_confirmation(
            agreement, by=mediator, applied_on="2026-12-03", court="崆峒区人民法院"
        )
    assert "applied_on" in error.value.fields
    services.apply_judicial_confirmation(
        agreement, by=mediator, applied_on="2026-12-02", court="崆峒区人民法院"
    )


def test_failure_records_the_route_and_resolves_the_case(mediator, committee):
    dispute = make_dispute(mediator, committee)
    services.record_failure(dispute, by=mediator, reason="被申请人拒绝调解", route="litigation")
    dispute.refresh_from_db()
    assert (dispute.outcome, dispute.failure_route) == ("failure", "litigation")
    assert dispute.case.status == Status.RESOLVED
    services.add_document(dispute, by=mediator, kind="identity")
    missing = {item.kind for item in dossier_checklist(dispute) if item.required and not item.present}
    assert missing == {"minutes"}  # no agreement is needed after a failure


def test_extending_needs_the_parties_consent(mediator, committee):
    dispute = make_dispute(mediator, committee)
    before = dispute.settle_due_on
    with pytest.raises(MediationError):
        services.extend_settle_deadline(dispute, by=mediator, days=15, consent="")
    services.extend_settle_deadline(dispute, by=mediator, days=15, consent="双方同意延长15日（签字附卷）")
    dispute.refresh_from_db()
    assert dispute.settle_due_on == before + dt.timedelta(days=15)
    assert "双方同意" in dispute.settle_extension_consent
    assert AuditEvent.objects.filter(action="dispute.extend").exists()


def test_roles_that_do_not_mediate_are_refused(auditor, judicial, worker_a, mediator, committee):
    dispute = make_dispute(mediator, committee)
    for user in (auditor, judicial, worker_a):
        with pytest.raises(PermissionDenied):
            services.record_session(dispute, by=user, participants="x", minutes="y")
        with pytest.raises(PermissionDenied):
            make_dispute(user, committee)


def test_a_mediator_outside_the_dispute_may_not_work_on_it(mediator, other_mediator, committee):
    dispute = make_dispute(mediator, committee)
    with pytest.raises(PermissionDenied):
        services.record_session(dispute, by=other_mediator, participants="x", minutes="y")


def test_an_unsigned_written_agreement_is_not_archived(mediator, committee):
    dispute = make_dispute(mediator, committee)
    services.record_session(dispute, by=mediator, participants="双方", minutes="调解")
    services.add_document(dispute, by=mediator, kind="identity")
    agreement = agree(dispute, mediator)  # written, no signed_on
    agreement_item = next(item for item in dossier_checklist(dispute) if item.kind == "agreement")
    assert agreement_item.required and not agreement_item.present  # not in the dossier until signed
    with pytest.raises(MediationError) as error:
        services.archive_dossier(dispute, by=mediator)
    assert (error.value.code, error.value.http_status) == ("agreement_unsigned", 409)
    assert "signed" in str(error.value)
    dispute.refresh_from_db()
    assert dispute.archived_at is None and dispute.case.status == Status.RESOLVED
    assert not AuditEvent.objects.filter(action="dispute.archive").exists()

    services.sign_agreement(agreement, by=mediator, signed_on="2026-11-03")
    assert next(item for item in dossier_checklist(dispute) if item.kind == "agreement").present
    services.archive_dossier(dispute, by=mediator)
    dispute.refresh_from_db()
    assert dispute.archived_at is not None and dispute.case.status == Status.CLOSED


def test_an_oral_agreement_is_archived_without_signatures(mediator, committee):
    dispute = make_dispute(mediator, committee)
    services.record_session(dispute, by=mediator, participants="双方", minutes="调解")
    services.add_document(dispute, by=mediator, kind="identity")
    agreement = agree(dispute, mediator, form="oral")
    assert agreement.effective_on is not None and agreement.signed_on is None
    services.archive_dossier(dispute, by=mediator)
    assert Dispute.objects.get(pk=dispute.pk).case.status == Status.CLOSED
