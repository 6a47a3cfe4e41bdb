"""Shared by the survey tests: villagers to answer, a launched social evaluation survey."""

import datetime
import random

import pytest
import time_machine

from lianyun.core.idnumbers import synthetic_id_number
from lianyun.people.models import Resident
from lianyun.regions.models import Region
from lianyun.surveys import actions
from lianyun.surveys.models import Survey, SurveyKind
from lianyun.testing import Cast

D = datetime.date
TODAY = D(2026, 10, 15)


def villagers(village: Region, n: int, *, seed: int = 1) -> list[Resident]:
    rng = random.Random(f"{seed}:{village.code}")
    made = []
    for i in range(n):
        born = D(1960 + rng.randrange(40), 1 + rng.randrange(12), 1 + rng.randrange(28))
        person = Resident(name=f"村民{i:03d}", birth_date=born, is_male=i % 2 == 0, village=village)
        person.set_id_number(
            synthetic_id_number(rng, region_code="511923", birth_date=born, is_male=i % 2 == 0)
        )
        made.append(person)
    Resident.objects.bulk_create(made)
    return list(Resident.objects.filter(village=village, name__startswith="村民").order_by("pk"))


@pytest.fixture
def frozen() -> object:
    with time_machine.travel(datetime.datetime(2026, 10, 15, 10, 0, tzinfo=datetime.UTC)) as t:
        yield t


@pytest.fixture
def social(county: Cast, frozen: object) -> Survey:
    survey = actions.create_survey(
        actor=county.county_inspector.user,
        county=county.county,
        kind=SurveyKind.SOCIAL,
        title="2026年党风廉政建设社会评价",
        year=2026,
        opens_on=D(2026, 10, 8),
        closes_on=D(2026, 11, 20),
        invited_only=False,
        min_answers=2,
    )
    actions.launch(survey=survey, actor=county.county_inspector.user)
    return survey


def scores(survey: Survey, village: Region, value: int | list[int]) -> dict[int, dict[int, object]]:
    """The targets a villager of this village rates, every question scored `value` (or the
    questions scored in turn from a list)."""
    questions = list(survey.questions.all())
    given = value if isinstance(value, list) else [value] * len(questions)
    return {
        t.pk: {q.pk: v for q, v in zip(questions, given, strict=True)}
        for t in actions.targets_for(survey, village)
    }
