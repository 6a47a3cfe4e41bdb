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
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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
from lianyun.core.views import add_errors
from lianyun.inquiries.access import asker_of
from lianyun.regions.models import Region, RegionKind
from lianyun.regions.queries import county_of
from lianyun.surveys import actions, catalogue, queries
from lianyun.surveys.access import (
    concerns,
    field_scope,
    field_survey,
    is_manager,
    managed_survey,
    moderated_answer,
    public_survey,
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
    Answer,
    BallotToken,
    Channel,
    Invitation,
    SampleDraw,
    Survey,
    SurveyKind,
    TextStatus,
    TokenSheet,
)

LIMIT = "ballot_codes_per_client"


def _close_if_due(survey: Survey) -> None:
    if survey.closed_at is None and survey.launched_at is not None:
        actions.close(survey)


# --- the villager's pages ----------------------------------------------------------------------


def survey_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    launched = Survey.objects.filter(launched_at__isnull=False).exclude(
        kind=SurveyKind.SATISFACTION
    )
    return render(
        request,
        "surveys/survey_list.html",
        {
            "open": Survey.objects.filter(
                launched_at__isnull=False,
                closed_at__isnull=True,
                opens_on__lte=today,
                closes_on__gte=today,
            ),
            "closed": launched.filter(Q(closed_at__isnull=False) | Q(closes_on__lt=today))[:20],
            "rated": Survey.objects.filter(
                kind=SurveyKind.SATISFACTION, launched_at__isnull=False
            ).filter(Q(closed_at__isnull=False) | Q(closes_on__lt=today))[:20],
        },
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


def _thanks(request: HttpRequest, survey: Survey) -> HttpResponse:
    """After post/redirect/get: a reload of the thanks page sends nothing again."""
    return redirect("surveys:survey-thanks", pk=survey.pk)


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
    questions = list(survey.questions.all())
    form = AnswerForm(request.POST or None, questions=questions, targets=targets)
    if request.method == "POST" and form.is_valid():
        try:
            actions.submit(
                survey=survey, answers=form.answer_set(), channel=Channel.ONLINE, resident=resident
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _thanks(request, survey)
    return _answer_page(request, survey, form, channel=Channel.ONLINE)


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
    token = (
        BallotToken.objects.select_related("survey", "village")
        .filter(code_index=actions.code_index(code))
        .first()
    )
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
    questions = list(survey.questions.all())
    answering = "answering" in request.POST
    form = AnswerForm(request.POST if answering else None, questions=questions, targets=targets)
    if answering and form.is_valid():
        try:
            actions.submit(
                survey=survey, answers=form.answer_set(), channel=Channel.BALLOT, token_code=code
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return _thanks(request, survey)
    return _answer_page(
        request, survey, form, channel=Channel.BALLOT, code=code, action=reverse("surveys:ballot")
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
    county = Region.objects.filter(kind=RegionKind.COUNTY).order_by("code").first()
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
    for survey in Survey.objects.filter(
        county=county, kind=SurveyKind.SOCIAL, closed_at__isnull=True
    ):
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


@login_required
@once
def manage(request: SignedInRequest) -> HttpResponse:
    """The county commission's surveys (build, launch, sample, moderate); officials in the field
    see the open surveys of their region, to print ballots and enter answers."""
    scope = field_scope(request.user)
    manager = is_manager(request.user)
    listed = (
        Survey.objects.all()
        if manager
        else Survey.objects.filter(launched_at__isnull=False, closed_at__isnull=True)
    )
    surveys = [s for s in listed.select_related("county")[:100] if manager or concerns(s, scope)]
    survey_form = satisfaction_form = None
    if manager:
        survey_form = SurveyForm(
            request.POST if request.POST.get("op") == "create" else None,
            initial=default_dates() | {"min_answers": None},
        )
        county = county_of(scope)
        satisfaction_form = SatisfactionForm(
            request.POST if request.POST.get("op") == "satisfaction" else None, county=county
        )
        if request.method == "POST":
            created = _create(request, county, survey_form, satisfaction_form)
            if created is not None:
                return redirect("surveys:survey-edit", created.pk)
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


def _create(
    request: SignedInRequest,
    county: Region,
    survey_form: SurveyForm | None,
    satisfaction_form: SatisfactionForm | None,
) -> Survey | None:
    op = request.POST.get("op")
    try:
        if op == "create" and survey_form is not None and survey_form.is_valid():
            data = survey_form.cleaned_data
            return actions.create_survey(
                actor=request.user,
                county=county,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                year=data["year"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                invited_only=data["invited_only"] or data["kind"] == SurveyKind.SOCIAL,
                min_answers=data["min_answers"],
            )
        if op == "satisfaction" and satisfaction_form is not None and satisfaction_form.is_valid():
            data = satisfaction_form.cleaned_data
            item, meeting = data["item"], data["meeting"]
            return actions.satisfaction_survey(
                actor=request.user,
                item=item,
                meeting=None if item else meeting,
                days=data["days"],
            )
    except ValidationError as error:
        add_errors(survey_form if op == "create" else satisfaction_form, error)  # type: ignore[arg-type]
    return None


@login_required
def survey_edit(request: SignedInRequest, pk: int) -> HttpResponse:
    """The builder: questions, targets and launch, while the survey is a draft."""
    survey = managed_survey(request.user, pk)
    op = request.POST.get("op")
    question_form = QuestionForm(request.POST if op == "question" else None, survey=survey)
    target_form = TargetForm(request.POST if op == "target" else None, county=survey.county)
    error_form = None
    if request.method == "POST":
        try:
            if op == "question" and question_form.is_valid():
                d = question_form.cleaned_data
                actions.add_question(
                    survey=survey,
                    actor=request.user,
                    kind=d["kind"],
                    text=d["text"],
                    choices=d["choices"],
                    required=d["required"],
                    show_if=d["show_if"],
                    show_if_choice=d["show_if_choice"].strip(),
                )
                return redirect("surveys:survey-edit", survey.pk)
            if op == "target" and target_form.is_valid():
                d = target_form.cleaned_data
                actions.add_target(
                    survey=survey,
                    actor=request.user,
                    kind=d["kind"],
                    town=d["town"],
                    unit=d["unit"],
                    official=d["official"],
                    item=d["item"],
                )
                return redirect("surveys:survey-edit", survey.pk)
            if op == "remove-question":
                question = survey.questions.filter(pk=request.POST.get("id") or 0).first()
                if question is not None:
                    actions.remove_question(question=question, actor=request.user)
                return redirect("surveys:survey-edit", survey.pk)
            if op == "remove-target":
                target = survey.targets.filter(pk=request.POST.get("id") or 0).first()
                if target is not None:
                    actions.remove_target(target=target, actor=request.user)
                return redirect("surveys:survey-edit", survey.pk)
            if op == "launch":
                actions.launch(survey=survey, actor=request.user)
                messages.success(request, _("The survey is launched."))
                return redirect("surveys:survey-edit", survey.pk)
        except ValidationError as error:
            error_form = {"question": question_form, "target": target_form}.get(op or "")
            if error_form is not None:
                add_errors(error_form, error)
            else:
                messages.error(request, " ".join(error.messages))
    return render(
        request,
        "surveys/survey_edit.html",
        {
            "survey": survey,
            "questions": survey.questions.select_related("show_if"),
            "targets": survey.targets.select_related("area"),
            "question_form": question_form,
            "target_form": target_form,
            "progress": queries.participation(survey) if survey.launched_at else [],
            "pending_texts": Answer.objects.filter(
                response__survey=survey, text_status=TextStatus.PENDING
            ).count(),
            "draws": survey.draws.select_related("town"),
        },
    )


@login_required
def sample(request: SignedInRequest, pk: int) -> HttpResponse:
    """Each town's quota by population and its draw; a seed redraws the same residents."""
    survey = managed_survey(request.user, pk)
    drawn = {d.town_id: d for d in survey.draws.all()}
    towns = Region.objects.filter(parent=survey.county, kind=RegionKind.TOWN)
    form = DrawForm(request.POST or None, towns=towns.exclude(pk__in=list(drawn)))
    if request.method == "POST" and form.is_valid():
        try:
            actions.draw_sample(
                survey=survey,
                town=form.cleaned_data["town"],
                actor=request.user,
                seed=form.cleaned_data["seed"].strip(),
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("surveys:sample", survey.pk)
    populations = queries.town_populations(survey.county)
    rows = [
        (t, populations.get(t.pk, 0), actions.quota_for(populations.get(t.pk, 0)), drawn.get(t.pk))
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


@login_required
def invited(request: SignedInRequest, pk: int, code: str) -> HttpResponse:
    """A town's drawn residents, masked, for telephone interviews (whether each answered is not
    shown: the interviewer learns it only by trying)."""
    survey, scope = field_survey(request.user, pk)
    town = Region.objects.filter(code=code, kind=RegionKind.TOWN).first()
    if town is None or not (scope.contains(town) or town.contains(scope)):
        raise Http404
    draw = SampleDraw.objects.filter(survey=survey, town=town).first()
    invitations = Invitation.objects.filter(
        survey=survey, town=town, resident__village__code__startswith=scope.scope_prefix
    ).select_related("resident__village")
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
    villages = Region.objects.filter(kind=RegionKind.VILLAGE, code__startswith=scope.scope_prefix)
    form = SheetForm(request.POST or None, villages=villages)
    if request.method == "POST" and form.is_valid():
        try:
            sheet = actions.make_sheet(
                survey=survey,
                village=form.cleaned_data["village"],
                count=form.cleaned_data["count"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("surveys:sheet-print", sheet.pk)
    made = TokenSheet.objects.filter(
        survey=survey, village__code__startswith=scope.scope_prefix
    ).select_related("village", "made_by")[:50]
    return render(request, "surveys/sheets.html", {"survey": survey, "form": form, "sheets": made})


@login_required
@never_cache
def sheet_print(request: SignedInRequest, pk: int) -> HttpResponse:
    """One A4 sheet of ballots to cut apart: each a QR code that opens the ballot on a phone,
    and the same code in letters to type in."""
    sheet = TokenSheet.objects.select_related("survey", "village").filter(pk=pk).first()
    if sheet is None:
        raise Http404
    _survey, scope = field_survey(request.user, sheet.survey_id)
    if not scope.contains(sheet.village):
        raise Http404
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
        invitation = (
            Invitation.objects.select_related("resident__village")
            .filter(
                survey=survey,
                pk=row_id(chosen) or 0,
                resident__village__code__startswith=scope.scope_prefix,
            )
            .first()
        )
        if invitation is None:
            raise Http404
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
    questions = list(survey.questions.all())
    answering = "answering" in request.POST
    form = AnswerForm(request.POST if answering else None, questions=questions, targets=targets)
    if answering and form.is_valid():
        try:
            actions.submit(
                survey=survey,
                answers=form.answer_set(),
                channel=channel,
                resident=invitation.resident if invitation else None,
                token_code=code,
                entered_by=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Entered. Thank you."))
            return redirect(reverse("surveys:enter", args=[survey.pk]) + f"?channel={channel}")
    context |= {
        "form": form,
        "code": code,
        "conditions": {q.pk: (q.show_if_id, q.show_if_choice) for q in questions},
    }
    return render(request, "surveys/enter.html", context)


@login_required
def moderation(request: SignedInRequest, pk: int) -> HttpResponse:
    """Free texts wait here until the county commission approves them for the results page."""
    survey = managed_survey(request.user, pk)
    pending = Answer.objects.filter(
        response__survey=survey, text_status=TextStatus.PENDING
    ).select_related("question", "response__target")
    return render(
        request,
        "surveys/moderation.html",
        {"survey": survey, "pending": pending[:50], "left": pending.count()},
    )


@login_required
@require_POST
def moderate(request: SignedInRequest, pk: int) -> HttpResponse:
    answer = moderated_answer(request.user, pk, request.POST.get("answer", ""))
    try:
        actions.moderate(
            answer=answer,
            actor=request.user,
            approve=request.POST.get("approve") == "1",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("surveys:moderation", pk)
