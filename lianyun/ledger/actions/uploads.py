"""Uploads: the upload page and the platform's push keep the file encrypted; the task queue
imports it."""

import json
import logging
from typing import IO

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lianyun.accounts.models import User
from lianyun.core import audit, crypto
from lianyun.core.cli import LocalizedError, bilingual
from lianyun.core.filestore import delete_files, open_encrypted, store_encrypted_stream
from lianyun.ledger.access import access_payout_importer
from lianyun.ledger.actions.imports import ImportSummary, import_payouts, in_order
from lianyun.ledger.importer import (
    ImportRefused,
    Source,
    UnknownLayout,
    opened,
    sha256_and_lines,
)
from lianyun.ledger.models import (
    ERROR_REPORT_CONTEXT,
    ColumnMapping,
    PayoutBatch,
    PayoutUpload,
    UploadStatus,
)

logger = logging.getLogger(__name__)


class IdempotencyConflict(LocalizedError):
    """The idempotency key was used before for a different file."""

    def __init__(self) -> None:
        super().__init__(
            gettext_lazy("This idempotency key was already used for a different file.")
        )


def receive_upload(
    *,
    user: User,
    data: Source,
    label: str,
    source: str,
    accept_valid: bool = False,
    notify: bool = False,
    idempotency_key: str | None = None,
    mapping: ColumnMapping | None = None,
) -> tuple[PayoutUpload, bool]:
    """Keep the file encrypted and queue its import. (upload, new?) The file is given as its
    bytes or as the file itself (read in blocks and sealed a segment at a time: never whole in
    memory).

    The same idempotency key from the same account answers with the first upload; with a
    different file it is refused.
    """
    handed = opened(data)
    sha, lines = sha256_and_lines(handed)
    if idempotency_key:
        earlier = PayoutUpload.objects.filter(
            uploaded_by=user, idempotency_key=idempotency_key
        ).first()
        if earlier is not None:
            if earlier.sha256 != sha:
                raise IdempotencyConflict()
            return earlier, False
    handed.seek(0)
    stored = store_encrypted_stream(
        handed, folder=PayoutUpload.folder, context=PayoutUpload.context
    )
    try:
        with transaction.atomic():
            upload = PayoutUpload.objects.create(
                source=source,
                uploaded_by=user,
                label=label[:120],
                idempotency_key=idempotency_key or None,
                sha256=sha,
                stored_name=stored,
                accept_valid=accept_valid,
                notify=notify,
                mapping=mapping,
                rows_expected=max(lines - 1, 0),
            )
            audit.record(
                action="upload:payouts",
                actor=user,
                object_type="ledger.PayoutUpload",
                object_id=upload.pk,
                detail={"sha256": sha, "source": source},
            )
    except IntegrityError:
        delete_files([stored])
        earlier = PayoutUpload.objects.get(uploaded_by=user, idempotency_key=idempotency_key)
        if earlier.sha256 != sha:
            raise IdempotencyConflict() from None
        return earlier, False
    from lianyun.ledger.tasks import run_payout_upload

    transaction.on_commit(lambda: run_payout_upload(upload.pk))
    return upload, True


STOPPED = (
    "导入因意外错误中断。请重新上传同一文件：已写入的部分不会重复。\n"
    "The import stopped on an unexpected error. Hand the same file over again: "
    "nothing already written is written twice."
)


def run_upload(*, upload_id: int) -> None:
    """The task: import the kept file, recording progress on the upload as it goes. Whatever
    stops it, the upload ends in a state its page can show (never "checking" for ever)."""
    upload = PayoutUpload.objects.select_related("uploaded_by").get(pk=upload_id)
    if upload.finished or not upload.stored_name:
        return
    try:
        _run_upload(upload)
    except Exception as error:
        # The class only: an error's text may quote a row, and rows hold personal data.
        logger.error("payout upload %s stopped: %s", upload.pk, type(error).__name__)
        upload.refresh_from_db()
        _finish(upload, status=UploadStatus.FAILED, message=STOPPED)


def _run_upload(upload: PayoutUpload) -> None:
    with open_encrypted(upload.stored_name, context=PayoutUpload.context) as data:
        _import_upload(upload, data)


