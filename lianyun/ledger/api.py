"""The payment platform pushes payout files: `POST /api/v1/payout-batches`.

Bearer token of an importing account (a department for its own items, the IT operator's push
account for all), and an `Idempotency-Key` header: sending the same file again with the same key
answers with the first upload (200) instead of importing twice; the same key with another file
is refused (422). The import runs in the task queue; `GET /api/v1/payout-batches/{id}` follows it.
"""

import uuid
from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Header, Router, Schema, Status
from ninja.files import UploadedFile

from lianyun.accounts.api_auth import OfficialToken
from lianyun.core.api import ErrorOut
from lianyun.core.cli import bilingual
from lianyun.ledger.access import access_payout_importer, access_upload
from lianyun.ledger.actions import IdempotencyConflict, receive_upload
from lianyun.ledger.models import PayoutUpload
from lianyun.ledger.queries import mapping_named

router = Router(tags=["payouts"])


class UploadOptions(Schema):
    accept_valid: bool = Field(False, description="write the good rows, quarantine the bad")
    notify: bool = Field(False, description="text each paid recipient a payment notice")
    mapping: str = Field(
        "",
        max_length=60,
        description="the name of a column mapping this account's department named on the "
        "upload page, for files whose header the app does not know",
    )


class UploadOut(Schema):
    id: uuid.UUID
    status: str
    percent: int
    label: str
    sha256: str
    rows_read: int | None = None
    rows_written: int | None = None
    rows_rejected: int | None = None
    amount_total: str | None = None
    already_imported: bool | None = None
    mapping: str | None = None
    message: str


def _out(upload: PayoutUpload) -> UploadOut:
    summary = upload.summary or {}
    return UploadOut(
        id=upload.public_id,
        status=upload.status,
        percent=upload.percent,
        label=upload.label,
        sha256=upload.sha256,
        rows_read=summary.get("rows_read"),
        rows_written=summary.get("rows_written"),
        rows_rejected=summary.get("rows_rejected"),
        amount_total=summary.get("amount_total"),
        already_imported=summary.get("already_imported"),
        mapping=summary.get("mapping") or None,
        message=upload.message,
    )


NOT_IMPORTER = "此账号不能导入发放数据。 / This account may not import payouts."


@router.post(
    "/payout-batches",
    response={
        200: UploadOut,
        202: UploadOut,
        400: ErrorOut,
        401: ErrorOut,
        403: ErrorOut,
        422: ErrorOut,
    },
    auth=OfficialToken(),
)
def push_payout_batch(
    request: HttpRequest,
    file: Annotated[UploadedFile, File(min_length=1, description="CSV or XLSX, not empty")],
    options: Form[UploadOptions],
    idempotency_key: str = Header(..., alias="Idempotency-Key", min_length=8, max_length=128),
) -> Status[Schema]:
    user = request.auth  # type: ignore[attr-defined]
    try:
        access_payout_importer(user)
    except Http404:
        return Status(403, ErrorOut(detail=NOT_IMPORTER))
    if not file.size:
        return Status(400, ErrorOut(detail=_("The file is empty."), errors={"file": []}))
    if file.size is not None and file.size > PayoutUpload.max_bytes():
        return Status(400, ErrorOut(detail=_("The file is too large; split it.")))
    mapping = mapping_named(options.mapping, user.unit) if options.mapping else None
    if options.mapping and mapping is None:
        detail = _("No column mapping of this department has that name.")
        return Status(422, ErrorOut(detail=detail, errors={"mapping": [detail]}))
    try:
        upload, new = receive_upload(
            user=user,
            data=file,
            label=file.name or "",
            source="api",
            accept_valid=options.accept_valid,
            notify=options.notify,
            idempotency_key=idempotency_key,
            mapping=mapping,
        )
    except IdempotencyConflict as error:
        return Status(422, ErrorOut(detail=bilingual(error)))
    upload.refresh_from_db()
    return Status(202 if new else 200, _out(upload))


@router.get(
    "/payout-batches/{upload_id}",
    response={200: UploadOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    auth=OfficialToken(),
)
def get_payout_batch(request: HttpRequest, upload_id: uuid.UUID) -> Status[Schema]:
    user = request.auth  # type: ignore[attr-defined]
    try:
        access_payout_importer(user)
    except Http404:
        return Status(403, ErrorOut(detail=NOT_IMPORTER))
    try:
        upload = access_upload(user, str(upload_id))
    except Http404:
        return Status(404, ErrorOut(detail=_("Not found.")))
    return Status(200, _out(upload))
