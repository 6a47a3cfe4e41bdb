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
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.requests import SignedInRequest, account_of
from lianyun.cases.actions import confirm_rectification
from lianyun.cases.forms import ConfirmForm
from lianyun.core.access import visitor
from lianyun.core.limits import is_blocked, record_failure
from lianyun.core.once import once
from lianyun.core.params import row_id
from lianyun.core.qr import public_url, qr_svg
from lianyun.core.views import post_form, told_on
from lianyun.inquiries import actions
from lianyun.inquiries.access import (
    access_answerable,
    access_demand,
    access_meeting_record,
    access_referred,
    access_screened,
    answer_queue,
    asker_of,
    commission_queue,
    may_organise,
    organised_meetings,
    organiser_villages,
    own_inquiries,
    promised_item,
    public_demand,
    public_inquiry,
    public_meeting,
    questioned_of,
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
    Demand,
    Inquiry,
    InquiryMeeting,
    InquiryStatus,
)
from lianyun.inquiries.queries import (
    answering_listed,
    answers_of,
    answers_with_commitments,
    counters_by_town,
    counties_and_towns,
    demand_milestones,
    drill_down,
    is_overdue,
    listed_inquiries,
    meeting_counters,
    meeting_demands,
    meeting_officials,
    meeting_villages,
    meetings_within,
    own_listed,
    places_in_county,
    published_inquiries,
    referred_listed,
    scoreboard,
    screening_listed,
    timeliness,
    units_asked,
)
from lianyun.people.models import Post
from lianyun.people.queries import current_posts
from lianyun.publications.queries import latest_checkpoint
from lianyun.regions.codes import county_code, county_prefix
from lianyun.regions.models import Region, RegionKind
from lianyun.regions.queries import region_by_code, towns


def _asker(request: HttpRequest) -> Any:
    return asker_of(visitor(request), request.COOKIES)


def _current_posts(regions: list[Region]) -> list[Post]:
    return current_posts(regions, timezone.localdate())


def _town_filter(request: HttpRequest) -> Region | None:
    code = request.GET.get("town", "")
    region = region_by_code(code) if code else None
    return region if region is not None and region.kind == RegionKind.TOWN else None


# --- the public side -----------------------------------------------------------------------


