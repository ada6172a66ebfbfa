"""Who reads disputes at all: one rule (`services.READ_ROLES`) for the pages and the API (audit #11)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from fengqiao.mediation import services
from fengqiao.mediation.models import DocumentKind
from fengqiao.testing.builders import api_client

from .conftest import agree, make_dispute

pytestmark = pytest.mark.django_db


@pytest.fixture
def dispute(clerk: Any, committee: Any, town: Any) -> Any:
    # In worker_a's grid, so scoping alone would hand it to them.
    return make_dispute(clerk, committee, grid=town.grid_a)


def test_grid_roles_read_no_dispute_through_the_api(dispute: Any, worker_a: Any, mediator: Any) -> None:
    session = services.record_session(dispute, by=mediator, participants="双方", minutes="调解")
    agreement = agree(dispute, mediator)
    document = services.add_document(dispute, by=mediator, kind=DocumentKind.IDENTITY)
    page = Client()
    page.force_login(worker_a)
    assert page.get(reverse("mediation:dispute_list")).status_code == 403
    assert page.get(reverse("mediation:dispute_detail", args=[dispute.pk])).status_code == 403

    api = api_client(worker_a)
    for path in (
        "/api/v1/disputes/",
        f"/api/v1/disputes/{dispute.pk}/",
        f"/api/v1/mediation-sessions/{session.pk}/",
        f"/api/v1/mediation-agreements/{agreement.pk}/",
        f"/api/v1/dossier-documents/{document.pk}/",
    ):
        response = api.get(path)
        assert response.status_code == 403, path
        assert "李春花" not in response.content.decode()
        assert response.json()["code"] == "permission_denied"


def test_readers_keep_reading(dispute: Any, auditor: Any, judicial: Any, mediator: Any) -> None:
    for user in (auditor, judicial, mediator):
        assert services.may_read_disputes(user)
        assert api_client(user).get(f"/api/v1/disputes/{dispute.pk}/").status_code == 200
        assert api_client(user).get("/api/v1/disputes/").status_code == 200


def test_grid_roles_still_report_screenings(worker_a: Any) -> None:
    assert not services.may_read_disputes(worker_a)
    assert api_client(worker_a).get("/api/v1/screening-reports/").status_code == 200
