"""Encrypted files under generated names, and the one way they are sent back: as downloads.

Used by petition attachments and rectification evidence. A file's name says nothing of its
content or sender; the content is AES-GCM ciphertext bound to the kind of file it is.
"""

import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse

from lianyun.core import crypto


def store_encrypted(data: bytes, *, folder: str, context: str) -> str:
    return default_storage.save(
        f"{folder}/{uuid.uuid4().hex}.bin", ContentFile(crypto.encrypt_bytes(data, context=context))
    )


def read_encrypted(name: str, *, context: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return crypto.decrypt_bytes(handle.read(), context=context)


def delete_files(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


def sweep_orphans(folder: str, known: set[str]) -> int:
    """Delete files in the folder that no row names (left by a rolled-back transaction)."""
    if not default_storage.exists(folder):
        return 0
    _, files = default_storage.listdir(folder)
    orphans = [f"{folder}/{name}" for name in files if f"{folder}/{name}" not in known]
    delete_files(orphans)
    return len(orphans)


def download_response(data: bytes, filename: str) -> HttpResponse:
    """Never inline: a download, sniffing off, sandboxed even if opened."""
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response
