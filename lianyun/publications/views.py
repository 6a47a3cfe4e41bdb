"""The public face of the chain: checkpoints, entries, and proofs anyone can check."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from lianyun.publications import signing
from lianyun.publications.models import Checkpoint, Entry
from lianyun.publications.queries import (
    consistency,
    inclusion,
    latest_checkpoint,
    payload_difference,
)


def entry_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(Entry.objects.order_by("-index"), 50).get_page(request.GET.get("page"))
    return render(
        request, "publications/entry_list.html", {"page": page, "checkpoint": latest_checkpoint()}
    )


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
    entry = Entry.objects.filter(index=index).select_related("corrects").first()
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
            "corrections": entry.corrections.all(),
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
    checkpoint = latest_checkpoint()
    entry = Entry.objects.filter(index=index).first()
    if entry is None or checkpoint is None:
        raise Http404
    try:
        size = _size(request, "size", checkpoint.size) if "size" in request.GET else checkpoint.size
    except BadSize as error:
        return _bad(error)
    if entry.index >= size:
        return _bad(BadSize(_("The entry is not in a record of that size.")))
    root = Checkpoint.objects.get(size=size).root
    return JsonResponse(
        {
            "index": entry.index,
            "size": size,
            "leaf_hash": entry.leaf_hash,
            "root": root,
            "proof": inclusion(entry, size),
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
