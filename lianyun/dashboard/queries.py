"""The county's overview: the headline counters of every module for a region and a period,
each computed by the module's own functions over what the viewer may see, with the list each
one opens; monthly trends and town rankings for the charts."""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from lianyun.cases.access import visible_leads, visible_rectifications
from lianyun.cases.models import RectificationStatus
from lianyun.cases.queries import counters
from lianyun.core.access import Actor
from lianyun.exams.models import Exam
from lianyun.exams.queries import standings
from lianyun.inquiries.queries import meeting_counters
from lianyun.inspections.models import Indicator
from lianyun.inspections.queries import assess
from lianyun.petitions.access import visible_petitions
from lianyun.petitions.models import OPEN_STATUSES, PetitionStatus
from lianyun.petitions.queries import light
from lianyun.redflags.access import visible_flags
from lianyun.redflags.models import FlagStatus
from lianyun.regions.models import Region, RegionKind
from lianyun.surveys.queries import town_index_in

ACCEPTED = {
    PetitionStatus.ACCEPTED,
    PetitionStatus.ANSWERED,
    PetitionStatus.REVIEW_REQUESTED,
    PetitionStatus.REVIEW_ANSWERED,
    PetitionStatus.RECHECK_REQUESTED,
    PetitionStatus.FINAL,
    PetitionStatus.CLOSED,
}


@dataclass
class Tile:
    label: str | Promise
    value: Any
    url: str = ""
    unit: str | Promise = ""


@dataclass
class Section:
    title: str | Promise
    tiles: list[Tile] = field(default_factory=list)


def _url(name: str, **query: Any) -> str:
    shown = {k: v for k, v in query.items() if v not in (None, "")}
    return reverse(name) + ("?" + urlencode(shown) if shown else "")


def towns_of(region: Region) -> list[Region]:
    if region.kind == RegionKind.TOWN:
        return [region]
    if region.kind == RegionKind.VILLAGE:
        return [region.parent] if region.parent else []
    return list(Region.objects.filter(parent=region, kind=RegionKind.TOWN).order_by("code"))


