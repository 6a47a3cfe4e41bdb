"""村居巡检 pages: the inspector's (groups, a visit logged on a phone, its findings and
sample) and the town commission's (groups, findings to review)."""

import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from lianyun.accounts.requests import SignedInRequest
from lianyun.core.access import visitor
from lianyun.core.filestore import send_file
from lianyun.core.once import once
from lianyun.core.params import row_id
from lianyun.core.qr import public_url, qr_svg
from lianyun.core.roles import Role
from lianyun.core.spreadsheet import download, xlsx
from lianyun.core.views import post_form, told_on
from lianyun.inspections import actions
from lianyun.inspections.access import (
    access_checklist_item,
    access_finding,
    access_group,
    access_report,
    access_summary,
    access_town,
    access_visit,
    cadre_village,
    conflict_reason,
    is_leader,
    is_member,
    photo_of,
    require_county,
    require_reviewer,
    reviewable_findings,
    sample_item_of,
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
    FindingClass,
    Indicator,
    MonthlyReport,
    TownSummary,
    Visit,
    VisitKind,
)
from lianyun.inspections.queries import (
    active_checklist,
    assess,
    checklist_answers,
    findings_by_state,
    group_memberships,
    group_reports,
    group_villages,
    group_visits,
    listed_groups,
    ranking,
    recent_expenditures,
    recent_weight_changes,
    sampled_items,
    summaries_sent,
    town_inspectors,
    visit_findings,
    visit_photos,
    weights,
)
from lianyun.regions.models import RegionKind
from lianyun.regions.queries import regions_within, towns


@login_required
@never_cache
def group_list(request: SignedInRequest) -> HttpResponse:
    groups = listed_groups(visible_groups(request.user))
    return render(request, "inspections/group_list.html", {"groups": groups})


@login_required
@never_cache
def group_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    group = access_group(request.user, pk)
    villages = group_villages(group)
    members = []
    for membership in group_memberships(group):
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
            "visits": group_visits(group),
            "member": is_member(request.user, group),
        },
    )


def _checklist() -> list[tuple[int, str, str]]:
    return [(c.pk, c.kind, c.text) for c in active_checklist()]


@login_required
@never_cache
@once
def visit_create(request: SignedInRequest, pk: int) -> HttpResponse:
    """The visit log, made for a phone in a weak network (the form keeps what was typed)."""
    group = access_group(request.user, pk)
    if not is_member(request.user, group):
        return redirect("inspections:group-detail", pk=group.pk)
    villages = {v.code: v for v in group_villages(group)}
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        villages=[(code, v.name) for code, v in villages.items()],
        checklist=_checklist(),
        initial={"visited_on": timezone.localdate()},
    )

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "inspections/visit_form.html",
            {"group": group, "form": form},
            status=400 if form.errors else 200,
        )

    def logged(visit: Visit) -> str:
        messages.success(request, _("The visit is logged."))
        return reverse("inspections:visit-detail", args=[visit.pk])

    if request.method != "POST":
        return page(form)
    return post_form(
        form,
        lambda d: actions.log_visit(
            group=group,
            village=villages[d["village"]],
            kind=d["kind"],
            visited_on=d["visited_on"],
            minutes=d["minutes"],
            people_met=d["people_met"],
            notes=d["notes"],
            checklist=form.answers(),
            files=d["photos"],
            client_key=d["client_key"],
            actor=request.user,
        ),
        done=logged,
        again=page,
    )


