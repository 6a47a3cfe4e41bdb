"""Reads for 阳光问廉: public lists, timeliness, scoreboards and the meetings' counters."""

import datetime
import json
import statistics
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.utils import timezone

from lianyun.cases.models import Milestone, RectificationStatus
from lianyun.inquiries.models import (
    OPEN_FOR_ANSWER,
    Answer,
    Demand,
    Inquiry,
    InquiryMeeting,
    MeetingStatus,
    Questioned,
)
from lianyun.publications.actions import canonical
from lianyun.publications.live import Problem
from lianyun.publications.models import Entry, EntryKind
from lianyun.regions.codes import town_code
from lianyun.regions.models import Region, RegionKind, Unit

CENTS = Decimal("0.01")


def meeting_result_payload(meeting: InquiryMeeting) -> dict[str, Any]:
    """What a meeting's result notice publishes: every vote and every demand with its promise."""
    officials = meeting.officials.select_related("person")
    demands = meeting.demands.select_related("item")
    return {
        "kind": "meeting_result",
        "meeting": meeting.pk,
        "village": meeting.village.code,
        "village_name": meeting.village.name,
        "held_on": meeting.held_on.isoformat() if meeting.held_on else "",
        "threshold": meeting.threshold,
        "votes": [
            [
                q.title + " " + q.person.name,
                q.votes_satisfied,
                q.votes_basic,
                q.votes_unsatisfied,
                q.flagged,
            ]
            for q in officials
        ],
        "demands": [
            [
                d.number,
                d.raised_by_masked,
                d.text,
                d.promise,
                d.item.deadline.isoformat() if d.item else "",
            ]
            for d in demands
        ],
    }


def differing_from_record() -> Iterator[Problem]:
    """Answers and meeting results whose rows no longer match what was published, for
    verify_publications: an answer's text, time and question, and a result's every field."""
    answers = {
        (a.inquiry_id, a.round): a for a in Answer.objects.select_related("inquiry").iterator(500)
    }
    entries = Entry.objects.filter(kind=EntryKind.INQUIRY_ANSWER).order_by("index")
    for index, payload in entries.values_list("index", "payload").iterator(500):
        published = json.loads(payload)
        answer = answers.get((published["inquiry"], published["round"]))
        if answer is None or (
            answer.text != published["answer"]
            or answer.inquiry.question != published["question"]
            or answer.answered_at != datetime.datetime.fromisoformat(published["answered_at"])
        ):
            yield Problem(
                f"question {published['inquiry']} answer {published['round']}",
                f"its row differs from entry {index} as published",
            )
    meetings = InquiryMeeting.objects.filter(result_entry__isnull=False).select_related("village")
    published_results: dict[int, str] = dict(
        Entry.objects.filter(kind=EntryKind.MEETING_RESULT).values_list("index", "payload")
    )
    for meeting in meetings.order_by("pk").iterator(200):
        result = published_results.get(meeting.result_entry or -1)
        if result is None or canonical(meeting_result_payload(meeting)) != result:
            yield Problem(
                f"meeting {meeting.pk}",
                f"its result differs from entry {meeting.result_entry} as published",
            )


def published_inquiries(region: Region | None = None) -> QuerySet[Inquiry]:
    inquiries = Inquiry.objects.filter(published_at__isnull=False).select_related(
        "unit__region__parent", "official"
    )
    if region is not None:
        inquiries = inquiries.filter(unit__region__code__startswith=region.scope_prefix)
    return inquiries.prefetch_related(
        Prefetch("answers", queryset=Answer.objects.prefetch_related("commitments__item"))
    )


@dataclass(frozen=True)
class Timeliness:
    code: str  # on_time | late | overdue | waiting
    due: datetime.date | None


def timeliness(inquiry: Inquiry, today: datetime.date | None = None) -> Timeliness:
    """Against the first answer's due date, from the system's own timestamps."""
    today = today or timezone.localdate()
    due = inquiry.answer_due
    if due is None:
        return Timeliness("waiting", None)
    if inquiry.first_answered_at is not None:
        answered = timezone.localdate(inquiry.first_answered_at)
        return Timeliness("on_time" if answered <= due else "late", due)
    if inquiry.status in OPEN_FOR_ANSWER and today > due:
        return Timeliness("overdue", due)
    return Timeliness("waiting", due)


def is_overdue(inquiry: Inquiry, today: datetime.date | None = None) -> bool:
    today = today or timezone.localdate()
    if inquiry.status == "awaiting":
        return inquiry.answer_due is not None and today > inquiry.answer_due
    if inquiry.status == "reopened":
        return inquiry.second_due is not None and today > inquiry.second_due
    return False


