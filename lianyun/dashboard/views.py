"""驾驶舱: one page per scope with every module's headline counters for a period, each opening
the list behind it, and charts drawn on the server."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from lianyun.dashboard import charts, queries
from lianyun.dashboard.access import dashboard_region
from lianyun.dashboard.forms import PeriodForm
from lianyun.regions.models import RegionKind


@login_required
@never_cache
def overview(request: HttpRequest, code: str | None = None) -> HttpResponse:
    region = dashboard_region(request.user, code)  # type: ignore[arg-type]
    today = timezone.localdate()
    form = PeriodForm(request.GET or None)
    start, end = form.period(today)
    user = request.user
    months, series = queries.monthly(user, region, start, end)  # type: ignore[arg-type]
    ranking = queries.town_ranking(user, region, today) if region.kind == RegionKind.COUNTY else []  # type: ignore[arg-type]
    ranking_chart = charts.bars(
        [
            charts.Bar(
                r.town.name,
                r.closed_share,
                reverse("dashboard:overview-region", args=[r.town.code]),
                f"{r.closed_share:g}% ({r.closed}/{r.items})",
            )
            for r in ranking
        ],
        unit="%",
    )
    children = region.children.order_by("code") if region.kind != RegionKind.VILLAGE else []
    return render(
        request,
        "dashboard/overview.html",
        {
            "region": region,
            "form": form,
            "start": start,
            "end": end,
            "sections": queries.headline(user, region, start, end, today),  # type: ignore[arg-type]
            "trend": mark_safe(charts.columns(months, series)),  # noqa: S308 - escaped in charts
            "ranking": mark_safe(ranking_chart),  # noqa: S308 - escaped in charts
            "children": children,
            "period": f"start={start.isoformat()}&end={end.isoformat()}",
        },
    )
