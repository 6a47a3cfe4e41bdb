"""The public face of the chain: checkpoints, entries, and proofs anyone can check.

Every page and proof here reads O(log n) stored hashes and a page of entries by index: nothing
a stranger can ask for costs more as the record grows."""

import datetime
import json

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from lianyun.publications import signing
from lianyun.publications.actions import add_cosignature
from lianyun.publications.queries import (
    RecordPaginator,
    checkpoint_at,
    consistency,
    corrections_of,
    cosignatures,
    entry_at,
    inclusion,
    inclusion_answer,
    latest_checkpoint,
    latest_cosignatures,
    payload_difference,
    signed_time,
)


def entry_list(request: HttpRequest) -> HttpResponse:
    checkpoint = latest_checkpoint()
    paginator = RecordPaginator(checkpoint.size if checkpoint else 0, 50)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "publications/entry_list.html",
        {
            "page": page,
            "checkpoint": checkpoint,
            "cosignatures": latest_cosignatures(),
        },
    )


def checkpoint_json(_request: HttpRequest) -> JsonResponse:
    """The latest checkpoint as signed, with the witnesses' co-signatures: what a witness, or
    anyone keeping a copy, fetches."""
    checkpoint = latest_checkpoint()
    if checkpoint is None:
        raise Http404
    signed = getattr(checkpoint, "signed", None)
    return JsonResponse(
        {
            "size": checkpoint.size,
            "root": checkpoint.root,
            "at": signed_time(checkpoint),
            "key_id": signed.key_id if signed else None,
            "signature": signed.signature if signed else None,
            "cosignatures": [
                {"witness": c.witness, "at": _iso(c.at), "signature": c.signature}
                for c in cosignatures(checkpoint)
            ],
        }
    )


def _iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="seconds")


def _refuse(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


@csrf_exempt  # no cookie is involved: the witness's signature is its credential
@require_POST
def cosign(request: HttpRequest) -> JsonResponse:
    """A witness hands in its co-signature over a checkpoint it checked."""
    try:
        body = json.loads(request.body)
        witness, signature = str(body["witness"]), str(body["signature"])
        size, signed_at = int(body["size"]), str(body["signed_at"])
        at = datetime.datetime.fromisoformat(signed_at)
    except (ValueError, KeyError, TypeError, OverflowError):
        return _refuse(_("Send witness, size, signed_at and signature as JSON."))
    if at.tzinfo is None:
        return _refuse(_("Send witness, size, signed_at and signature as JSON."))
    checkpoint = checkpoint_at(size) if 0 < size < 2**62 else None
    if checkpoint is None:
        return _refuse(_("There is no checkpoint of that size."), 404)
    kept = add_cosignature(
        checkpoint=checkpoint, witness=witness, signature=signature, signed_at=signed_at
    )
    if kept is None:
        return _refuse(_("The co-signature does not verify for a configured witness."), 403)
    return JsonResponse({"size": checkpoint.size, "witness": witness}, status=201)


def keys(_request: HttpRequest) -> JsonResponse:
    """The public keys that sign checkpoints (Ed25519, raw 32 bytes in base64), by key id, and
    what exactly is signed, so anyone can check a printed or copied checkpoint."""
    return JsonResponse(
        {
            "algorithm": "Ed25519",
            "keys": {str(k): v for k, v in signing.public_keys().items()},
            "signed_message": "lianyun checkpoint\\n{size}\\n{root}\\n{time, UTC ISO 8601}\\n",
        }
    )


def entry_detail(request: HttpRequest, index: int) -> HttpResponse:
    entry = entry_at(index)
    checkpoint = latest_checkpoint()
    if entry is None or checkpoint is None:
        raise Http404
    return render(
        request,
        "publications/entry_detail.html",
        {
            "entry": entry,
            "checkpoint": checkpoint,
            "proof": inclusion(entry, checkpoint.size),
            "corrections": corrections_of(entry),
            "difference": payload_difference(entry),
        },
    )


class BadSize(Exception):
    pass


def _size(request: HttpRequest, name: str, maximum: int) -> int:
    try:
        value = int(request.GET.get(name, ""))
    except ValueError:
        raise BadSize(_("%(name)s must be a whole number of entries.") % {"name": name}) from None
    if not 1 <= value <= maximum:
        raise BadSize(_("%(name)s must be between 1 and %(max)d.") % {"name": name, "max": maximum})
    return value


def _bad(error: BadSize) -> JsonResponse:
    return JsonResponse({"detail": str(error)}, status=400)


def inclusion_proof(request: HttpRequest, index: int) -> JsonResponse:
    """{"index", "size", "leaf_hash", "root", "proof"} for an entry against a tree size."""
    size = None
    if "size" in request.GET:
        try:
            size = _size(request, "size", 2**62)
        except BadSize as error:
            return _bad(error)
    answer = inclusion_answer(index, size)
    if answer is None:
        raise Http404
    if isinstance(answer, str):
        return _bad(BadSize(answer))
    return JsonResponse(
        {
            "index": answer.index,
            "size": answer.size,
            "leaf_hash": answer.leaf_hash,
            "root": answer.root,
            "proof": answer.proof,
        }
    )


def consistency_proof(request: HttpRequest) -> JsonResponse:
    """{"first", "second", "proof"}: shows a printed checkpoint is a prefix of a later one."""
    checkpoint = latest_checkpoint()
    if checkpoint is None:
        raise Http404
    try:
        second = (
            _size(request, "second", checkpoint.size)
            if "second" in request.GET
            else checkpoint.size
        )
        first = _size(request, "first", second)
    except BadSize as error:
        return _bad(error)
    return JsonResponse({"first": first, "second": second, "proof": consistency(first, second)})
