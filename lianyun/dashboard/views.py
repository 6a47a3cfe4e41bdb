"""驾驶舱: one page per scope with every module's headline counters for a period, each opening
the list behind it, and charts drawn on the server."""

import csv
import datetime
import io
import re

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from lianyun.accounts.requests import SignedInRequest
from lianyun.core.filestore import download_response
from lianyun.core.forms import PeriodForm
from lianyun.core.qr import public_url, qr_svg
from lianyun.core.spreadsheet import download, escape_cell, xlsx
from lianyun.dashboard import aggregates, public, queries, report
from lianyun.dashboard.access import dashboard_region
from lianyun.regions.models import RegionKind
from lianyun.regions.queries import children_of

MONTH = re.compile(r"20[0-9]{2}-(0[1-9]|1[0-2])")


@login_required
@never_cache
def overview(request: SignedInRequest, code: str | None = None) -> HttpResponse:
    region = dashboard_region(request.user, code)
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    start, end = form.period(today)
    data = aggregates.overview(request.user, region, start, end, today)
    children = children_of(region) if region.kind != RegionKind.VILLAGE else []
    sections = data.sections
    if request.GET.get("xlsx"):
        return download(
            xlsx(
                f"{region.name} {start:%Y-%m-%d}–{end:%Y-%m-%d}",
                [_("Section"), _("Figure"), _("Value")],
                [
                    [str(section.title), str(tile.label), str(tile.value)]
                    for section in sections
                    for tile in section.tiles
                ],
            ),
            f"overview-{region.code}.xlsx",
        )
    return render(
        request,
        "dashboard/overview.html",
        {
            "region": region,
            "form": form,
            "start": start,
            "end": end,
            "sections": sections,
            "heat": data.heat,
            "funnel": data.funnel,
            "trend": data.trend,
            "ranking": data.ranking,
            "as_of": datetime.datetime.fromtimestamp(data.computed_at, tz=datetime.UTC),
            "children": children,
            "period": f"start={start.isoformat()}&end={end.isoformat()}",
        },
    )


@login_required
@never_cache
def drill(request: SignedInRequest, code: str, key: str) -> HttpResponse:
    """The records behind one number of the overview, as the viewer may see them."""
    region = dashboard_region(request.user, code)
    if (key not in queries.COUNTERS and key not in queries.LISTS) or (
        key in queries.FLAG_KEYS and not queries.sees_flags(request.user)
    ):
        raise Http404
    today = timezone.localdate()
    start, end = PeriodForm(request.GET or None).period(today)
    scope = queries.Scope(request.user, region, start, end, today)
    label, entries, value = queries.records(scope, key)
    if request.GET.get("xlsx"):
        return download(
            xlsx(
                f"{region.name} {label} {start:%Y-%m-%d}–{end:%Y-%m-%d}",
                [_("Entry"), _("Amount")],
                [[e.text, "" if e.amount is None else str(e.amount)] for e in entries],
            ),
            f"{key}-{region.code}.xlsx",
        )
    return render(
        request,
        "dashboard/drill.html",
        {
            "region": region,
            "label": label,
            "entries": entries[:500],
            "total": len(entries),
            "value": value,
            "start": start,
            "end": end,
        },
    )


@login_required
@never_cache
def monthly_report(request: SignedInRequest, code: str) -> HttpResponse:
    """The month's report (the last full month by default): an A4 page, or DOCX with ?docx=1."""
    region = dashboard_region(request.user, code)
    today = timezone.localdate()
    last = (today.replace(day=1) - datetime.timedelta(days=1)).strftime("%Y-%m")
    month = request.GET.get("month", last)
    if not MONTH.fullmatch(month) or month > today.strftime("%Y-%m"):
        month = last
    built = report.build(request.user, region, month, today)
    if request.GET.get("docx"):
        return download_response(
            report.docx(built),
            f"report-{region.code}-{month}.docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
    back = reverse("dashboard:overview-region", args=[region.code])
    url = public_url(request, reverse("dashboard:report", args=[region.code]) + f"?month={month}")
    return render(
        request,
        "dashboard/report.html",
        {"report": built, "back": back, "qr": qr_svg(url), "qr_url": url},
    )


def statistics(request: HttpRequest) -> HttpResponse:
    """Open statistics, per town and finished month, small counts suppressed; CSV with ?csv=1."""
    rows = public.monthly()
    if request.GET.get("csv"):
        return download_csv(rows)
    return render(
        request,
        "dashboard/statistics.html",
        {
            "rows": rows,
            "fields": public.FIELDS,
            "labels": [public.LABELS[f] for f in public.FIELDS],
            "threshold": public.threshold(),
            "index": public.survey_index(),
            "totals": public.rectification_totals(),
        },
    )


def download_csv(rows: list[public.Row]) -> HttpResponse:
    """The same table as CSV (UTF-8 with BOM, opens in Excel and WPS), headed and filled as the
    page is: a suppressed count reads "<N" there too. Each row carries its town's social
    evaluation index from the latest closed survey. Programs read the JSON, whose keys stay."""
    out = io.StringIO()
    writer = csv.writer(out)
    index = {town.pk: value for town, value in public.survey_index()}
    hidden = f"<{public.threshold()}"
    writer.writerow(
        [
            _("Town code"),
            _("Town"),
            _("Month"),
            *[public.LABELS[f] for f in public.FIELDS],
            _("Social evaluation index"),
        ]
    )
    for row in rows:
        writer.writerow(
            [row.town.code, escape_cell(row.town.name), row.month]
            + [hidden if row.values[f] is None else row.values[f] for f in public.FIELDS]
            + ["" if index.get(row.town.pk) is None else index[row.town.pk]]
        )
    response = HttpResponse("\ufeff" + out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="lianyun-statistics.csv"'
    return response
