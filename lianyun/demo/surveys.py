"""民意测评 for the demo county: the last two yearly social evaluation surveys, each with its
sample drawn in every town (the real draw) and realistic answers from about 85% of the drawn
(by telephone mostly, some online), closed, so the index ranks the towns and shows the change
from one year to the next; an open opinion survey with a few answers still in the mixing pool
and a sheet of paper ballots for 三官寨村; satisfaction ratings on a closed item and a meeting.

The closed years' answers are written in bulk, shuffled, as the mixing pool would have left
them, so that a county-size demo loads in seconds.
"""

import datetime
import random
import secrets
import uuid
from collections.abc import Iterable
from typing import Any, cast

from django.db import connection, models

from lianyun.accounts.models import User
from lianyun.cases.models import RectificationItem, RectificationStatus
from lianyun.demo.generator import DemoCounty
from lianyun.inquiries.models import InquiryMeeting, MeetingStatus
from lianyun.surveys import actions
from lianyun.surveys.models import (
    Answer,
    Channel,
    Invitation,
    Participation,
    Response,
    Survey,
    SurveyKind,
)

# An indicator group's offset from a town's level: people judge their officials' integrity
# (C) and the containment of corruption (B) more harshly than the effort against it (A).
OFFSETS = {"A": 0.3, "B": -0.4, "C": -0.2, "D": 0.1}
ANSWERED = 0.85
OPINION_VILLAGE = "511923103201"  # 三官寨村


def _year_closed(today: datetime.date) -> int:
    """The latest year whose survey (8 October – 20 November) has closed."""
    return today.year if today > datetime.date(today.year, 11, 20) else today.year - 1


def _social(
    made: DemoCounty,
    rng: random.Random,
    county_user: User,
    year: int,
    levels: dict[int, float],
    seed: str,
) -> Survey:
    opened = datetime.datetime(year, 10, 8, 9, tzinfo=datetime.UTC)
    survey = actions.create_survey(
        actor=county_user,
        county=made.county,
        kind=SurveyKind.SOCIAL,
        title=f"{year}年党风廉政建设社会评价",
        description="全县各乡镇抽样调查，电话访问为主，群众也可在网上或用纸质选票作答。",
        year=year,
        opens_on=opened.date(),
        closes_on=datetime.date(year, 11, 20),
        now=opened,
    )
    actions.launch(survey=survey, actor=county_user, now=opened)
    questions = list(survey.questions.all())
    responses: list[tuple[Response, list[int]]] = []
    answered: list[int] = []
    for target in survey.targets.select_related("area").order_by("area__code"):
        town = target.area
        actions.draw_sample(survey=survey, town=town, actor=county_user, seed=seed, now=opened)
        invited = list(
            Invitation.objects.filter(survey=survey, town=town).values_list(
                "resident_id", flat=True
            )
        )
        level = levels[town.pk]
        for resident_id in invited:
            if rng.random() > ANSWERED:
                continue
            answered.append(resident_id)
            day = opened.date() + datetime.timedelta(days=rng.randrange(44))
            channel = Channel.PHONE if rng.random() < 0.7 else Channel.ONLINE
            mood = rng.gauss(0, 0.9)  # some people see everything darker or brighter
            scores = [
                min(10, max(1, round(rng.gauss(level + OFFSETS[q.indicator[0]] + mood, 1.3))))
                for q in questions
            ]
            responses.append(
                (Response(survey=survey, target=target, day=day, channel=channel), scores)
            )
    secrets.SystemRandom().shuffle(responses)
    Participation.objects.bulk_create(
        Participation(survey=survey, resident_id=pk) for pk in sorted(answered)
    )
    Response.objects.bulk_create((r for r, _ in responses), batch_size=2000)
    _insert_answers(
        (r.pk, q.pk, score)
        for r, scores in responses
        for q, score in zip(questions, scores, strict=True)
    )
    actions.close(survey, now=datetime.datetime(year, 11, 21, 1, tzinfo=datetime.UTC))
    return survey


