"""阳光问廉 pages: the villager's (ask, follow, rate, meetings, a demand on the phone), the
county's public figures, and the officials' (screen, answer, schedule, record)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.requests import SignedInRequest
from lianyun.cases.actions import confirm_rectification
from lianyun.cases.forms import ConfirmForm
from lianyun.core.access import visitor
from lianyun.core.limits import is_blocked, record_failure
from lianyun.core.once import once
from lianyun.core.params import row_id
from lianyun.core.qr import public_url, qr_svg
from lianyun.core.views import add_errors, run_form
from lianyun.inquiries import actions
from lianyun.inquiries.access import (
    access_answerable,
    access_meeting_record,
    access_referred,
    answer_queue,
    asker_of,
    commission_queue,
    may_organise,
    organised_meetings,
    organiser_villages,
    own_inquiries,
    public_inquiry,
    screening_queue,
)
from lianyun.inquiries.forms import (
    AnswerForm,
    AskForm,
    ConcludeForm,
    DemandConfirmForm,
    DemandFeedbackForm,
    DemandForm,
    MeetingForm,
    PeriodForm,
    RateForm,
    ScreenForm,
    StatementForm,
    VoteForm,
)
from lianyun.inquiries.models import (
    Category,
    Commitment,
    Demand,
    Inquiry,
    InquiryMeeting,
    InquiryStatus,
    Questioned,
)
from lianyun.inquiries.queries import (
    counters_by_town,
    is_overdue,
    meeting_counters,
    meetings_within,
    published_inquiries,
    scoreboard,
    timeliness,
)
from lianyun.people.models import Post
from lianyun.publications.queries import latest_checkpoint
from lianyun.regions.codes import county_code, county_prefix
from lianyun.regions.models import Region, RegionKind, Unit
from lianyun.regions.queries import region_by_code, towns


def _asker(request: HttpRequest) -> Any:
    return asker_of(visitor(request), request.COOKIES)


def _current_posts(regions: list[Region]) -> list[Post]:
    today = timezone.localdate()
    return list(
        Post.objects.filter(unit__region__in=regions, start__lte=today)
        .exclude(end__lt=today)
        .select_related("unit", "holder")
        .order_by("unit__region__code", "unit__name", "pk")
    )


def _town_filter(request: HttpRequest) -> Region | None:
    code = request.GET.get("town", "")
    region = region_by_code(code) if code else None
    return region if region is not None and region.kind == RegionKind.TOWN else None


# --- the public side -----------------------------------------------------------------------


def inquiry_list(request: HttpRequest) -> HttpResponse:
    """Published questions by town and unit, with answer, timeliness and commitments."""
    town = _town_filter(request)
    inquiries = published_inquiries(town)
    category = request.GET.get("category", "")
    if category in Category.values:
        inquiries = inquiries.filter(category=category)
    unit_id = row_id(request.GET.get("unit"))
    if unit_id is not None:
        inquiries = inquiries.filter(unit_id=unit_id)
    page = Paginator(inquiries.order_by("-published_at", "-pk"), 30).get_page(
        request.GET.get("page")
    )
    today = timezone.localdate()
    rows = [(inquiry, timeliness(inquiry, today)) for inquiry in page]
    return render(
        request,
        "inquiries/inquiry_list.html",
        {
            "rows": rows,
            "page": page,
            "towns": towns().order_by("code"),
            "town": town,
            "categories": Category.choices,
            "category": category,
            "query": request.GET.urlencode(),
        },
    )


@never_cache
@once
def inquiry_create(request: HttpRequest) -> HttpResponse:
    """Named or phone-verified villagers ask here; anonymous questions go to petitions."""
    asker = _asker(request)
    if asker is None:
        return render(request, "inquiries/inquiry_identify.html")
    # Units of the asker's own village by default, or of the village or town they pick in
    # their county, with that town's and the county's units.
    picked = region_by_code(request.POST.get("region") or request.GET.get("region", ""))
    village = asker.village
    if (
        picked is not None
        and county_prefix(picked.code) == county_prefix(village.code)
        and picked.parent is not None
    ):
        village = picked
    places = [village, *([village.parent] if village.kind == RegionKind.VILLAGE else [])]
    county = Region.objects.filter(kind=RegionKind.COUNTY, code=county_code(village.code))
    units = list(
        Unit.objects.filter(region__in=[*places, *county])
        .select_related("region")
        .order_by("-region__code", "name")
    )
    posts = _current_posts(places)
    form = AskForm(
        request.POST or None,
        units=[(str(u.pk), u.name) for u in units],
        officials=[(str(p.pk), f"{p.holder.name}（{p.unit.name} {p.title}）") for p in posts],
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if str(u.pk) == data["unit"])
        post = next((p for p in posts if str(p.pk) == data["official"]), None)
        try:
            if is_blocked("questions_per_asker", asker.id_number_index):
                raise ValidationError(
                    _("You have asked as many questions as a day allows; ask again tomorrow.")
                )
            inquiry = actions.ask(
                asker=asker,
                unit=unit,
                official=post.holder if post else None,
                category=data["category"],
                title=data["title"],
                question=data["question"],
                account=request.user if request.user.is_authenticated else None,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            record_failure("questions_per_asker", asker.id_number_index)
            messages.success(
                request,
                _(
                    "Your question is with the county commission for screening; it is due by %(day)s."
                )
                % {"day": inquiry.screen_due.isoformat()},
            )
            return redirect("inquiries:inquiry-detail", pk=inquiry.pk)
    return render(
        request,
        "inquiries/inquiry_form.html",
        {
            "form": form,
            "asker": asker,
            "place": village,
            "villages": Region.objects.filter(
                kind__in=[RegionKind.VILLAGE, RegionKind.TOWN],
                code__startswith=county_prefix(asker.village.code),
            ).order_by("code"),
        },
        status=400 if form.errors else 200,
    )


def _inquiry_page(request: HttpRequest, inquiry: Inquiry, **forms: Form) -> HttpResponse:
    asker = _asker(request)
    is_asker = asker is not None and asker.pk == inquiry.asker_id
    context: dict[str, Any] = {
        "inquiry": inquiry,
        "answers": inquiry.answers.prefetch_related("commitments__item"),
        "timeliness": timeliness(inquiry),
        "overdue": is_overdue(inquiry),
        "is_asker": is_asker,
        "rate_form": RateForm() if is_asker and inquiry.status == InquiryStatus.ANSWERED else None,
        "confirm_form": ConfirmForm() if is_asker else None,
    }
    context.update({k: v for k, v in forms.items()})
    return render(
        request,
        "inquiries/inquiry_detail.html",
        context,
        status=400 if any(f.errors for f in forms.values()) else 200,
    )


@never_cache
def inquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _inquiry_page(request, public_inquiry(pk, _asker(request), visitor(request)))


@require_POST
@once
def inquiry_rate(request: HttpRequest, pk: int) -> HttpResponse:
    asker = _asker(request)
    inquiry = public_inquiry(pk, asker, visitor(request))
    if asker is None or inquiry.asker_id != asker.pk:
        raise Http404
    form = RateForm(request.POST)
    if run_form(
        form,
        inquiry,
        lambda q, d: actions.rate(
            inquiry=q,
            satisfied=d["satisfied"],
            actor=request.user if request.user.is_authenticated else None,
        ),
    ):
        return redirect("inquiries:inquiry-detail", pk=inquiry.pk)
    return _inquiry_page(request, inquiry, rate_form=form)


@require_POST
@once
def inquiry_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The asker confirms that a promised action was done (销号) or not (复号)."""
    asker = _asker(request)
    inquiry = public_inquiry(pk, asker, visitor(request))
    if asker is None or inquiry.asker_id != asker.pk:
        raise Http404
    commitment = get_object_or_404(
        Commitment.objects.select_related("item"),
        answer__inquiry=inquiry,
        item_id=row_id(request.POST.get("item")) or 0,
    )
    form = ConfirmForm(request.POST)
    if run_form(
        form,
        commitment.item,
        lambda item, d: confirm_rectification(
            item=item,
            satisfied=d["satisfied"],
            actor=request.user if request.user.is_authenticated else None,
        ),
    ):
        return redirect("inquiries:inquiry-detail", pk=inquiry.pk)
    return _inquiry_page(request, inquiry, confirm_form=form)


