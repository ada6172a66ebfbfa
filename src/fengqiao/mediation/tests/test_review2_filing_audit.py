"""A generated document's download row is written with its filing (review 2 #7): a refused filing
leaves no `mediation.document` row for a document never stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from fengqiao.cases.models import Case, Status
from fengqiao.core.models import AuditEvent
from fengqiao.mediation import documents, services
from fengqiao.mediation.exceptions import MediationError
from fengqiao.mediation.models import Dispute, DossierDocument

from .conftest import make_dispute

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(mediator: Any) -> Any:
    mediator.view_sensitive = True
    mediator.save(update_fields=["view_sensitive"])
    return mediator


def test_a_filing_refused_after_printing_leaves_no_download_row(
    holder: Any, committee: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispute = make_dispute(holder, committee)
    printed = documents.registration_pdf

    def printed_then_archived(*args: Any, **kwargs: Any) -> bytes:
        # Someone archives the dossier while the PDF renders (before the filing locks the row).
        pdf = printed(*args, **kwargs)
        Dispute.objects.filter(pk=dispute.pk).update(archived_at=timezone.now())
        Case.objects.filter(pk=dispute.case_id).update(status=Status.CLOSED)
        return pdf

    monkeypatch.setattr(documents, "registration_pdf", printed_then_archived)
    with pytest.raises(MediationError) as refused:
        services.attach_generated_document(dispute, by=holder, kind="registration")
    assert refused.value.http_status == 409
    assert not DossierDocument.objects.filter(dispute=dispute).exists()
    assert not AuditEvent.objects.filter(action="mediation.document").exists()


def test_a_filed_printout_has_its_download_row(holder: Any, committee: Any) -> None:
    dispute = make_dispute(holder, committee)
    document = services.attach_generated_document(dispute, by=holder, kind="registration")
    assert document.sensitive
    row = AuditEvent.objects.get(action="mediation.document")
    assert row.changes["document"] == "registration"
    assert "resident_id" in row.changes["fields"]


def test_a_plain_download_still_writes_its_row(holder: Any, committee: Any) -> None:
    dispute = make_dispute(holder, committee)
    documents.registration_pdf(dispute, viewer=holder)
    assert AuditEvent.objects.filter(action="mediation.document").count() == 1