def _insert_answers(rows: Iterable[tuple[uuid.UUID, int, int]]) -> None:
    """Scores straight into the table (a county's two years are a quarter of a million rows,
    too many to build as model objects in a demo load), in the order given."""
    prep_id = cast(models.UUIDField, Answer._meta.pk).get_db_prep_save
    choices = cast(models.JSONField, Answer._meta.get_field("choices"))
    empty = choices.get_db_prep_save([], connection)
    sql = (
        f"INSERT INTO {Answer._meta.db_table} "  # noqa: S608 - our own table and columns
        "(id, response_id, question_id, score, choices, text, text_status) "
        "VALUES (%s, %s, %s, %s, %s, '', '')"
    )
    batch: list[Any] = []
    with connection.cursor() as cursor:
        for response_id, question_id, score in rows:
            batch.append(
                (
                    prep_id(uuid.uuid4(), connection),
                    prep_id(response_id, connection),
                    question_id,
                    score,
                    empty,
                )
            )
            if len(batch) == 5000:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)


def _opinion(
    made: DemoCounty, county_user: User, accounts: dict[str, User], today: datetime.date
) -> Survey:
    """Open now: every villager may rate their own town's publication of village affairs."""
    survey = actions.create_survey(
        actor=county_user,
        county=made.county,
        kind=SurveyKind.GENERAL,
        title=f"{today.year}年村务公开满意度调查",
        description="您所在村的村务、财务和一卡通发放公开得怎么样？请打分。",
        opens_on=today - datetime.timedelta(days=7),
        closes_on=today + datetime.timedelta(days=21),
    )
    actions.add_question(
        survey=survey, actor=county_user, kind="scale", text="村务、财务公开是否及时、完整？"
    )
    seen = actions.add_question(
        survey=survey,
        actor=county_user,
        kind="single",
        text="您看过本村的一卡通发放公示吗？",
        choices=["看过", "没看过"],
    )
    actions.add_question(
        survey=survey,
        actor=county_user,
        kind="text",
        text="您希望在哪里看到公示？",
        show_if=seen,
        show_if_choice="没看过",
    )
    for town in sorted(made.towns.values(), key=lambda t: t.code):
        actions.add_target(survey=survey, actor=county_user, kind="town", town=town)
    actions.launch(survey=survey, actor=county_user)
    if OPINION_VILLAGE in made.villages:
        actions.make_sheet(
            survey=survey,
            village=made.villages[OPINION_VILLAGE],
            count=10,
            actor=accounts["integrity"],
        )
    return survey


def _early_answers(survey: Survey, rng: random.Random, made: DemoCounty) -> int:
    """A few villagers of 三官寨村 have answered; their answers wait in the mixing pool."""
    village = made.villages.get(OPINION_VILLAGE)
    if village is None:
        return 0
    questions = list(survey.questions.all())
    targets = actions.targets_for(survey, village)
    people = list(village.residents.filter(death_date__isnull=True).order_by("pk")[:40])
    count = 0
    for person in rng.sample(people, min(12, len(people))):
        if person.pk == made.first_villager.get(OPINION_VILLAGE):
            continue  # the demo villager has not answered yet
        seen = rng.choice(["看过", "看过", "没看过"])
        given = {
            questions[0].pk: rng.randint(5, 10),
            questions[1].pk: seen,
            questions[2].pk: "村委会门口公示栏" if seen == "没看过" else "",
        }
        actions.submit(
            survey=survey,
            answers={t.pk: given for t in targets},
            channel=Channel.ONLINE,
            resident=person,
        )
        count += 1
    return count


def seed_surveys(
    made: DemoCounty, rng: random.Random, accounts: dict[str, User], today: datetime.date
) -> int:
    """Returns how many answers the closed social evaluation surveys hold."""
    county_user = accounts["county"]
    year = _year_closed(today)
    towns = sorted(made.towns.values(), key=lambda t: t.code)
    before = {t.pk: rng.uniform(6.6, 8.6) for t in towns}
    # Most towns improve a little over the year, a few slip back.
    after = {pk: level + rng.gauss(0.25, 0.3) for pk, level in before.items()}
    for n, (survey_year, levels) in enumerate(((year - 1, before), (year, after)), start=1):
        _social(made, rng, county_user, survey_year, levels, f"demo{n}")
    opinion = _opinion(made, county_user, accounts, today)
    _early_answers(opinion, rng, made)
    item = RectificationItem.objects.filter(status=RectificationStatus.CLOSED_OUT).first()
    if item is not None:
        actions.satisfaction_survey(actor=county_user, item=item)
    meeting = InquiryMeeting.objects.filter(status=MeetingStatus.HELD).first()
    if meeting is not None:
        actions.satisfaction_survey(actor=county_user, meeting=meeting)
    return Answer.objects.filter(response__survey__kind=SurveyKind.SOCIAL).count()
