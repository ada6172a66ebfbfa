"""The official documents as PDF: Chinese text extractable, a missing CJK font refused clearly."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from fengqiao.core.models import AuditEvent
from fengqiao.mediation import documents, services
from fengqiao.mediation.exceptions import MediationError

from .conftest import ID_APPLICANT, ID_RESPONDENT, agree, make_dispute

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", "", text)


@pytest.fixture
def agreement(mediator, committee, room):
    mediator.view_sensitive = True  # mediators print the complete originals
    mediator.save(update_fields=["view_sensitive"])
    dispute = make_dispute(mediator, committee, room=room)
    services.add_party(dispute, by=mediator, role="third_party", name="赵小红")
    return agree(dispute, mediator)


def test_the_agreement_pdf_has_the_parties_terms_and_dossier_number(agreement, mediator):
    text = text_of(documents.agreement_pdf(agreement, viewer=mediator))
    assert "人民调解协议书" in text
    assert agreement.dispute.dossier_number in text
    for name in ("李春花", "王大山", "赵小红"):
        assert name in text
    assert ID_APPLICANT in text  # in full on the official document
    assert "王大山将排水沟改至自家院墙外侧" in text
    assert "王大山赔偿李春花损失人民币叁仟元" in text
    assert "现金支付" in text and "安国镇司法所" in text and "2026年12月1日前" in text
    assert "排水沟走向及损失赔偿" in text  # points in dispute and responsibilities
    assert "本协议书一式4份" in text  # three parties plus the committee
    assert "安国镇人民调解委员会（印章）" in text


def test_the_registration_form_has_the_notice_of_rights(agreement, mediator):
    dispute = agreement.dispute
    text = text_of(documents.registration_pdf(dispute, viewer=mediator))
    assert "人民调解受理登记表" in text and dispute.dossier_number in text and "邻里纠纷" in text
    assert "权利义务告知" in text and "李春花" in text


def test_minutes_and_dossier_index(mediator, committee, room):
    dispute = make_dispute(mediator, committee, room=room)
    session = services.record_session(
        dispute,
        by=mediator,
        room=room,
        participants="李春花、王大山",
        minutes="双方同意改沟",
        outcome="agreement",
    )
    text = text_of(documents.minutes_pdf(session, viewer=mediator))
    assert "人民调解笔录" in text and "双方同意改沟" in text and "知心姐姐调解室" in text
    text = text_of(documents.dossier_pdf(dispute, viewer=mediator))
    assert "人民调解卷宗" in text and "卷内目录" in text and "当事人身份证明材料" in text and "缺" in text


def test_a_missing_cjk_font_is_a_clear_error_not_boxes(agreement, mediator, monkeypatch):
    monkeypatch.setattr(documents, "cjk_font_available", lambda: False)
    with pytest.raises(MediationError) as error:
        documents.agreement_pdf(agreement, viewer=mediator)
    assert error.value.code == "cjk_font_missing"
    assert "fonts-noto-cjk" in str(error.value)


# --- identifiers: masked without `view_sensitive`, in full and audited with it -------------------

SENSITIVE = (ID_APPLICANT, ID_RESPONDENT, "13912345678", "13800001111")
MASKED = ("620802***********8", "620802***********6", "139****5678", "138****1111")


def download(client, user, name, dispute):
    client.force_login(user)
    response = client.get(reverse(f"mediation:{name}", args=[dispute.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf", name
    return text_of(response.content)


@pytest.mark.parametrize("name", ["agreement_pdf", "registration_pdf"])
def test_a_reader_without_the_right_gets_the_identifiers_masked_and_no_audit_row(
    client, agreement, police, auditor, name
):
    dispute = agreement.dispute
    dispute.invited_units.add(police.department)  # the police station may now open the dispute
    for user in (police, auditor):
        assert not user.view_sensitive
        text = download(client, user, name, dispute)
        assert "李春花" in text and dispute.dossier_number in text
        for value in SENSITIVE:
            assert value not in text, (user.role, value)
        for value in MASKED:
            assert value in text, (user.role, value)
    assert not AuditEvent.objects.filter(action__in=["mediation.document", "sensitive.read"]).exists()


@pytest.mark.parametrize(
    ("name", "document"), [("agreement_pdf", "agreement"), ("registration_pdf", "registration")]
)
def test_a_holder_of_the_right_gets_the_complete_document_and_one_audit_row(
    client, agreement, mediator, name, document
):
    dispute = agreement.dispute
    text = download(client, mediator, name, dispute)
    for value in SENSITIVE:
        assert value in text
    rows = AuditEvent.objects.filter(action="mediation.document")
    assert rows.count() == 1
    row = rows.get()
    assert row.actor == mediator
    assert (row.object_type, row.object_id) == ("mediation.dispute", str(dispute.pk))
    assert row.changes == {"document": document, "fields": ["resident_id", "phone", "address"]}
    assert not any(value in str(row.changes) for value in SENSITIVE)  # never the values themselves
    download(client, mediator, name, dispute)
    assert rows.count() == 2  # one row per download


def test_dossier_and_minutes_downloads_are_audited_for_the_right_holder_only(
    client, mediator, auditor, committee
):
    mediator.view_sensitive = True
    mediator.save(update_fields=["view_sensitive"])
    dispute = make_dispute(mediator, committee)
    session = services.record_session(dispute, by=mediator, participants="双方", minutes="调解")
    download(client, auditor, "dossier_pdf", dispute)
    client.get(reverse("mediation:minutes_pdf", args=[dispute.pk, session.pk]))
    assert not AuditEvent.objects.filter(action="mediation.document").exists()
    download(client, mediator, "dossier_pdf", dispute)
    assert client.get(reverse("mediation:minutes_pdf", args=[dispute.pk, session.pk])).status_code == 200
    documents_audited = [
        row.changes["document"]
        for row in AuditEvent.objects.filter(action="mediation.document").order_by("id")
    ]
    assert documents_audited == ["dossier", f"minutes:{session.pk}"]
