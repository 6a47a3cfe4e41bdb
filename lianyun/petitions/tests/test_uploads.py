"""S19: uploads are checked by content, stripped, encrypted, never served inline; oversize
requests are refused with 413 and leave no temporary file."""

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from lianyun.core.filestore import read_file
from lianyun.petitions.models import Attachment, Petition
from lianyun.testing import Cast, commissions, pow_field

FORM = {
    "kind": "request",
    "subject": "",
    "subject_text": "村道",
    "description": "村道塌方三个月无人修理。",
    "anonymous": "1",
    "reporter_name": "",
    "reporter_phone": "",
    "reporter_id_number": "",
    "earlier_receipt": "",
}
GPS_MARK = b"GPS-CANARY-30.1234N"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    os.makedirs(settings.FILE_UPLOAD_TEMP_DIR)
    return tmp_path


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "CanaryCam"  # camera make
    exif[0x8825] = {2: (30, 7, 24), 1: "N"}  # GPS latitude
    exif[0x9286] = GPS_MARK.decode()  # user comment, an easy needle
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _post(client: Client, cast: Cast, *files: SimpleUploadedFile):  # type: ignore[no-untyped-def]
    return client.post(
        reverse("petitions:petition-create", args=[cast.village_a1.code]),
        {**FORM, "attachments": list(files), **pow_field("petition")},
        follow=True,
    )


def _stored_files(root: Path) -> list[Path]:
    return (
        [p for p in (root / "media").rglob("*") if p.is_file()] if (root / "media").exists() else []
    )


def test_a_photo_is_stored_encrypted_and_without_its_metadata(
    client: Client, cast: Cast, media_root: Path
) -> None:
    commissions(cast)
    original = _jpeg_with_gps()
    assert GPS_MARK in original
    response = _post(client, cast, SimpleUploadedFile("IMG_张三家.jpg", original, "image/jpeg"))
    assert response.status_code == 200
    attachment = Attachment.objects.get()
    assert attachment.content_type == "image/jpeg"
    stored = _stored_files(media_root)
    assert len(stored) == 1
    raw = stored[0].read_bytes()
    assert b"\xff\xd8\xff" not in raw[:16]  # encrypted at rest
    assert "张三" not in attachment.stored_name
    clean = read_file(attachment)
    assert GPS_MARK not in clean and b"CanaryCam" not in clean
    with Image.open(io.BytesIO(clean)) as image:
        assert dict(image.getexif()) == {}
        assert image.size == (64, 48)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("photo.jpg", b"<html><script>alert(1)</script></html>"),
        ("report.pdf", b"MZ" + b"\x00" * 200),
        ("voice.mp3", b"PK\x03\x04" + b"\x00" * 200),
    ],
)
def test_a_disguised_file_is_refused_and_nothing_is_written(
    client: Client, cast: Cast, media_root: Path, name: str, content: bytes
) -> None:
    commissions(cast)
    page = _post(client, cast, SimpleUploadedFile(name, content, "image/jpeg")).content.decode()
    assert "不是图片、PDF 或录音" in page
    assert not Petition.objects.exists()
    assert _stored_files(media_root) == []


def test_a_decompression_bomb_is_refused(client: Client, cast: Cast, media_root: Path) -> None:
    commissions(cast)
    bomb = io.BytesIO()
    Image.new("1", (9000, 9000)).save(bomb, "PNG")  # 81 million pixels, a few KB on disk
    page = _post(
        client, cast, SimpleUploadedFile("bomb.png", bomb.getvalue(), "image/png")
    ).content.decode()
    assert "图片太大" in page
    assert not Petition.objects.exists()


def test_an_oversized_request_is_413_before_its_body_is_read(
    client: Client, cast: Cast, settings, media_root: Path
) -> None:  # type: ignore[no-untyped-def]
    commissions(cast)
    settings.LIANYUN_REQUEST_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + os.urandom(2 * 1024 * 1024), "application/pdf"
    )
    response = _post(client, cast, big)
    assert response.status_code == 413
    assert not Petition.objects.exists()
    assert os.listdir(settings.FILE_UPLOAD_TEMP_DIR) == []


def test_an_oversized_file_is_refused_and_its_temporary_file_removed(
    client: Client,
    cast: Cast,
    settings,
    media_root: Path,  # type: ignore[no-untyped-def]
) -> None:
    commissions(cast)
    settings.LIANYUN_UPLOAD_MAX_BYTES = 3 * 1024 * 1024
    big = SimpleUploadedFile(
        "big.pdf", b"%PDF-1.4\n" + os.urandom(4 * 1024 * 1024), "application/pdf"
    )
    page = _post(client, cast, big).content.decode()
    assert "太大" in page
    assert not Petition.objects.exists()
    assert os.listdir(settings.FILE_UPLOAD_TEMP_DIR) == []
    assert _stored_files(media_root) == []


def test_attachments_download_only_as_files_and_only_to_handlers(
    client: Client, cast: Cast, media_root: Path
) -> None:
    commissions(cast)
    pdf = b"%PDF-1.4\n<html><script>alert(1)</script></html>\n%%EOF"
    _post(client, cast, SimpleUploadedFile("x.pdf", pdf, "application/pdf"))
    attachment = Attachment.objects.get()
    url = reverse("petitions:attachment-detail", args=[attachment.petition_id, attachment.pk])
    handler = Client()
    handler.force_login(cast.town_secretary.user)
    response = handler.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert response.content == pdf
    outsider = Client()
    outsider.force_login(cast.outsider.user)
    assert outsider.get(url).status_code == 404
    assert Client().get(url).status_code == 302


def test_more_than_ten_files_are_refused(client: Client, cast: Cast, media_root: Path) -> None:
    commissions(cast)
    files = [
        SimpleUploadedFile(f"{n}.pdf", b"%PDF-1.4\n%%EOF", "application/pdf") for n in range(11)
    ]
    page = _post(client, cast, *files).content.decode()
    assert "最多 10 个文件" in page
    assert not Petition.objects.exists()
