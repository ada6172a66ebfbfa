"""Parties' exact addresses are masked like IDs and phones without `view_sensitive` (audit #3)."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from fengqiao.core.models import AuditEvent
from fengqiao.mediation import documents
from fengqiao.testing.builders import api_client

from .conftest import agree, applicant, make_dispute, respondent

pytestmark = pytest.mark.django_db

ADDRESS = "东沟村一组十八号"
MASKED = "东沟村一****"


@pytest.fixture
def dispute(mediator: Any, committee: Any) -> Any:
    return make_dispute(
        mediator, committee, parties=[applicant(address=ADDRESS), respondent(address="")], address=""
    )


def _reads_of_address() -> int:
    return AuditEvent.objects.filter(action="sensitive.read", changes__field="address").count()


def _pdf_text(pdf: bytes) -> str:
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def _grant(user: Any) -> Any:
    user.view_sensitive = True
    user.save(update_fields=["view_sensitive"])
    return user


def test_the_dispute_page_masks_the_address_without_the_right(dispute: Any, clerk: Any) -> None:
    client = Client()
    client.force_login(clerk)
    page = client.get(reverse("mediation:dispute_detail", args=[dispute.pk])).content.decode()
    assert ADDRESS not in page and MASKED in page
    assert _reads_of_address() == 0

    client.force_login(_grant(clerk))
    page = client.get(reverse("mediation:dispute_detail", args=[dispute.pk])).content.decode()
    assert ADDRESS in page
    assert _reads_of_address() == 1


def test_the_edit_form_never_prefills_the_address(dispute: Any, mediator: Any) -> None:
    party = dispute.parties.get(role="applicant")
    client = Client()
    client.force_login(_grant(mediator))
    page = client.get(reverse("mediation:party_edit", args=[party.pk])).content.decode()
    assert ADDRESS not in page and MASKED in page
    # Blank keeps the recorded address.
    response = client.post(
        reverse("mediation:party_edit", args=[party.pk]),
        {"role": "applicant", "name": party.name, "address": ""},
    )
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.address == ADDRESS


def test_the_api_masks_the_address_and_audits_the_full_read(dispute: Any, auditor: Any, clerk: Any) -> None:
    body = api_client(auditor).get(f"/api/v1/disputes/{dispute.pk}/").json()
    addresses = {p["role"]: p["address"] for p in body["parties"]}
    assert addresses == {"applicant": MASKED, "respondent": ""}
    assert _reads_of_address() == 0

    body = api_client(_grant(clerk)).get(f"/api/v1/disputes/{dispute.pk}/").json()
    assert {p["role"]: p["address"] for p in body["parties"]}["applicant"] == ADDRESS
    assert _reads_of_address() == 1


def test_the_pdfs_print_the_full_address_only_for_view_sensitive(
    dispute: Any, mediator: Any, judicial: Any
) -> None:
    agreement = agree(dispute, mediator)
    for render in (
        lambda viewer: documents.agreement_pdf(agreement, viewer=viewer),
        lambda viewer: documents.registration_pdf(dispute, viewer=viewer),
    ):
        text = _pdf_text(render(judicial))
        assert ADDRESS not in text and MASKED.rstrip("*") in text
    assert not documents.prints_identifiers(dispute, viewer=judicial)

    _grant(mediator)
    assert ADDRESS in _pdf_text(documents.agreement_pdf(agreement, viewer=mediator))
    assert ADDRESS in _pdf_text(documents.registration_pdf(dispute, viewer=mediator))
    rows = AuditEvent.objects.filter(action="mediation.document").order_by("id")
    assert [row.changes["fields"] for row in rows] == [["resident_id", "phone", "address"]] * 2


def test_the_registry_and_mediation_mask_addresses_by_one_rule():
    """One rule in one place: the registry's address and building masks are core.masking's."""
    from fengqiao.core import masking
    from fengqiao.registry import privacy

    assert privacy.MASKERS["address"] is masking.mask_address
    assert privacy.MASKERS["building"] is masking.mask_address
    assert privacy.mask_address(ADDRESS) == MASKED
