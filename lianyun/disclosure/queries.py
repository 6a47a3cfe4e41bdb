"""Reads over disclosures: periods, windows, which villages are overdue, the difference a
correction makes."""

import datetime
import difflib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from lianyun.core.deadline_rules import RULES
from lianyun.core.deadlines import Deadline, compute_deadline
from lianyun.disclosure.models import Disclosure, DisclosureFile, DisclosureKind
from lianyun.publications.actions import canonical
from lianyun.publications.live import Problem
from lianyun.regions.models import Region, RegionKind

# 村民委员会组织法 art. 30: finances every month, other matters at least every quarter.
MONTHLY = {DisclosureKind.FINANCE}


def period_of(kind: str, day: datetime.date) -> str:
    if kind in MONTHLY:
        return f"{day.year}-{day.month:02d}"
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def previous_period(kind: str, today: datetime.date) -> str:
    """The last finished month (finances) or quarter (party and village affairs)."""
    if kind in MONTHLY:
        return period_of(kind, today.replace(day=1) - datetime.timedelta(days=1))
    quarter_start = datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, 1)
    return period_of(kind, quarter_start - datetime.timedelta(days=1))


def due_on(kind: str, today: datetime.date) -> datetime.date:
    """When the previous period's disclosure is due: a set day of the month (finances) or of
    the quarter's first month (the others), 15 by default (docs/domain.md §4.2, 财务公开日)."""
    day = settings.LIANYUN_DISCLOSURE_DUE_DAY
    if kind in MONTHLY:
        return today.replace(day=day)
    return datetime.date(today.year, (today.month - 1) // 3 * 3 + 1, day)


def posting_window(disclosure: Disclosure) -> Deadline:
    """The earliest day a notice may come down (≥ 5 days up)."""
    return compute_deadline(RULES["disclosure_posting"], disclosure.posted_on)


def objection_window(disclosure: Disclosure) -> Deadline:
    return compute_deadline(RULES["disclosure_objection"], disclosure.posted_on)


def objections_open(disclosure: Disclosure, today: datetime.date) -> bool:
    return today <= objection_window(disclosure).due


def payload_of(disclosure: Disclosure, files: list[str]) -> dict[str, Any]:
    """What goes into the chain: everything the public page shows, and each file's hash."""
    return {
        "village": disclosure.village.code,
        "kind": disclosure.kind,
        "major": disclosure.major,
        "period": disclosure.period,
        "title": disclosure.title,
        "body": disclosure.body,
        "posted_on": disclosure.posted_on.isoformat(),
        "files": files,
        "corrects": disclosure.corrects.entry.index if disclosure.corrects else None,
    }


def matches_record(disclosure: Disclosure) -> bool:
    """Whether the notice as stored is exactly what its publication entry holds."""
    files = [f.sha256 for f in disclosure.files.all()]
    return canonical(payload_of(disclosure, files)) == disclosure.entry.payload


def differing_from_record() -> Iterator[Problem]:
    """Every disclosure whose row no longer matches its publication entry (verify_publications)."""
    notices = Disclosure.objects.select_related("village", "entry", "corrects__entry")
    for disclosure in notices.prefetch_related("files").order_by("pk").iterator(500):
        files = [f.sha256 for f in disclosure.files.all()]
        if canonical(payload_of(disclosure, files)) != disclosure.entry.payload:
            yield Problem(
                f"disclosure {disclosure.pk}",
                f"its row differs from entry {disclosure.entry.index} as published",
            )


def public_disclosures(village: Region) -> QuerySet[Disclosure]:
    return Disclosure.objects.filter(village=village).select_related("entry", "corrects")


@dataclass(frozen=True)
class KindState:
    kind: str
    period: str  # the period that must be posted
    last: str  # the latest period posted, or ""
    overdue: bool


@dataclass(frozen=True)
class VillageRow:
    village: Region
    states: list[KindState]

    @property
    def overdue(self) -> bool:
        return any(state.overdue for state in self.states)


def cadence(villages: QuerySet[Region], today: datetime.date) -> list[VillageRow]:
    """Per village and kind: what was last posted, and whether the due period is missing."""
    posted: dict[tuple[int, str], set[str]] = {}
    for village_id, kind, period in Disclosure.objects.filter(
        village__in=villages, major=False
    ).values_list("village_id", "kind", "period"):
        posted.setdefault((village_id, kind), set()).add(period)
    rows = []
    for village in villages.order_by("code"):
        states = []
        for kind in DisclosureKind.values:
            periods = posted.get((village.pk, kind), set())
            required = previous_period(kind, today)
            states.append(
                KindState(
                    kind=kind,
                    period=required,
                    last=max(periods, default=""),
                    overdue=required not in periods and today > due_on(kind, today),
                )
            )
        rows.append(VillageRow(village=village, states=states))
    return rows


@dataclass(frozen=True)
class TownRow:
    town: Region
    villages: int
    overdue: list[int]  # villages overdue, per kind in DisclosureKind order


def cadence_by_town(county: Region, today: datetime.date) -> list[TownRow]:
    towns = Region.objects.filter(parent=county, kind=RegionKind.TOWN).order_by("code")
    rows = []
    for town in towns:
        villages = Region.objects.filter(parent=town, kind=RegionKind.VILLAGE)
        states = cadence(villages, today)
        rows.append(
            TownRow(
                town=town,
                villages=len(states),
                overdue=[
                    sum(1 for row in states for s in row.states if s.kind == kind and s.overdue)
                    for kind in DisclosureKind.values
                ],
            )
        )
    return rows


def difference(disclosure: Disclosure) -> list[tuple[str, str]]:
    """What a correction changed: (sign, line) with sign in "+", "-", " "."""
    old = disclosure.corrects
    if old is None:
        return []
    before = [f"{old.title}", *old.body.splitlines()]
    after = [f"{disclosure.title}", *disclosure.body.splitlines()]
    lines = []
    for line in difflib.ndiff(before, after):
        if line.startswith("? "):
            continue
        lines.append((line[0], line[2:]))
    return lines


def disclosures_of_kind(disclosures: QuerySet[Disclosure], kind: str) -> QuerySet[Disclosure]:
    return disclosures.filter(kind=kind) if kind else disclosures


def files_of(disclosure: Disclosure) -> list[DisclosureFile]:
    return list(disclosure.files.all())


def file_of(disclosure: Disclosure, pk: int) -> DisclosureFile | None:
    return DisclosureFile.objects.filter(disclosure=disclosure, pk=pk).first()


def villages_of(town: Region) -> QuerySet[Region]:
    return Region.objects.filter(parent=town, kind=RegionKind.VILLAGE)
