"""Attachments are taken for what they parse as and stored without their metadata."""

from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader, PdfWriter

from renewal.kit.uploads import attachments_check
from tests.files import PNG, jpg_with_gps, pdf


def _checked(name: str, data: bytes):
    ((clean, kind),) = attachments_check([SimpleUploadedFile(name, data)])
    return clean.read(), kind


def test_a_photo_loses_its_gps_position_and_camera():
    original = jpg_with_gps()
    assert Image.open(BytesIO(original)).getexif().get_ifd(0x8825)  # the phone wrote it
    stored, kind = _checked("现场.jpg", original)
    assert kind == "jpg"
    image = Image.open(BytesIO(stored))
    assert image.format == "JPEG" and image.size == (4, 4)
    assert not image.getexif() and "exif" not in image.info


def test_a_pdf_loses_its_author_and_keeps_its_pages():
    stored, kind = _checked("材料.pdf", pdf(author="举报人甲乙丙"))
    assert kind == "pdf"
    reader = PdfReader(BytesIO(stored))
    assert len(reader.pages) == 1
    assert not reader.metadata or "/Author" not in reader.metadata
    assert "举报人甲乙丙".encode("utf-16-be") not in stored and b"/Author" not in stored


def test_a_png_is_stored_as_its_pixels():
    stored, kind = _checked("图.png", PNG)
    assert kind == "png" and Image.open(BytesIO(stored)).size == (4, 4)


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("x.pdf", b"%PDF-1.4\nMZ\x90\x00\x03" + bytes(200), "不是有效的 PDF"),
        ("x.png", b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>", "不是完整的图片"),
        ("x.jpg", b"\xff\xd8\xff\xe0" + bytes(64), "不是完整的图片"),
        ("x.png", b"\x89PNG\r\n\x1a\n" + PNG[8:40], "不是完整的图片"),
    ],
    ids=["pdf-polyglot", "png-then-html", "jpg-header-only", "png-cut-short"],
)
def test_a_file_that_only_starts_like_one_is_refused(name, data, fragment):
    with pytest.raises(ValidationError) as refused:
        attachments_check([SimpleUploadedFile(name, data)])
    assert fragment in refused.value.messages[0] and name in refused.value.messages[0]


def test_an_encrypted_pdf_is_refused_with_the_reason():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    out = BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError, match="设置了密码"):
        attachments_check([SimpleUploadedFile("x.pdf", out.getvalue())])