def headline(
    user: Actor, region: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> list[Section]:
    """Every module's counters for the region and the period (the same functions the module's
    own pages use), over what this user may see."""
    prefix = region.scope_prefix
    period = {"start": start.isoformat(), "end": end.isoformat()}
    sections = []

    petitions = visible_petitions(user).filter(
        region__code__startswith=prefix, received_on__range=(start, end)
    )
    received = list(petitions.only("status", "due_on", "satisfied", "received_on"))
    rated = [p for p in received if p.satisfied is not None]
    overdue = sum(
        1 for p in received if p.status in OPEN_STATUSES and light(p, today) in ("red", "black")
    )
    petition_list = reverse("petitions:petition-list")
    sections.append(
        Section(
            _("Petitions and reports"),
            [
                Tile(_("received"), len(received), petition_list),
                Tile(_("accepted"), sum(p.status in ACCEPTED for p in received), petition_list),
                Tile(
                    _("concluded"),
                    sum(
                        p.status in (PetitionStatus.FINAL, PetitionStatus.CLOSED) for p in received
                    ),
                    petition_list,
                ),
                Tile(_("overdue"), overdue, petition_list),
                Tile(
                    _("satisfied"),
                    f"{round(100 * sum(bool(p.satisfied) for p in rated) / len(rated))}%"
                    if rated
                    else "—",
                    petition_list,
                ),
            ],
        )
    )

    leads = visible_leads(user).filter(
        region__code__startswith=prefix, created_at__date__range=(start, end)
    )
    items = visible_rectifications(user).filter(region__code__startswith=prefix)
    figures = counters(leads, items.filter(created_at__date__range=(start, end)))
    open_items = items.exclude(status=RectificationStatus.CLOSED_OUT)
    lead_list, item_list = reverse("cases:lead-list"), reverse("cases:rectification-list")
    sections.append(
        Section(
            _("Leads and sanctions"),
            [
                Tile(_("leads"), figures.leads, lead_list),
                Tile(_("concluded"), figures.leads_concluded, lead_list),
                Tile(
                    _("people sanctioned"), figures.people_sanctioned, reverse("cases:counter-list")
                ),
                Tile(
                    _("funds recovered"),
                    figures.funds_recovered,
                    reverse("cases:counter-list"),
                    _("yuan"),
                ),
                Tile(
                    _("returned to villagers"),
                    figures.funds_returned,
                    reverse("cases:counter-list"),
                    _("yuan"),
                ),
            ],
        )
    )
    sections.append(
        Section(
            _("Rectification"),
            [
                Tile(_("open"), open_items.count(), item_list),
                Tile(_("overdue"), open_items.filter(deadline__lt=today).count(), item_list),
                Tile(
                    _("closed out"),
                    items.filter(
                        status=RectificationStatus.CLOSED_OUT, closed_on__range=(start, end)
                    ).count(),
                    item_list,
                ),
            ],
        )
    )

    meetings = meeting_counters(region, start, end).as_dict()
    stats = _url("inquiries:meeting-statistics", region=region.code, **period)
    sections.append(
        Section(
            _("Inquiry meetings"),
            [
                Tile(_("meetings"), meetings["meetings"], stats),
                Tile(_("demands"), meetings["demands"], stats),
                Tile(_("problems solved"), meetings["solved"], stats),
                Tile(_("returned to villagers"), meetings["funds_returned"], stats, _("yuan")),
            ],
        )
    )

    towns = towns_of(region)
    coverage = [assess(t, start, end, today, only=Indicator.COVERAGE).measures[0] for t in towns]
    reports = [assess(t, start, end, today, only=Indicator.REPORTS).measures[0] for t in towns]
    sections.append(
        Section(
            _("Village inspection"),
            [
                Tile(
                    _("village coverage"),
                    _percent(coverage),
                    reverse("inspections:group-list"),
                    "%",
                ),
                Tile(
                    _("reports on time"), _percent(reports), reverse("inspections:group-list"), "%"
                ),
            ],
        )
    )

    flags = visible_flags(user).filter(village__code__startswith=prefix) if _reviews(user) else None
    if flags is not None:
        pending = flags.filter(status__in=[FlagStatus.OPEN, FlagStatus.ASKED])
        flag_list = reverse("redflags:flag-list")
        sections.append(
            Section(
                _("Cross-checks"),
                [
                    Tile(
                        _("flags pending"),
                        pending.count(),
                        _url("redflags:flag-list", status="open"),
                    ),
                    Tile(
                        _("confirmed"),
                        flags.filter(
                            status=FlagStatus.CONFIRMED, reviewed_at__date__range=(start, end)
                        ).count(),
                        _url("redflags:flag-list", status="confirmed"),
                    ),
                    Tile(
                        _("money at stake"),
                        pending.aggregate(s=Sum("stake"))["s"] or Decimal(0),
                        flag_list,
                        _("yuan"),
                    ),
                ],
            )
        )

    surveys = []
    for town in towns[:1] if region.kind != RegionKind.COUNTY else []:
        found = town_index_in(town, start.replace(month=1, day=1), end)
        if found:
            surveys.append(
                Tile(_("social evaluation index"), found[-1][1] or "—", reverse("surveys:index"))
            )
    if region.kind == RegionKind.COUNTY and towns:
        found = town_index_in(towns[0], start.replace(month=1, day=1), end)
        if found:
            surveys.append(
                Tile(_("social evaluation index"), found[-1][2] or "—", reverse("surveys:index"))
            )
    exam = (
        Exam.objects.filter(practice=False, opens_on__lte=end, deadline__gte=start)
        .order_by("-deadline")
        .first()
    )
    if exam is not None:
        mine = [
            s for s in standings(exam) if s.user.region and s.user.region.code.startswith(prefix)
        ]
        taken = sum(1 for s in mine if s.attempts)
        passed = sum(1 for s in mine if s.passed)
        results = reverse("exams:exam-results", args=[exam.pk])
        surveys += [
            Tile(
                _("exam completion"), f"{round(100 * taken / len(mine))}%" if mine else "—", results
            ),
            Tile(_("exam passed"), f"{round(100 * passed / len(mine))}%" if mine else "—", results),
        ]
    if surveys:
        sections.append(Section(_("Opinion and learning"), surveys))
    return sections


def _reviews(user: Actor) -> bool:
    return getattr(user, "role", "") in {"town_commission", "county_commission"}


def _percent(measures: list[Any]) -> float | str:
    good = sum(m.good for m in measures)
    total = sum(m.total for m in measures)
    return round(100 * good / total, 1) if total else "—"


def _months(start: datetime.date, end: datetime.date) -> list[str]:
    months: list[str] = []
    day = start.replace(day=1)
    while day <= end and len(months) < 36:
        months.append(f"{day:%Y-%m}")
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def monthly(
    user: Actor, region: Region, start: datetime.date, end: datetime.date
) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """Petitions received and rectification items registered, per month."""
    prefix = region.scope_prefix
    months = _months(start, end)
    petitions = Counter(
        f"{d:%Y-%m}"
        for d in visible_petitions(user)
        .filter(region__code__startswith=prefix, received_on__range=(start, end))
        .values_list("received_on", flat=True)
    )
    items = Counter(
        f"{timezone.localdate(d):%Y-%m}"
        for d in visible_rectifications(user)
        .filter(region__code__startswith=prefix, created_at__date__range=(start, end))
        .values_list("created_at", flat=True)
    )
    return months, [
        (str(_("petitions")), [petitions[m] for m in months]),
        (str(_("rectification items")), [items[m] for m in months]),
    ]


@dataclass
class TownRow:
    town: Region
    items: int
    closed: int
    overdue: int

    @property
    def closed_share(self) -> float:
        return round(100 * self.closed / self.items, 1) if self.items else 0.0


def town_ranking(user: Actor, region: Region, today: datetime.date) -> list[TownRow]:
    """Towns by the share of their rectification items closed out (the best first)."""
    rows = []
    items = visible_rectifications(user)
    for town in towns_of(region):
        mine = items.filter(region__code__startswith=town.scope_prefix)
        rows.append(
            TownRow(
                town,
                mine.count(),
                mine.filter(status=RectificationStatus.CLOSED_OUT).count(),
                mine.exclude(status=RectificationStatus.CLOSED_OUT)
                .filter(Q(deadline__lt=today))
                .count(),
            )
        )
    return sorted(rows, key=lambda r: (-r.closed_share, r.town.code))
