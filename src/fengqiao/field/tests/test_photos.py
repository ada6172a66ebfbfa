"""POST /field/api/cases/{id}/photos/: a photo from the phone's outbox, sent once or many times."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from fengqiao.cases.models import Attachment
from fengqiao.cases.services import create_case
from fengqiao.core.models import AuditEvent, IdempotencyReceipt
from fengqiao.field.tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def _jpeg(width: int = 64, height: int = 48) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 80, 40)).save(buffer, format="JPEG", quality=80)
    return SimpleUploadedFile("photo-1.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def case(town, worker_a):
    return create_case(by=worker_a, kind="hazard", channel="patrol", title="电线老化", grid=town.grid_a)


def _send(client, case, key="k-1", file=None):
    return client.post(
        f"/field/api/cases/{case.pk}/photos/",
        {"file": file or _jpeg()},
        headers={"Idempotency-Key": key},
    )


def test_a_photo_sent_three_times_is_one_attachment(case, worker_a):
    client = logged_in(worker_a)
    first = _send(client, case)
    second = _send(client, case)
    third = _send(client, case)
    assert first.status_code == 201
    assert second.status_code == third.status_code == 200
    assert first.json()["id"] == second.json()["id"] == third.json()["id"]
    assert Attachment.objects.filter(case=case).count() == 1
    assert IdempotencyReceipt.objects.filter(scope="field.photo").count() == 1
    assert AuditEvent.objects.filter(action="field.attach_photo").count() == 1
    assert case.events.filter(action="attach").count() == 1


def test_another_key_is_another_photo(case, worker_a):
    client = logged_in(worker_a)
    _send(client, case, key="k-1")
    _send(client, case, key="k-2")
    assert Attachment.objects.filter(case=case).count() == 2


def test_a_key_used_for_another_case_is_a_422(town, case, worker_a):
    other = create_case(by=worker_a, kind="hazard", channel="patrol", title="树枝压线", grid=town.grid_a)
    client = logged_in(worker_a)
    _send(client, case, key="k-1")
    response = _send(client, other, key="k-1")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_conflict"
    assert not Attachment.objects.filter(case=other).exists()


def test_a_key_is_required(case, worker_a):
    response = logged_in(worker_a).post(f"/field/api/cases/{case.pk}/photos/", {"file": _jpeg()})
    assert response.status_code == 400
    assert not Attachment.objects.exists()


def test_not_a_photo_is_refused(case, worker_a):
    fake = SimpleUploadedFile("photo.jpg", b"MZ\x90\x00 not a picture", content_type="image/jpeg")
    response = _send(logged_in(worker_a), case, file=fake)
    assert response.status_code == 400
    assert (
        not Attachment.objects.exists()
        and not IdempotencyReceipt.objects.filter(scope="field.photo").exists()
    )


def test_a_case_out_of_scope_is_a_404(case, worker_b):
    assert _send(logged_in(worker_b), case).status_code == 404
    assert not Attachment.objects.exists()


def test_only_the_reporter_adds_photos_here(town, clerk, worker_a):
    case = create_case(by=clerk, kind="hazard", channel="window", title="路面塌陷", grid=town.grid_a)
    assert _send(logged_in(worker_a), case).status_code == 403
    assert not Attachment.objects.exists()


def test_the_center_has_its_own_upload(case, clerk):
    assert _send(logged_in(clerk), case).status_code == 403


def test_the_csrf_token_is_required_with_a_session(case, worker_a):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(worker_a)
    assert _send(client, case).status_code == 403
    client.get("/field/")
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/field/api/cases/{case.pk}/photos/",
        {"file": _jpeg()},
        headers={"Idempotency-Key": "k-9", "X-CSRFToken": token},
    )
    assert response.status_code == 201
