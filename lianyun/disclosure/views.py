"""三务公开 pages: a village's notices (public), one notice with its record and objection form,
posting and correcting (village cadres), and the overdue overview (town and county)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from lianyun.accounts.requests import SignedInRequest
from lianyun.core import pow
from lianyun.core.access import visitor
from lianyun.core.filestore import send_file
from lianyun.core.once import once
from lianyun.core.qr import public_url, qr_svg
from lianyun.core.views import add_errors
from lianyun.disclosure.access import (
    access_cadence,
    access_poster,
    access_public_disclosure,
    access_public_village,
    may_post,
)
from lianyun.disclosure.actions import object_to, post_disclosure
from lianyun.disclosure.forms import DisclosureForm, ObjectionForm
from lianyun.disclosure.models import Disclosure, DisclosureFile, DisclosureKind
from lianyun.disclosure.queries import (
    cadence,
    cadence_by_town,
    difference,
    matches_record,
    objection_window,
    objections_open,
    posting_window,
    public_disclosures,
)
from lianyun.petitions.access import hold_receipt, remember_tracked
from lianyun.publications.queries import latest_checkpoint
from lianyun.regions.models import Region, RegionKind


def village_list(request: HttpRequest, code: str) -> HttpResponse:
    village = access_public_village(code)
    kind = request.GET.get("kind", "")
    disclosures = public_disclosures(village)
    if kind in DisclosureKind.values:
        disclosures = disclosures.filter(kind=kind)
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
            "files": list(disclosure.files.all()),
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
    stored = DisclosureFile.objects.filter(disclosure=disclosure, pk=file_id).first()
    if stored is None:
        raise Http404
    return send_file(
        stored,
        actor=request.user if request.user.is_authenticated else None,
        filename=f"disclosure-{disclosure.pk}-{stored.pk}.{stored.extension}",
    )


@never_cache
@once
def object_view(request: HttpRequest, pk: int) -> HttpResponse:
    """有异议: an objection within the window becomes a petition; the receipt is shown once."""
    disclosure = access_public_disclosure(pk)
    form = ObjectionForm(request.POST or None)
    if (
        request.method == "POST"
        and form.is_valid()
        and (request.user.is_authenticated or pow.check(request, "objection", form))
    ):
        try:
            submitted = object_to(disclosure=disclosure, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_errors(form, error)
        else:
            # Post/redirect/get, as for a petition: a reload shows the same receipt.
            remember_tracked(request.session, submitted.petition)
            hold_receipt(request.session, submitted.petition, submitted.receipt.text)
            return redirect("petitions:petition-receipt")
    return render(
        request, "disclosure/objection_form.html", {"disclosure": disclosure, "form": form}
    )


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
    form = DisclosureForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            posted = post_disclosure(
                village=village,
                kind=data["kind"],
                major=data["major"],
                period=data["period"].strip(),
                title=data["title"],
                body=data["body"],
                files=data["scans"],
                actor=request.user,
                corrects=corrects,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("disclosure:disclosure-detail", pk=posted.pk)
    return render(
        request,
        "disclosure/disclosure_form.html",
        {"village": village, "form": form, "corrects": corrects},
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
        villages = Region.objects.filter(parent=region, kind=RegionKind.VILLAGE)
        rows = cadence(villages, today)
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