@dataclass
class Score:
    """One line of the scoreboard, for a unit or a named official."""

    label: str
    region: str
    unit_id: int | None = None  # a unit's line links to its questions
    asked: int = 0
    answered: int = 0
    overdue: int = 0
    rated: int = 0
    satisfied: int = 0
    hours: list[float] = field(default_factory=list)

    @property
    def answer_rate(self) -> int | None:
        return round(100 * self.answered / self.asked) if self.asked else None

    @property
    def median_days(self) -> float | None:
        return round(statistics.median(self.hours) / 24, 1) if self.hours else None

    @property
    def satisfaction(self) -> int | None:
        return round(100 * self.satisfied / self.rated) if self.rated else None


def scoreboard(
    inquiries: QuerySet[Inquiry], today: datetime.date | None = None
) -> tuple[list[Score], list[Score]]:
    """Per unit and per named official. Only what the system recorded counts: when the
    question was published, when the first answer was saved, the asker's rating. A date an
    official typed in (`Answer.stated_date`) plays no part."""
    today = today or timezone.localdate()
    units: dict[int, Score] = {}
    officials: dict[int, Score] = {}
    rows = inquiries.filter(published_at__isnull=False).select_related("unit__region", "official")
    for inquiry in rows:
        lines = [
            units.setdefault(
                inquiry.unit_id,
                Score(inquiry.unit.name, inquiry.unit.region.name, unit_id=inquiry.unit_id),
            )
        ]
        if inquiry.official is not None:
            lines.append(
                officials.setdefault(
                    inquiry.official.pk,
                    Score(
                        f"{inquiry.official.name}（{inquiry.official_title}）",
                        inquiry.unit.name,
                    ),
                )
            )
        late = timeliness(inquiry, today).code in ("late", "overdue")
        for line in lines:
            line.asked += 1
            if inquiry.first_answered_at is not None and inquiry.published_at is not None:
                line.answered += 1
                line.hours.append(
                    (inquiry.first_answered_at - inquiry.published_at).total_seconds() / 3600
                )
            line.overdue += late
            if inquiry.rated_at is not None:
                line.rated += 1
                line.satisfied += bool(inquiry.satisfied)

    def ordered(scores: dict[int, Score]) -> list[Score]:
        return sorted(scores.values(), key=lambda s: (-s.asked, s.label))

    return ordered(units), ordered(officials)


# --- meetings ---------------------------------------------------------------------------------


def meetings_within(region: Region | None = None) -> QuerySet[InquiryMeeting]:
    meetings = InquiryMeeting.objects.select_related("village__parent")
    if region is not None:
        meetings = meetings.filter(village__code__startswith=region.scope_prefix)
    return meetings


@dataclass
class MeetingCounters:
    """The article's counters for a region and a period of meetings held."""

    meetings: QuerySet[InquiryMeeting]
    demands: QuerySet[Demand]
    solved: QuerySet[Demand]
    flagged: QuerySet[Questioned]

    @property
    def funds_returned(self) -> Decimal:
        total = self.solved.aggregate(total=Sum("funds_returned"))["total"]
        return Decimal(total or 0).quantize(CENTS)

    def as_dict(self) -> dict[str, object]:
        return {
            "meetings": self.meetings.count(),
            "demands": self.demands.count(),
            "solved": self.solved.count(),
            "funds_returned": self.funds_returned,
            "flagged": self.flagged.count(),
        }


def meeting_counters(
    region: Region | None, start: datetime.date | None, end: datetime.date | None
) -> MeetingCounters:
    """Meetings held in the period; their demands; those whose item is closed out (销号);
    money returned to villagers on those; officials below their meeting's threshold."""
    meetings = meetings_within(region).filter(status=MeetingStatus.HELD)
    if start is not None:
        meetings = meetings.filter(held_on__gte=start)
    if end is not None:
        meetings = meetings.filter(held_on__lte=end)
    demands = Demand.objects.filter(meeting__in=meetings).select_related("meeting__village", "item")
    return MeetingCounters(
        meetings=meetings,
        demands=demands,
        solved=demands.filter(item__status=RectificationStatus.CLOSED_OUT),
        flagged=Questioned.objects.filter(meeting__in=meetings, flagged=True).select_related(
            "person", "meeting__village"
        ),
    )


