"""大数据比对 pages for the commissions: the review queue, a flag with its evidence, payouts and
the officials responsible, the risk list and the town × item heat table; and for a village's
cadres, the commission's question about some payouts (never the flag)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.requests import SignedInRequest
from lianyun.core.forms import PeriodForm
from lianyun.core.once import once
from lianyun.core.views import post_form, told_on
from lianyun.redflags import actions, evidence, queries
from lianyun.redflags.access import flag_for, request_for, visible_flags
from lianyun.redflags.forms import AskForm, DismissForm, ExplainForm
from lianyun.redflags.models import FlagStatus
from lianyun.redflags.rules import RULES


@login_required
@never_cache
def flag_list(request: SignedInRequest) -> HttpResponse:
    status = request.GET.get("status", FlagStatus.OPEN)
    rule = request.GET.get("rule", "")
    town = request.GET.get("town", "")
    flags = queries.flags_listed(
        visible_flags(request.user),
        status=status if status in FlagStatus.values else "",
        rule=rule if rule in RULES else "",
        town=town if town.isdigit() else "",
        item=request.GET.get("item", ""),
    )
    page = Paginator(flags, 50).get_page(request.GET.get("page"))
    for flag in page:
        flag.rule_label = actions.rule_name(flag.rule)  # type: ignore[attr-defined]
    totals = queries.by_rule(queries.with_status(visible_flags(request.user), status))
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
            "payouts": queries.flag_payouts(flag),
            "dismiss_form": DismissForm(),
            "ask_form": AskForm(),
            "open": flag.status in (FlagStatus.OPEN, FlagStatus.ASKED),
        },
    )


@login_required
@require_POST
@once
def flag_confirm(request: SignedInRequest, pk: int) -> HttpResponse:
    flag = flag_for(request.user, pk)
    return post_form(
        Form(request.POST),
        lambda _d: actions.confirm(flag=flag, actor=request.user),
        done=lambda confirmed: reverse("redflags:flag-detail", args=[confirmed.pk]),
        again=told_on(request, reverse("redflags:flag-detail", args=[flag.pk])),
    )


@login_required
@require_POST
@once
def flag_dismiss(request: SignedInRequest, pk: int) -> HttpResponse:
    flag = flag_for(request.user, pk)
    return post_form(
        DismissForm(request.POST),
        lambda d: actions.dismiss(flag=flag, actor=request.user, reason=d["reason"]),
        done=reverse("redflags:flag-detail", args=[flag.pk]),
        again=told_on(request, reverse("redflags:flag-detail", args=[flag.pk])),
    )


@login_required
@require_POST
@once
def flag_ask(request: SignedInRequest, pk: int) -> HttpResponse:
    flag = flag_for(request.user, pk)
    return post_form(
        AskForm(request.POST),
        lambda d: actions.ask_village(
            flag=flag, actor=request.user, question=d["question"], due=d["due"]
        ),
        done=reverse("redflags:flag-detail", args=[flag.pk]),
        again=told_on(request, reverse("redflags:flag-detail", args=[flag.pk])),
    )


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

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "redflags/request_detail.html",
            {"flag": flag, "form": form, "payouts": queries.flag_payouts(flag)},
        )

    if request.method != "POST":
        return page(ExplainForm())
    return post_form(
        ExplainForm(request.POST),
        lambda d: actions.explain(flag=flag, user=request.user, explanation=d["explanation"]),
        done=reverse("redflags:request-detail", args=[flag.pk]),
        again=page,
    )
