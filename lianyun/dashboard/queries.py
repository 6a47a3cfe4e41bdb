"""The county's overview: the headline counters of every module for a region and a period,
each computed by the module's own functions over what the viewer may see, with the list each
one opens; monthly trends and town rankings for the charts."""

import datetime
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.cases.access import visible_leads, visible_rectifications
from lianyun.cases.models import (
    LeadStatus,
    Outcome,
    OutcomeKind,
    RectificationStatus,
    SourceKind,
)
from lianyun.core.access import Actor
from lianyun.exams.models import Exam
from lianyun.exams.queries import standings
from lianyun.inquiries.queries import meeting_counters
from lianyun.inspections.models import Indicator
from lianyun.inspections.queries import Record, assess
from lianyun.petitions.access import visible_petitions
from lianyun.petitions.models import OPEN_STATUSES, PetitionStatus
from lianyun.petitions.queries import light
from lianyun.redflags.access import REVIEWER_ROLES, visible_flags
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
    key: str
    label: str | Promise
    value: Any
    url: str = ""
    unit: str | Promise = ""


@dataclass
class Section:
    title: str | Promise
    tiles: list[Tile] = field(default_factory=list)


@dataclass(frozen=True)
class Scope:
    user: Actor
    region: Region
    start: datetime.date
    end: datetime.date
    today: datetime.date

    @property
    def prefix(self) -> str:
        return self.region.scope_prefix


@dataclass(frozen=True)
class Entry:
    """One record behind a number: what it is, where it opens, and what it adds (for sums)."""

    text: str
    url: str
    amount: Decimal | None = None


def towns_of(region: Region) -> list[Region]:
    if region.kind == RegionKind.TOWN:
        return [region]
    if region.kind == RegionKind.VILLAGE:
        return [region.parent] if region.parent else []
    return list(Region.objects.filter(parent=region, kind=RegionKind.TOWN).order_by("code"))


# --- what each number counts ---------------------------------------------------------------


def _petitions(s: Scope) -> list[Any]:
    return list(
        visible_petitions(s.user)
        .filter(region__code__startswith=s.prefix, received_on__range=(s.start, s.end))
        .select_related("region")
        .order_by("-received_on", "-pk")
    )


def _petition(p: Any) -> Entry:
    rated = {True: f" · {_('satisfied')}", False: f" · {_('not satisfied')}"}.get(p.satisfied, "")
    return Entry(
        f"{p.received_on:%Y-%m-%d} {p.get_kind_display()} · {p.region.name} · "
        f"{p.get_status_display()}{rated}",
        reverse("petitions:petition-detail", args=[p.pk]),
    )


def _leads(s: Scope) -> Any:
    return (
        visible_leads(s.user)
        .filter(region__code__startswith=s.prefix, created_at__date__range=(s.start, s.end))
        .select_related("region")
        .order_by("-created_at")
    )


def _lead(lead: Any) -> Entry:
    return Entry(
        f"L{lead.pk} {lead.summary} · {lead.get_status_display()}",
        reverse("cases:lead-detail", args=[lead.pk]),
        lead.amount_involved,
    )


def _outcomes(s: Scope, kinds: list[Any]) -> Any:
    return (
        Outcome.objects.filter(lead__in=_leads(s), kind__in=kinds)
        .select_related("lead")
        .order_by("-recorded_on")
    )


def _outcome(o: Any) -> Entry:
    return Entry(
        f"{o.recorded_on:%Y-%m-%d} L{o.lead_id} {o.get_kind_display()} {o.get_level_display() or ''}".strip(),
        reverse("cases:lead-detail", args=[o.lead_id]),
        o.amount,
    )


def _items(s: Scope) -> Any:
    return (
        visible_rectifications(s.user)
        .filter(region__code__startswith=s.prefix)
        .select_related("region")
    )


def _item(i: Any) -> Entry:
    return Entry(
        f"{i.title} · {i.region.name} · {i.deadline:%Y-%m-%d} · {i.get_status_display()}",
        reverse("cases:rectification-detail", args=[i.pk]),
    )