def inquiry_list(request: HttpRequest) -> HttpResponse:
    """Published questions by town and unit, with answer, timeliness and commitments."""
    town = _town_filter(request)
    category = request.GET.get("category", "")
    if category not in Category.values:
        category = ""
    inquiries = listed_inquiries(town, category, row_id(request.GET.get("unit")))
    page = Paginator(inquiries, 30).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(inquiry, timeliness(inquiry, today)) for inquiry in page]
    return render(
        request,
        "inquiries/inquiry_list.html",
        {
            "rows": rows,
            "page": page,
            "towns": towns(),
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
    units = units_asked(places, region_by_code(county_code(village.code)))
    posts = _current_posts(places)
    form = AskForm(
        request.POST or None,
        units=[(str(u.pk), u.name) for u in units],
        officials=[(str(p.pk), f"{p.holder.name}（{p.unit.name} {p.title}）") for p in posts],
    )

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "inquiries/inquiry_form.html",
            {
                "form": form,
                "asker": asker,
                "place": village,
                "villages": places_in_county(county_prefix(asker.village.code)),
            },
            status=400 if form.errors else 200,
        )

    def ask(data: dict[str, Any]) -> Inquiry:
        if is_blocked("questions_per_asker", asker.id_number_index):
            raise ValidationError(
                _("You have asked as many questions as a day allows; ask again tomorrow.")
            )
        post = next((p for p in posts if str(p.pk) == data["official"]), None)
        inquiry = actions.ask(
            asker=asker,
            unit=next(u for u in units if str(u.pk) == data["unit"]),
            official=post.holder if post else None,
            category=data["category"],
            title=data["title"],
            question=data["question"],
            account=account_of(request),
        )
        record_failure("questions_per_asker", asker.id_number_index)
        return inquiry

    def asked(inquiry: Inquiry) -> str:
        messages.success(
            request,
            _("Your question is with the county commission for screening; it is due by %(day)s.")
            % {"day": inquiry.screen_due.isoformat()},
        )
        return reverse("inquiries:inquiry-detail", args=[inquiry.pk])

    if request.method != "POST":
        return page(form)
    return post_form(form, ask, done=asked, again=page)


def _inquiry_page(request: HttpRequest, inquiry: Inquiry, **forms: Form) -> HttpResponse:
    asker = _asker(request)
    is_asker = asker is not None and asker.pk == inquiry.asker_id
    context: dict[str, Any] = {
        "inquiry": inquiry,
        "answers": answers_with_commitments(inquiry),
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
    return post_form(
        RateForm(request.POST),
        lambda d: actions.rate(
            inquiry=inquiry, satisfied=d["satisfied"], actor=account_of(request)
        ),
        done=reverse("inquiries:inquiry-detail", args=[inquiry.pk]),
        again=lambda form: _inquiry_page(request, inquiry, rate_form=form),
    )


@require_POST
@once
def inquiry_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The asker confirms that a promised action was done (销号) or not (复号)."""
    asker = _asker(request)
    inquiry = public_inquiry(pk, asker, visitor(request))
    if asker is None or inquiry.asker_id != asker.pk:
        raise Http404
    item = promised_item(inquiry, row_id(request.POST.get("item")))
    return post_form(
        ConfirmForm(request.POST),
        lambda d: confirm_rectification(
            item=item, satisfied=d["satisfied"], actor=account_of(request)
        ),
        done=reverse("inquiries:inquiry-detail", args=[inquiry.pk]),
        again=lambda form: _inquiry_page(request, inquiry, confirm_form=form),
    )


@never_cache
def inquiry_mine(request: HttpRequest) -> HttpResponse:
    asker = _asker(request)
    if asker is None:
        return render(request, "inquiries/inquiry_identify.html")
    return render(
        request,
        "inquiries/inquiry_mine.html",
        {"inquiries": own_listed(own_inquiries(asker))},
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
            "towns": towns(),
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
            "towns": towns(),
            "town": town,
            "query": request.GET.urlencode(),
        },
    )


def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = public_meeting(pk)
    return render(
        request,
        "inquiries/meeting_detail.html",
        {
            "meeting": meeting,
            "officials": meeting_officials(meeting),
            "demands": meeting_demands(meeting),
        },
    )


def _meeting_print(request: HttpRequest, pk: int, template: str) -> HttpResponse:
    meeting = public_meeting(pk)
    back = reverse("inquiries:meeting-detail", args=[meeting.pk])
    url = public_url(request, back)
    return render(
        request,
        template,
        {
            "meeting": meeting,
            "officials": meeting_officials(meeting),
            "demands": meeting_demands(meeting),
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
    demand = public_demand(pk)
    milestones = demand_milestones(demand)
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
    regions = counties_and_towns()
    form = PeriodForm(request.GET or None, regions=[(r.code, r.name) for r in regions])
    region = start = end = None
    if form.is_valid():
        region = region_by_code(form.cleaned_data["region"] or "")
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    counters = meeting_counters(region, start, end)
    show = request.GET.get("show", "")
    drill = drill_down(counters, show)
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
    request: SignedInRequest, form: Form | None = None, failed: int | None = None
) -> HttpResponse:
    return render(
        request,
        "inquiries/screening_list.html",
        {
            "inquiries": screening_listed(screening_queue(request.user)),
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
    inquiry = access_screened(request.user, pk)
    return post_form(
        ScreenForm(request.POST),
        lambda d: actions.screen(
            inquiry=inquiry,
            publish_it=d["decision"] == "publish",
            reason=d["reason"],
            actor=request.user,
        ),
        done=reverse("inquiries:inquiry-screening"),
        again=lambda form: _screening_page(request, form, inquiry.pk),
    )


@login_required
@never_cache
def answering(request: SignedInRequest) -> HttpResponse:
    waiting, done = answering_listed(answer_queue(request.user), timezone.localdate())
    return render(request, "inquiries/answering_list.html", {"waiting": waiting, "done": done})


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

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "inquiries/answer_form.html",
            {"inquiry": inquiry, "answers": answers_of(inquiry), "form": form},
            status=400 if form.errors else 200,
        )

    def published(_answer: object) -> str:
        messages.success(request, _("The answer is published."))
        return reverse("inquiries:inquiry-answering")

    if request.method != "POST":
        return page(AnswerForm())
    return post_form(
        AnswerForm(request.POST),
        lambda d: actions.answer(
            inquiry=inquiry,
            text=d["text"],
            stated_date=d["stated_date"],
            commitments=_commitments(d),
            actor=request.user,
        ),
        done=published,
        again=page,
    )


def _referred_page(
    request: SignedInRequest, form: Form | None = None, failed: int | None = None
) -> HttpResponse:
    return render(
        request,
        "inquiries/referred_list.html",
        {
            "inquiries": referred_listed(commission_queue(request.user)),
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
    return post_form(
        ConcludeForm(request.POST),
        lambda d: actions.conclude_referred(inquiry=inquiry, note=d["note"], actor=request.user),
        done=reverse("inquiries:inquiry-referred"),
        again=lambda form: _referred_page(request, form, inquiry.pk),
    )


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
    villages = meeting_villages(organiser_villages(request.user))
    code = request.POST.get("village") or request.GET.get("village", "")
    village = next((v for v in villages if v.code == code), None)
    posts = _current_posts([village, village.parent]) if village and village.parent else []
    form = MeetingForm(
        request.POST or None,
        initial={"threshold": settings.LIANYUN_MEETING_THRESHOLD, "village": code},
        villages=[(v.code, f"{v.parent.name if v.parent else ''} {v.name}") for v in villages],
        officials=[(str(p.pk), f"{p.holder.name}（{p.unit.name} {p.title}）") for p in posts],
    )

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "inquiries/meeting_form.html",
            {"form": form, "village": village, "meetings": meetings[:50]},
            status=400 if form.errors else 200,
        )

    def scheduled(meeting: InquiryMeeting) -> str:
        messages.success(request, _("The meeting is scheduled and its notice published."))
        return reverse("inquiries:meeting-record", args=[meeting.pk])

    if request.method != "POST" or village is None:
        return page(form)
    return post_form(
        form,
        lambda d: actions.schedule_meeting(
            village=village,
            starts_at=d["starts_at"],
            place=d["place"],
            panel_size=d["panel_size"],
            panel=d["panel"],
            observers=d["observers"],
            threshold=d["threshold"],
            officials=[p for p in posts if str(p.pk) in d["officials"]],
            actor=request.user,
        ),
        done=scheduled,
        again=page,
    )


def _record_page(request: SignedInRequest, meeting: InquiryMeeting, **forms: Any) -> HttpResponse:
    officials = list(meeting_officials(meeting))
    choices = [(str(q.pk), f"{q.person.name}（{q.title}）") for q in officials]
    context: dict[str, Any] = {
        "meeting": meeting,
        "officials": officials,
        "blank_statement": StatementForm(),
        "blank_vote": VoteForm(),
        "demand_form": DemandForm(officials=choices),
        "demands": meeting_demands(meeting),
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


@login_required
@require_POST
@once
def meeting_statement(request: SignedInRequest, pk: int, qid: int) -> HttpResponse:
    meeting = access_meeting_record(request.user, pk)
    questioned = questioned_of(meeting, qid)
    return post_form(
        StatementForm(request.POST),
        lambda d: actions.record_statement(
            questioned=questioned, statement=d["statement"], actor=request.user
        ),
        done=reverse("inquiries:meeting-record", args=[meeting.pk]),
        again=lambda form: _record_page(request, meeting, statement_form=form, failed=qid),
    )


@login_required
@require_POST
@once
def meeting_vote(request: SignedInRequest, pk: int, qid: int) -> HttpResponse:
    meeting = access_meeting_record(request.user, pk)
    questioned = questioned_of(meeting, qid)
    return post_form(
        VoteForm(request.POST),
        lambda d: actions.record_vote(
            questioned=questioned,
            satisfied=d["satisfied"],
            basic=d["basic"],
            unsatisfied=d["unsatisfied"],
            actor=request.user,
        ),
        done=reverse("inquiries:meeting-record", args=[meeting.pk]),
        again=lambda form: _record_page(request, meeting, vote_form=form, failed=qid),
    )


@login_required
@require_POST
@once
def meeting_demand(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = access_meeting_record(request.user, pk)
    officials = {str(q.pk): q for q in meeting_officials(meeting)}

    def recorded(_demand: object) -> str:
        messages.success(request, _("The demand is recorded."))
        return reverse("inquiries:meeting-record", args=[meeting.pk])

    return post_form(
        DemandForm(
            request.POST,
            officials=[(k, f"{q.person.name}（{q.title}）") for k, q in officials.items()],
        ),
        lambda d: actions.record_demand(
            meeting=meeting,
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
        done=recorded,
        again=lambda form: _record_page(request, meeting, demand_form=form),
    )


@login_required
@require_POST
@once
def meeting_publish(request: SignedInRequest, pk: int) -> HttpResponse:
    meeting = access_meeting_record(request.user, pk)
    record = reverse("inquiries:meeting-record", args=[meeting.pk])

    def published(_result: object) -> str:
        messages.success(request, _("The result is published."))
        return record

    return post_form(
        Form(request.POST),
        lambda _d: actions.publish_result(meeting=meeting, actor=request.user),
        done=published,
        again=told_on(request, record),
    )


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
    return _demand_page(request, access_demand(request.user, pk))


@login_required
@require_POST
@once
def demand_feedback(request: SignedInRequest, pk: int) -> HttpResponse:
    demand = access_demand(request.user, pk)
    return post_form(
        DemandFeedbackForm(request.POST),
        lambda d: actions.demand_feedback(
            demand=demand,
            feedback=d["feedback"],
            funds_returned=d["funds_returned"],
            actor=request.user,
        ),
        done=reverse("inquiries:demand-manage", args=[demand.pk]),
        again=lambda form: _demand_page(request, demand, feedback_form=form),
    )


@login_required
@require_POST
@once
def demand_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    demand = access_demand(request.user, pk)
    return post_form(
        DemandConfirmForm(request.POST),
        lambda d: actions.demand_confirmation(
            demand=demand, satisfied=d["satisfied"], actor=request.user
        ),
        done=reverse("inquiries:demand-manage", args=[demand.pk]),
        again=lambda form: _demand_page(request, demand, confirm_form=form),
    )
