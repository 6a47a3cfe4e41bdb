"""Encrypted files under generated names, and the one way they are sent back: as downloads.

Used by petition attachments and rectification evidence. A file's name says nothing of its
content or sender; the content is AES-GCM ciphertext bound to the kind of file it is.
"""

import re
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any, TypeVar

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.http import HttpRequest, HttpResponse

from lianyun.core import audit, crypto
from lianyun.core.access import Actor
from lianyun.core.models import EncryptedFile
from lianyun.core.uploads import CheckedFile

F = TypeVar("F", bound=EncryptedFile)


def store_encrypted(data: bytes, *, folder: str, context: str) -> str:
    return default_storage.save(
        f"{folder}/{uuid.uuid4().hex}.bin", ContentFile(crypto.encrypt_bytes(data, context=context))
    )


def store_encrypted_stream(source: IO[bytes], *, folder: str, context: str) -> str:
    """store_encrypted for a file too large to hold twice: sealed a segment at a time from
    where source stands (the ciphertext waits in a temporary file until storage takes it)."""
    with tempfile.TemporaryFile() as sealed:
        crypto.seal_stream(source, sealed, context=context)
        sealed.seek(0)
        return default_storage.save(f"{folder}/{uuid.uuid4().hex}.bin", File(sealed))


@contextmanager
def open_encrypted(name: str, *, context: str) -> Iterator[IO[bytes]]:
    """A stored file's content as a readable, seekable file, decrypted a segment at a time as
    it is read (a file stored in one piece is decrypted whole)."""
    with default_storage.open(name, "rb") as handle:
        yield crypto.open_sealed(handle, context=context)


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


def download_response(
    data: bytes, filename: str, content_type: str = "application/octet-stream"
) -> HttpResponse:
    """Never inline: a download, sniffing off, sandboxed even if opened."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def save_files(model: type[F], files: list[CheckedFile], **fields: Any) -> list[F]:
    """Store each checked file encrypted and create its row; on failure remove what was written.

    A transaction that still rolls back afterwards leaves unreferenced ciphertext files, which
    sweep_orphans removes.
    """
    written: list[str] = []
    rows: list[F] = []
    try:
        for checked in files:
            name = store_encrypted(checked.data, folder=model.folder, context=model.context)
            written.append(name)
            rows.append(
                model.objects.create(  # type: ignore[attr-defined]
                    stored_name=name,
                    content_type=checked.content_type,
                    extension=checked.extension,
                    size=len(checked.data),
                    **fields,
                )
            )
    except BaseException:
        delete_files(written)
        raise
    return rows


def read_file(stored: EncryptedFile) -> bytes:
    return read_encrypted(stored.stored_name, context=stored.context)


_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
UNSATISFIABLE = (-1, -1)


def byte_range(request: HttpRequest, size: int) -> tuple[int, int] | None:
    """The one range of bytes (first, last) a Range header asks for (RFC 9110 14.2), None to
    send the whole file, or UNSATISFIABLE. Several ranges, a header we cannot read, and
    If-Range (we give no validators to compare) all get the whole file, as the RFC allows."""
    header = request.headers.get("Range", "")
    found = _RANGE.fullmatch(header.replace(" ", ""))
    if found is None or "If-Range" in request.headers:
        return None
    first, last = found.groups()
    if not first:  # the last N bytes
        if not last:
            return None
        wanted = int(last)
        return (max(size - wanted, 0), size - 1) if wanted and size else UNSATISFIABLE
    if last and int(last) < int(first):
        return None
    if int(first) >= size:
        return UNSATISFIABLE
    return int(first), min(int(last), size - 1) if last else size - 1


def inline_response(
    stored: EncryptedFile, *, request: HttpRequest, max_age: int = 0
) -> HttpResponse:
    """A picture, recording or video for a page to show or play: inline, but nothing in it can
    run (sandbox) and its declared type is the one checked on upload (no sniffing). A range of
    it is sent when asked for: phones' video players seek that way, and Safari plays a video
    only from a server that answers ranges."""
    data = read_file(stored)
    wanted = byte_range(request, len(data))
    if wanted == UNSATISFIABLE:
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{len(data)}"
    elif wanted is not None:
        first, last = wanted
        response = HttpResponse(
            data[first : last + 1], content_type=stored.content_type, status=206
        )
        response["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
    else:
        response = HttpResponse(data, content_type=stored.content_type)
    response["Accept-Ranges"] = "bytes"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["X-Content-Type-Options"] = "nosniff"
    if max_age:
        response["Cache-Control"] = f"private, max-age={max_age}"
    return response


def send_file(stored: EncryptedFile, *, actor: Actor | None, filename: str) -> HttpResponse:
    """Log the read, then hand the file out as a download (never inline)."""
    audit.record(
        action="read:file", actor=actor, object_type=stored._meta.label, object_id=stored.pk
    )
    return download_response(read_file(stored), filename)