def _meetings(s: Scope) -> Any:
    return meeting_counters(s.region, s.start, s.end)


def _meeting(m: Any) -> Entry:
    return Entry(
        f"{m.held_on:%Y-%m-%d} {m.village.name}", reverse("inquiries:meeting-detail", args=[m.pk])
    )


def _demand(d: Any) -> Entry:
    return Entry(
        f"{d.meeting.village.name} · {d.text[:40]}",
        reverse("inquiries:demand-detail", args=[d.pk]),
        d.funds_returned,
    )


def _flags(s: Scope) -> Any:
    return (
        visible_flags(s.user)
        .filter(village__code__startswith=s.prefix)
        .select_related("village", "item")
    )


def _flag(f: Any) -> Entry:
    return Entry(
        f"{f.period} {f.village.name} {f.item.name if f.item else ''} · {f.get_status_display()}",
        reverse("redflags:flag-detail", args=[f.pk]),
        f.stake,
    )


def _inspection(s: Scope, indicator: str) -> list[Any]:
    """The assessment's records of the region's towns; on a village's page, only those about
    the village (its own months of coverage, the reports of the group that covers it)."""
    return [
        r
        for town in towns_of(s.region)
        for r in assess(town, s.start, s.end, s.today, only=indicator).measures[0].records
        if s.region.kind != RegionKind.VILLAGE or s.region.code in r.regions
    ]


def _record(r: Any) -> Entry:
    return Entry(f"{'✓' if r.counts else '✗'} {r.label}", r.url)


OPEN_FLAG = [FlagStatus.OPEN, FlagStatus.ASKED]
SANCTIONS = [OutcomeKind.PARTY_SANCTION, OutcomeKind.STATE_SANCTION]

