"""The mediation pages: the whole dispute in the browser's forms, masking, scope and roles."""

from __future__ import annotations

import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from fengqiao.cases.models import Status
from fengqiao.mediation import sla
from fengqiao.mediation.models import Dispute, Screening

from .conftest import ID_APPLICANT, ID_RESPONDENT, PDF_BYTES, local, make_dispute, upload

pytestmark = pytest.mark.django_db


def post(client, name, dispute, data):
    return client.post(reverse(f"mediation:{name}", args=[dispute.pk]), data)


def test_a_mediator_runs_a_dispute_from_registration_to_archive(client, mediator, committee, room):
    client.force_login(mediator)
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        response = client.post(
            reverse("mediation:dispute_register"),
            {
                "title": "宅前排水沟纠纷",
                "dispute_type": "neighbour",
                "facts": "两家因排水沟走向发生争执",
                "organization": committee.pk,
                "source": "application",
                "people_count": 2,
                "room": room.pk,
                "rights_notice_given": "on",
                "applicant_name": "李春花",
                "applicant_resident_id": ID_APPLICANT,
                "applicant_phone": "13912345678",
                "respondent_name": "王大山",
                "respondent_resident_id": ID_RESPONDENT,
            },
        )
        dispute = Dispute.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse(
            "mediation:dispute_detail", args=[dispute.pk]
        )
        assert dispute.dossier_number == "(2026)安人调字第1号"
        detail = client.get(response["Location"])
        assert "620802***********8" in detail.content.decode() and ID_APPLICANT not in detail.content.decode()

        post(
            client,
            "dispute_session",
            dispute,
            {
                "held_at": "2026-11-02T10:00",
                "room": room.pk,
                "participants": "双方",
                "minutes": "双方陈述",
                "outcome": "agreement",
            },
        )
        assert dispute.sessions.count() == 1
        workbench = client.get(reverse("mediation:workbench")).content.decode()
        assert dispute.dossier_number in workbench
        post(
            client,
            "dispute_agreement",
            dispute,
            {
                "form": "written",
                "facts": "雨水流入李春花院内",
                "points_in_dispute": "王大山负主要责任",
                "term_1_content": "王大山改排水沟",
                "term_1_manner": "自行施工",
                "term_1_place": "东沟村",
                "term_1_due_on": "2026-11-20",
            },
        )
        dispute.refresh_from_db()
        assert dispute.outcome == "agreement" and dispute.case.status == Status.RESOLVED
        assert "awaiting-signature" in client.get(reverse("mediation:workbench")).content.decode()
        pdf = client.get(reverse("mediation:agreement_pdf", args=[dispute.pk]))
        assert pdf["Content-Type"] == "application/pdf"
        text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).replace("\n", "")
        assert "王大山改排水沟" in text and "(2026)安人调字第1号" in text
        post(client, "dispute_sign", dispute, {"signed_on": "2026-11-02"})
        post(
            client,
            "dispute_document",
            dispute,
            {"kind": "identity", "title": "身份证", "pages": 2, "file": upload("id.pdf", PDF_BYTES)},
        )
        assert dispute.documents.get().origin == "upload"
        response = post(client, "dispute_archive", dispute, {})
        assert response.status_code == 302
    dispute.refresh_from_db()
    assert dispute.archived_at is not None and dispute.case.status == Status.CLOSED


def test_a_refusal_is_shown_not_a_crash(client, mediator, committee):
    dispute = make_dispute(mediator, committee, parties=[])
    client.force_login(mediator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"  # the message is translated when it is made
    response = post(
        client,
        "dispute_agreement",
        dispute,
        {"form": "written", "facts": "f", "points_in_dispute": "p", "term_1_content": "t"},
    )
    assert response.status_code == 302
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "An agreement needs at least one applicant and one respondent." in page


def test_out_of_scope_is_404_and_readers_may_not_write(
    client, mediator, other_mediator, auditor, committee, village_committee, clerk
):
    foreign = make_dispute(clerk, village_committee, lead_mediator=other_mediator)
    client.force_login(mediator)
    assert client.get(reverse("mediation:dispute_detail", args=[foreign.pk])).status_code == 404
    assert client.get(reverse("mediation:agreement_pdf", args=[foreign.pk])).status_code == 404
    assert (
        post(
            client, "dispute_session", foreign, {"participants": "x", "minutes": "y", "outcome": "continue"}
        ).status_code
        == 404
    )
    client.force_login(auditor)
    assert client.get(reverse("mediation:dispute_detail", args=[foreign.pk])).status_code == 200
    assert (
        post(
            client, "dispute_session", foreign, {"participants": "x", "minutes": "y", "outcome": "continue"}
        ).status_code
        == 403
    )
    assert not foreign.sessions.exists()


def test_pages_answer(client, mediator, committee, worker_a, clerk):
    make_dispute(mediator, committee)
    client.force_login(mediator)
    for name in ("workbench", "dispute_list", "dispute_register", "screening", "statistics"):
        assert client.get(reverse(f"mediation:{name}")).status_code == 200, name
    client.force_login(worker_a)
    assert client.get(reverse("mediation:workbench")).status_code == 403


def test_a_grid_worker_submits_a_zero_report_on_the_page(client, town, worker_a, clerk):
    with time_machine.travel(local(2026, 11, 2, 10, 0), tick=False):
        sla.sweep()
        slot = Screening.objects.get(grid=town.grid_a)
        client.force_login(worker_a)
        page = client.get(reverse("mediation:screening")).content.decode()
        assert reverse("mediation:screening_submit", args=[slot.pk]) in page
        client.post(reverse("mediation:screening_submit", args=[slot.pk]), {f"s{slot.pk}-zero_report": "on"})
        slot.refresh_from_db()
        assert slot.zero_report and slot.submitted_at
        client.force_login(clerk)
        missing = client.get(reverse("mediation:screening")).context["missing"]
        assert [s.grid for s in missing] == [town.grid_b]


def test_every_document_downloads_in_scope_only(
    client, mediator, other_mediator, committee, village_committee, clerk
):
    from fengqiao.mediation import services

    from .conftest import agree

    dispute = make_dispute(mediator, committee)
    session = services.record_session(dispute, by=mediator, participants="双方", minutes="调解")
    agree(dispute, mediator)
    foreign = make_dispute(clerk, village_committee, lead_mediator=other_mediator)
    foreign_session = services.record_session(foreign, by=clerk, participants="双方", minutes="调解")
    client.force_login(mediator)
    for name in ("agreement_pdf", "registration_pdf", "dossier_pdf"):
        response = client.get(reverse(f"mediation:{name}", args=[dispute.pk]))
        assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF"), name
        assert client.get(reverse(f"mediation:{name}", args=[foreign.pk])).status_code == 404, name
    assert client.get(reverse("mediation:minutes_pdf", args=[dispute.pk, session.pk])).status_code == 200
    assert (
        client.get(reverse("mediation:minutes_pdf", args=[dispute.pk, foreign_session.pk])).status_code == 404
    )


def test_a_missing_font_on_the_page_is_a_message_not_a_crash(client, mediator, committee, monkeypatch):
    from fengqiao.mediation import documents

    monkeypatch.setattr(documents, "cjk_font_available", lambda: False)
    dispute = make_dispute(mediator, committee)
    client.force_login(mediator)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    response = client.get(reverse("mediation:registration_pdf", args=[dispute.pk]))
    assert response.status_code == 302
    assert "fonts-noto-cjk" in client.get(response["Location"]).content.decode()
