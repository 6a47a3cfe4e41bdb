from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from lianyun.accounts.actions import mark_notifications_read
from lianyun.accounts.models import User
from lianyun.accounts.requests import SignedInRequest
from lianyun.learning.queries import unread_required
from lianyun.people.access import (
    REGISTER_ROLES,
    access_register_region,
    access_resident_by_id_number,
    register_scope,
)
from lianyun.people.actions import record_register_view, record_resident_lookup
from lianyun.petitions.access import open_petition_count
from lianyun.redflags.access import REVIEWER_ROLES
from lianyun.regions.access import access_region, scope_of
from lianyun.regions.models import Region, RegionKind
from lianyun.workspace.forms import ResidentLookupForm
from lianyun.workspace.queries import (
    child_rows,
    recent_notifications,
    region_counts,
    register_page,
    waiting_for,
)


@login_required
def home(request: SignedInRequest) -> HttpResponse:
    if not getattr(request.user, "is_official", False):
        return redirect("portal:mine")  # a villager's home is 我的, not a 404
    scope = scope_of(request.user)
    context = _region_context(scope, request.user)
    context["open_petitions"] = open_petition_count(request.user)
    waiting = waiting_for(request.user, reviewer=request.user.role in REVIEWER_ROLES)
    context["unread"] = waiting.unread
    context["unread_required"] = len(unread_required(request.user))
    if waiting.open_flags is not None:
        context["open_flags"] = waiting.open_flags
    context["unacknowledged_reminders"] = waiting.unacknowledged_reminders
    return render(request, "workspace/home.html", context)


@login_required
def region_detail(request: SignedInRequest, code: str) -> HttpResponse:
    region = access_region(request.user, code)
    return render(request, "workspace/region_detail.html", _region_context(region, request.user))


def _region_context(region: Region, user: object) -> dict[str, object]:
    rows = child_rows(region)
    residents, households = region_counts(region)
    return {
        "register": getattr(user, "role", "") in REGISTER_ROLES,
        "region": region,
        "rows": rows,
        "chart_max": max((row.residents for row in rows), default=0),
        "resident_count": residents,
        "household_count": households,
        "is_village": region.kind == RegionKind.VILLAGE,
    }


@login_required
@never_cache
def resident_list(request: SignedInRequest, code: str) -> HttpResponse:
    region = access_register_region(request.user, code)
    page = Paginator(register_page(region), 50).get_page(request.GET.get("page"))
    record_register_view(actor=request.user, region_code=region.code, page=page.number)
    return render(request, "workspace/resident_list.html", {"region": region, "page": page})


@login_required
@never_cache
def resident_lookup(request: SignedInRequest) -> HttpResponse:
    """Find a resident by ID number; the number travels only in the POST body."""
    scope = register_scope(request.user)
    form = ResidentLookupForm(request.POST or None)
    searched = False
    resident = None
    if request.method == "POST" and form.is_valid():
        searched = True
        resident = access_resident_by_id_number(request.user, form.cleaned_data["id_number"])
        record_resident_lookup(
            actor=request.user, resident=resident, purpose=form.cleaned_data["purpose"]
        )
        # The full number is not echoed back into the page once it has done its job.
        form = ResidentLookupForm(initial={"purpose": form.cleaned_data["purpose"]})
    return render(
        request,
        "workspace/resident_lookup.html",
        {"form": form, "resident": resident, "searched": searched, "scope": scope},
    )


@login_required
@never_cache
def notification_list(request: SignedInRequest) -> HttpResponse:
    scope_of(request.user)  # officials only
    user = request.user
    assert isinstance(user, User)  # noqa: S101 - scope_of admits officials only
    notifications = recent_notifications(user)
    mark_notifications_read(user=user)
    return render(request, "workspace/notification_list.html", {"notifications": notifications})