# key: (section, label, records, describe, how the number is made from the records, unit)
COUNTERS: dict[str, tuple[Any, Any, Callable[[Scope], Any], Callable[[Any], Entry], str, Any]] = {
    "petitions": (_("Petitions and reports"), _("received"), _petitions, _petition, "count", ""),
    "petitions_accepted": (
        _("Petitions and reports"),
        _("accepted"),
        lambda s: [p for p in _petitions(s) if p.status in ACCEPTED],
        _petition,
        "count",
        "",
    ),
    "petitions_concluded": (
        _("Petitions and reports"),
        _("concluded"),
        lambda s: [
            p for p in _petitions(s) if p.status in (PetitionStatus.FINAL, PetitionStatus.CLOSED)
        ],
        _petition,
        "count",
        "",
    ),
    "petitions_overdue": (
        _("Petitions and reports"),
        _("overdue"),
        lambda s: [
            p
            for p in _petitions(s)
            if p.status in OPEN_STATUSES and light(p, s.today) in ("red", "black")
        ],
        _petition,
        "count",
        "",
    ),
    "petitions_satisfaction": (
        _("Petitions and reports"),
        _("satisfied with the answer"),
        lambda s: [p for p in _petitions(s) if p.satisfied is not None],
        _petition,
        "satisfied",
        "%",
    ),
    "leads": (_("Leads and sanctions"), _("leads"), _leads, _lead, "count", ""),
    "leads_concluded": (
        _("Leads and sanctions"),
        _("concluded"),
        lambda s: _leads(s).filter(status=LeadStatus.CONCLUDED),
        _lead,
        "count",
        "",
    ),
    "sanctioned": (
        _("Leads and sanctions"),
        _("people sanctioned"),
        lambda s: _outcomes(s, SANCTIONS),
        _outcome,
        "people",
        "",
    ),
    "funds_recovered": (
        _("Leads and sanctions"),
        _("funds recovered"),
        lambda s: _outcomes(s, [OutcomeKind.FUNDS_RECOVERED]),
        _outcome,
        "sum",
        _("yuan"),
    ),
    "funds_returned": (
        _("Leads and sanctions"),
        _("returned to villagers"),
        lambda s: _outcomes(s, [OutcomeKind.FUNDS_RETURNED]),
        _outcome,
        "sum",
        _("yuan"),
    ),
    "items_open": (
        _("Rectification"),
        _("open"),
        lambda s: _items(s).exclude(status=RectificationStatus.CLOSED_OUT).order_by("deadline"),
        _item,
        "count",
        "",
    ),
    "items_overdue": (
        _("Rectification"),
        _("overdue"),
        lambda s: (
            _items(s)
            .exclude(status=RectificationStatus.CLOSED_OUT)
            .filter(deadline__lt=s.today)
            .order_by("deadline")
        ),
        _item,
        "count",
        "",
    ),
    "items_closed": (
        _("Rectification"),
        _("closed out"),
        lambda s: (
            _items(s)
            .filter(status=RectificationStatus.CLOSED_OUT, closed_on__range=(s.start, s.end))
            .order_by("-closed_on")
        ),
        _item,
        "count",
        "",
    ),
    "meetings": (
        _("Inquiry meetings"),
        _("meetings"),
        lambda s: _meetings(s).meetings.order_by("-held_on"),
        _meeting,
        "count",
        "",
    ),
    "demands": (
        _("Inquiry meetings"),
        _("demands"),
        lambda s: _meetings(s).demands,
        _demand,
        "count",
        "",
    ),
    "demands_solved": (
        _("Inquiry meetings"),
        _("problems solved"),
        lambda s: _meetings(s).solved,
        _demand,
        "count",
        "",
    ),
    "meeting_funds": (
        _("Inquiry meetings"),
        _("returned to villagers"),
        lambda s: _meetings(s).solved,
        _demand,
        "sum",
        _("yuan"),
    ),
    "coverage": (
        _("Village inspection"),
        _("village coverage"),
        lambda s: _inspection(s, Indicator.COVERAGE),
        _record,
        "share",
        "%",
    ),
    "reports": (
        _("Village inspection"),
        _("reports on time"),
        lambda s: _inspection(s, Indicator.REPORTS),
        _record,
        "share",
        "%",
    ),
    "flags_pending": (
        _("Cross-checks"),
        _("flags pending"),
        lambda s: _flags(s).filter(status__in=OPEN_FLAG),
        _flag,
        "count",
        "",
    ),
    "flags_confirmed": (
        _("Cross-checks"),
        _("confirmed"),
        lambda s: _flags(s).filter(
            status=FlagStatus.CONFIRMED, reviewed_at__date__range=(s.start, s.end)
        ),
        _flag,
        "count",
        "",
    ),
    "flags_stake": (
        _("Cross-checks"),
        _("money at stake"),
        lambda s: _flags(s).filter(status__in=OPEN_FLAG),
        _flag,
        "sum",
        _("yuan"),
    ),
}
FLAG_KEYS = {"flags_pending", "flags_confirmed", "flags_stake"}

# On a village's page a figure that would read as the town's is named for what it counts.
VILLAGE_LABELS = {
    "coverage": _("months with an inspection visit"),
    "reports": _("its inspection group's reports on time"),
}

# The open petitions' deadline lights, in the order of the funnel chart.
LIGHTS = [
    ("green", pgettext_lazy("deadline light", "on time")),
    ("amber", _("3 days or less")),
    ("red", _("late")),
    ("black", _("very late")),
]


def _open_petitions(s: Scope) -> Any:
    return (
        visible_petitions(s.user)
        .filter(region__code__startswith=s.prefix, status__in=OPEN_STATUSES)
        .select_related("region")
        .order_by("due_on", "pk")
    )


def _petitions_lit(s: Scope, code: str) -> list[Any]:
    return [p for p in _open_petitions(s) if light(p, s.today) == code]


def _items_from(s: Scope, source: str) -> Any:
    return _items(s).filter(source_kind=source).order_by("deadline")