def _import_upload(upload: PayoutUpload, data: IO[bytes]) -> None:
    rows = PayoutUpload.objects.filter(pk=upload.pk)
    rows.update(status=UploadStatus.CHECKING, rows_done=0)
    done = {"checking": 0, "writing": 0}

    def show(phase: str, count: int) -> None:
        if phase == "checked":
            rows.update(status=UploadStatus.WRITING, rows_expected=count, rows_done=0)
            return
        done[phase] += count
        rows.update(rows_done=done[phase])

    progress = in_order(show)

    try:
        summary = import_payouts(
            data=data,
            source=upload.source,
            label=upload.label,
            accept_valid=upload.accept_valid,
            progress=progress,
            actor=upload.uploaded_by,
            departments=access_payout_importer(upload.uploaded_by),
            mappings=[upload.mapping]
            if upload.mapping
            else [*ColumnMapping.of_unit(upload.uploaded_by.unit_id), None],
        )
    except UnknownLayout as error:
        if upload.source != "upload":  # a push has no one to ask: it is refused
            _finish(upload, status=UploadStatus.REFUSED, message=bilingual(error))
            return
        _wait_for_columns(upload, error)
        return
    except ImportRefused as error:
        _finish(upload, status=UploadStatus.REFUSED, message=bilingual(error))
        return
    batch = PayoutBatch.objects.filter(sha256=summary.sha256).first()
    if summary.refused:
        message = (
            f"文件有 {summary.rows_rejected} 行错误，未写入任何数据；请下载错误报告。\n"
            f"{summary.rows_rejected} rows have errors; nothing was written: "
            "download the error report."
        )
        _finish(upload, status=UploadStatus.REFUSED, message=message, summary=summary)
        return
    _finish(upload, status=UploadStatus.COMPLETE, summary=summary, batch=batch)
    if upload.notify and batch is not None and not summary.already_imported:
        from lianyun.ledger.tasks import text_payout_recipients

        text_payout_recipients(batch.pk)


def forget_mapping(*, actor: User, mapping: ColumnMapping) -> None:
    """A department's column mapping is deleted; files already imported with it keep their
    payouts, and its next files are read without it."""
    audit.record(
        action="mapping:forgotten",
        actor=actor,
        object_type="ledger.ColumnMapping",
        object_id=mapping.pk,
        detail={"name": mapping.name},
    )
    mapping.delete()


WAITING = (
    "文件的表头与已知的列名都不相符：请在本页为各列指定含义，之后同一格式的文件将直接导入。\n"
    "The file's header matches none of the known column names: name its columns on this page, "
    "and the next files laid out the same way are imported with no questions."
)


def _wait_for_columns(upload: PayoutUpload, error: UnknownLayout) -> None:
    """The file is kept (encrypted) until its department names the columns or drops it."""
    upload.status = UploadStatus.MAPPING
    upload.message = f"{bilingual(error)}\n{WAITING}"[:500]
    upload.columns_seen = error.header
    upload.save(update_fields=["status", "message", "columns_seen"])


def name_columns(
    *, actor: User, upload: PayoutUpload, name: str, columns: dict[str, str]
) -> ColumnMapping:
    """Keep the department's names for its columns (under `name`, replacing a mapping of that
    name) and import the waiting file again with them."""
    not_waiting = ValidationError(gettext_lazy("This file is not waiting for its columns."))
    if upload.status != UploadStatus.MAPPING or not upload.stored_name:
        raise not_waiting
    with transaction.atomic():
        mapping, made = ColumnMapping.objects.update_or_create(
            unit_id=actor.unit_id,
            name=name,
            defaults={"columns": columns, "made_by": actor},
        )
        # Only the first of two posts that cross takes the file from waiting to queued.
        taken = PayoutUpload.objects.filter(pk=upload.pk, status=UploadStatus.MAPPING).update(
            status=UploadStatus.QUEUED, mapping=mapping, message="", rows_done=0
        )
        if not taken:
            raise not_waiting
        audit.record(
            action="mapping:named" if made else "mapping:renamed",
            actor=actor,
            object_type="ledger.ColumnMapping",
            object_id=mapping.pk,
            detail={"name": name, "fields": sorted(columns), "upload": str(upload.public_id)},
        )
    from lianyun.ledger.tasks import run_payout_upload

    transaction.on_commit(lambda: run_payout_upload(upload.pk))
    return mapping


def drop_waiting(*, actor: User, upload: PayoutUpload) -> None:
    """A file waiting for its columns is given up: it is deleted and nothing is imported. (A
    second tap finds it dropped already and does nothing.)"""
    if upload.status != UploadStatus.MAPPING:
        return
    audit.record(
        action="upload:dropped",
        actor=actor,
        object_type="ledger.PayoutUpload",
        object_id=upload.pk,
        detail={"sha256": upload.sha256},
    )
    message = "文件已放弃，未写入任何数据。\nThe file was dropped; nothing was written."
    _finish(upload, status=UploadStatus.REFUSED, message=message)


def _finish(
    upload: PayoutUpload,
    *,
    status: str,
    message: str = "",
    summary: ImportSummary | None = None,
    batch: PayoutBatch | None = None,
) -> None:
    """Record the outcome and drop the kept file: the batch remembers the file by its hash."""
    upload.status = status
    upload.message = message[:500]
    upload.batch = batch
    upload.finished_at = timezone.now()
    if summary is not None:
        upload.summary = json.loads(summary.as_json())
        if summary.errors:
            upload.error_report_encrypted = crypto.encrypt_bytes(
                summary.error_report(), context=ERROR_REPORT_CONTEXT
            )
    stored, upload.stored_name = upload.stored_name, ""
    upload.save()
    if stored:
        delete_files([stored])


def error_report(upload: PayoutUpload) -> bytes | None:
    if upload.error_report_encrypted is None:
        return None
    return crypto.decrypt_bytes(bytes(upload.error_report_encrypted), context=ERROR_REPORT_CONTEXT)