@never_cache
def inquiry_mine(request: HttpRequest) -> HttpResponse:
    asker = _asker(request)
    if asker is None:
        return render(request, "inquiries/inquiry_identify.html")
    return render(
        request,
        "inquiries/inquiry_mine.html",
        {"inquiries": own_inquiries(asker).select_related("unit")},
    )


def inquiry_scoreboard(request: HttpRequest) -> HttpResponse:
    town = _town_filter(request)
    units, officials = scoreboard(published_inquiries(town))
    return render(
        request,
        "inquiries/scoreboard.html",
        {
            "units": units,
            "officials": officials,
            "towns": towns().order_by("code"),
            "town": town,
        },
    )


def meeting_list(request: HttpRequest) -> HttpResponse:
    town = _town_filter(request)
    page = Paginator(meetings_within(town), 30).get_page(request.GET.get("page"))
    return render(
        request,
        "inquiries/meeting_list.html",
        {
            "page": page,
            "towns": towns().order_by("code"),
            "town": town,
            "query": request.GET.urlencode(),
        },
    )


def _meeting(pk: int) -> InquiryMeeting:
    return get_object_or_404(InquiryMeeting.objects.select_related("village__parent"), pk=pk)


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(pk)
    return render(
        request,
        "inquiries/meeting_detail.html",
        {
            "meeting": meeting,
            "officials": meeting.officials.select_related("person", "unit"),
            "demands": meeting.demands.select_related("item", "answered_by__person"),
        },
    )


