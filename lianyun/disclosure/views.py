"""三务公开 pages: a village's notices (public), one notice with its record and objection form,
posting and correcting (village cadres), and the overdue overview (town and county)."""

from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from lianyun.accounts.requests import SignedInRequest, account_of
from lianyun.core import pow
from lianyun.core.access import visitor
from lianyun.core.filestore import send_file
from lianyun.core.once import once
from lianyun.core.qr import public_url, qr_svg
from lianyun.core.views import post_form
from lianyun.disclosure.access import (
    access_cadence,
    access_poster,
    access_public_disclosure,
    access_public_village,
    may_post,
)
from lianyun.disclosure.actions import object_to, post_disclosure
from lianyun.disclosure.forms import DisclosureForm, ObjectionForm
from lianyun.disclosure.models import Disclosure, DisclosureKind
from lianyun.disclosure.queries import (
    cadence,
    cadence_by_town,
    difference,
    disclosures_of_kind,
    file_of,
    files_of,
    matches_record,
    objection_window,
    objections_open,
    posting_window,
    public_disclosures,
    villages_of,
)
from lianyun.petitions.access import hold_receipt, open_for_receipt
from lianyun.petitions.actions import Submitted
from lianyun.publications.queries import latest_checkpoint
from lianyun.regions.models import Region, RegionKind


def village_list(request: HttpRequest, code: str) -> HttpResponse:
    village = access_public_village(code)
    kind = request.GET.get("kind", "")
    disclosures = disclosures_of_kind(
        public_disclosures(village), kind if kind in DisclosureKind.values else ""
    )
    return render(
        request,
        "disclosure/disclosure_list.html",
        {
            "village": village,
            "disclosures": disclosures[:100],
            "kind": kind,
            "kinds": DisclosureKind.choices,
            "may_post": may_post(visitor(request), village),
            "checkpoint": latest_checkpoint(),
        },
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = access_public_disclosure(pk)
    today = timezone.localdate()
    form = ObjectionForm()
    return render(
        request,
        "disclosure/disclosure_detail.html",
        {
            "disclosure": disclosure,
            "files": files_of(disclosure),
            "matches_record": matches_record(disclosure),
            "may_post": may_post(visitor(request), disclosure.village),
            "posting": posting_window(disclosure),
            "objection": objection_window(disclosure),
            "can_object": objections_open(disclosure, today),
            "form": form,
            "later": getattr(disclosure, "correction", None),
            "difference": difference(disclosure),
            "checkpoint": latest_checkpoint(),
        },
    )


def print_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The A4 notice for the village's notice board, with a QR code back to the page."""
    disclosure = access_public_disclosure(pk)
    path = reverse("disclosure:disclosure-detail", args=[disclosure.pk])
    url = public_url(request, path)
    return render(
        request,
        "disclosure/disclosure_print.html",
        {
            "disclosure": disclosure,
            "objection": objection_window(disclosure),
            "qr": qr_svg(url),
            "qr_url": url,
            "back": path,
            "entry": disclosure.entry,
            "checkpoint": latest_checkpoint(),
        },
    )


def download(request: HttpRequest, pk: int, file_id: int) -> HttpResponse:
    disclosure = access_public_disclosure(pk)
    stored = file_of(disclosure, file_id)
    if stored is None:
        raise Http404
    return send_file(
        stored,
        actor=account_of(request),
        filename=f"disclosure-{disclosure.pk}-{stored.pk}.{stored.extension}",
    )


@never_cache
@once
def object_view(request: HttpRequest, pk: int) -> HttpResponse:
    """有异议: an objection within the window becomes a petition; the receipt is shown once."""
    disclosure = access_public_disclosure(pk)

    def page(form: Form) -> HttpResponse:
        open_for_receipt(request.session)
        return render(
            request,
            "disclosure/objection_form.html",
            {"disclosure": disclosure, "form": form},
        )

    def object_to_it(data: dict[str, Any]) -> Submitted:
        if not request.user.is_authenticated:
            pow.require(request, "objection")
        return object_to(disclosure=disclosure, reason=data["reason"])

    def receipt(submitted: Submitted) -> str:
        # Post/redirect/get, as for a petition: a reload shows the same receipt.
        hold_receipt(request.session, submitted.petition, submitted.receipt.text)
        return reverse("petitions:petition-receipt")

    if request.method != "POST":
        return page(ObjectionForm())
    return post_form(ObjectionForm(request.POST), object_to_it, done=receipt, again=page)


def _post(request: SignedInRequest, village: Region, corrects: Disclosure | None) -> HttpResponse:
    initial = (
        {
            "kind": corrects.kind,
            "major": corrects.major,
            "period": corrects.period,
            "title": corrects.title,
            "body": corrects.body,
        }
        if corrects
        else {}
    )

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "disclosure/disclosure_form.html",
            {"village": village, "form": form, "corrects": corrects},
        )

    if request.method != "POST":
        return page(DisclosureForm(initial=initial))
    return post_form(
        DisclosureForm(request.POST, request.FILES, initial=initial),
        lambda d: post_disclosure(
            village=village,
            kind=d["kind"],
            major=d["major"],
            period=d["period"].strip(),
            title=d["title"],
            body=d["body"],
            files=d["scans"],
            actor=request.user,
            corrects=corrects,
        ),
        done=lambda posted: reverse("disclosure:disclosure-detail", args=[posted.pk]),
        again=page,
    )


@login_required
@once
def create(request: SignedInRequest, code: str) -> HttpResponse:
    village = access_poster(request.user, code)
    return _post(request, village, None)


@login_required
@once
def correct(request: SignedInRequest, pk: int) -> HttpResponse:
    disclosure = access_public_disclosure(pk)
    village = access_poster(request.user, disclosure.village.code)
    return _post(request, village, disclosure)


@login_required
def overview(request: SignedInRequest, code: str) -> HttpResponse:
    region = access_cadence(request.user, code)
    today = timezone.localdate()
    if region.kind == RegionKind.TOWN:
        rows = cadence(villages_of(region), today)
        return render(
            request,
            "disclosure/cadence_town.html",
            {
                "town": region,
                "rows": rows,
                "kinds": DisclosureKind.choices,
                "overdue_count": sum(1 for row in rows if row.overdue),
            },
        )
    return render(
        request,
        "disclosure/cadence_county.html",
        {
            "county": region,
            "towns": cadence_by_town(region, today),
            "kinds": DisclosureKind.choices,
        },
    )
