"""民意测评 pages: the villager's (answer as a verified villager or with a paper ballot's code),
the public results and index, and the officials' (build, sample, print ballots, enter paper
and telephone answers, moderate texts).

The answering pages write nothing to the audit log, the session or the cache about who
answered; a refused code counts against the client's network address (a ceiling wide enough
for a village behind one address), never a person."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.requests import SignedInRequest
from lianyun.core import pow
from lianyun.core.access import visitor
from lianyun.core.limits import client_address, is_blocked, record_failure
from lianyun.core.masking import mask_name
from lianyun.core.once import once
from lianyun.core.params import row_id
from lianyun.core.qr import public_url, qr_svg
from lianyun.core.spreadsheet import download, xlsx
from lianyun.core.views import post_form, told_on
from lianyun.inquiries.access import asker_of
from lianyun.regions.models import Region, RegionKind
from lianyun.regions.queries import county_of, first_county, regions_within
from lianyun.surveys import actions, catalogue, queries
from lianyun.surveys.access import (
    access_sheet,
    concerns,
    field_scope,
    field_survey,
    field_town,
    is_manager,
    managed_survey,
    moderated_answer,
    phone_invitation,
    public_survey,
    question_of,
    require_manager,
    target_of,
)
from lianyun.surveys.forms import (
    AnswerForm,
    CodeForm,
    DrawForm,
    QuestionForm,
    SatisfactionForm,
    SheetForm,
    SurveyForm,
    TargetForm,
    YearForm,
    default_dates,
)
from lianyun.surveys.models import (
    Channel,
    Survey,
    SurveyKind,
)

LIMIT = "ballot_codes_per_client"


def _close_if_due(survey: Survey) -> None:
    if survey.closed_at is None and survey.launched_at is not None:
        actions.close(survey)


# --- the villager's pages ----------------------------------------------------------------------


def survey_list(request: HttpRequest) -> HttpResponse:
    listed = queries.public_surveys(timezone.localdate())
    return render(
        request,
        "surveys/survey_list.html",
        {"open": listed.open, "closed": listed.closed, "rated": listed.rated},
    )


def _answer_page(
    request: HttpRequest,
    survey: Survey,
    form: AnswerForm,
    *,
    channel: str,
    code: str = "",
    action: str = "",
) -> HttpResponse:
    return render(
        request,
        "surveys/answer.html",
        {
            "survey": survey,
            "form": form,
            "channel": channel,
            "code": code,
            "action": action,
            "conditions": {q.pk: (q.show_if_id, q.show_if_choice) for q in form.questions},
        },
    )


def _thanks_url(survey: Survey) -> str:
    """After post/redirect/get: a reload of the thanks page sends nothing again."""
    return reverse("surveys:survey-thanks", args=[survey.pk])


def survey_thanks(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "surveys/thanks.html", {"survey": public_survey(pk)})


@never_cache
@once
def survey_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """A verified villager (villager account, or the payout lookup's proof) answers."""
    survey = public_survey(pk)
    today = timezone.localdate()
    try:
        actions.check_open(survey, today)
    except ValidationError as error:
        return render(
            request, "surveys/closed.html", {"survey": survey, "reason": error.messages[0]}
        )
    resident = asker_of(visitor(request), request.COOKIES)
    if resident is None:
        return render(request, "surveys/identify.html", {"survey": survey})
    try:
        targets = actions.eligible_targets(survey, resident)
    except ValidationError as error:
        return render(
            request, "surveys/closed.html", {"survey": survey, "reason": error.messages[0]}
        )
    form = AnswerForm(request.POST or None, questions=queries.questions_of(survey), targets=targets)
    if request.method != "POST":
        return _answer_page(request, survey, form, channel=Channel.ONLINE)
    return post_form(
        form,
        lambda _d: actions.submit(
            survey=survey, answers=form.answer_set(), channel=Channel.ONLINE, resident=resident
        ),
        done=_thanks_url(survey),
        again=lambda _refused: _answer_page(request, survey, form, channel=Channel.ONLINE),
    )


@never_cache
@once
def ballot(request: HttpRequest) -> HttpResponse:
    """A paper ballot's code, read from its QR code (the code rides in the address's fragment,
    which the browser never sends; the page's script puts it in the form) or typed in."""
    code_form = CodeForm(request.POST or None)
    if request.method != "POST":
        return render(request, "surveys/ballot.html", {"form": code_form})
    client = client_address(request)
    if is_blocked(LIMIT, client):
        code_form.is_valid()
        code_form.add_error(None, _("Too many wrong codes from this network; try again tomorrow."))
        return render(request, "surveys/ballot.html", {"form": code_form})
    if not code_form.is_valid():
        return render(request, "surveys/ballot.html", {"form": code_form})
    if not pow.check(request, "ballot", code_form):
        # A reload of the answer page sends the code again with its spent proof: the page
        # does the work anew and sends the code by itself (static/js/pow.js), so the reload
        # lands on the answers again, their draft restored.
        return render(request, "surveys/ballot.html", {"form": code_form, "resend": True})
    code = actions.normalise_code(code_form.cleaned_data["code"])
    token = queries.ballot_token(actions.code_index(code))
    if token is None:
        record_failure(LIMIT, client)
        pow.failed(request)
        code_form.add_error("code", str(actions.BAD_TOKEN))
        return render(request, "surveys/ballot.html", {"form": code_form})
    survey = token.survey
    try:
        actions.check_open(survey, timezone.localdate())
        if token.used:
            raise ValidationError(actions.ALREADY)
    except ValidationError as error:
        code_form.add_error("code", error.messages[0])
        return render(request, "surveys/ballot.html", {"form": code_form})
    targets = actions.targets_for(survey, token.village)
    answering = "answering" in request.POST
    form = AnswerForm(
        request.POST if answering else None,
        questions=queries.questions_of(survey),
        targets=targets,
    )

    def page(_refused: Form | None = None) -> HttpResponse:
        return _answer_page(
            request,
            survey,
            form,
            channel=Channel.BALLOT,
            code=code,
            action=reverse("surveys:ballot"),
        )

    if not answering:  # the code was good: the ballot itself, not yet answered
        return page()
    return post_form(
        form,
        lambda _d: actions.submit(
            survey=survey, answers=form.answer_set(), channel=Channel.BALLOT, token_code=code
        ),
        done=_thanks_url(survey),
        again=page,
    )


def survey_results(request: HttpRequest, pk: int) -> HttpResponse:
    survey = public_survey(pk)
    _close_if_due(survey)
    if survey.closed_at is None:
        return render(request, "surveys/results_pending.html", {"survey": survey})
    return render(
        request,
        "surveys/results.html",
        {"survey": survey, "results": queries.results(survey)},
    )


def _result_rows(survey: Survey) -> list[list[object]]:
    rows: list[list[object]] = []
    for result in queries.results(survey):
        if not result.enough:
            rows.append([result.target.label, result.responses, _("too few answers"), "", "", ""])
            continue
        for q in result.questions:
            if q.rows:
                for label, count, percent in q.rows:
                    rows.append(
                        [
                            result.target.label,
                            result.responses,
                            q.question.text,
                            label,
                            count,
                            percent,
                        ]
                    )
            if q.mean is not None:
                rows.append(
                    [result.target.label, result.responses, q.question.text, _("mean"), q.mean, ""]
                )
            for text in q.texts:
                rows.append([result.target.label, result.responses, q.question.text, text, "", ""])
    return rows


def survey_results_export(request: HttpRequest, pk: int) -> HttpResponse:
    survey = public_survey(pk)
    _close_if_due(survey)
    if survey.closed_at is None:
        raise Http404
    data = xlsx(
        survey.title,
        [
            _("Target"),
            _("Responses"),
            _("Question"),
            pgettext("survey", "Answer"),
            _("Count"),
            _("Per cent"),
        ],
        _result_rows(survey),
    )
    return download(data, f"survey-{survey.pk}-results.xlsx")


def _county() -> Region:
    county = first_county()
    if county is None:
        raise Http404
    return county


def _chosen_year(
    request: HttpRequest, years: list[queries.CountyIndex]
) -> queries.CountyIndex | None:
    form = YearForm(request.GET or None)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    for entry in years:
        if year is None or entry.survey.year == year:
            return entry
    return None


def evaluation_index(request: HttpRequest) -> HttpResponse:
    """The social evaluation index: each town's and the county's, the formula, the trend."""
    county = _county()
    for survey in queries.open_social_surveys(county):
        _close_if_due(survey)
    years = queries.index_history(county)
    current = _chosen_year(request, years)
    trend = [(y.survey.year, y.index) for y in reversed(years)]
    return render(
        request,
        "surveys/index.html",
        {
            "county": county,
            "years": years,
            "current": current,
            "trend": trend,
            "chart": _chart([(year, value) for year, value in trend if value is not None]),
            "formula": queries.FORMULA,
            "groups": catalogue.GROUPS,
            "indicators": catalogue.INDICATORS,
        },
    )


def _chart(points: list[tuple[int | None, float]]) -> list[tuple[int, int, int | None, float]]:
    """Points of the county's index, year by year, on a 320 × 150 drawing: x spread evenly,
    y from the lowest to the highest value (with a margin), higher is better."""
    if len(points) < 2:
        return []
    low, high = min(v for _, v in points), max(v for _, v in points)
    span = max(high - low, 1.0)
    step = 260 / (len(points) - 1)
    return [
        (int(30 + i * step), int(120 - 90 * (value - low) / span), year, value)
        for i, (year, value) in enumerate(points)
    ]


def evaluation_index_export(request: HttpRequest) -> HttpResponse:
    county = _county()
    years = queries.index_history(county)
    current = _chosen_year(request, years)
    if current is None:
        raise Http404
    codes = list(catalogue.INDICATORS)
    rows: list[list[object]] = []
    for town in current.towns:
        rows.append(
            [
                town.rank or "",
                town.town.name,
                town.responses,
                town.population,
                town.index if town.index is not None else _("too few answers"),
                town.previous if town.previous is not None else "",
                *[town.indicator_means.get(code, "") for code in codes],
            ]
        )
    data = xlsx(
        f"{county.name} {current.survey.year} {_('social evaluation index')}",
        [
            _("Rank"),
            _("Town"),
            _("Responses"),
            _("Registered population"),
            _("Index"),
            _("Last year"),
            *[f"{code} {catalogue.INDICATORS[code]}" for code in codes],
        ],
        rows,
        footer=[f"{_('County index')}: {current.index}", queries.FORMULA],
    )
    return download(data, f"evaluation-index-{current.survey.year}.xlsx")


# --- the officials' pages ----------------------------------------------------------------------


def _manage_page(
    request: SignedInRequest,
    survey_form: Form | None = None,
    satisfaction_form: Form | None = None,
) -> HttpResponse:
    """The county commission's surveys (build, launch, sample, moderate); officials in the field
    see the open surveys of their region, to print ballots and enter answers."""
    scope = field_scope(request.user)
    manager = is_manager(request.user)
    surveys = [s for s in queries.surveys_listed(manager=manager) if manager or concerns(s, scope)]
    if manager:
        survey_form = survey_form or SurveyForm(initial=default_dates() | {"min_answers": None})
        satisfaction_form = satisfaction_form or SatisfactionForm(county=county_of(scope))
    return render(
        request,
        "surveys/manage.html",
        {
            "surveys": surveys,
            "manager": manager,
            "survey_form": survey_form,
            "satisfaction_form": satisfaction_form,
        },
    )


@login_required
def manage(request: SignedInRequest) -> HttpResponse:
    return _manage_page(request)


def _edit_url(survey: Survey) -> str:
    return reverse("surveys:survey-edit", args=[survey.pk])


@login_required
@require_POST
@once
def survey_create(request: SignedInRequest) -> HttpResponse:
    county = county_of(require_manager(request.user))
    return post_form(
        SurveyForm(request.POST, initial=default_dates() | {"min_answers": None}),
        lambda d: actions.create_survey(
            actor=request.user,
            county=county,
            kind=d["kind"],
            title=d["title"],
            description=d["description"],
            year=d["year"],
            opens_on=d["opens_on"],
            closes_on=d["closes_on"],
            invited_only=d["invited_only"] or d["kind"] == SurveyKind.SOCIAL,
            min_answers=d["min_answers"],
        ),
        done=_edit_url,
        again=lambda form: _manage_page(request, survey_form=form),
    )


@login_required
@require_POST
@once
def satisfaction_create(request: SignedInRequest) -> HttpResponse:
    county = county_of(require_manager(request.user))
    return post_form(
        SatisfactionForm(request.POST, county=county),
        lambda d: actions.satisfaction_survey(
            actor=request.user,
            item=d["item"],
            meeting=None if d["item"] else d["meeting"],
            days=d["days"],
        ),
        done=_edit_url,
        again=lambda form: _manage_page(request, satisfaction_form=form),
    )


def _edit_page(
    request: SignedInRequest,
    survey: Survey,
    question_form: Form | None = None,
    target_form: Form | None = None,
) -> HttpResponse:
    """The builder: questions, targets and launch, while the survey is a draft."""
    return render(
        request,
        "surveys/survey_edit.html",
        {
            "survey": survey,
            "questions": queries.survey_questions(survey),
            "targets": queries.survey_targets(survey),
            "question_form": question_form or QuestionForm(survey=survey),
            "target_form": target_form or TargetForm(county=survey.county),
            "progress": queries.participation(survey) if survey.launched_at else [],
            "pending_texts": queries.pending_texts(survey),
            "draws": queries.survey_draws(survey),
        },
    )


@login_required
def survey_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    return _edit_page(request, managed_survey(request.user, pk))


@login_required
@require_POST
@once
def question_add(request: SignedInRequest, pk: int) -> HttpResponse:
    survey = managed_survey(request.user, pk)
    return post_form(
        QuestionForm(request.POST, survey=survey),
        lambda d: actions.add_question(
            survey=survey,
            actor=request.user,
            kind=d["kind"],
            text=d["text"],
            choices=d["choices"],
            required=d["required"],
            show_if=d["show_if"],
            show_if_choice=d["show_if_choice"].strip(),
        ),
        done=_edit_url(survey),
        again=lambda form: _edit_page(request, survey, question_form=form),
    )


@login_required
@require_POST
@once
def target_add(request: SignedInRequest, pk: int) -> HttpResponse:
    survey = managed_survey(request.user, pk)
    return post_form(
        TargetForm(request.POST, county=survey.county),
        lambda d: actions.add_target(
            survey=survey,
            actor=request.user,
            kind=d["kind"],
            town=d["town"],
            unit=d["unit"],
            official=d["official"],
            item=d["item"],
        ),
        done=_edit_url(survey),
        again=lambda form: _edit_page(request, survey, target_form=form),
    )


@login_required
@require_POST
@once
def question_remove(request: SignedInRequest, pk: int, qid: int) -> HttpResponse:
    survey = managed_survey(request.user, pk)
    question = question_of(survey, qid)
    return post_form(
        Form(request.POST),
        lambda _d: actions.remove_question(question=question, actor=request.user),
        done=_edit_url(survey),
        again=told_on(request, _edit_url(survey)),
    )


@login_required
@require_POST
@once
def target_remove(request: SignedInRequest, pk: int, tid: int) -> HttpResponse:
    survey = managed_survey(request.user, pk)
    target = target_of(survey, tid)
    return post_form(
        Form(request.POST),
        lambda _d: actions.remove_target(target=target, actor=request.user),
        done=_edit_url(survey),
        again=told_on(request, _edit_url(survey)),
    )


@login_required
@require_POST
@once
def survey_launch(request: SignedInRequest, pk: int) -> HttpResponse:
    survey = managed_survey(request.user, pk)

    def launched(_survey: object) -> str:
        messages.success(request, _("The survey is launched."))
        return _edit_url(survey)

    return post_form(
        Form(request.POST),
        lambda _d: actions.launch(survey=survey, actor=request.user),
        done=launched,
        again=told_on(request, _edit_url(survey)),
    )


@login_required
def sample(request: SignedInRequest, pk: int) -> HttpResponse:
    """Each town's quota by population and its draw; a seed redraws the same residents."""
    survey = managed_survey(request.user, pk)
    drawn = queries.draws_by_town(survey)
    towns = list(regions_within(survey.county, kind=RegionKind.TOWN))
    undrawn = queries.towns_to_draw(survey, drawn)

    def page(form: Form) -> HttpResponse:
        populations = queries.town_populations(survey.county)
        rows = [
            (
                t,
                populations.get(t.pk, 0),
                actions.quota_for(populations.get(t.pk, 0)),
                drawn.get(t.pk),
            )
            for t in towns
        ]
        return render(
            request,
            "surveys/sample.html",
            {
                "survey": survey,
                "rows": rows,
                "form": form,
                "bands": settings.LIANYUN_SURVEY_SAMPLE_BANDS,
            },
        )

    if request.method != "POST":
        return page(DrawForm(towns=undrawn))
    return post_form(
        DrawForm(request.POST, towns=undrawn),
        lambda d: actions.draw_sample(
            survey=survey,
            town=d["town"],
            actor=request.user,
            seed=d["seed"].strip(),
            text=d["text"],
        ),
        done=reverse("surveys:sample", args=[survey.pk]),
        again=page,
    )


@login_required
def invited(request: SignedInRequest, pk: int, code: str) -> HttpResponse:
    """A town's drawn residents, masked, for telephone interviews (whether each answered is not
    shown: the interviewer learns it only by trying)."""
    survey, scope = field_survey(request.user, pk)
    town = field_town(scope, code)
    draw = queries.town_draw(survey, town)
    invitations = queries.town_invitations(survey, town, scope)
    return render(
        request,
        "surveys/invited.html",
        {"survey": survey, "town": town, "draw": draw, "invitations": invitations},
    )


@login_required
@once
def sheets(request: SignedInRequest, pk: int) -> HttpResponse:
    """Ballot sheets for villagers without phones, printed by officials of the area."""
    survey, scope = field_survey(request.user, pk)
    villages = regions_within(scope, kind=RegionKind.VILLAGE)

    def page(form: Form) -> HttpResponse:
        made = queries.sheets_made(survey, scope)
        return render(
            request,
            "surveys/sheets.html",
            {"survey": survey, "form": form, "sheets": made},
        )

    if request.method != "POST":
        return page(SheetForm(villages=villages))
    return post_form(
        SheetForm(request.POST, villages=villages),
        lambda d: actions.make_sheet(
            survey=survey, village=d["village"], count=d["count"], actor=request.user
        ),
        done=lambda sheet: reverse("surveys:sheet-print", args=[sheet.pk]),
        again=page,
    )


@login_required
@never_cache
def sheet_print(request: SignedInRequest, pk: int) -> HttpResponse:
    """One A4 sheet of ballots to cut apart: each a QR code that opens the ballot on a phone,
    and the same code in letters to type in."""
    sheet = access_sheet(request.user, pk)
    ballot_url = public_url(request, reverse("surveys:ballot"))
    ballots = [
        (token, actions.show_code(code), qr_svg(f"{ballot_url}#{code}"))
        for token, code in actions.sheet_codes(sheet)
    ]
    back = reverse("surveys:sheets", args=[sheet.survey_id])
    return render(
        request,
        "surveys/sheet_print.html",
        {
            "sheet": sheet,
            "ballots": ballots,
            "back": back,
            "qr": qr_svg(ballot_url),
            "qr_url": ballot_url,
        },
    )


@login_required
@never_cache
@once
def enter(request: SignedInRequest, pk: int) -> HttpResponse:
    """An official enters a paper form (by the ballot code on it) or a telephone interview with
    a drawn resident, into the same data set, marked as such."""
    survey, scope = field_survey(request.user, pk)
    channel = request.POST.get("channel") or request.GET.get("channel") or Channel.PAPER
    if channel not in (Channel.PAPER, Channel.PHONE):
        raise Http404
    context: dict[str, Any] = {"survey": survey, "channel": channel}
    invitation = None
    code = ""
    if channel == Channel.PHONE:
        chosen = request.POST.get("invitation") or request.GET.get("invitation") or ""
        invitation = phone_invitation(survey, scope, row_id(chosen))
        targets = actions.targets_for(survey, invitation.resident.village, invitation.resident)
        context |= {"invitation": invitation, "masked": mask_name(invitation.resident.name)}
        if request.method == "GET":
            context["phone"] = actions.interview_phone(
                invitation=invitation,
                actor=request.user,
            )
    else:
        code_form = CodeForm(request.POST or None)
        context["code_form"] = code_form
        if request.method != "POST" or not code_form.is_valid():
            return render(request, "surveys/enter.html", context)
        code = actions.normalise_code(code_form.cleaned_data["code"])
        try:
            token = actions.token_for(survey, code)
            if not scope.contains(token.village):
                raise ValidationError(actions.BAD_TOKEN)
        except ValidationError as error:
            code_form.add_error("code", error.messages[0])
            return render(request, "surveys/enter.html", context)
        targets = actions.targets_for(survey, token.village)
    questions = queries.questions_of(survey)
    answering = "answering" in request.POST
    form = AnswerForm(request.POST if answering else None, questions=questions, targets=targets)

    def page(form: Form) -> HttpResponse:
        context.update(
            form=form,
            code=code,
            conditions={q.pk: (q.show_if_id, q.show_if_choice) for q in questions},
        )
        return render(request, "surveys/enter.html", context)

    def entered(_response: object) -> str:
        messages.success(request, _("Entered. Thank you."))
        return reverse("surveys:enter", args=[survey.pk]) + f"?channel={channel}"

    if not answering:  # the ballot or the drawn resident was found: the form, not yet filled
        return page(form)
    return post_form(
        form,
        lambda _d: actions.submit(
            survey=survey,
            answers=form.answer_set(),
            channel=channel,
            resident=invitation.resident if invitation else None,
            token_code=code,
            entered_by=request.user,
        ),
        done=entered,
        again=page,
    )


@login_required
def moderation(request: SignedInRequest, pk: int) -> HttpResponse:
    """Free texts wait here until the county commission approves them for the results page."""
    survey = managed_survey(request.user, pk)
    pending = queries.pending_answers(survey)
    return render(
        request,
        "surveys/moderation.html",
        {"survey": survey, "pending": pending[:50], "left": queries.pending_texts(survey)},
    )


@login_required
@require_POST
def moderate(request: SignedInRequest, pk: int) -> HttpResponse:
    answer = moderated_answer(request.user, pk, request.POST.get("answer", ""))

    return post_form(
        Form(request.POST),
        lambda _d: actions.moderate(
            answer=answer, actor=request.user, approve=request.POST.get("approve") == "1"
        ),
        done=reverse("surveys:moderation", args=[pk]),
        again=told_on(request, reverse("surveys:moderation", args=[pk])),
    )