def _exam(s: Scope) -> Exam | None:
    """The latest graded exam open in the period."""
    return (
        Exam.objects.filter(practice=False, opens_on__lte=s.end, deadline__gte=s.start)
        .order_by("-deadline", "-pk")
        .first()
    )


def _cohort(s: Scope, passed: bool) -> list[Record]:
    """The exam's cohort in the region, each marked taken (or passed) or not."""
    exam = _exam(s)
    if exam is None:
        return []
    results = reverse("exams:exam-results", args=[exam.pk])
    return [
        Record(
            f"{x.user.display_name or x.user.username} · "
            f"{x.user.unit.name if x.user.unit else x.user.region.name}",
            results,
            bool(x.passed if passed else x.attempts),
        )
        for x in standings(exam)
        if x.user.region and x.user.region.code.startswith(s.prefix)
    ]


# Lists a figure outside the tiles opens (a chart's bar, a heat cell, an exam tile), made by the
# same functions as the figure, so the figure and its list cannot disagree.
LISTS: dict[str, tuple[Any, Any, Callable[[Scope], Any], Callable[[Any], Entry], str, Any]] = {
    **{
        f"items_{source}": (
            _("Rectification"),
            format_lazy(_("rectification items from: {source}"), source=name),
            partial(_items_from, source=source),
            _item,
            "count",
            "",
        )
        for source, name in SourceKind.choices
    },
    **{
        f"petitions_{code}": (
            _("Petitions and reports"),
            format_lazy(_("open petitions, deadline: {light}"), light=name),
            partial(_petitions_lit, code=code),
            _petition,
            "count",
            "",
        )
        for code, name in LIGHTS
    },
    "items_all": (
        _("Rectification"),
        _("rectification items closed out"),
        lambda s: _items(s).order_by("deadline"),
        _item,
        "closed",
        "%",
    ),
    **{
        key: (
            _("Opinion and learning"),
            label,
            partial(_cohort, passed=passed),
            _record,
            "share",
            "%",
        )
        for key, label, passed in (
            ("exam_taken", _("exam completion"), False),
            ("exam_passed", _("exam passed"), True),
        )
    },
}


def label_of(key: str, region: Region) -> Any:
    if region.kind == RegionKind.VILLAGE and key in VILLAGE_LABELS:
        return VILLAGE_LABELS[key]
    return {**COUNTERS, **LISTS}[key][1]


def url_of(region: Region, key: str, start: datetime.date, end: datetime.date) -> str:
    return reverse("dashboard:drill", args=[region.code, key]) + (
        f"?start={start.isoformat()}&end={end.isoformat()}"
    )


def _value(how: str, records: Any, describe: Callable[[Any], Entry]) -> Any:
    if how == "count":
        return (
            records.count()
            if hasattr(records, "count") and not isinstance(records, list)
            else len(records)
        )
    if how == "sum":
        return sum((describe(r).amount or Decimal(0) for r in records), Decimal(0))
    if how == "closed":  # the share of the items closed out
        closed = sum(1 for r in records if r.status == RectificationStatus.CLOSED_OUT)
        return round(100 * closed / len(records), 1) if records else 0.0
    if how == "people":  # as the case engine's counters count them: each person once
        return len({r.person_id for r in records})
    if how == "satisfied":  # of the answers the petitioners rated, the share they liked
        liked = sum(1 for r in records if r.satisfied)
        return round(100 * liked / len(records), 1) if records else "—"
    good = sum(1 for r in records if r.counts)
    return round(100 * good / len(records), 1) if records else "—"


def records(scope: Scope, key: str) -> tuple[Any, list[Entry], Any]:
    """The label, the records behind a number and the number they make (the same as the tile)."""
    _section, _label, fetch, describe, how, _unit = {**COUNTERS, **LISTS}[key]
    found = list(fetch(scope))
    return label_of(key, scope.region), [describe(r) for r in found], _value(how, found, describe)


