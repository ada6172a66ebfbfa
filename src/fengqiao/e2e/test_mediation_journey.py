"""Issue 4's journey in a real browser: a mediator registers a dispute, records a session in the
mediation room, records the agreement with its terms, downloads the 调解协议书 as a PDF whose text
carries the parties, the terms and the dossier number, then records the signatures, files the
identity copies and archives the dossier (the case is closed). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from fengqiao.e2e.browser import log_in, save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_mediator_runs_a_dispute_from_registration_to_the_archived_dossier(page, live_server, demo_town):
    from fengqiao.accounts.models import User
    from fengqiao.cases import sla
    from fengqiao.center.models import Room
    from fengqiao.mediation.models import Dispute, MediationOrganization

    sla.seed_default_policies()  # a transactional test flushed the migration's rows
    mediator = User.objects.get(username="mediator")
    committee = MediationOrganization.objects.get(name="安国镇人民调解委员会")
    room = Room.objects.get(name="知心姐姐调解室")
    log_in(page, live_server.url, "mediator")
    page.goto(f"{live_server.url}/mediation/")
    page.get_by_test_id("register-link").click()
    page.fill("#id_title", "宅前排水沟纠纷")
    page.select_option("#id_dispute_type", "neighbour")
    page.fill("#id_facts", "两家因排水沟走向发生争执")
    page.select_option("#id_organization", str(committee.pk))
    page.select_option("#id_room", str(room.pk))
    page.fill("#id_applicant_name", "李春花")
    page.fill("#id_applicant_resident_id", "620802198503150018")
    page.fill("#id_applicant_phone", "13912345678")
    page.fill("#id_respondent_name", "王大山")
    page.fill("#id_respondent_resident_id", "620802197811020026")
    with page.expect_navigation():
        page.get_by_test_id("register-submit").click()
    dispute = Dispute.objects.get(case__title="宅前排水沟纠纷", archived_at__isnull=True)
    assert dispute.lead_mediator == mediator
    page.goto(f"{live_server.url}/mediation/")
    expect(page.get_by_test_id("my-disputes")).to_contain_text(dispute.dossier_number)
    page.get_by_test_id("my-disputes").get_by_text(dispute.dossier_number).click()
    expect(page.get_by_test_id("dossier-number")).to_have_text(dispute.dossier_number)
    # The demo mediator holds `view_sensitive` (they print the complete agreement): IDs in full.
    assert mediator.view_sensitive
    expect(page.get_by_test_id("parties")).to_contain_text("620802198503150018")

    page.select_option("#id_session_room", str(room.pk))
    page.fill("#id_session_participants", "李春花、王大山、调解员")
    page.fill("#id_session_minutes", "双方陈述意见，同意改沟并赔偿。")
    page.select_option("#id_session_outcome", "agreement")
    with page.expect_navigation():
        page.get_by_test_id("session-submit").click()
    expect(page.get_by_test_id("sessions")).to_contain_text("双方陈述意见")
    save_screenshot(page, "mediation-1-session")

    page.get_by_test_id("agreement-toggle").click()
    page.fill("#id_agreement_points_in_dispute", "排水沟走向及损失赔偿；王大山负主要责任。")
    page.fill("#id_agreement_term_1_content", "王大山将排水沟改至自家院墙外侧")
    page.fill("#id_agreement_term_1_manner", "自行施工")
    page.fill("#id_agreement_term_1_place", "东沟村二组")
    page.fill("#id_agreement_term_1_due_on", "2026-12-15")
    page.fill("#id_agreement_term_2_content", "王大山赔偿李春花损失人民币叁仟元")
    page.fill("#id_agreement_term_2_manner", "现金支付")
    with page.expect_navigation():
        page.get_by_test_id("agreement-submit").click()
    expect(page.get_by_test_id("outcome")).to_be_visible()
    expect(page.get_by_test_id("terms")).to_contain_text("王大山将排水沟改至自家院墙外侧")
    save_screenshot(page, "mediation-2-agreement")

    with page.expect_download() as download_info:
        page.get_by_test_id("agreement-pdf").click()
    content = open(download_info.value.path(), "rb").read()  # noqa: SIM115 - a temporary file
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages))
    assert dispute.dossier_number in text
    assert "李春花" in text and "王大山" in text
    assert "王大山将排水沟改至自家院墙外侧" in text and "王大山赔偿李春花损失人民币叁仟元" in text
    assert "本协议书一式3份" in text
    assert "620802198503150018" in text  # the complete original, and its download audited
    from fengqiao.core.models import AuditEvent

    assert AuditEvent.objects.filter(action="mediation.document", object_id=str(dispute.pk)).count() == 1

    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.outcome == "agreement" and dispute.case.status == "resolved"

    # The parties sign; the identity copies are filed; the dossier is archived and the case closed.
    with page.expect_navigation():
        page.get_by_test_id("sign-submit").click()
    page.select_option("#id_document_kind", "identity")
    with page.expect_navigation():
        page.get_by_test_id("document-submit").click()
    with page.expect_navigation():
        page.get_by_test_id("archive-submit").click()
    expect(page.get_by_test_id("archive-submit")).to_have_count(0)  # archived: nothing left to do
    save_screenshot(page, "mediation-3-archived")
    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.archived_at is not None and dispute.case.status == "closed"
