"""The county's assessment of towns: a weighted score per town and period, computed only from
what the system recorded, each indicator with its formula and the records behind it."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from lianyun.accounts.models import User
from lianyun.cases.models import RectificationItem, RectificationStatus, SourceKind
from lianyun.core.roles import Role
from lianyun.inquiries.models import Inquiry
from lianyun.inspections.models import (
    DEFAULT_WEIGHTS,
    AssessmentWeight,
    ChecklistItem,
    Expenditure,
    Finding,
    FindingStatus,
    Indicator,
    InspectionGroup,
    Membership,
    MonthlyReport,
    SampleItem,
    TownSummary,
    Visit,
    VisitPhoto,
    WeightChange,
)
from lianyun.petitions.models import Petition, PetitionKind
from lianyun.regions.models import Region
from lianyun.surveys.queries import town_index_in


@dataclass
class Record:
    label: str
    url: str
    counts: bool  # on the good side of the ratio
    regions: tuple[str, ...] = ()  # the villages (or the town) the record is about, by code


@dataclass
class Measure:
    indicator: str
    good: float = 0
    total: int = 0
    records: list[Record] = field(default_factory=list)

    @property
    def ratio(self) -> float | None:
        return self.good / self.total if self.total else None

    @property
    def percent(self) -> float | None:
        return None if self.ratio is None else round(100 * self.ratio, 1)

    @property
    def empty_reason(self) -> str:
        """Why an indicator has no records: said beside its "—" instead of leaving a blank."""
        return str(EMPTY_REASONS[Indicator(self.indicator)]) if not self.total else ""

    @property
    def shown(self) -> str:
        """Records counted as good of all; the survey indicator is the mean index itself."""
        if not self.total:
            return "—"
        if self.indicator == Indicator.SURVEYS:
            return str(self.percent)
        return f"{self.good}/{self.total}"


EMPTY_REASONS = {
    Indicator.COVERAGE: _("No inspection group covered a village of the town in the period."),
    Indicator.REPORTS: _("No monthly report of the town's groups fell due in the period."),
    Indicator.FINDINGS: _(
        "No item from an inspection finding fell due in the period (only living-conditions "
        "findings put an item on the list)."
    ),
    Indicator.RECTIFICATION: _("No public rectification item of the town fell due in the period."),
    Indicator.PETITIONS: _("No suggestion or request to the town fell due in the period."),
    Indicator.INQUIRIES: _("No public question to the town's units fell due in the period."),
    Indicator.SURVEYS: _("No yearly survey with the town's answers closed in the period."),
}


def weights() -> dict[str, int]:
    stored = dict(AssessmentWeight.objects.values_list("indicator", "weight"))
    return {code: stored.get(code, DEFAULT_WEIGHTS[Indicator(code)]) for code in Indicator.values}


def _months(start: datetime.date, end: datetime.date) -> list[str]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day.strftime("%Y-%m"))
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return months


def _coverage(
    town: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> Measure:
    """Each village a group covers, each month of the period: visited at least once?"""
    measure = Measure(Indicator.COVERAGE)
    visited = set(
        Visit.objects.filter(group__town=town, visited_on__range=(start, end)).values_list(
            "village_id", "visited_on__year", "visited_on__month"
        )
    )
    for group in InspectionGroup.objects.filter(town=town).prefetch_related("villages"):
        for month in _months(max(start, group.formed_on), min(end, today)):
            year, number = int(month[:4]), int(month[5:])
            for village in group.villages.all():
                ok = (village.pk, year, number) in visited
                measure.total += 1
                measure.good += ok
                measure.records.append(
                    Record(
                        f"{group.name} {village.name} {month}",
                        reverse("inspections:group-detail", args=[group.pk]),
                        ok,
                        (village.code,),
                    )
                )
    return measure


def _reports(
    town: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> Measure:
    """Each group, each month of the period already due: signed by its due date?"""
    measure = Measure(Indicator.REPORTS)
    from lianyun.inspections.actions.reports import _due  # the rule the reports follow

    for group in InspectionGroup.objects.filter(town=town).prefetch_related("villages"):
        reports = {r.month: r for r in MonthlyReport.objects.filter(group=group)}
        covered = tuple(village.code for village in group.villages.all())
        for month in _months(max(start, group.formed_on), end):
            if _due(month, 5) >= today:
                continue
            report = reports.get(month)
            ok = bool(
                report
                and report.signed_at
                and timezone.localdate(report.signed_at) <= report.due_on
            )
            measure.total += 1
            measure.good += ok
            url = (
                reverse("inspections:report-detail", args=[report.pk])
                if report
                else reverse("inspections:report-list", args=[group.pk])
            )
            measure.records.append(Record(f"{group.name} {month}", url, ok, covered))
    return measure


def _items(
    town: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> QuerySet[RectificationItem]:
    return (
        RectificationItem.objects.filter(
            region__code__startswith=town.scope_prefix,
            deadline__range=(start, min(end, today - datetime.timedelta(days=1))),
        )
        .select_related("region")
        .order_by("deadline", "pk")
    )


def _item_record(item: RectificationItem, ok: bool) -> Record:
    return Record(
        f"{item.title} · {item.deadline:%Y-%m-%d}",
        reverse("cases:rectification-detail", args=[item.pk]),
        ok,
        (item.region.code,),
    )


def _findings(
    town: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> Measure:
    """Items opened from inspection findings, due in the period: closed out by the deadline?"""
    measure = Measure(Indicator.FINDINGS)
    for item in _items(town, start, end, today).filter(source_kind=SourceKind.INSPECTION):
        ok = (
            item.status == RectificationStatus.CLOSED_OUT
            and item.closed_on is not None
            and item.closed_on <= item.deadline
        )
        measure.total += 1
        measure.good += ok
        measure.records.append(_item_record(item, ok))
    return measure


def _rectification(
    town: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> Measure:
    """Every item due in the period, from any source: neither reopened nor left overdue?"""
    measure = Measure(Indicator.RECTIFICATION)
    for item in _items(town, start, end, today).filter(confidential=False):
        overdue = item.status != RectificationStatus.CLOSED_OUT or (
            item.closed_on is not None and item.closed_on > item.deadline
        )
        ok = item.reopen_count == 0 and not overdue
        measure.total += 1
        measure.good += ok
        measure.records.append(_item_record(item, ok))
    return measure


def _petitions(
    town: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> Measure:
    """Suggestions and requests of the town due in the period: answered by their due date?
    Each links by its number to the petition's page, which keeps its own access rules.

    Accusations are left out: the assessment is read by every town commission official, and a
    count that moved when an accusation arrived would tell a recused official that one did."""
    measure = Measure(Indicator.PETITIONS)
    petitions = Petition.objects.filter(
        region__code__startswith=town.scope_prefix,
        due_on__range=(start, min(end, today - datetime.timedelta(days=1))),
        repeat_of__isnull=True,
    ).exclude(kind=PetitionKind.ACCUSATION)
    for petition in petitions.select_related("region"):
        ok = petition.answered_on is not None and petition.answered_on <= petition.due_on  # type: ignore[operator]
        measure.total += 1
        measure.good += ok
        measure.records.append(
            Record(
                petition.number,
                reverse("petitions:petition-detail", args=[petition.pk]),
                ok,
                (petition.region.code,),
            )
        )
    return measure


def _inquiries(
    town: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> Measure:
    """Public questions to the town's units, due in the period: first answered in time?"""
    measure = Measure(Indicator.INQUIRIES)
    inquiries = Inquiry.objects.filter(
        unit__region__code__startswith=town.scope_prefix,
        answer_due__range=(start, min(end, today - datetime.timedelta(days=1))),
    ).order_by("answer_due", "pk")
    for inquiry in inquiries.select_related("unit__region"):
        answered = inquiry.first_answered_at
        ok = (
            answered is not None
            and inquiry.answer_due is not None
            and timezone.localdate(answered) <= inquiry.answer_due
        )
        measure.total += 1
        measure.good += ok
        measure.records.append(
            Record(
                inquiry.title,
                reverse("inquiries:inquiry-detail", args=[inquiry.pk]),
                ok,
                (inquiry.unit.region.code,),
            )
        )
    return measure