def headline(
    user: Actor, region: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> list[Section]:
    """Every module's counters for the region and the period, over what this user may see; each
    tile opens the records it counts."""
    scope = Scope(user, region, start, end, today)
    sections: dict[str, Section] = {}
    for key, (section, _label, fetch, describe, how, unit) in COUNTERS.items():
        if key in FLAG_KEYS and not sees_flags(user):
            continue
        value = _value(how, list(fetch(scope)), describe)
        sections.setdefault(str(section), Section(section)).tiles.append(
            Tile(key, label_of(key, region), value, url_of(region, key, start, end), unit)
        )
    learning = _learning(scope)
    if learning.tiles:
        sections[str(learning.title)] = learning
    return list(sections.values())


def _learning(s: Scope) -> Section:
    """The survey index (opening the index page of its year) and the latest exam's completion
    (opening the cohort of the region, each marked). The survey samples towns, not villages: a
    village's page shows its town's index and says so."""
    section = Section(_("Opinion and learning"))
    towns = towns_of(s.region)
    if towns:
        found = town_index_in(towns[0], s.start.replace(month=1, day=1), s.end)
        if found:
            survey, town_value, county_value = found[-1]
            value = county_value if s.region.kind == RegionKind.COUNTY else town_value
            label: Any = _("social evaluation index")
            if s.region.kind == RegionKind.VILLAGE:
                label = format_lazy(
                    _("social evaluation index of {town} (the survey samples towns)"),
                    town=towns[0].name,
                )
            section.tiles.append(
                Tile(
                    "index",
                    label,
                    "—" if value is None else value,
                    reverse("surveys:index") + f"?year={survey.year}",
                )
            )
    for key in ("exam_taken", "exam_passed"):
        marks = LISTS[key][2](s)
        if marks:
            section.tiles.append(
                Tile(
                    key,
                    label_of(key, s.region),
                    _value("share", marks, _record),
                    url_of(s.region, key, s.start, s.end),
                    "%",
                )
            )
    return section


def sees_flags(user: Actor) -> bool:
    return getattr(user, "role", "") in REVIEWER_ROLES


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


@dataclass
class HeatTable:
    """The region's parts (towns of the county, villages of a town, the village itself) ×
    sources of rectification items (where problems come from), each cell shaded by its count
    and opening exactly the items it counts."""

    columns: list[tuple[str, str]]
    rows: list[tuple[Region, list[tuple[str, int, int]]]]  # per part: (list, count, shade 0–9)
    kind: str  # what the rows are: town or village


def source_heat(user: Actor, region: Region) -> HeatTable:
    if region.kind == RegionKind.VILLAGE:
        parts = [region]
    else:
        parts = list(region.children.order_by("code"))
    items = visible_rectifications(user).filter(region__code__startswith=region.scope_prefix)
    counts: Counter[tuple[int, str]] = Counter()
    for code, source in items.values_list("region__code", "source_kind").order_by():
        part = next((p for p in parts if code.startswith(p.scope_prefix)), None)
        if part is not None:
            counts[(part.pk, source)] += 1
    sources = [(k, str(label)) for k, label in SourceKind.choices if any(c[1] == k for c in counts)]
    top = max(counts.values(), default=0)
    rows = []
    for part in parts:
        cells = []
        for key, _label in sources:
            n = counts[(part.pk, key)]
            cells.append((f"items_{key}", n, min(9, (10 * n) // top) if top and n else 0))
        rows.append((part, cells))
    kind = RegionKind.TOWN if region.kind == RegionKind.COUNTY else RegionKind.VILLAGE
    return HeatTable(sources, rows, kind)


def deadline_funnel(
    user: Actor, region: Region, today: datetime.date
) -> list[tuple[str, str, int]]:
    """Open petitions by how their deadline stands: on time, close (≤ 3 days), late, very late."""
    lights = Counter(
        light(p, today)
        for p in visible_petitions(user)
        .filter(region__code__startswith=region.scope_prefix, status__in=OPEN_STATUSES)
        .only("due_on")
    )
    return [(code, str(name), lights[code]) for code, name in LIGHTS]
