"""Uploaded evidence: checked against its type, images re-encoded, PDFs parsed."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfWriter

from jifen.scoring.evidence import check_upload


def photo_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 20, 20))
    exif = Image.Exif()
    exif[0x010F] = "Camera maker"  # Make
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 27.0), 3: "E", 4: (116.0, 23.0, 17.0)}  # GPS
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def upload(name: str, content: bytes):
    return SimpleUploadedFile(name, content)


def test_a_photo_is_re_encoded_without_exif_or_gps():
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif()  # the camera's data is there

    checked = check_upload(upload("合影.jpg", original))

    stored = Image.open(io.BytesIO(checked.content))
    assert not stored.getexif() and stored.size == (40, 30)
    assert b"Camera maker" not in checked.content


def test_trailing_data_after_a_png_does_not_survive():
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="PNG")
    checked = check_upload(upload("截图.png", out.getvalue() + b"<script>hidden</script>"))
    assert b"hidden" not in checked.content


@pytest.mark.parametrize("name, content, message", [
    ("证书.pdf", b"%PDF-1.7\nnot really a pdf", "已损坏或无法解析"),
    ("照片.jpg", b"\xff\xd8\xff\xe0 broken jpeg", "已损坏或无法读取"),
])
def test_damaged_files_are_refused(name, content, message):
    with pytest.raises(ValidationError, match=message):
        check_upload(upload(name, content))


def test_an_encrypted_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(ValidationError, match="已加密"):
        check_upload(upload("加密.pdf", out.getvalue()))


def test_a_file_over_ten_megabytes_is_refused():
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))
    with pytest.raises(ValidationError, match="超过 10 MB"):
        check_upload(big)
