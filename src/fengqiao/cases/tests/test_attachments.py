"""Attachments: the type is sniffed from the bytes, size limited, and image metadata stripped."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from fengqiao.cases import services
from fengqiao.cases.exceptions import AttachmentError
from fengqiao.cases.models import Attachment
from fengqiao.cases.tests.conftest import make_case


def jpeg_with_exif(size: tuple[int, int] = (40, 30)) -> bytes:
    """A real photo carrying a GPS position, an author and a comment in its metadata."""
    exif = Image.Exif()
    exif[0x013B] = "Zhang San"  # Artist
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    gps = exif.get_ifd(0x8825)
    gps[2] = (35.0, 30.0, 18.0)  # GPSLatitude
    gps[1] = "N"
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(
        buffer, format="JPEG", exif=exif, comment=b"taken by Zhang San"
    )
    return buffer.getvalue()


def png_with_text() -> bytes:
    info = PngInfo()
    info.add_text("Author", "Zhang San")
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CASE_ATTACHMENT_MAX_BYTES = 4096


@pytest.fixture
def case(frozen, clerk):
    return make_case(clerk)


def test_a_photo_is_stored_without_its_exif(case, clerk):
    original = jpeg_with_exif()
    assert b"Zhang San" in original and Image.open(io.BytesIO(original)).getexif()
    attachment = services.add_attachment(case, by=clerk, file=SimpleUploadedFile("现场.jpg", original))
    stored = attachment.file.read()
    assert attachment.content_type == "image/jpeg" and attachment.original_name == "现场.jpg"
    assert b"Exif" not in stored and b"Zhang San" not in stored
    picture = Image.open(io.BytesIO(stored))
    assert picture.format == "JPEG" and not picture.getexif()
    # The recorded orientation was applied to the pixels before the tag was dropped.
    assert picture.size == (30, 40)
    assert attachment.size == len(stored)
    assert case.events.filter(action="attach").exists()


def test_a_png_loses_its_text_chunks(case, clerk):
    attachment = services.add_attachment(case, by=clerk, file=SimpleUploadedFile("a.png", png_with_text()))
    stored = attachment.file.read()
    assert attachment.content_type == "image/png"
    assert b"Zhang San" not in stored
    picture = Image.open(io.BytesIO(stored))
    assert picture.format == "PNG" and picture.size == (8, 8) and "Author" not in picture.info


def test_a_damaged_image_is_refused_and_nothing_is_stored(case, clerk):
    truncated = jpeg_with_exif()[:200]
    with pytest.raises(AttachmentError) as error:
        services.add_attachment(case, by=clerk, file=SimpleUploadedFile("broken.jpg", truncated))
    assert error.value.code == "bad_image"
    assert not Attachment.objects.filter(case=case).exists()


def test_a_pdf_is_kept_as_it_is(case, clerk):
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    attachment = services.add_attachment(case, by=clerk, file=SimpleUploadedFile("协议.pdf", data))
    assert attachment.content_type == "application/pdf" and attachment.file.read() == data
    assert attachment.file.name.endswith(".pdf")


def test_an_executable_renamed_jpg_is_refused(case, clerk):
    with pytest.raises(AttachmentError) as error:
        services.add_attachment(
            case, by=clerk, file=SimpleUploadedFile("photo.jpg", b"MZ\x90\x00" + bytes(100))
        )
    assert error.value.code == "bad_type" and error.value.http_status == 400
    assert not Attachment.objects.exists()


def test_an_oversize_file_is_refused(case, clerk):
    with pytest.raises(AttachmentError) as error:
        services.add_attachment(case, by=clerk, file=SimpleUploadedFile("big.pdf", b"%PDF-" + bytes(5000)))
    assert error.value.code == "file_too_large"


def test_an_empty_file_is_refused(case, clerk):
    with pytest.raises(AttachmentError) as error:
        services.add_attachment(case, by=clerk, file=SimpleUploadedFile("empty.jpg", b""))
    assert error.value.code == "empty_file"


def test_a_truncated_jpeg_is_refused(case, clerk):
    with pytest.raises(AttachmentError) as error:
        services.add_attachment(case, by=clerk, file=SimpleUploadedFile("bad.jpg", b"\xff\xd8\xff\xe0\x00"))
    assert error.value.code == "bad_image"
