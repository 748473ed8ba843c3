"""Checking and storing evidence files: the content must match the extension (magic bytes)."""

import io
import uuid
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image
from pypdf import PdfReader, PdfWriter

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a photo of a certificate is far smaller; refuses decompression bombs
# extension → (content type, check of the first bytes / the archive)
KINDS = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OFFICE_MARKERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    content_type: str
    content: bytes


def check_upload(upload) -> CheckedFile:
    """Refuse anything that is not what its name says, or too large; messages name the file.

    Images are re-encoded (which drops EXIF, including GPS positions, and anything hidden after
    the picture); PDFs must parse. What is stored is what was checked."""
    name = Path(upload.name or "").name[:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in KINDS:
        raise ValidationError(f"{name}：只接受 jpg、png、pdf、docx、xlsx 文件。")
    if upload.size > MAX_BYTES:
        raise ValidationError(f"{name}：文件超过 10 MB。")
    content = upload.read()
    if not _content_matches(extension, content):
        raise ValidationError(f"{name}：文件内容与扩展名 .{extension} 不符。")
    if extension in ("jpg", "jpeg", "png"):
        content = _reencoded_image(name, extension, content)
    elif extension == "pdf":
        _check_pdf(name, content)
    return CheckedFile(name=name, extension=extension, content_type=KINDS[extension],
                       content=content)


def _reencoded_image(name: str, extension: str, content: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(content)) as image:
            image.load()
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(f"{name}：图片尺寸过大。")
            pixels = image.convert("RGBA") if image.mode in ("P", "PA", "LA") else image
            # pixels only: no EXIF, GPS, comments or trailing data survive the copy
            clean = Image.frombytes(pixels.mode, pixels.size, pixels.tobytes())
            if extension == "png":
                out = io.BytesIO()
                clean.save(out, format="PNG", optimize=True)
            else:
                out = io.BytesIO()
                clean.convert("RGB").save(out, format="JPEG", quality=90)
            return out.getvalue()
    except (OSError, Image.DecompressionBombError, SyntaxError) as e:
        raise ValidationError(f"{name}：图片已损坏或无法读取。") from e


def _check_pdf(name: str, content: bytes) -> None:
    try:
        reader = PdfReader(io.BytesIO(content), strict=False)
        if reader.is_encrypted:
            raise ValidationError(f"{name}：PDF 已加密，请上传未加密的文件。")
        if len(reader.pages) == 0:
            raise ValidationError(f"{name}：PDF 没有页面。")
    except ValidationError:
        raise
    except Exception as e:  # noqa: BLE001 - a parser can fail in many ways; all mean "refuse"
        raise ValidationError(f"{name}：PDF 文件已损坏或无法解析。") from e


def _content_matches(extension: str, content: bytes) -> bool:
    if extension in ("jpg", "jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if extension == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if extension == "pdf":
        return content.startswith(b"%PDF-")
    if not content.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return OFFICE_MARKERS[extension] in archive.namelist()
    except zipfile.BadZipFile:
        return False


def evidence_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "evidence"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(checked: CheckedFile) -> str:
    """Write under a random name; return that name (never the uploader's)."""
    stored_name = f"{uuid.uuid4().hex}.{checked.extension}"
    (evidence_dir() / stored_name).write_bytes(checked.content)
    return stored_name


def path_of(stored_name: str) -> Path:
    return evidence_dir() / stored_name


def blank_pdf() -> bytes:
    """A small valid one-page PDF (for the demo's stand-in evidence, and for tests)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