def counters_by_town(counters: MeetingCounters) -> list[dict[str, object]]:
    """The same counters, one line per town, for the chart."""
    rows: dict[str, dict[str, object]] = defaultdict(
        lambda: {"meetings": 0, "demands": 0, "solved": 0, "funds": Decimal("0")}
    )
    names: dict[str, str] = {}
    for meeting in counters.meetings.select_related("village__parent"):
        town = meeting.village.parent
        assert town is not None  # noqa: S101 - a village always has its town
        names[town.code] = town.name
        rows[town.code]["meetings"] += 1  # type: ignore[operator]
    for demand in counters.demands.select_related("meeting__village"):
        code = town_code(demand.meeting.village.code)
        rows[code]["demands"] += 1  # type: ignore[operator]
    for demand in counters.solved.select_related("meeting__village"):
        code = town_code(demand.meeting.village.code)
        rows[code]["solved"] += 1  # type: ignore[operator]
        rows[code]["funds"] += demand.funds_returned  # type: ignore[operator]
    return [{"code": code, "name": names.get(code, code), **rows[code]} for code in sorted(rows)]


# --- what the pages read -------------------------------------------------------------------


def listed_inquiries(
    town: Region | None, category: str = "", unit_id: int | None = None
) -> QuerySet[Inquiry]:
    """Published questions, newest first, of a town (or all), a category and a unit if named."""
    inquiries = published_inquiries(town)
    if category:
        inquiries = inquiries.filter(category=category)
    if unit_id is not None:
        inquiries = inquiries.filter(unit_id=unit_id)
    return inquiries.order_by("-published_at", "-pk")


def units_asked(places: list[Region], county: Region | None) -> list[Unit]:
    """The units a villager may ask: of their village and town, then the county's."""
    regions = [*places, *([county] if county is not None else [])]
    return list(
        Unit.objects.filter(region__in=regions)
        .select_related("region")
        .order_by("-region__code", "name")
    )


def places_in_county(county_digits: str) -> QuerySet[Region]:
    """The towns and villages of a county, by code: where a villager may ask about."""
    return Region.objects.filter(
        kind__in=[RegionKind.VILLAGE, RegionKind.TOWN], code__startswith=county_digits
    ).order_by("code")


def counties_and_towns() -> QuerySet[Region]:
    return Region.objects.filter(kind__in=[RegionKind.COUNTY, RegionKind.TOWN]).order_by("code")


def own_listed(inquiries: QuerySet[Inquiry]) -> QuerySet[Inquiry]:
    return inquiries.select_related("unit")


def meeting_officials(meeting: InquiryMeeting) -> QuerySet[Questioned]:
    return meeting.officials.select_related("person", "unit")


def meeting_demands(meeting: InquiryMeeting) -> QuerySet[Demand]:
    return meeting.demands.select_related("item", "answered_by__person")


def demand_milestones(demand: Demand) -> list[Milestone]:
    return list(demand.item.milestones.all()) if demand.item else []


def drill_down(counters: Any, show: str) -> Any:
    """The records behind one of the statistics page's counters."""
    if show == "meetings":
        return counters.meetings.order_by("-held_on")[:500]
    if show in ("demands", "solved", "funds"):
        demands = counters.solved if show != "demands" else counters.demands
        if show == "funds":
            demands = demands.filter(funds_returned__gt=0)
        return demands.order_by("-meeting__held_on", "number")[:500]
    if show == "flagged":
        return counters.flagged.order_by("-meeting__held_on")[:500]
    return None


def screening_listed(queue: QuerySet[Inquiry]) -> list[Inquiry]:
    return list(
        queue.select_related("unit", "official", "asker__village").order_by("screen_due", "pk")[
            :200
        ]
    )


def answering_listed(
    queue: QuerySet[Inquiry], today: datetime.date
) -> tuple[list[tuple[Inquiry, bool]], list[Inquiry]]:
    """Questions waiting for this account's answer, each with whether it is overdue, and the
    last 100 it answered."""
    queue = queue.select_related("unit", "official")
    waiting = [(q, is_overdue(q, today)) for q in queue.filter(status__in=["awaiting", "reopened"])]
    return waiting, list(queue.exclude(status__in=["awaiting", "reopened"])[:100])


def answers_of(inquiry: Inquiry) -> QuerySet[Answer]:
    return inquiry.answers.all()


def answers_with_commitments(inquiry: Inquiry) -> QuerySet[Answer]:
    return inquiry.answers.prefetch_related("commitments__item")


def referred_listed(queue: QuerySet[Inquiry]) -> list[Inquiry]:
    return list(
        queue.select_related("unit", "official").order_by("commission_note", "-escalated_at")[:200]
    )


def meeting_villages(villages: QuerySet[Region]) -> list[Region]:
    return list(villages.select_related("parent"))


def published_inquiry(pk: int) -> Inquiry | None:
    return published_inquiries().filter(pk=pk).first()


def meetings_shown(town: Region | None = None) -> QuerySet[InquiryMeeting]:
    """Meetings with their officials and demands read along (for the API)."""
    return meetings_within(town).prefetch_related("officials__person", "demands__item")


def meeting_shown(pk: int) -> InquiryMeeting | None:
    return meetings_shown().filter(pk=pk).first()
