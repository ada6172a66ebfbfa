"""Dossier documents with real files: uploads sniffed from their bytes, limited in size, pictures
re-encoded without metadata; generated PDFs attached in one step; downloads scoped and audited."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from fengqiao.core.models import AuditEvent
from fengqiao.mediation import queries, services
from fengqiao.mediation.exceptions import MediationError
from fengqiao.mediation.models import DossierDocument
from fengqiao.testing.builders import api_client

from .conftest import PDF_BYTES, agree, make_dispute, photo_with_gps, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def sensitive_mediator(mediator):
    mediator.view_sensitive = True
    mediator.save()
    return mediator


def present(dispute, kind):
    return next(item for item in queries.dossier_checklist(dispute) if item.kind == kind)


def test_an_uploaded_document_is_stored_and_counts_in_the_checklist(mediator, committee):
    dispute = make_dispute(mediator, committee)
    assert not present(dispute, "identity").present
    document = services.add_document(
        dispute, by=mediator, kind="identity", file=upload("../../身份证.pdf", PDF_BYTES)
    )
    assert (document.origin, document.content_type, document.original_name) == (
        "upload",
        "application/pdf",
        "身份证.pdf",
    )
    assert document.file.read() == PDF_BYTES and document.size == len(PDF_BYTES) and document.sensitive
    assert document.file.name.startswith("mediation/") and "身份证" not in document.file.name
    item = present(dispute, "identity")
    assert item.present and item.filed == 1 and item.pages == 1
    assert AuditEvent.objects.filter(action="dispute.add_document").count() == 1
    assert dispute.case.events.filter(action="add_document").count() == 1
    services.add_document(dispute, by=mediator, kind="identity", pages=3)  # a paper copy
    assert present(dispute, "identity").pages == 4


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_pictures_are_re_encoded_without_metadata(mediator, committee, fmt):
    dispute = make_dispute(mediator, committee)
    original = photo_with_gps(fmt)
    assert b"FictionalCam" in original
    document = services.add_document(dispute, by=mediator, kind="evidence", file=upload("x.bin", original))
    stored = document.file.read()
    assert document.content_type == f"image/{fmt.lower()}"
    assert b"FictionalCam" not in stored and b"secret comment" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert not image.getexif() and image.size == (40, 30)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "empty"),
        (b"MZ\x90\x00 this is an executable", "Only PDF"),
        (b"\x89PNG\r\n\x1a\n but not really a picture", "damaged"),
    ],
)
def test_other_files_are_refused(mediator, committee, data, message):
    dispute = make_dispute(mediator, committee)
    with pytest.raises(MediationError) as error:
        services.add_document(dispute, by=mediator, kind="evidence", file=upload("photo.jpg", data))
    assert error.value.http_status == 400 and message in error.value.fields["file"]
    assert not DossierDocument.objects.exists()


def test_the_size_limit(mediator, committee, settings):
    settings.CASE_ATTACHMENT_MAX_BYTES = 1024
    dispute = make_dispute(mediator, committee)
    with pytest.raises(MediationError) as error:
        services.add_document(
            dispute, by=mediator, kind="evidence", file=upload("a.pdf", PDF_BYTES + b" " * 1024)
        )
    assert "larger" in error.value.fields["file"]


def test_generated_documents_are_attached_in_one_step(sensitive_mediator, committee):
    mediator = sensitive_mediator
    dispute = make_dispute(mediator, committee)
    session = services.record_session(dispute, by=mediator, participants="双方", minutes="和解")
    with pytest.raises(MediationError) as error:
        services.attach_generated_document(dispute, by=mediator, kind="agreement")
    assert error.value.http_status == 409
    agree(dispute, mediator, signed_on="2026-11-02")
    with pytest.raises(MediationError):
        services.attach_generated_document(dispute, by=mediator, kind="identity")
    attached = {
        kind: services.attach_generated_document(dispute, by=mediator, kind=kind)
        for kind in ("registration", "minutes", "agreement", "cover")
    }
    assert attached["minutes"].session == session
    for kind, document in attached.items():
        assert (document.origin, document.content_type, document.kind) == (
            "generated",
            "application/pdf",
            kind,
        )
        text = "".join(p.extract_text() for p in PdfReader(document.file.open("rb")).pages)
        assert dispute.dossier_number in text.replace("\n", "")
    # Printed for a holder of view_sensitive, the forms naming the parties show the IDs in full.
    assert attached["registration"].sensitive and attached["agreement"].sensitive
    assert not attached["minutes"].sensitive and not attached["cover"].sensitive
    assert all(present(dispute, kind).filed == 1 for kind in attached)
    # The index printed now gives the pages filed of each document.
    cover = services.attach_generated_document(dispute, by=mediator, kind="cover")
    index = "".join(p.extract_text() for p in PdfReader(cover.file.open("rb")).pages)
    assert "页数" in index


def test_downloads_are_scoped_audited_and_sensitive_files_need_the_right(
    client, sensitive_mediator, committee, village_committee, other_mediator, clerk, auditor
):
    mediator = sensitive_mediator
    dispute = make_dispute(mediator, committee)
    services.record_session(dispute, by=mediator, participants="双方", minutes="和解")
    scan = services.add_document(dispute, by=mediator, kind="identity", file=upload("id.pdf", PDF_BYTES))
    minutes = services.attach_generated_document(dispute, by=mediator, kind="minutes")
    client.force_login(mediator)
    response = client.get(reverse("mediation:document_download", args=[scan.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    audits = AuditEvent.objects.filter(action="mediation.dossier_document")
    assert [a.changes for a in audits] == [{"document": scan.pk, "kind": "identity"}]
    # An auditor sees the dispute but not the ID copies; the minutes name no identifiers.
    client.force_login(auditor)
    assert client.get(reverse("mediation:document_download", args=[scan.pk])).status_code == 403
    assert client.get(reverse("mediation:document_download", args=[minutes.pk])).status_code == 200
    # Out of scope: 404 alike for the page and the API.
    foreign = make_dispute(clerk, village_committee, lead_mediator=other_mediator)
    paper = services.add_document(foreign, by=clerk, kind="identity")
    client.force_login(mediator)
    assert client.get(reverse("mediation:document_download", args=[paper.pk])).status_code == 404
    api = api_client(mediator)
    assert api.get(f"/api/v1/dossier-documents/{paper.pk}/").status_code == 404
    assert api.get(f"/api/v1/dossier-documents/{paper.pk}/download/").status_code == 404
    response = api.get(f"/api/v1/dossier-documents/{scan.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert api_client(auditor).get(f"/api/v1/dossier-documents/{scan.pk}/download/").status_code == 403
    # page, page (the auditor's minutes), API
    assert AuditEvent.objects.filter(action="mediation.dossier_document").count() == 3


def test_upload_and_attach_on_the_page(client, mediator, committee):
    dispute = make_dispute(mediator, committee)
    client.force_login(mediator)
    response = client.post(
        reverse("mediation:dispute_document", args=[dispute.pk]),
        {"kind": "identity", "file": upload("id.png", photo_with_gps("PNG")), "pages": 2},
    )
    assert response.status_code == 302
    response = client.post(
        reverse("mediation:dispute_generate_document", args=[dispute.pk]), {"kind": "cover"}
    )
    assert response.status_code == 302
    assert sorted(dispute.documents.values_list("kind", "origin")) == [
        ("cover", "generated"),
        ("identity", "upload"),
    ]
    detail = client.get(reverse("mediation:dispute_detail", args=[dispute.pk])).content.decode()
    assert 'data-testid="attach-registration"' in detail and 'enctype="multipart/form-data"' in detail
    response = client.post(
        reverse("mediation:dispute_document", args=[dispute.pk]),
        {"kind": "evidence", "file": upload("virus.exe", b"MZ\x90\x00")},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "Only PDF" in response.content.decode() and dispute.documents.count() == 2


def test_documents_through_the_api(sensitive_mediator, committee):
    mediator = sensitive_mediator
    dispute = make_dispute(mediator, committee)
    api = api_client(mediator)
    url = f"/api/v1/disputes/{dispute.pk}/documents/"
    response = api.post(
        url, {"kind": "identity", "file": upload("id.jpg", photo_with_gps())}, format="multipart"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["origin"], body["content_type"]) == ("upload", "image/jpeg")
    assert body["download"] == f"/api/v1/dossier-documents/{body['id']}/download/"
    response = api.post(url, {"kind": "identity", "file": upload("a.txt", b"hello")}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()["fields"]
    response = api.post(url, {"kind": "nonsense", "file": upload("a.pdf", PDF_BYTES)}, format="multipart")
    assert response.status_code == 400 and "kind" in response.json()["fields"]
    response = api.post(f"{url}generate/", {"kind": "registration"}, format="json")
    assert response.status_code == 201 and response.json()["origin"] == "generated"
    response = api.post(f"{url}generate/", {"kind": "minutes"}, format="json")
    assert response.status_code == 409  # no session held yet
    checklist = {
        item["kind"]: item for item in api.get(f"/api/v1/disputes/{dispute.pk}/").json()["checklist"]
    }
    assert checklist["identity"]["present"] and checklist["identity"]["filed"] == 1
    assert checklist["registration"]["generated"] and not checklist["agreement"]["present"]
