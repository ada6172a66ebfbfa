"""Visit photos: added by the visitor from the phone's outbox (idempotent), stripped of EXIF,
shown on the key person's page and in the API to those who see the visit, 404 for everyone else."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from fengqiao.core.models import AuditEvent
from fengqiao.registry.models import Visit, VisitPhoto
from fengqiao.registry.tests.factories import make_key_person, make_person
from fengqiao.testing import builders

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _jpeg(*, gps: bool = False) -> SimpleUploadedFile:
    image = Image.new("RGB", (64, 48), (120, 90, 40))
    buffer = io.BytesIO()
    exif = Image.Exif()
    if gps:
        exif[0x8825] = {1: "N", 2: (35.0, 30.0, 0.0), 3: "E", 4: (106.0, 48.0, 0.0)}
        exif[0x010F] = "PhoneMaker"
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("visit.jpg", buffer.getvalue(), content_type="image/jpeg")


def _visit(worker, key_person):
    return Visit.objects.create(
        key_person=key_person, grid=key_person.person.grid, by=worker, at=timezone.now(), note="在家"
    )


@pytest.fixture
def elderly(town):
    return make_key_person(make_person(town.grid_a, 31, name="周桂英"), "left_behind_elderly")


@pytest.fixture
def corrected(town):
    return make_key_person(make_person(town.grid_a, 32, name="吴某"), "community_correction")


def _post(user, visit, key, file=None):
    return builders.api_client(user).post(
        f"/api/v1/registry/visits/{visit.pk}/photos/",
        {"file": file or _jpeg()},
        format="multipart",
        HTTP_IDEMPOTENCY_KEY=key,
    )


def test_photos_sent_twice_each_are_one_each_and_lose_their_exif(worker_a, elderly):
    visit = _visit(worker_a, elderly)
    first = _post(worker_a, visit, "v1-photo-1", _jpeg(gps=True))
    assert first.status_code == 201 and "Idempotent-Replayed" not in first.headers
    again = _post(worker_a, visit, "v1-photo-1")
    assert again.status_code == 201 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]
    assert _post(worker_a, visit, "v1-photo-2").status_code == 201
    photos = list(VisitPhoto.objects.filter(visit=visit))
    assert len(photos) == 2
    with Image.open(photos[0].file.path) as image:
        assert not image.getexif()  # no GPS, no camera
    assert AuditEvent.objects.filter(action="registry.visit.photo").count() == 2
    body = builders.api_client(worker_a).get(f"/api/v1/registry/visits/{visit.pk}/").json()
    assert [p["id"] for p in body["photos"]] == [p.pk for p in photos]
    assert body["photos"][0]["url"] == reverse("registry:visit_photo", args=[photos[0].pk])


def test_only_the_visitor_adds_photos_and_a_key_is_not_reused_elsewhere(town, worker_a, clerk, elderly):
    visit = _visit(worker_a, elderly)
    other = _visit(worker_a, elderly)
    assert _post(clerk, visit, "c1").status_code == 403
    assert _post(worker_a, visit, "k").status_code == 201
    assert _post(worker_a, other, "k").status_code == 422
    not_a_photo = SimpleUploadedFile("x.jpg", b"MZ\x90\x00not an image", content_type="image/jpeg")
    refused = _post(worker_a, visit, "bad", not_a_photo)
    assert refused.status_code == 400 and "file" in refused.json()["fields"]
    assert (
        builders.api_client(worker_a)
        .post(f"/api/v1/registry/visits/{visit.pk}/photos/", {"file": _jpeg()}, format="multipart")
        .status_code
        == 400
    )  # no key
    assert VisitPhoto.objects.count() == 1


def test_the_photos_show_to_those_who_see_the_visit_only(
    client, town, worker_a, worker_b, clerk, corrected, elderly
):
    plain = _visit(worker_a, elderly)
    sensitive = _visit(worker_a, corrected)
    corrected.controller = worker_a  # the controller sees their sensitive key person
    corrected.save()
    plain_photo = _post(worker_a, plain, "p").json()["id"]
    sensitive_photo = _post(worker_a, sensitive, "s").json()["id"]

    client.force_login(worker_a)
    page = client.get(reverse("registry:keyperson_detail", args=[elderly.pk])).content.decode()
    assert reverse("registry:visit_photo", args=[plain_photo]) in page
    response = client.get(reverse("registry:visit_photo", args=[plain_photo]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert "no-store" in response["Cache-Control"]

    # Another grid's worker and the clerk without the right for the sensitive category: 404.
    for user, photo in [(worker_b, plain_photo), (worker_b, sensitive_photo), (clerk, sensitive_photo)]:
        client.force_login(user)
        assert client.get(reverse("registry:visit_photo", args=[photo])).status_code == 404
    assert _post(worker_b, plain, "x").status_code == 404
    client.force_login(clerk)
    assert client.get(reverse("registry:visit_photo", args=[plain_photo])).status_code == 200
    # The judicial office reads community correction, with its visits and their photos.
    client.force_login(builders.make_user("judicial2", "department_officer", department=town.judicial_office))
    assert client.get(reverse("registry:visit_photo", args=[sensitive_photo])).status_code == 200
    assert client.get(reverse("registry:visit_photo", args=[plain_photo])).status_code == 404


def test_a_household_visit_shows_its_photos_on_the_household_page(client, town, worker_a, worker_b):
    from fengqiao.registry.tests.factories import make_household

    household = make_household(town.grid_a, "HA-900")
    visit = Visit.objects.create(
        household=household, grid=town.grid_a, by=worker_a, at=timezone.now(), note="入户"
    )
    photo = _post(worker_a, visit, "h1").json()["id"]
    client.force_login(worker_a)
    page = client.get(reverse("registry:household_detail", args=[household.pk])).content.decode()
    assert "入户" in page and reverse("registry:visit_photo", args=[photo]) in page
    client.force_login(worker_b)
    assert client.get(reverse("registry:visit_photo", args=[photo])).status_code == 404
