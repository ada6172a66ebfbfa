"""Attachments: the type is sniffed from the bytes, size limited, and image metadata stripped."""

from __future__ import annotations

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from fengqiao.cases import services
from fengqiao.cases.exceptions import AttachmentError
from fengqiao.cases.models import Attachment
from fengqiao.cases.tests.conftest import make_case


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg_with_exif() -> bytes:
    return (
        b"\xff\xd8"
        + _segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + _segment(0xE1, b"Exif\x00\x00GPSLatitude=35.505")
        + _segment(0xFE, b"taken by Zhang San")
        + _segment(0xDB, b"\x00" + bytes(64))
        + _segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x12\x34scan-data\xff\xd9"
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_with_text() -> bytes:
    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"tEXt", b"Author\x00Zhang San")
        + _chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + _chunk(b"IEND", b"")
    )


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.CASE_ATTACHMENT_MAX_BYTES = 4096


@pytest.fixture
def case(frozen, clerk):
    return make_case(clerk)


def test_a_photo_is_stored_without_its_exif(case, clerk):
    attachment = services.add_attachment(
        case, by=clerk, file=SimpleUploadedFile("现场.jpg", jpeg_with_exif())
    )
    stored = attachment.file.read()
    assert attachment.content_type == "image/jpeg" and attachment.original_name == "现场.jpg"
    assert b"Exif" not in stored and b"GPS" not in stored and b"Zhang San" not in stored
    assert b"JFIF" in stored and stored.endswith(b"scan-data\xff\xd9")
    assert attachment.size == len(stored)
    assert case.events.filter(action="attach").exists()


def test_a_png_loses_its_text_chunks(case, clerk):
    attachment = services.add_attachment(case, by=clerk, file=SimpleUploadedFile("a.png", png_with_text()))
    stored = attachment.file.read()
    assert attachment.content_type == "image/png"
    assert b"Zhang San" not in stored and b"IDAT" in stored and stored.endswith(_chunk(b"IEND", b""))


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
