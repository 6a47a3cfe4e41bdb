"""Results of closed surveys and the social evaluation index, computed from the answers alone."""

import datetime
import itertools
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Avg, Count, Q, QuerySet

from lianyun.people.models import Resident
from lianyun.regions.codes import town_prefix
from lianyun.regions.models import Region, RegionKind
from lianyun.surveys import catalogue
from lianyun.surveys.models import (
    Answer,
    BallotToken,
    Channel,
    Invitation,
    Participation,
    Question,
    QuestionKind,
    Response,
    SampleDraw,
    Survey,
    SurveyKind,
    Target,
    TextStatus,
    TokenSheet,
)


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    mean: float | None = None
    # (label, count, percent of the answers) for a scale's 1–10 or a question's choices
    rows: list[tuple[str, int, float]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    pending_texts: int = 0


@dataclass
class TargetResult:
    target: Target
    responses: int
    enough: bool
    questions: list[QuestionResult]
    channels: list[tuple[str, int]] = field(default_factory=list)  # how the answers came in


def _rows(counts: Counter[str], labels: list[str], answered: int) -> list[tuple[str, int, float]]:
    return [
        (label, counts[label], round(100 * counts[label] / answered, 1) if answered else 0.0)
        for label in labels
    ]


def results(survey: Survey) -> list[TargetResult]:
    """Per target and question: the counts, the mean score, approved texts. A target with fewer
    responses than the survey's minimum shows none of it."""
    questions = list(survey.questions.all())
    counts = dict(
        Response.objects.filter(survey=survey)
        .order_by()
        .values("target")
        .annotate(n=Count("id"))
        .values_list("target", "n")
    )
    by_channel: dict[int, Counter[str]] = defaultdict(Counter)
    for target_id, channel, n in (
        Response.objects.filter(survey=survey)
        .values_list("target", "channel")
        .annotate(n=Count("id"))
        .order_by()
    ):
        by_channel[target_id][channel] = n
    per: dict[tuple[int, int], list[Answer]] = defaultdict(list)
    for answer in Answer.objects.filter(response__survey=survey).select_related("response"):
        per[(answer.response.target_id, answer.question_id)].append(answer)
    out = []
    for target in survey.targets.select_related("area"):
        n = counts.get(target.pk, 0)
        enough = n >= survey.min_answers
        rows = []
        for question in questions if enough else []:
            given = per[(target.pk, question.pk)]
            result = QuestionResult(question, answered=len(given))
            if question.kind == QuestionKind.SCALE:
                scores = [a.score for a in given if a.score is not None]
                result.mean = round(sum(scores) / len(scores), 2) if scores else None
                tally = Counter(str(s) for s in scores)
                result.rows = _rows(tally, [str(s) for s in range(1, 11)], len(scores))
            elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
                tally = Counter(choice for a in given for choice in a.choices)
                result.rows = _rows(tally, question.choices, len(given))
            else:
                result.texts = [a.text for a in given if a.text_status == TextStatus.APPROVED]
                result.pending_texts = sum(a.text_status == TextStatus.PENDING for a in given)
            rows.append(result)
        channels = (
            [(str(label), by_channel[target.pk][code]) for code, label in Channel.choices]
            if enough
            else []
        )
        out.append(TargetResult(target, n, enough, rows, channels))
    return out


def participation(survey: Survey) -> list[tuple[Region, int, int, int]]:
    """Per town: invited, answered by villagers (account, texted code, telephone) and ballots
    spent. Counts of who took part, never of what they said."""
    invited = dict(
        Invitation.objects.filter(survey=survey)
        .order_by()
        .values("town")
        .annotate(n=Count("id"))
        .values_list("town", "n")
    )
    answered = Counter(
        town_prefix(code)
        for code in Participation.objects.filter(survey=survey).values_list(
            "resident__village__code", flat=True
        )
    )
    spent = Counter(
        town_prefix(code)
        for code in BallotToken.objects.filter(survey=survey, used=True).values_list(
            "village__code", flat=True
        )
    )
    return [
        (t, invited.get(t.pk, 0), answered[town_prefix(t.code)], spent[town_prefix(t.code)])
        for t in Region.objects.filter(parent=survey.county, kind=RegionKind.TOWN)
    ]


# --- the social evaluation index ---------------------------------------------------------------

FORMULA = (
    "指数 = 10 × (A、B、C、D 四项一级指标得分的平均), 一级指标得分 = 其三项二级指标平均分的平均; "
    "县指数 = Σ(乡镇指数 × 乡镇在册人口) ÷ Σ 在册人口, 只计答卷数达到最低数的乡镇。"
)


@dataclass
class TownIndex:
    town: Region
    responses: int
    population: int
    enough: bool
    indicator_means: dict[str, float]
    group_scores: dict[str, float]
    index: float | None
    rank: int | None = None
    previous: float | None = None

    @property
    def change(self) -> float | None:
        if self.index is None or self.previous is None:
            return None
        return round(self.index - self.previous, 1)


@dataclass
class CountyIndex:
    survey: Survey
    towns: list[TownIndex]
    index: float | None


def town_populations(county: Region) -> dict[int, int]:
    """Registered living residents per town (the code's first nine digits)."""
    towns = {
        town_prefix(t.code): t.pk
        for t in Region.objects.filter(parent=county, kind=RegionKind.TOWN)
    }
    counts: Counter[int] = Counter()
    rows = (
        Resident.objects.filter(
            village__code__startswith=county.scope_prefix, death_date__isnull=True
        )
        .order_by()
        .values_list("village__code")
        .annotate(n=Count("id"))
    )
    for code, n in rows:
        if town_prefix(code) in towns:
            counts[towns[town_prefix(code)]] += n
    return dict(counts)


def _index(means: dict[str, float]) -> tuple[dict[str, float], float | None]:
    groups: dict[str, list[float]] = defaultdict(list)
    for code, mean in means.items():
        groups[code[0]].append(mean)
    scores = {g: sum(v) / len(v) for g, v in sorted(groups.items()) if g in catalogue.GROUPS}
    if not scores:
        return {}, None
    return (
        {g: round(s, 2) for g, s in scores.items()},
        round(10 * sum(scores.values()) / len(scores), 1),
    )


def social_index(survey: Survey, populations: dict[int, int] | None = None) -> CountyIndex:
    """Each town's index from its residents' scores on the 12 indicators; the county's index
    weights the towns by population, as a county-wide random sample would."""
    populations = populations if populations is not None else town_populations(survey.county)
    rows = (
        Answer.objects.filter(
            response__survey=survey, score__isnull=False, question__indicator__gt=""
        )
        .order_by()
        .values_list("response__target__area_id", "question__indicator")
        .annotate(mean=Avg("score"))
    )
    means: dict[int, dict[str, float]] = defaultdict(dict)
    for area_id, code, mean in rows:
        means[area_id][code] = float(mean)
    counts = dict(
        Response.objects.filter(survey=survey)
        .order_by()
        .values("target__area")
        .annotate(n=Count("id"))
        .values_list("target__area", "n")
    )
    towns = []
    for target in survey.targets.select_related("area").filter(area__kind=RegionKind.TOWN):
        town = target.area
        n = counts.get(town.pk, 0)
        enough = n >= survey.min_answers
        groups, index = _index(means.get(town.pk, {})) if enough else ({}, None)
        towns.append(
            TownIndex(
                town=town,
                responses=n,
                population=populations.get(town.pk, 0),
                enough=enough,
                indicator_means={k: round(v, 2) for k, v in sorted(means.get(town.pk, {}).items())}
                if enough
                else {},
                group_scores=groups,
                index=index,
            )
        )
    ranked = sorted((t for t in towns if t.index is not None), key=lambda t: -(t.index or 0))
    for rank, town_index in enumerate(ranked, start=1):
        town_index.rank = rank
    weight = sum(t.population for t in ranked)
    county = (
        round(sum((t.index or 0) * t.population for t in ranked) / weight, 1) if weight else None
    )
    towns.sort(key=lambda t: (t.rank is None, t.rank or 0, t.town.code))
    return CountyIndex(survey, towns, county)


def social_surveys(county: Region) -> list[Survey]:
    """The county's closed social evaluation surveys, latest year first."""
    return list(
        Survey.objects.filter(
            county=county, kind=SurveyKind.SOCIAL, closed_at__isnull=False
        ).order_by("-year")
    )


def index_history(county: Region) -> list[CountyIndex]:
    """Every closed year's index, latest first, each town with last year's figure beside it."""
    populations = town_populations(county)
    years = [social_index(s, populations) for s in social_surveys(county)]
    for current, previous in itertools.pairwise(years):
        before = {t.town.pk: t.index for t in previous.towns}
        for town in current.towns:
            town.previous = before.get(town.town.pk)
    return years


def closed_figures(survey: Survey) -> tuple[dict[int, float | None], float | None]:
    """Each town's index and the county's, of a closed survey: its scores no longer change, so
    they are computed once a day and kept in the cache (the assessment asks once per town)."""
    assert survey.closed_at is not None  # noqa: S101 - callers pass closed surveys only
    key = (
        f"surveys:index:{survey.pk}:{survey.created_at.timestamp()}:{survey.closed_at.timestamp()}"
    )
    figures: tuple[dict[int, float | None], float | None] | None = cache.get(key)
    if figures is None:
        index = social_index(survey)
        figures = ({t.town.pk: t.index for t in index.towns}, index.index)
        cache.set(key, figures, timeout=86400)
    return figures


def town_index_in(
    town: Region, start: datetime.date, end: datetime.date
) -> list[tuple[Survey, float | None, float | None]]:
    """For the county's assessment: each social evaluation survey closed in the period, the
    town's index and the county's."""
    out = []
    for survey in Survey.objects.filter(
        county=town.parent,
        kind=SurveyKind.SOCIAL,
        closed_at__isnull=False,
        closes_on__range=(start, end),
    ).order_by("closes_on"):
        towns, county = closed_figures(survey)
        out.append((survey, towns.get(town.pk), county))
    return out


# --- what the officials' pages read ------------------------------------------------------------


def surveys_listed(*, manager: bool, count: int = 100) -> list[Survey]:
    """Every survey for the county commission; the open ones for officials in the field."""
    listed = (
        Survey.objects.all()
        if manager
        else Survey.objects.filter(launched_at__isnull=False, closed_at__isnull=True)
    )
    return list(listed.select_related("county")[:count])


def survey_questions(survey: Survey) -> QuerySet[Question]:
    return survey.questions.select_related("show_if")


def survey_targets(survey: Survey) -> QuerySet[Target]:
    return survey.targets.select_related("area")


def survey_draws(survey: Survey) -> QuerySet[SampleDraw]:
    return survey.draws.select_related("town")


def pending_texts(survey: Survey) -> int:
    """Free-text answers waiting for moderation."""
    return pending_answers(survey).count()


def pending_answers(survey: Survey) -> QuerySet[Answer]:
    return Answer.objects.filter(
        response__survey=survey, text_status=TextStatus.PENDING
    ).select_related("question", "response__target")


def questions_of(survey: Survey) -> list[Question]:
    return list(survey.questions.all())


@dataclass
class PublicSurveys:
    open: QuerySet[Survey]
    closed: list[Survey]
    rated: list[Survey]


def public_surveys(today: datetime.date) -> PublicSurveys:
    """The surveys open today; the last 20 closed; the last 20 satisfaction ratings."""
    launched = Survey.objects.filter(launched_at__isnull=False)
    ended = Q(closed_at__isnull=False) | Q(closes_on__lt=today)
    return PublicSurveys(
        open=launched.filter(closed_at__isnull=True, opens_on__lte=today, closes_on__gte=today),
        closed=list(launched.exclude(kind=SurveyKind.SATISFACTION).filter(ended)[:20]),
        rated=list(launched.filter(kind=SurveyKind.SATISFACTION).filter(ended)[:20]),
    )


def ballot_token(code_index: str) -> BallotToken | None:
    return (
        BallotToken.objects.select_related("survey", "village")
        .filter(code_index=code_index)
        .first()
    )


def open_social_surveys(county: Region) -> QuerySet[Survey]:
    return Survey.objects.filter(county=county, kind=SurveyKind.SOCIAL, closed_at__isnull=True)


def towns_to_draw(survey: Survey, drawn: dict[int, SampleDraw]) -> QuerySet[Region]:
    """The survey county's towns not drawn yet."""
    return Region.objects.filter(parent=survey.county, kind=RegionKind.TOWN).exclude(
        pk__in=list(drawn)
    )


def draws_by_town(survey: Survey) -> dict[int, SampleDraw]:
    return {d.town_id: d for d in survey.draws.all()}


def town_draw(survey: Survey, town: Region) -> SampleDraw | None:
    return SampleDraw.objects.filter(survey=survey, town=town).first()


def town_invitations(survey: Survey, town: Region, scope: Region) -> QuerySet[Invitation]:
    """A town's drawn residents, those within the official's scope."""
    return Invitation.objects.filter(
        survey=survey, town=town, resident__village__code__startswith=scope.scope_prefix
    ).select_related("resident__village")


def sheets_made(survey: Survey, scope: Region, count: int = 50) -> list[TokenSheet]:
    return list(
        TokenSheet.objects.filter(
            survey=survey, village__code__startswith=scope.scope_prefix
        ).select_related("village", "made_by")[:count]
    )
