"""The official documents as PDF: Chinese text extractable, a missing CJK font refused clearly."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from fengqiao.mediation import documents, services
from fengqiao.mediation.exceptions import MediationError

from .conftest import ID_APPLICANT, agree, make_dispute

pytestmark = pytest.mark.django_db


def text_of(pdf: bytes) -> str:
    assert pdf.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return re.sub(r"\s+", "", text)


@pytest.fixture
def agreement(mediator, committee, room):
    dispute = make_dispute(mediator, committee, room=room)
    services.add_party(dispute, by=mediator, role="third_party", name="赵小红")
    return agree(dispute, mediator)


def test_the_agreement_pdf_has_the_parties_terms_and_dossier_number(agreement):
    text = text_of(documents.agreement_pdf(agreement))
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


def test_the_registration_form_has_the_notice_of_rights(agreement):
    dispute = agreement.dispute
    text = text_of(documents.registration_pdf(dispute))
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
    text = text_of(documents.minutes_pdf(session))
    assert "人民调解笔录" in text and "双方同意改沟" in text and "知心姐姐调解室" in text
    text = text_of(documents.dossier_pdf(dispute))
    assert "人民调解卷宗" in text and "卷内目录" in text and "当事人身份证明材料" in text and "缺" in text


def test_a_missing_cjk_font_is_a_clear_error_not_boxes(agreement, monkeypatch):
    monkeypatch.setattr(documents, "cjk_font_available", lambda: False)
    with pytest.raises(MediationError) as error:
        documents.agreement_pdf(agreement)
    assert error.value.code == "cjk_font_missing"
    assert "fonts-noto-cjk" in str(error.value)
