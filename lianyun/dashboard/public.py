"""Open statistics: per town and month, counts anyone may see, from the months that are over
(so a new case never moves a number anyone can watch) and with small counts suppressed (below
LIANYUN_PUBLIC_MIN_COUNT, a count could point at one person's case: it is shown as "<N" and
given as null in the data, and money that rests on it too)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianyun.cases.models import RectificationStatus
from lianyun.cases.queries import public_rectifications
from lianyun.inquiries.models import Demand, InquiryMeeting, MeetingStatus
from lianyun.petitions.queries import monthly_statistics
from lianyun.regions.codes import town_prefix
from lianyun.regions.models import Region, RegionKind
from lianyun.surveys.models import Survey, SurveyKind
from lianyun.surveys.queries import closed_figures

FIELDS = (
    "petitions",
    "accusations",
    "petitions_ended",
    "items_registered",
    "items_closed_out",
    "meetings",
    "demands",
    "demands_solved",
    "funds_returned",
)
# The column heads of the page and of the CSV (the JSON keeps the field names above).
LABELS = {
    "petitions": _("petitions"),
    "accusations": _("accusations"),
    "petitions_ended": _("ended"),
    "items_registered": _("items registered"),
    "items_closed_out": _("closed out"),
    "meetings": _("meetings"),
    "demands": _("demands"),
    "demands_solved": _("solved"),
    "funds_returned": _("returned (yuan)"),
}


@dataclass
class Row:
    town: Region
    month: str
    values: dict[str, Any] = field(default_factory=dict)


def threshold() -> int:
    return int(settings.LIANYUN_PUBLIC_MIN_COUNT)


def _suppress(value: int) -> int | None:
    return None if 0 < value < threshold() else value


def monthly(today: datetime.date | None = None, months: int = 12) -> list[Row]:
    """One row per town and finished month with anything to count, newest first."""
    today = today or timezone.localdate()
    first = today.replace(day=1)
    start = (first - datetime.timedelta(days=months * 31)).replace(day=1)
    towns = {town_prefix(t.code): t for t in Region.objects.filter(kind=RegionKind.TOWN)}
    raw: dict[tuple[str, str], dict[str, Any]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))

    for row in monthly_statistics(today, months):
        cell = raw[(town_prefix(row.town.code), row.month)]
        cell["petitions"], cell["accusations"], cell["petitions_ended"] = (
            row.received,
            row.accusations,
            row.ended,
        )
    items = public_rectifications().filter(created_at__date__gte=start, created_at__date__lt=first)
    for code, month, n in (
        items.annotate(m=TruncMonth("created_at"))
        .order_by()
        .values_list("region__code", "m")
        .annotate(n=Count("id"))
    ):
        raw[(town_prefix(code), f"{month:%Y-%m}")]["items_registered"] += n
    closed = public_rectifications().filter(
        status=RectificationStatus.CLOSED_OUT, closed_on__gte=start, closed_on__lt=first
    )
    for code, month, n in (
        closed.annotate(m=TruncMonth("closed_on"))
        .order_by()
        .values_list("region__code", "m")
        .annotate(n=Count("id"))
    ):
        raw[(town_prefix(code), f"{month:%Y-%m}")]["items_closed_out"] += n
    held = InquiryMeeting.objects.filter(
        status=MeetingStatus.HELD, held_on__gte=start, held_on__lt=first
    )
    for code, month, n in (
        held.annotate(m=TruncMonth("held_on"))
        .order_by()
        .values_list("village__code", "m")
        .annotate(n=Count("id"))
    ):
        raw[(town_prefix(code), f"{month:%Y-%m}")]["meetings"] += n
    demands = Demand.objects.filter(meeting__in=held)
    for code, month, n, solved, funds in (
        demands.annotate(m=TruncMonth("meeting__held_on"))
        .order_by()
        .values_list("meeting__village__code", "m")
        .annotate(
            n=Count("id"),
            solved=Count("id", filter=_solved()),
            funds=Sum("funds_returned", filter=_solved()),
        )
    ):
        cell = raw[(town_prefix(code), f"{month:%Y-%m}")]
        cell["demands"] += n
        cell["demands_solved"] += solved
        cell["funds_returned"] += Decimal(funds or 0)

    rows = []
    for (prefix, month), values in sorted(
        raw.items(), key=lambda kv: (kv[0][1], kv[0][0]), reverse=True
    ):
        if prefix not in towns:
            continue
        shown: dict[str, Any] = {
            k: _suppress(v) for k, v in values.items() if k != "funds_returned"
        }
        # Money returned rests on the solved demands: suppressed with them.
        shown["funds_returned"] = (
            None
            if shown["demands_solved"] is None
            else str(Decimal(values["funds_returned"]).quantize(Decimal("0.01")))
        )
        rows.append(Row(towns[prefix], month, shown))
    return rows


def _solved() -> Q:
    return Q(item__status=RectificationStatus.CLOSED_OUT)


def survey_index() -> list[tuple[Region, float | None]]:
    """Each town's social evaluation index from the latest closed yearly survey."""
    survey = (
        Survey.objects.filter(kind=SurveyKind.SOCIAL, closed_at__isnull=False)
        .order_by("-closes_on")
        .first()
    )
    if survey is None:
        return []
    towns, _county = closed_figures(survey)
    return [
        (t, towns.get(t.pk)) for t in Region.objects.filter(kind=RegionKind.TOWN).order_by("code")
    ]


def rectification_totals() -> dict[str, int]:
    items = public_rectifications()
    return {
        "items": items.count(),
        "closed_out": items.filter(status=RectificationStatus.CLOSED_OUT).count(),
    }
