"""The social evaluation index reproduced by hand on a fixed data set, its year-on-year change,
and what the county's assessment of towns reads from it."""

import datetime

import time_machine

from lianyun.surveys import actions, queries
from lianyun.surveys.models import Channel, Survey, SurveyKind
from lianyun.surveys.tests.conftest import D, scores, villagers
from lianyun.testing import Cast


def _answer(survey: Survey, village_people: list, village, rows: list[list[int]]) -> None:  # type: ignore[no-untyped-def]
    for person, row in zip(village_people, rows, strict=False):
        actions.submit(
            survey=survey,
            answers=scores(survey, village, row),
            channel=Channel.ONLINE,
            resident=person,
        )


def _close(survey: Survey) -> None:
    with time_machine.travel(
        datetime.datetime.combine(
            survey.closes_on + datetime.timedelta(days=1), datetime.time(9)
        ).replace(tzinfo=datetime.UTC)
    ):
        assert actions.close(survey)


def test_the_index_is_reproduced_by_hand(county: Cast, social: Survey) -> None:
    """Town A (佛楼镇), three villagers, scores on A1…D3:
        all 8; all 6; A: 10 10 10, B: 4 4 4, C: 7 7 7, D: 1 1 1.
    Indicator means: A 8, B 6, C 7, D 5 → group scores A 8, B 6, C 7, D 5 → mean 6.5 → 65.0.
    Town B (西兴镇): two villagers, all 9 and all 7 → every mean 8 → 80.0.
    Populations (registered, living): A = 3 of the cast + 3 = 6, B = 1 + 2 = 3.
    County = (65.0 × 6 + 80.0 × 3) / 9 = 630 / 9 = 70.0."""
    a_people = villagers(county.village_a2, 3)
    b_people = villagers(county.village_b1, 2)
    mixed = [10, 10, 10, 4, 4, 4, 7, 7, 7, 1, 1, 1]
    _answer(social, a_people, county.village_a2, [[8] * 12, [6] * 12, mixed])
    _answer(social, b_people, county.village_b1, [[9] * 12, [7] * 12])
    _close(social)
    index = queries.social_index(social)
    towns = {t.town: t for t in index.towns}
    a, b = towns[county.town_a], towns[county.town_b]
    assert a.group_scores == {"A": 8.0, "B": 6.0, "C": 7.0, "D": 5.0}
    assert (a.index, a.population, a.responses, a.rank) == (65.0, 6, 3, 2)
    assert (b.index, b.population, b.responses, b.rank) == (80.0, 3, 2, 1)
    assert index.index == 70.0


def test_a_town_below_the_minimum_has_no_index_and_stays_out_of_the_county(
    county: Cast, social: Survey
) -> None:
    _answer(social, villagers(county.village_a2, 2), county.village_a2, [[8] * 12, [6] * 12])
    _answer(social, villagers(county.village_b1, 1), county.village_b1, [[2] * 12])
    _close(social)
    index = queries.social_index(social)
    towns = {t.town: t for t in index.towns}
    assert (towns[county.town_b].index, towns[county.town_b].enough) == (None, False)
    assert index.index == towns[county.town_a].index == 70.0


def test_year_on_year(county: Cast, social: Survey) -> None:
    actor = county.county_inspector.user
    last_year = actions.create_survey(
        actor=actor,
        county=county.county,
        kind=SurveyKind.SOCIAL,
        title="2025",
        year=2025,
        opens_on=D(2025, 10, 8),
        closes_on=D(2025, 11, 20),
        invited_only=False,
        min_answers=2,
    )
    actions.launch(
        survey=last_year, actor=actor, now=datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC)
    )
    people = villagers(county.village_a2, 2)
    with time_machine.travel(datetime.datetime(2025, 10, 20, 9, tzinfo=datetime.UTC)):
        _answer(last_year, people, county.village_a2, [[6] * 12, [6] * 12])
    _close(last_year)
    _answer(social, people, county.village_a2, [[8] * 12, [7] * 12])
    _close(social)
    history = queries.index_history(county.county)
    assert [y.survey.year for y in history] == [2026, 2025]
    town = next(t for t in history[0].towns if t.town == county.town_a)
    assert (town.index, town.previous, town.change) == (75.0, 60.0, 15.0)
    towns = queries.town_index_in(county.town_a, D(2025, 1, 1), D(2026, 12, 31))
    assert [(s.year, mine, whole) for s, mine, whole in towns] == [
        (2025, 60.0, 60.0),
        (2026, 75.0, 75.0),
    ]