def _surveys(
    town: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> Measure:
    """The town's social evaluation index (0–100) from each yearly survey that closed in the
    period, as a share; green where the town is at or above the county's index."""
    measure = Measure(Indicator.SURVEYS)
    good = 0.0
    for survey, mine, county in town_index_in(town, start, end):
        if mine is None:
            continue
        good += mine / 100
        measure.total += 1
        measure.records.append(
            Record(
                f"{survey.year} {survey.title} · {mine}" + (f" / {county}" if county else ""),
                reverse("surveys:index") + f"?year={survey.year}",
                county is None or mine >= county,
                (town.code,),
            )
        )
    measure.good = round(good, 3)
    return measure


MEASURES: dict[str, Callable[[Region, datetime.date, datetime.date, datetime.date], Measure]] = {
    Indicator.COVERAGE: _coverage,
    Indicator.REPORTS: _reports,
    Indicator.FINDINGS: _findings,
    Indicator.RECTIFICATION: _rectification,
    Indicator.PETITIONS: _petitions,
    Indicator.INQUIRIES: _inquiries,
    Indicator.SURVEYS: _surveys,
}


@dataclass
class TownScore:
    town: Region
    measures: list[Measure]
    weights: dict[str, int]

    @property
    def score(self) -> float | None:
        """Σ weight × ratio over the indicators with records, divided by their weights, × 100."""
        counted = [m for m in self.measures if m.ratio is not None and self.weights[m.indicator]]
        total = sum(self.weights[m.indicator] for m in counted)
        if not total:
            return None
        weighted = 0.0
        for m in counted:
            weighted += self.weights[m.indicator] * (m.ratio or 0.0)
        return round(100 * weighted / total, 1)


def assess(
    town: Region,
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
    *,
    only: str | None = None,
) -> TownScore:
    today = today or timezone.localdate()
    chosen = {only: MEASURES[only]} if only else MEASURES
    return TownScore(
        town, [measure(town, start, end, today) for measure in chosen.values()], weights()
    )


def ranking(
    towns: list[Region],
    start: datetime.date,
    end: datetime.date,
    today: datetime.date | None = None,
) -> list[TownScore]:
    scores = [assess(town, start, end, today) for town in towns]
    return sorted(scores, key=lambda s: (s.score is None, -(s.score or 0), s.town.code))


# --- what the pages read -------------------------------------------------------------------


def listed_groups(groups: QuerySet[InspectionGroup]) -> QuerySet[InspectionGroup]:
    return groups.select_related("town").prefetch_related("villages", "members__user")


def group_villages(group: InspectionGroup) -> list[Region]:
    return list(group.villages.order_by("code"))


def group_memberships(group: InspectionGroup) -> QuerySet[Membership]:
    return group.members.select_related("user__resident")


def group_visits(group: InspectionGroup, count: int = 50) -> list[Visit]:
    return list(group.visits.select_related("village")[:count])


def group_reports(group: InspectionGroup) -> QuerySet[MonthlyReport]:
    return group.reports.all()


def town_inspectors(town: Region) -> QuerySet[User]:
    """The active inspectors' accounts of a town, by user name."""
    return User.objects.filter(role=Role.INSPECTOR, region=town, is_active=True).order_by(
        "username"
    )


def active_checklist() -> QuerySet[ChecklistItem]:
    return ChecklistItem.objects.filter(active=True)


def checklist_answers(visit: Visit) -> list[tuple[str, object]]:
    """Each checklist point a visit answered, by its text, with the answer."""
    answers = {str(k): v for k, v in visit.checklist.items()}
    points = ChecklistItem.objects.filter(pk__in=[int(k) for k in answers])
    return [(point.text, answers[str(point.pk)]) for point in points]


def visit_photos(visit: Visit) -> QuerySet[VisitPhoto]:
    return visit.photos.all()


def visit_findings(visit: Visit) -> QuerySet[Finding]:
    return visit.findings.select_related("item", "lead")


def sampled_items(visit: Visit) -> QuerySet[SampleItem]:
    return visit.sample.all()


def findings_by_state(findings: QuerySet[Finding]) -> tuple[QuerySet[Finding], list[Finding]]:
    """Findings waiting for review, oldest first, and the last 100 reviewed."""
    findings = findings.select_related("village", "visit__group", "item", "lead")
    pending = findings.filter(status=FindingStatus.PENDING).order_by("created_at")
    return pending, list(findings.exclude(status=FindingStatus.PENDING)[:100])


def summaries_sent(towns: list[Region], month: str) -> dict[int, TownSummary]:
    """The towns' summaries of a month, by town."""
    return {s.town_id: s for s in TownSummary.objects.filter(town__in=towns, month=month)}


def recent_weight_changes(count: int = 20) -> list[WeightChange]:
    return list(WeightChange.objects.select_related("changed_by")[:count])


def recent_expenditures(village: Region, count: int = 100) -> list[Expenditure]:
    return list(Expenditure.objects.filter(village=village).order_by("-spent_on", "-pk")[:count])