def _meeting_print(request: HttpRequest, pk: int, template: str) -> HttpResponse:
    meeting = _meeting(pk)
    back = reverse("inquiries:meeting-detail", args=[meeting.pk])
    url = public_url(request, back)
    return render(
        request,
        template,
        {
            "meeting": meeting,
            "officials": meeting.officials.select_related("person"),
            "demands": meeting.demands.select_related("item", "answered_by__person"),
            "qr": qr_svg(url),
            "qr_url": url,
            "back": back,
            "checkpoint": latest_checkpoint(),
        },
    )


def meeting_notice(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_print(request, pk, "inquiries/meeting_notice.html")


def meeting_result(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_print(request, pk, "inquiries/meeting_result.html")


def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One demand on a phone: what was raised, promised, done, and whether it is closed out."""
    demand = get_object_or_404(
        Demand.objects.select_related("meeting__village", "item", "answered_by__person"), pk=pk
    )
    milestones = demand.item.milestones.all() if demand.item else []
    return render(
        request,
        "inquiries/demand_detail.html",
        {"demand": demand, "milestones": milestones},
    )


def _drill_links(request: HttpRequest) -> dict[str, str]:
    params = request.GET.copy()
    links = {}
    for name in ("meetings", "demands", "solved", "funds", "flagged"):
        params["show"] = name
        links[name] = f"?{params.urlencode()}#drill"
    return links


def statistics(request: HttpRequest) -> HttpResponse:
    """The article's counters for any county, town and period, each with its drill-down."""
    regions = Region.objects.filter(kind__in=[RegionKind.COUNTY, RegionKind.TOWN]).order_by("code")
    form = PeriodForm(request.GET or None, regions=[(r.code, r.name) for r in regions])
    region = start = end = None
    if form.is_valid():
        region = region_by_code(form.cleaned_data["region"] or "")
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    counters = meeting_counters(region, start, end)
    show = request.GET.get("show", "")
    drill: Any = None
    if show == "meetings":
        drill = counters.meetings.order_by("-held_on")[:500]
    elif show in ("demands", "solved", "funds"):
        demands = counters.solved if show != "demands" else counters.demands
        if show == "funds":
            demands = demands.filter(funds_returned__gt=0)
        drill = demands.order_by("-meeting__held_on", "number")[:500]
    elif show == "flagged":
        drill = counters.flagged.order_by("-meeting__held_on")[:500]
    figures = counters.as_dict()
    by_town = counters_by_town(counters)
    return render(
        request,
        "inquiries/statistics.html",
        {
            "form": form,
            "figures": figures,
            "by_town": by_town,
            "chart_max": max([int(str(row["demands"])) for row in by_town] or [1]) or 1,
            "show": show,
            "drill": drill,
            "links": _drill_links(request),
        },
        status=400 if form.errors else 200,
    )


# --- the officials' side -------------------------------------------------------------------


def _screening_page(
    request: SignedInRequest, form: ScreenForm | None = None, failed: int | None = None
) -> HttpResponse:
    queue = screening_queue(request.user).select_related("unit", "official", "asker__village")
    return render(
        request,
        "inquiries/screening_list.html",
        {
            "inquiries": queue.order_by("screen_due", "pk")[:200],
            "form": form,
            "blank": ScreenForm(),
            "failed": failed,
            "today": timezone.localdate(),
        },
        status=400 if failed else 200,
    )


@login_required
@never_cache
def screening(request: SignedInRequest) -> HttpResponse:
    return _screening_page(request)


@login_required
@require_POST
@once
def inquiry_screen(request: SignedInRequest, pk: int) -> HttpResponse:
    inquiry = screening_queue(request.user).filter(pk=pk).first()
    if inquiry is None:
        raise Http404
    form = ScreenForm(request.POST)
    if run_form(
        form,
        inquiry,
        lambda q, d: actions.screen(
            inquiry=q, publish_it=d["decision"] == "publish", reason=d["reason"], actor=request.user
        ),
    ):
        return redirect("inquiries:inquiry-screening")
    return _screening_page(request, form, inquiry.pk)


@login_required
@never_cache
def answering(request: SignedInRequest) -> HttpResponse:
    queue = answer_queue(request.user).select_related("unit", "official")
    today = timezone.localdate()
    waiting = [(q, is_overdue(q, today)) for q in queue.filter(status__in=["awaiting", "reopened"])]
    return render(
        request,
        "inquiries/answering_list.html",
        {"waiting": waiting, "done": queue.exclude(status__in=["awaiting", "reopened"])[:100]},
    )


def _commitments(data: dict[str, Any]) -> list[actions.CommitmentIn]:
    return [
        actions.CommitmentIn(
            action=data[f"action_{n}"],
            responsible=data[f"responsible_{n}"],
            deadline=data[f"deadline_{n}"],
        )
        for n in (1, 2)
        if data.get(f"action_{n}")
    ]


@login_required
@never_cache
@once
def inquiry_answer(request: SignedInRequest, pk: int) -> HttpResponse:
    inquiry = access_answerable(request.user, pk)
    form = AnswerForm(request.POST or None)
    if request.method == "POST" and run_form(
        form,
        inquiry,
        lambda q, d: actions.answer(
            inquiry=q,
            text=d["text"],
            stated_date=d["stated_date"],
            commitments=_commitments(d),
            actor=request.user,
        ),
    ):
        messages.success(request, _("The answer is published."))
        return redirect("inquiries:inquiry-answering")
    return render(
        request,
        "inquiries/answer_form.html",
        {"inquiry": inquiry, "answers": inquiry.answers.all(), "form": form},
        status=400 if form.errors else 200,
    )


def _referred_page(
    request: SignedInRequest, form: ConcludeForm | None = None, failed: int | None = None
) -> HttpResponse:
    queue = commission_queue(request.user).select_related("unit", "official")
    return render(
        request,
        "inquiries/referred_list.html",
        {
            "inquiries": queue.order_by("commission_note", "-escalated_at")[:200],
            "form": form,
            "blank": ConcludeForm(),
            "failed": failed,
        },
        status=400 if failed else 200,
    )


@login_required
@never_cache
def referred(request: SignedInRequest) -> HttpResponse:
    return _referred_page(request)


@login_required
@require_POST
@once
def inquiry_conclude(request: SignedInRequest, pk: int) -> HttpResponse:
    inquiry = access_referred(request.user, pk)
    form = ConcludeForm(request.POST)
    if run_form(
        form,
        inquiry,
        lambda q, d: actions.conclude_referred(inquiry=q, note=d["note"], actor=request.user),
    ):
        return redirect("inquiries:inquiry-referred")
    return _referred_page(request, form, inquiry.pk)


@login_required
@never_cache
@once
def meeting_create(request: SignedInRequest) -> HttpResponse:
    """Commissions schedule meetings here; they and integrity officers find the meetings
    they record."""
    meetings = organised_meetings(request.user)
    if not may_organise(request.user):
        if request.method == "POST":
            raise Http404
        return render(request, "inquiries/meeting_form.html", {"meetings": meetings[:50]})
    villages = list(organiser_villages(request.user).select_related("parent"))
    code = request.POST.get("village") or request.GET.get("village", "")
    village = next((v for v in villages if v.code == code), None)
    posts = _current_posts([village, village.parent]) if village and village.parent else []
    form = MeetingForm(
        request.POST or None,
        initial={"threshold": settings.LIANYUN_MEETING_THRESHOLD, "village": code},
        villages=[(v.code, f"{v.parent.name if v.parent else ''} {v.name}") for v in villages],
        officials=[(str(p.pk), f"{p.holder.name}（{p.unit.name} {p.title}）") for p in posts],
    )
    if request.method == "POST" and village is not None and form.is_valid():
        data = form.cleaned_data
        chosen = [p for p in posts if str(p.pk) in data["officials"]]
        try:
            meeting = actions.schedule_meeting(
                village=village,
                starts_at=data["starts_at"],
                place=data["place"],
                panel_size=data["panel_size"],
                panel=data["panel"],
                observers=data["observers"],
                threshold=data["threshold"],
                officials=chosen,
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The meeting is scheduled and its notice published."))
            return redirect("inquiries:meeting-record", pk=meeting.pk)
    return render(
        request,
        "inquiries/meeting_form.html",
        {"form": form, "village": village, "meetings": meetings[:50]},
        status=400 if form.errors else 200,
    )


def _record_page(request: SignedInRequest, meeting: InquiryMeeting, **forms: Any) -> HttpResponse:
    officials = list(meeting.officials.select_related("person", "unit"))
    choices = [(str(q.pk), f"{q.person.name}（{q.title}）") for q in officials]
    context: dict[str, Any] = {
        "meeting": meeting,
        "officials": officials,
        "blank_statement": StatementForm(),
        "blank_vote": VoteForm(),
        "demand_form": DemandForm(officials=choices),
        "demands": meeting.demands.select_related("item", "answered_by__person"),
        "failed": None,
    }
    context.update(forms)
    return render(
        request,
        "inquiries/meeting_record.html",
        context,
        status=400 if any(getattr(f, "errors", None) for f in forms.values()) else 200,
    )


@login_required
@never_cache
def meeting_record(request: SignedInRequest, pk: int) -> HttpResponse:
    return _record_page(request, access_meeting_record(request.user, pk))


def _questioned(meeting: InquiryMeeting, qid: int) -> Questioned:
    return get_object_or_404(Questioned, pk=qid, meeting=meeting)


@login_required
@require_POST
@once
def meeting_statement(request: SignedInRequest, pk: int, qid: int) -> HttpResponse:
    meeting = access_meeting_record(request.user, pk)
    questioned = _questioned(meeting, qid)
    form = StatementForm(request.POST)
    if run_form(
        form,
        questioned,
        lambda q, d: actions.record_statement(
            questioned=q, statement=d["statement"], actor=request.user
        ),
    ):
        return redirect("inquiries:meeting-record", pk=meeting.pk)
    return _record_page(request, meeting, statement_form=form, failed=qid)


@login_required
@require_POST
@once
def meeting_vote(request: SignedInRequest, pk: int, qid: int) -> HttpResponse:
    meeting = access_meeting_record(request.user, pk)
    questioned = _questioned(meeting, qid)
    form = VoteForm(request.POST)
    if run_form(
        form,
        questioned,
        lambda q, d: actions.record_vote(
            questioned=q,
            satisfied=d["satisfied"],
            basic=d["basic"],
            unsatisfied=d["unsatisfied"],
            actor=request.user,
        ),
    ):
        return redirect("inquiries:meeting-record", pk=meeting.pk)
    return _record_page(request, meeting, vote_form=form, failed=qid)


@login_required
@require_POST
@once
def meeting_demand(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = access_meeting_record(request.user, pk)
    officials = {str(q.pk): q for q in meeting.officials.select_related("person", "unit")}
    form = DemandForm(
        request.POST, officials=[(k, f"{q.person.name}（{q.title}）") for k, q in officials.items()]
    )
    if run_form(
        form,
        meeting,
        lambda m, d: actions.record_demand(
            meeting=m,
            raised_by=d["raised_by"],
            category=d["category"],
            text=d["text"],
            answered_by=officials.get(d["answered_by"]),
            reply=d["reply"],
            promise=d["promise"],
            responsible=d["responsible"],
            deadline=d["deadline"],
            misconduct_clue=d["misconduct_clue"],
            client_key=d["client_key"],
            actor=request.user,
        ),
    ):
        messages.success(request, _("The demand is recorded."))
        return redirect("inquiries:meeting-record", pk=meeting.pk)
    return _record_page(request, meeting, demand_form=form)


@login_required
@require_POST
@once
def meeting_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = access_meeting_record(request.user, pk)
    try:
        actions.publish_result(meeting=meeting, actor=request.user)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
    else:
        messages.success(request, _("The result is published."))
    return redirect("inquiries:meeting-record", pk=meeting.pk)


def _managed_demand(request: SignedInRequest, pk: int) -> Demand:
    demand = get_object_or_404(Demand.objects.select_related("meeting", "item"), pk=pk)
    access_meeting_record(request.user, demand.meeting_id)
    return demand


def _demand_page(request: SignedInRequest, demand: Demand, **forms: Form) -> HttpResponse:
    context: dict[str, Any] = {
        "demand": demand,
        "feedback_form": DemandFeedbackForm(),
        "confirm_form": DemandConfirmForm(),
    }
    context.update(forms)
    return render(
        request,
        "inquiries/demand_manage.html",
        context,
        status=400 if any(f.errors for f in forms.values()) else 200,
    )


@login_required
@never_cache
def demand_manage(request: SignedInRequest, pk: int) -> HttpResponse:
    return _demand_page(request, _managed_demand(request, pk))


@login_required
@require_POST
@once
def demand_feedback(request: SignedInRequest, pk: int) -> HttpResponse:
    demand = _managed_demand(request, pk)
    form = DemandFeedbackForm(request.POST)
    if run_form(
        form,
        demand,
        lambda dm, d: actions.demand_feedback(
            demand=dm,
            feedback=d["feedback"],
            funds_returned=d["funds_returned"],
            actor=request.user,
        ),
    ):
        return redirect("inquiries:demand-manage", pk=demand.pk)
    return _demand_page(request, demand, feedback_form=form)


@login_required
@require_POST
@once
def demand_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    demand = _managed_demand(request, pk)
    form = DemandConfirmForm(request.POST)
    if run_form(
        form,
        demand,
        lambda dm, d: actions.demand_confirmation(
            demand=dm, satisfied=d["satisfied"], actor=request.user
        ),
    ):
        return redirect("inquiries:demand-manage", pk=demand.pk)
    return _demand_page(request, demand, confirm_form=form)