def _visit_page(request: SignedInRequest, visit: Visit, **forms: Form) -> HttpResponse:
    context: dict[str, Any] = {
        "visit": visit,
        "checklist": checklist_answers(visit),
        "photos": visit_photos(visit),
        "findings": visit_findings(visit),
        "sample": sampled_items(visit),
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
    return post_form(
        FindingForm(request.POST),
        lambda d: actions.raise_finding(
            visit=visit,
            village=visit.village,
            finding_class=d["finding_class"],
            summary=d["summary"],
            actor=request.user,
        ),
        done=reverse("inspections:visit-detail", args=[visit.pk]),
        again=lambda form: _visit_page(request, visit, finding_form=form),
    )


@login_required
@require_POST
@once
def visit_sample(request: SignedInRequest, pk: int) -> HttpResponse:
    visit = access_visit(request.user, pk, member=True)
    return post_form(
        SampleForm(request.POST),
        lambda d: actions.draw_sample(visit=visit, month=d["month"], actor=request.user),
        done=reverse("inspections:visit-detail", args=[visit.pk]),
        again=lambda form: _visit_page(request, visit, sample_form=form),
    )


@login_required
@require_POST
@once
def visit_sample_check(request: SignedInRequest, pk: int) -> HttpResponse:
    visit = access_visit(request.user, pk, member=True)
    item = sample_item_of(visit, row_id(request.POST.get("item")))
    return post_form(
        SampleCheckForm(request.POST),
        lambda d: actions.check_sample_item(
            item=item, verified=d["verified"], note=d["note"], actor=request.user
        ),
        done=reverse("inspections:visit-detail", args=[visit.pk]),
        again=lambda form: _visit_page(request, visit, check_form=form),
    )


@login_required
@never_cache
def visit_photo(request: SignedInRequest, pk: int, photo_id: int) -> HttpResponse:
    visit = access_visit(request.user, pk)
    photo = photo_of(visit, photo_id)
    return send_file(
        photo, actor=request.user, filename=f"visit-{visit.pk}-{photo.pk}.{photo.extension}"
    )


def _findings_page(
    request: SignedInRequest, form: Form | None = None, failed: int | None = None
) -> HttpResponse:
    pending, done = findings_by_state(reviewable_findings(request.user))
    return render(
        request,
        "inspections/finding_list.html",
        {
            "pending": pending,
            "done": done,
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
    return post_form(
        ReviewForm(request.POST),
        lambda d: actions.review_finding(
            finding=finding,
            accept=d["decision"] == "accept",
            comment=d["comment"],
            responsible=d["responsible"],
            deadline=d["deadline"],
            actor=request.user,
        ),
        done=reverse("inspections:finding-list"),
        again=lambda form: _findings_page(request, form, finding.pk),
    )


# --- monthly reports ------------------------------------------------------------------------


def _last_month() -> str:
    first = timezone.localdate().replace(day=1)
    return (first - datetime.timedelta(days=1)).strftime("%Y-%m")


@login_required
@never_cache
@once
def report_list(request: SignedInRequest, pk: int) -> HttpResponse:
    group = access_group(request.user, pk)
    leader = is_leader(request.user, group)

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "inspections/report_list.html",
            {"group": group, "reports": group_reports(group), "form": form, "leader": leader},
            status=400 if form.errors else 200,
        )

    if request.method != "POST":
        return page(MonthForm(initial={"month": _last_month()}))
    if not leader:
        raise Http404
    return post_form(
        MonthForm(request.POST),
        lambda d: actions.compile_report(group=group, month=d["month"], actor=request.user),
        done=lambda report: reverse("inspections:report-detail", args=[report.pk]),
        again=page,
    )


@login_required
@never_cache
@once
def report_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    report = access_report(request.user, pk)

    def page(form: Form) -> HttpResponse:
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

    if request.method != "POST":
        return page(SignForm())
    return post_form(
        SignForm(request.POST),
        lambda d: actions.sign_report(report=report, comment=d["comment"], actor=request.user),
        done=reverse("inspections:report-detail", args=[report.pk]),
        again=page,
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
@once
def summary_list(request: SignedInRequest) -> HttpResponse:
    """A town commission sends its month; the county sees which towns are complete and late."""
    region = require_reviewer(request.user)
    month = request.GET.get("month") or request.POST.get("month") or _last_month()
    if not MonthForm({"month": month}).is_valid():
        month = _last_month()
    in_view = [region] if region.kind == RegionKind.TOWN else list(towns())

    def page(form: Form) -> HttpResponse:
        sent = summaries_sent(in_view, month)
        rows = []
        for town in in_view:
            summary = sent.get(town.pk)
            late = (
                summary is not None
                and summary.sent_at is not None
                and timezone.localdate(summary.sent_at) > summary.due_on
            )
            rows.append({"town": town, "summary": summary, "late": late})
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

    if request.method != "POST":
        return page(SummaryForm(initial={"month": month}))
    if region.kind != RegionKind.TOWN:
        raise Http404
    return post_form(
        SummaryForm(request.POST),
        lambda d: actions.send_summary(
            town=region, month=d["month"], comment=d["comment"], actor=request.user
        ),
        done=f"{reverse('inspections:summary-list')}?month={month}",
        again=page,
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
    scores = ranking([region] if region.kind == RegionKind.TOWN else list(towns()), start, end)
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
            "changes": recent_weight_changes(),
            "query": request.GET.urlencode(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@never_cache
def assessment_town(request: SignedInRequest, code: str, indicator: str) -> HttpResponse:
    """The records behind one indicator of one town, and the town's score month by month."""
    town = access_town(request.user, code)
    if indicator not in Indicator.values:
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
    """The form sits on the assessment page: its outcome is told there, as a message."""
    require_reviewer(request.user)

    def changed(_change: object) -> str:
        messages.success(request, _("The weight is changed; the change is kept with its reason."))
        return reverse("inspections:assessment")

    return post_form(
        WeightForm(
            request.POST, indicators=[(code, str(label)) for code, label in Indicator.choices]
        ),
        lambda d: actions.set_weight(
            indicator=d["indicator"], weight=d["weight"], reason=d["reason"], actor=request.user
        ),
        done=changed,
        again=told_on(request, reverse("inspections:assessment")),
    )


@login_required
@never_cache
@once
def group_create(request: SignedInRequest) -> HttpResponse:
    """A town commission forms a group from its town's inspectors and villages."""
    region = require_reviewer(request.user)
    if region.kind != RegionKind.TOWN:
        raise Http404
    inspectors = {str(u.pk): u for u in town_inspectors(region)}
    villages = {v.code: v for v in regions_within(region, kind=RegionKind.VILLAGE)}

    def form_of(data: object = None) -> GroupForm:
        return GroupForm(
            data,
            inspectors=[(pk, str(u)) for pk, u in inspectors.items()],
            villages=[(code, v.name) for code, v in villages.items()],
            initial={"formed_on": timezone.localdate()},
        )

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "inspections/group_form.html",
            {"form": form, "town": region},
            status=400 if form.errors else 200,
        )

    if request.method != "POST":
        return page(form_of())
    return post_form(
        form_of(request.POST),
        lambda d: actions.form_group(
            town=region,
            name=d["name"],
            formed_on=d["formed_on"],
            leader=inspectors[d["leader"]],
            members=[inspectors[pk] for pk in d["members"]],
            villages=[villages[code] for code in d["villages"]],
            actor=request.user,
        ),
        done=lambda group: reverse("inspections:group-detail", args=[group.pk]),
        again=page,
    )


def _checklist_page(request: SignedInRequest, form: Form | None = None) -> HttpResponse:
    return render(
        request,
        "inspections/checklist_list.html",
        {"items": active_checklist(), "form": form or ChecklistForm()},
        status=400 if form is not None else 200,
    )


@login_required
@never_cache
def checklist_list(request: SignedInRequest) -> HttpResponse:
    """The county's checklists for each kind of visit: add a point, retire one."""
    require_county(request.user)
    return _checklist_page(request)


@login_required
@require_POST
@once
def checklist_add(request: SignedInRequest) -> HttpResponse:
    require_county(request.user)
    return post_form(
        ChecklistForm(request.POST),
        lambda d: actions.add_checklist_item(kind=d["kind"], text=d["text"], actor=request.user),
        done=reverse("inspections:checklist-list"),
        again=lambda form: _checklist_page(request, form),
    )


@login_required
@require_POST
@once
def checklist_retire(request: SignedInRequest, pk: int) -> HttpResponse:
    item = access_checklist_item(request.user, pk)
    actions.retire_checklist_item(item=item, actor=request.user)
    return redirect("inspections:checklist-list")


@login_required
@never_cache
@once
def expenditure_list(request: SignedInRequest) -> HttpResponse:
    """A village cadre records the village's expenditures (村级报账), which account checks
    sample; nothing recorded can be changed here."""
    village = cadre_village(request.user)

    def page(form: Form) -> HttpResponse:
        return render(
            request,
            "inspections/expenditure_list.html",
            {"village": village, "form": form, "expenditures": recent_expenditures(village)},
            status=400 if form.errors else 200,
        )

    if request.method != "POST":
        return page(ExpenditureForm(initial={"spent_on": timezone.localdate()}))
    return post_form(
        ExpenditureForm(request.POST),
        lambda d: actions.record_expenditure(
            village=village,
            spent_on=d["spent_on"],
            amount=d["amount"],
            payee=d["payee"],
            purpose=d["purpose"],
            voucher=d["voucher"],
        ),
        done=reverse("inspections:expenditure-list"),
        again=page,
    )


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
    summary = access_summary(request.user, pk)
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
    summary = access_summary(request.user, pk)
    data = xlsx(
        f"{summary.town.name} {summary.month}",
        [str(h) for h in SUMMARY_HEADER],
        _summary_rows(summary),
        footer=[summary.comment],
    )
    return download(data, f"inspection-summary-{summary.town.code}-{summary.month}.xlsx")
