"""Issue 4's journey in a real browser: a mediator registers a dispute, plans a session in the
mediation room (it shows among today's sessions on the workbench), records it as held, records the
agreement with its terms, downloads the 调解协议书 as a PDF whose text carries the parties, the terms
and the dossier number, records the signatures, uploads the identity copies, attaches the generated
registration form, minutes, agreement and cover in one click each, and archives the dossier (the
case is closed). Screenshots go to test-artifacts/.
"""

from __future__ import annotations

import datetime as dt
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

    # Plan the session a few minutes ahead in the mediation room, then hold it.
    from django.utils import timezone

    from fengqiao.mediation.models import MediationSession

    now = timezone.localtime().replace(second=0, microsecond=0)
    planned_at = now + dt.timedelta(minutes=5)
    page.fill("#id_plan_session_held_at", planned_at.strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#id_plan_session_room", str(room.pk))
    page.fill("#id_plan_session_participants", "李春花、王大山、调解员")
    with page.expect_navigation():
        page.get_by_test_id("plan-submit").click()
    session = MediationSession.objects.get(dispute=dispute)
    assert (session.status, session.room, session.minutes) == ("planned", room, "")
    expect(page.get_by_test_id(f"session-{session.pk}")).to_contain_text(room.name)
    if planned_at.date() == now.date():  # not across midnight: it is one of today's sessions
        page.goto(f"{live_server.url}/mediation/")
        expect(page.get_by_test_id("sessions-today")).to_contain_text(dispute.dossier_number)
        page.goto(f"{live_server.url}/mediation/disputes/{dispute.pk}/")
    page.get_by_test_id(f"hold-toggle-{session.pk}").click()
    page.fill(f"#id_hold{session.pk}_held_at", now.strftime("%Y-%m-%dT%H:%M"))
    expect(page.locator(f"#id_hold{session.pk}_participants")).to_have_value("李春花、王大山、调解员")
    page.fill(f"#id_hold{session.pk}_minutes", "双方陈述意见，同意改沟并赔偿。")
    page.select_option(f"#id_hold{session.pk}_outcome", "agreement")
    with page.expect_navigation():
        page.get_by_test_id(f"hold-submit-{session.pk}").click()
    expect(page.get_by_test_id("sessions")).to_contain_text("双方陈述意见")
    session.refresh_from_db()
    assert session.status == "held"
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

    # The parties sign; the identity copies are uploaded and the generated documents attached; the
    # dossier is archived and the case closed.
    with page.expect_navigation():
        page.get_by_test_id("sign-submit").click()
    page.select_option("#id_document_kind", "identity")
    page.set_input_files(
        "#id_document_file", files=[{"name": "身份证.png", "mimeType": "image/png", "buffer": _scan()}]
    )
    with page.expect_navigation():
        page.get_by_test_id("document-submit").click()
    for kind in ("registration", "minutes", "agreement", "cover"):
        with page.expect_navigation():
            page.get_by_test_id(f"attach-{kind}").click()
    filed = sorted(dispute.documents.values_list("kind", "origin"))
    assert filed == [
        ("agreement", "generated"),
        ("cover", "generated"),
        ("identity", "upload"),
        ("minutes", "generated"),
        ("registration", "generated"),
    ]
    expect(page.get_by_test_id("documents")).to_contain_text("身份证.png")
    expect(page.locator("[data-testid=checklist] tr.table-danger")).to_have_count(0)  # nothing missing
    scan = dispute.documents.get(kind="identity")
    with page.expect_download() as download_info:
        page.get_by_test_id(f"document-download-{scan.pk}").click()
    stored = open(download_info.value.path(), "rb").read()  # noqa: SIM115 - a temporary file
    assert stored.startswith(b"\x89PNG") and b"FictionalCam" not in stored  # re-encoded, no metadata
    save_screenshot(page, "mediation-3-dossier")
    with page.expect_navigation():
        page.get_by_test_id("archive-submit").click()
    expect(page.get_by_test_id("archive-submit")).to_have_count(0)  # archived: nothing left to do
    save_screenshot(page, "mediation-4-archived")
    dispute = Dispute.objects.get(pk=dispute.pk)
    assert dispute.archived_at is not None and dispute.case.status == "closed"


def _scan() -> bytes:
    """A scanned ID copy as a phone would send it: a PNG carrying EXIF (fictional camera)."""
    from PIL import Image

    image = Image.new("RGB", (60, 40), (230, 230, 230))
    exif = Image.Exif()
    exif[0x010F] = "FictionalCam"
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", exif=exif)
    return buffer.getvalue()
