"""大数据比对 pages for the commissions: the review queue, a flag with its evidence, payouts and
the officials responsible, the risk list and the town × item heat table; and for a village's
cadres, the commission's question about some payouts (never the flag)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.requests import SignedInRequest
from lianyun.core.forms import PeriodForm
from lianyun.core.views import add_errors
from lianyun.redflags import actions, evidence, queries
from lianyun.redflags.access import flag_for, request_for, visible_flags
from lianyun.redflags.forms import AskForm, DismissForm, ExplainForm
from lianyun.redflags.models import FlagStatus
from lianyun.redflags.rules import RULES


@login_required
@never_cache
def flag_list(request: SignedInRequest) -> HttpResponse:
    flags = visible_flags(request.user).select_related("village__parent", "item")
    status = request.GET.get("status", FlagStatus.OPEN)
    rule = request.GET.get("rule", "")
    town = request.GET.get("town", "")
    item = request.GET.get("item", "")
    if status in FlagStatus.values:
        flags = flags.filter(status=status)
    if rule in RULES:
        flags = flags.filter(rule=rule)
    if town.isdigit():
        flags = flags.filter(village__parent__code=town)
    if item == "-":
        flags = flags.filter(item__isnull=True)
    elif item:
        flags = flags.filter(item__code=item)
    page = Paginator(flags.order_by("-stake", "pk"), 50).get_page(request.GET.get("page"))
    for flag in page:
        flag.rule_label = actions.rule_name(flag.rule)  # type: ignore[attr-defined]
    totals = queries.by_rule(visible_flags(request.user).filter(status=status))
    return render(
        request,
        "redflags/flag_list.html",
        {
            "page": page,
            "status": status,
            "rule": rule,
            "statuses": FlagStatus.choices,
            "rules": [(r, actions.rule_name(r), *totals.get(r, (0, 0))) for r in RULES],
            "query": _without_page(request),
        },
    )


def _without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
@never_cache
def flag_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    flag = flag_for(request.user, pk)
    return render(
        request,
        "redflags/flag_detail.html",
        {
            "flag": flag,
            "rule_name": actions.rule_name(flag.rule),
            "facts": evidence.facts(flag.rule, flag.evidence),
            "payouts": flag.payouts.select_related("item", "village", "batch").order_by(
                "period", "pk"
            ),
            "dismiss_form": DismissForm(),
            "ask_form": AskForm(),
            "open": flag.status in (FlagStatus.OPEN, FlagStatus.ASKED),
        },
    )


def _act(request: SignedInRequest, pk: int, form_class: type | None, action: str) -> HttpResponse:
    flag = flag_for(request.user, pk)
    form = form_class(request.POST) if form_class else None
    try:
        if form is not None and not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        data = form.cleaned_data if form is not None else {}
        if action == "confirm":
            flag = actions.confirm(flag=flag, actor=request.user)
        elif action == "dismiss":
            actions.dismiss(flag=flag, actor=request.user, reason=data["reason"])
        else:
            actions.ask_village(
                flag=flag,
                actor=request.user,
                question=data["question"],
                due=data["due"],
            )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("redflags:flag-detail", flag.pk)


@login_required
@require_POST
def flag_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    return _act(request, pk, None, "confirm")


@login_required
@require_POST
def flag_dismiss(request: SignedInRequest, pk: int) -> HttpResponse:
    return _act(request, pk, DismissForm, "dismiss")


@login_required
@require_POST
def flag_ask(request: SignedInRequest, pk: int) -> HttpResponse:
    return _act(request, pk, AskForm, "ask")


@login_required
@never_cache
def risk(request: SignedInRequest) -> HttpResponse:
    flags = visible_flags(request.user)
    form = PeriodForm(request.GET or None)
    start, end = form.period(timezone.localdate())
    villages = queries.risk_list(request.user, flags, start, end)
    return render(
        request,
        "redflags/risk.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "villages": villages[:50],
            "officials": queries.official_risks(villages)[:30],
            "heat": queries.heat(flags, start, end),
        },
    )


@login_required
@never_cache
def request_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    flag = request_for(request.user, pk)
    form = ExplainForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.explain(
                flag=flag,
                user=request.user,
                explanation=form.cleaned_data["explanation"],
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("redflags:request-detail", flag.pk)
    return render(
        request,
        "redflags/request_detail.html",
        {
            "flag": flag,
            "form": form,
            "payouts": flag.payouts.select_related("item").order_by("period"),
        },
    )
