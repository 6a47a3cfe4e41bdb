"""村居巡检 pages: the inspector's (groups, a visit logged on a phone, its findings and
sample) and the town commission's (groups, findings to review)."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.models import User
from lianyun.accounts.requests import SignedInRequest
from lianyun.core.access import visitor
from lianyun.core.filestore import send_file
from lianyun.core.once import once
from lianyun.core.params import row_id
from lianyun.core.qr import public_url, qr_svg
from lianyun.core.roles import Role
from lianyun.core.spreadsheet import download, xlsx
from lianyun.core.views import add_errors, run_form
from lianyun.inspections import actions
from lianyun.inspections.access import (
    access_finding,
    access_group,
    access_report,
    access_visit,
    cadre_village,
    conflict_reason,
    is_leader,
    is_member,
    require_county,
    require_reviewer,
    reviewable_findings,
    visible_groups,
)
from lianyun.inspections.forms import (
    ChecklistForm,
    ExpenditureForm,
    FindingForm,
    GroupForm,
    MonthForm,
    PeriodForm,
    ReviewForm,
    SampleCheckForm,
    SampleForm,
    SignForm,
    SummaryForm,
    VisitForm,
    WeightForm,
)
from lianyun.inspections.models import (
    ChecklistItem,
    Expenditure,
    FindingClass,
    FindingStatus,
    Indicator,
    MonthlyReport,
    SampleItem,
    TownSummary,
    Visit,
    VisitKind,
    VisitPhoto,
    WeightChange,
)
from lianyun.inspections.queries import assess, ranking, weights
from lianyun.regions.models import Region, RegionKind


@login_required
@never_cache
def group_list(request: SignedInRequest) -> HttpResponse:
    groups = (
        visible_groups(request.user)
        .select_related("town")
        .prefetch_related("villages", "members__user")
    )
    return render(request, "inspections/group_list.html", {"groups": groups})


@login_required
@never_cache
def group_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    group = access_group(request.user, pk)
    villages = list(group.villages.order_by("code"))
    members = []
    for membership in group.members.select_related("user__resident"):
        person = membership.user.resident
        conflicts = [
            (village, reason)
            for village in villages
            if (reason := conflict_reason(person, village))
        ]
        members.append((membership, conflicts))
    return render(
        request,
        "inspections/group_detail.html",
        {
            "group": group,
            "villages": villages,
            "members": members,
            "visits": group.visits.select_related("village")[:50],
            "member": is_member(request.user, group),
        },
    )


def _checklist() -> list[tuple[int, str, str]]:
    return [(c.pk, c.kind, c.text) for c in ChecklistItem.objects.filter(active=True)]


@login_required
@never_cache
@once
def visit_create(request: SignedInRequest, pk: int) -> HttpResponse:
    """The visit log, made for a phone in a weak network (the form keeps what was typed)."""
    group = access_group(request.user, pk)
    if not is_member(request.user, group):
        return redirect("inspections:group-detail", pk=group.pk)
    villages = {v.code: v for v in group.villages.order_by("code")}
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        villages=[(code, v.name) for code, v in villages.items()],
        checklist=_checklist(),
        initial={"visited_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            visit = actions.log_visit(
                group=group,
                village=villages[data["village"]],
                kind=data["kind"],
                visited_on=data["visited_on"],
                minutes=data["minutes"],
                people_met=data["people_met"],
                notes=data["notes"],
                checklist=form.answers(),
                files=data["photos"],
                client_key=data["client_key"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("The visit is logged."))
            return redirect("inspections:visit-detail", pk=visit.pk)
    return render(
        request,
        "inspections/visit_form.html",
        {"group": group, "form": form},
        status=400 if form.errors else 200,
    )


def _visit_page(request: SignedInRequest, visit: Visit, **forms: Form) -> HttpResponse:
    answers = {str(k): v for k, v in visit.checklist.items()}
    checklist = [
        (item.text, answers[str(item.pk)])
        for item in ChecklistItem.objects.filter(pk__in=[int(k) for k in answers])
    ]
    context: dict[str, Any] = {
        "visit": visit,
        "checklist": checklist,
        "photos": visit.photos.all(),
        "findings": visit.findings.select_related("item", "lead"),
        "sample": visit.sample.all(),
        "member": is_member(request.user, visit.group),
        "finding_form": FindingForm(),
        "sample_form": SampleForm(),
        "check_form": SampleCheckForm(),
    }
    context.update(forms)
    return render(
        request,
        "inspections/visit_detail.html",
        context,
        status=400 if any(f.errors for f in forms.values()) else 200,
    )


@login_required
@never_cache
def visit_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _visit_page(request, access_visit(request.user, pk))


@login_required
@require_POST
@once
def visit_finding(request: SignedInRequest, pk: int) -> HttpResponse:
    visit = access_visit(request.user, pk, member=True)
    form = FindingForm(request.POST)
    if run_form(
        form,
        visit,
        lambda v, d: actions.raise_finding(
            visit=v,
            village=v.village,
            finding_class=d["finding_class"],
            summary=d["summary"],
            actor=request.user,
        ),
    ):
        return redirect("inspections:visit-detail", pk=visit.pk)
    return _visit_page(request, visit, finding_form=form)


@login_required
@require_POST
@once
def visit_sample(request: SignedInRequest, pk: int) -> HttpResponse:
    visit = access_visit(request.user, pk, member=True)
    form = SampleForm(request.POST)
    if run_form(
        form,
        visit,
        lambda v, d: actions.draw_sample(visit=v, month=d["month"], actor=request.user),
    ):
        return redirect("inspections:visit-detail", pk=visit.pk)
    return _visit_page(request, visit, sample_form=form)


@login_required
@require_POST
@once
def visit_sample_check(request: SignedInRequest, pk: int) -> HttpResponse:
    visit = access_visit(request.user, pk, member=True)
    form = SampleCheckForm(request.POST)
    item_id = row_id(request.POST.get("item"))
    if form.is_valid() and item_id is not None:
        item = get_object_or_404(SampleItem, pk=item_id, visit=visit)
        try:
            actions.check_sample_item(
                item=item,
                verified=form.cleaned_data["verified"],
                note=form.cleaned_data["note"],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("inspections:visit-detail", pk=visit.pk)
    return _visit_page(request, visit, check_form=form)


@login_required
@never_cache
def visit_photo(request: SignedInRequest, pk: int, photo_id: int) -> HttpResponse:
    visit = access_visit(request.user, pk)
    photo = get_object_or_404(VisitPhoto, pk=photo_id, visit=visit)
    return send_file(
        photo, actor=request.user, filename=f"visit-{visit.pk}-{photo.pk}.{photo.extension}"
    )


def _findings_page(
    request: SignedInRequest, form: ReviewForm | None = None, failed: int | None = None
) -> HttpResponse:
    findings = reviewable_findings(request.user).select_related(
        "village", "visit__group", "item", "lead"
    )
    return render(
        request,
        "inspections/finding_list.html",
        {
            "pending": findings.filter(status=FindingStatus.PENDING).order_by("created_at"),
            "done": findings.exclude(status=FindingStatus.PENDING)[:100],
            "blank": ReviewForm(),
            "form": form,
            "failed": failed,
        },
        status=400 if failed else 200,
    )


@login_required
@never_cache
def finding_list(request: SignedInRequest) -> HttpResponse:
    return _findings_page(request)


@login_required
@require_POST
@once
def finding_review(request: SignedInRequest, pk: int) -> HttpResponse:
    finding = access_finding(request.user, pk)
    form = ReviewForm(request.POST)
    if run_form(
        form,
        finding,
        lambda f, d: actions.review_finding(
            finding=f,
            accept=d["decision"] == "accept",
            comment=d["comment"],
            responsible=d["responsible"],
            deadline=d["deadline"],
            actor=request.user,
        ),
    ):
        return redirect("inspections:finding-list")
    return _findings_page(request, form, finding.pk)


# --- monthly reports ------------------------------------------------------------------------


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).strftime("%Y-%m")


@login_required
@never_cache
def report_list(request: SignedInRequest, pk: int) -> HttpResponse:
    group = access_group(request.user, pk)
    form = MonthForm(request.POST or None, initial={"month": _last_month()})
    leader = is_leader(request.user, group)
    if request.method == "POST":
        if not leader:
            raise Http404
        if run_form(
            form,
            group,
            lambda g, d: actions.compile_report(group=g, month=d["month"], actor=request.user),
        ):
            report = group.reports.get(month=form.cleaned_data["month"])
            return redirect("inspections:report-detail", pk=report.pk)
    return render(
        request,
        "inspections/report_list.html",
        {"group": group, "reports": group.reports.all(), "form": form, "leader": leader},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def report_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk)
    form = SignForm(request.POST or None)
    if request.method == "POST" and run_form(
        form,
        report,
        lambda r, d: actions.sign_report(report=r, comment=d["comment"], actor=request.user),
    ):
        return redirect("inspections:report-detail", pk=report.pk)
    return render(
        request,
        "inspections/report_detail.html",
        {
            "report": report,
            "figures": report.figures,
            "form": form,
            "leader": is_leader(request.user, report.group),
            "late": report.signed_at is not None
            and timezone.localdate(report.signed_at) > report.due_on,
        },
        status=400 if form.errors else 200,
    )


KIND_LABELS = dict(VisitKind.choices)
CLASS_LABELS = dict(FindingClass.choices)


def _report_rows(report: MonthlyReport) -> list[tuple[str, object]]:
    f = report.figures
    rows: list[tuple[str, object]] = [
        (_("Visits"), f.get("visits", 0)),
        (pgettext("duration", "Minutes"), f.get("minutes", 0)),
    ]
    rows += [(str(KIND_LABELS[k]), n) for k, n in f.get("by_kind", {}).items()]
    rows += [
        (_("Villages covered"), f.get("villages_covered", 0)),
        (_("Villages not visited"), "、".join(f.get("gap_names", [])) or "—"),
        (_("Findings"), f.get("findings", 0)),
    ]
    rows += [(str(CLASS_LABELS[k]), n) for k, n in f.get("by_class", {}).items()]
    rows += [
        (_("Findings accepted"), f.get("findings_accepted", 0)),
        (_("Findings pending review"), f.get("findings_pending", 0)),
        (_("Records sampled"), f.get("sampled", 0)),
        (_("Sampled records not matching"), f.get("sample_mismatches", 0)),
        (_("Rectification items opened"), f.get("rectifications", 0)),
        (_("of which closed out"), f.get("rectifications_closed", 0)),
    ]
    return rows


def report_print(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(visitor(request), pk)
    back = reverse("inspections:report-detail", args=[report.pk])
    url = public_url(request, back)
    return render(
        request,
        "inspections/report_print.html",
        {
            "report": report,
            "rows": _report_rows(report),
            "qr": qr_svg(url),
            "qr_url": url,
            "back": back,
        },
    )


def report_export(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report(visitor(request), pk)
    data = xlsx(
        f"{report.group.town.name} {report.group.name} {report.month}",
        [_("Report item"), _("Figure")],
        ([label, value] for label, value in _report_rows(report)),
        footer=[report.comment],
    )
    return download(data, f"inspection-report-{report.pk}-{report.month}.xlsx")


@login_required
@never_cache
def summary_list(request: SignedInRequest) -> HttpResponse:
    """A town commission sends its month; the county sees which towns are complete and late."""
    region = require_reviewer(request.user)
    month = request.GET.get("month") or request.POST.get("month") or _last_month()
    month_form = MonthForm({"month": month})
    if not month_form.is_valid():
        month = _last_month()
    towns = (
        [region]
        if region.kind == RegionKind.TOWN
        else list(Region.objects.filter(kind=RegionKind.TOWN).order_by("code"))
    )
    form = SummaryForm(request.POST or None, initial={"month": month})
    if request.method == "POST":
        if region.kind != RegionKind.TOWN:
            raise Http404
        if run_form(
            form,
            region,
            lambda town, d: actions.send_summary(
                town=town,
                month=d["month"],
                comment=d["comment"],
                actor=request.user,
            ),
        ):
            return redirect(f"{reverse('inspections:summary-list')}?month={month}")
    sent = {s.town_id: s for s in TownSummary.objects.filter(town__in=towns, month=month)}
    rows = []
    for town in towns:
        summary = sent.get(town.pk)
        rows.append(
            {
                "town": town,
                "summary": summary,
                "late": summary is not None
                and summary.sent_at is not None
                and timezone.localdate(summary.sent_at) > summary.due_on,
            }
        )
    preview = (
        actions.summary_figures(region, month)
        if region.kind == RegionKind.TOWN and region.pk not in sent
        else None
    )
    return render(
        request,
        "inspections/summary_list.html",
        {"month": month, "rows": rows, "form": form, "preview": preview, "town": region},
        status=400 if form.errors else 200,
    )


# --- the county's assessment of towns ----------------------------------------------------


def _period(request: HttpRequest) -> tuple[PeriodForm, datetime.date, datetime.date]:
    """The period asked for, or the last twelve finished months."""
    today = timezone.localdate()
    end = today.replace(day=1) - datetime.timedelta(days=1)
    start = (end.replace(day=1) - datetime.timedelta(days=335)).replace(day=1)
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    if request.GET and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end


@login_required
@never_cache
def assessment(request: SignedInRequest) -> HttpResponse:
    """The ranking of towns, each score with its formula and every indicator's figures."""
    region = require_reviewer(request.user)
    form, start, end = _period(request)
    towns = (
        [region]
        if region.kind == RegionKind.TOWN
        else list(Region.objects.filter(kind=RegionKind.TOWN).order_by("code"))
    )
    scores = ranking(towns, start, end)
    weight_form = WeightForm(indicators=[(code, str(label)) for code, label in Indicator.choices])
    return render(
        request,
        "inspections/assessment.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "scores": scores,
            "indicators": Indicator.choices,
            "weight_rows": [(label, weights()[code]) for code, label in Indicator.choices],
            "weight_form": weight_form if request.user.role == Role.COUNTY_COMMISSION else None,
            "changes": WeightChange.objects.select_related("changed_by")[:20],
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def assessment_town(request: SignedInRequest, code: str, indicator: str) -> HttpResponse:
    """The records behind one indicator of one town, and the town's score month by month."""
    region = require_reviewer(request.user)
    town = Region.objects.filter(code=code, kind=RegionKind.TOWN).first()
    if town is None or not region.contains(town) or indicator not in Indicator.values:
        raise Http404
    _form, start, end = _period(request)
    score = assess(town, start, end, only=indicator)
    trend = []
    month = end.replace(day=1)
    for _n in range(6):
        last = (month.replace(day=28) + datetime.timedelta(days=4)).replace(
            day=1
        ) - datetime.timedelta(days=1)
        trend.append((month.strftime("%Y-%m"), assess(town, month, last).score))
        month = (month - datetime.timedelta(days=1)).replace(day=1)
    return render(
        request,
        "inspections/assessment_town.html",
        {
            "town": town,
            "indicator": Indicator(indicator),
            "measure": score.measures[0],
            "start": start,
            "end": end,
            "trend": list(reversed(trend)),
        },
    )


@login_required
@require_POST
@once
def assessment_weight(request: SignedInRequest) -> HttpResponse:
    require_reviewer(request.user)
    form = WeightForm(
        request.POST, indicators=[(code, str(label)) for code, label in Indicator.choices]
    )
    if run_form(
        form,
        None,
        lambda _target, d: actions.set_weight(
            indicator=d["indicator"],
            weight=d["weight"],
            reason=d["reason"],
            actor=request.user,
        ),
    ):
        messages.success(request, _("The weight is changed; the change is kept with its reason."))
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
    return redirect("inspections:assessment")


@login_required
@never_cache
@once
def group_create(request: SignedInRequest) -> HttpResponse:
    """A town commission forms a group from its town's inspectors and villages."""
    region = require_reviewer(request.user)
    if region.kind != RegionKind.TOWN:
        raise Http404
    inspectors = {
        str(u.pk): u
        for u in User.objects.filter(role=Role.INSPECTOR, region=region, is_active=True).order_by(
            "username"
        )
    }
    villages = {v.code: v for v in Region.objects.filter(parent=region).order_by("code")}
    form = GroupForm(
        request.POST or None,
        inspectors=[(pk, str(u)) for pk, u in inspectors.items()],
        villages=[(code, v.name) for code, v in villages.items()],
        initial={"formed_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            group = actions.form_group(
                town=region,
                name=data["name"],
                formed_on=data["formed_on"],
                leader=inspectors[data["leader"]],
                members=[inspectors[pk] for pk in data["members"]],
                villages=[villages[code] for code in data["villages"]],
                actor=request.user,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            return redirect("inspections:group-detail", pk=group.pk)
    return render(
        request,
        "inspections/group_form.html",
        {"form": form, "town": region},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def checklist_list(request: SignedInRequest) -> HttpResponse:
    """The county's checklists for each kind of visit: add a point, retire one."""
    require_county(request.user)
    form = ChecklistForm(request.POST or None)
    if request.method == "POST":
        retire = row_id(request.POST.get("retire"))
        if retire is not None:
            item = get_object_or_404(ChecklistItem, pk=retire, active=True)
            actions.retire_checklist_item(item=item, actor=request.user)
            return redirect("inspections:checklist-list")
        if run_form(
            form,
            None,
            lambda _t, d: actions.add_checklist_item(
                kind=d["kind"],
                text=d["text"],
                actor=request.user,
            ),
        ):
            return redirect("inspections:checklist-list")
    return render(
        request,
        "inspections/checklist_list.html",
        {"items": ChecklistItem.objects.filter(active=True), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def expenditure_list(request: SignedInRequest) -> HttpResponse:
    """A village cadre records the village's expenditures (村级报账), which account checks
    sample; nothing recorded can be changed here."""
    village = cadre_village(request.user)
    form = ExpenditureForm(request.POST or None, initial={"spent_on": timezone.localdate()})
    if request.method == "POST" and run_form(
        form,
        village,
        lambda v, d: actions.record_expenditure(
            village=v,
            spent_on=d["spent_on"],
            amount=d["amount"],
            payee=d["payee"],
            purpose=d["purpose"],
            voucher=d["voucher"],
        ),
    ):
        return redirect("inspections:expenditure-list")
    return render(
        request,
        "inspections/expenditure_list.html",
        {
            "village": village,
            "form": form,
            "expenditures": Expenditure.objects.filter(village=village).order_by(
                "-spent_on", "-pk"
            )[:100],
        },
        status=400 if form.errors else 200,
    )


def _summary(request: SignedInRequest, pk: int) -> TownSummary:
    region = require_reviewer(request.user)
    summary = (
        TownSummary.objects.filter(pk=pk, sent_at__isnull=False).select_related("town").first()
    )
    if summary is None or not region.contains(summary.town):
        raise Http404
    return summary


def _summary_rows(summary: TownSummary) -> list[list[object]]:
    rows: list[list[object]] = []
    for g in summary.figures.get("groups", []):
        state = _("missing") if not g["signed"] else (_("late") if g["late"] else _("on time"))
        rows.append([g["group"], state, g["visits"], g["findings"], g["gaps"], g["rectifications"]])
    return rows


SUMMARY_HEADER = [
    gettext_lazy("Group"),
    gettext_lazy("Report"),
    gettext_lazy("Visits"),
    gettext_lazy("Findings"),
    gettext_lazy("Villages not visited"),
    gettext_lazy("Rectification items opened"),
]


@login_required
def summary_print(request: SignedInRequest, pk: int) -> HttpResponse:
    summary = _summary(request, pk)
    back = f"{reverse('inspections:summary-list')}?month={summary.month}"
    url = public_url(request, back)
    return render(
        request,
        "inspections/summary_print.html",
        {
            "summary": summary,
            "header": [str(h) for h in SUMMARY_HEADER],
            "rows": _summary_rows(summary),
            "qr": qr_svg(url),
            "qr_url": url,
            "back": back,
        },
    )


@login_required
def summary_export(request: SignedInRequest, pk: int) -> HttpResponse:
    summary = _summary(request, pk)
    data = xlsx(
        f"{summary.town.name} {summary.month}",
        [str(h) for h in SUMMARY_HEADER],
        _summary_rows(summary),
        footer=[summary.comment],
    )
    return download(data, f"inspection-summary-{summary.town.code}-{summary.month}.xlsx")
