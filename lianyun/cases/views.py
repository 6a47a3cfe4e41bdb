from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.requests import SignedInRequest
from lianyun.cases import actions
from lianyun.cases.access import (
    access_lead,
    access_rectification,
    evidence_of,
    require_lead_handler,
    require_official,
    visible_leads,
    visible_rectifications,
)
from lianyun.cases.forms import ConcludeForm, DisposeForm, FeedbackForm, MilestoneForm, OutcomeForm
from lianyun.cases.models import Lead, RectificationItem
from lianyun.cases.queries import (
    counters,
    item_milestones,
    items_listed,
    lead_outcomes,
    lead_subjects,
    leads_listed,
    progress_by_town,
    public_rectifications,
    total_progress,
)
from lianyun.core.filestore import send_file
from lianyun.core.once import once
from lianyun.core.params import row_id
from lianyun.core.views import post_form
from lianyun.publications.queries import latest_checkpoint


@login_required
@never_cache
def lead_list(request: SignedInRequest) -> HttpResponse:
    require_lead_handler(request.user)
    status = request.GET.get("status", "")
    leads = leads_listed(visible_leads(request.user), status)
    return render(request, "cases/lead_list.html", {"leads": leads, "status": status})


def _people(lead: Lead) -> list[tuple[str, str]]:
    return [(str(person.pk), person.name) for person in lead_subjects(lead)]


def _lead_page(request: SignedInRequest, lead: Lead, **forms: Form) -> HttpResponse:
    context: dict[str, Any] = {
        "lead": lead,
        "outcomes": lead_outcomes(lead),
        "dispose_form": DisposeForm(),
        "outcome_form": OutcomeForm(people=_people(lead)),
        "conclude_form": ConcludeForm(),
    }
    context.update(forms)
    return render(
        request,
        "cases/lead_detail.html",
        context,
        status=400 if any(f.errors for f in forms.values()) else 200,
    )


@login_required
@never_cache
def lead_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _lead_page(request, access_lead(request.user, pk))


@login_required
@require_POST
@once
def lead_dispose(request: SignedInRequest, pk: int) -> HttpResponse:
    lead = access_lead(request.user, pk)
    return post_form(
        DisposeForm(request.POST),
        lambda d: actions.dispose_lead(
            lead=lead,
            disposition=d["disposition"],
            reason=d["reason"],
            review_on=d["review_on"],
            amount_involved=d["amount_involved"],
            actor=request.user,
        ),
        done=reverse("cases:lead-detail", args=[lead.pk]),
        again=lambda form: _lead_page(request, lead, dispose_form=form),
    )


@login_required
@require_POST
@once
def lead_outcome(request: SignedInRequest, pk: int) -> HttpResponse:
    lead = access_lead(request.user, pk)

    def run(d: dict[str, Any]) -> None:
        chosen = row_id(d["person"])
        person = next((p for p in lead_subjects(lead) if p.pk == chosen), None)
        actions.record_outcome(
            lead=lead,
            kind=d["kind"],
            person=person,
            level=d["level"],
            amount=d["amount"] or Decimal("0"),
            households=d["households"] or 0,
            note=d["note"],
            actor=request.user,
        )

    return post_form(
        OutcomeForm(request.POST, people=_people(lead)),
        run,
        done=reverse("cases:lead-detail", args=[lead.pk]),
        again=lambda form: _lead_page(request, lead, outcome_form=form),
    )


@login_required
@require_POST
@once
def lead_conclude(request: SignedInRequest, pk: int) -> HttpResponse:
    lead = access_lead(request.user, pk)
    return post_form(
        ConcludeForm(request.POST),
        lambda d: actions.conclude_lead(lead=lead, conclusion=d["conclusion"], actor=request.user),
        done=reverse("cases:lead-detail", args=[lead.pk]),
        again=lambda form: _lead_page(request, lead, conclude_form=form),
    )


@login_required
@never_cache
def counter_list(request: SignedInRequest) -> HttpResponse:
    require_lead_handler(request.user)
    figures = counters(visible_leads(request.user), visible_rectifications(request.user))
    return render(request, "cases/counter_list.html", {"counters": figures})


@login_required
@never_cache
def rectification_list(request: SignedInRequest) -> HttpResponse:
    require_official(request.user)
    items = visible_rectifications(request.user)
    towns = progress_by_town(items)
    return render(
        request,
        "cases/rectification_list.html",
        {
            "items": items_listed(items),
            "towns": towns,
            "total": total_progress(towns),
        },
    )


def _item_page(request: SignedInRequest, item: RectificationItem, **forms: Form) -> HttpResponse:
    context: dict[str, Any] = {
        "item": item,
        "milestones": item_milestones(item),
        "milestone_form": MilestoneForm(),
        "feedback_form": FeedbackForm(),
    }
    context.update(forms)
    return render(
        request,
        "cases/rectification_detail.html",
        context,
        status=400 if any(f.errors for f in forms.values()) else 200,
    )


@login_required
@never_cache
def rectification_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _item_page(request, access_rectification(request.user, pk))


@login_required
@require_POST
@once
def rectification_milestone(request: SignedInRequest, pk: int) -> HttpResponse:
    item = access_rectification(request.user, pk, for_write=True)
    return post_form(
        MilestoneForm(request.POST, request.FILES),
        lambda d: actions.record_milestone(
            item=item,
            progress=d["progress"],
            note=d["note"],
            files=d["evidence"],
            actor=request.user,
        ),
        done=reverse("cases:rectification-detail", args=[item.pk]),
        again=lambda form: _item_page(request, item, milestone_form=form),
    )


@login_required
@never_cache
def evidence_detail(request: SignedInRequest, pk: int, evidence_id: int) -> HttpResponse:
    item = access_rectification(request.user, pk)
    evidence = evidence_of(item, evidence_id)
    return send_file(
        evidence, actor=request.user, filename=f"evidence-{evidence.pk}.{evidence.extension}"
    )


@login_required
@require_POST
@once
def rectification_feedback(request: SignedInRequest, pk: int) -> HttpResponse:
    item = access_rectification(request.user, pk, for_write=True)
    return post_form(
        FeedbackForm(request.POST),
        lambda d: actions.publish_feedback(item=item, feedback=d["feedback"], actor=request.user),
        done=reverse("cases:rectification-detail", args=[item.pk]),
        again=lambda form: _item_page(request, item, feedback_form=form),
    )


def public_rectification_list(request: HttpRequest) -> HttpResponse:
    """The county's public rectification lists, with each town's progress."""
    items = public_rectifications()
    towns = progress_by_town(items)
    return render(
        request,
        "cases/public_rectification_list.html",
        {
            "items": items_listed(items),
            "towns": towns,
            "total": total_progress(towns),
            "checkpoint": latest_checkpoint(),
        },
    )
