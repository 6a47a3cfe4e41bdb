"""云考堂 for the demo county: the seed bank imported from an Excel file through the bank
importer; an account for every village's Party secretary and every town's commission; the
county-wide exam on the discipline rules, open for a month, that most have taken and some have
failed (towns differ: a few lag well behind), each attempt drawn, answered and graded by the
real code; and a practice exam with explanations at once."""

import datetime
import math
import random

from django.utils import timezone

from lianyun.accounts.models import User
from lianyun.core.roles import Role
from lianyun.core.spreadsheet import xlsx
from lianyun.demo.exam_bank import BANK, BLUEPRINT
from lianyun.demo.generator import DemoCounty, quiet_official
from lianyun.exams import actions
from lianyun.exams.models import Attempt, AttemptAnswer, Exam, QuestionKind
from lianyun.people.models import Resident

COHORT = [Role.VILLAGE_CADRE, Role.INTEGRITY_OFFICER, Role.TOWN_COMMISSION, Role.INSPECTOR]
HOUR = datetime.timedelta(hours=1)


def _bank_file() -> bytes:
    rows = [
        [kind, stem, *(choices + [""] * 6)[:6], answer, why, rule, topic, level]
        for kind, stem, choices, answer, why, rule, topic, level in BANK
    ]
    return xlsx("", actions.BANK_HEADER, rows)


def _cohort_accounts(made: DemoCounty, rng: random.Random) -> list[User]:
    """An account for each village's Party secretary and each town's commission. They have no
    password anyone knows (the demo signs in with its named accounts)."""
    names = dict(
        Resident.objects.filter(pk__in=made.village_secretary.values()).values_list("pk", "name")
    )
    users = [
        quiet_official(
            rng,
            username=f"cadre-{code}",
            role=Role.VILLAGE_CADRE,
            region=village,
            resident_id=made.village_secretary[code],
            display_name=names.get(made.village_secretary[code], ""),
        )
        for code, village in sorted(made.villages.items())
        if code in made.village_secretary
    ]
    users += [
        quiet_official(
            rng,
            username=f"town-{code}",
            role=Role.TOWN_COMMISSION,
            region=town,
            display_name=f"{town.name}纪委",
        )
        for code, town in sorted(made.towns.items())
    ]
    return User.objects.bulk_create(users)


def _wrong(kind: str, answer: list[str], choices: list[str], rng: random.Random) -> object:
    if kind == QuestionKind.TRUE_FALSE:
        return "错" if answer == ["对"] else "对"
    if kind == QuestionKind.FILL:
        return "不清楚"
    letters = actions.LETTERS[: len(choices)]
    if kind == QuestionKind.SINGLE:
        return rng.choice([x for x in letters if x not in answer])
    return answer[:-1] if len(answer) > 2 else sorted({*answer, *rng.sample(letters, 1)})[:2]


def _take(
    exam: Exam, user: User, ability: float, when: datetime.datetime, rng: random.Random
) -> Attempt:
    # The paper is drawn from the demo's own seed, so the same people answer the same papers.
    attempt = actions.start_attempt(
        exam=exam, user=user, now=when, seed=f"{rng.getrandbits(64):016x}"
    )
    rows = list(attempt.answers.select_related("question"))
    for row in rows:
        q = row.question
        chance = 1 / (1 + math.exp(-(ability - 0.7 * (q.difficulty - 1))))
        if rng.random() < 0.03:
            continue  # left blank
        row.given = (
            (q.answer if q.kind == QuestionKind.MULTIPLE else q.answer[0])
            if rng.random() < chance
            else _wrong(q.kind, q.answer, q.choices, rng)
        )
        row.answered_at = when + datetime.timedelta(seconds=40 * row.position)
    AttemptAnswer.objects.bulk_update(rows, ["given", "answered_at"])
    spent = datetime.timedelta(minutes=rng.randint(9, exam.time_limit - 2))
    return actions.submit_attempt(attempt=attempt, now=when + spent)


def seed_exams(
    made: DemoCounty, rng: random.Random, accounts: dict[str, User], today: datetime.date
) -> int:
    """Returns how many attempts the county-wide exam holds."""
    county_user = accounts["county"]
    now = timezone.now()
    actions.import_bank(data=_bank_file(), actor=county_user, now=now)
    _cohort_accounts(made, rng)
    exam = actions.create_exam(
        actor=county_user,
        title=f"{today.year}年度党纪法规知识测试",
        blueprint=[tuple(line) for line in BLUEPRINT],  # type: ignore[misc]
        time_limit=30,
        attempt_limit=2,
        pass_mark=60,
        opens_on=today - datetime.timedelta(days=24),
        deadline=today + datetime.timedelta(days=14),
        roles=list(COHORT),
        now=now - datetime.timedelta(days=25),
    )
    actions.create_exam(
        actor=county_user,
        title="党纪法规练习（随时可做）",
        blueprint=[tuple(line) for line in BLUEPRINT[:5]],  # type: ignore[misc]
        time_limit=20,
        attempt_limit=1,
        pass_mark=60,
        opens_on=today - datetime.timedelta(days=24),
        deadline=today + datetime.timedelta(days=365),
        practice=True,
        roles=list(COHORT),
        now=now - datetime.timedelta(days=25),
    )
    # Each town has its own pace: most have taken it, a few towns lag far behind.
    pace = {
        town.pk: rng.choice((0.45, 0.7, 0.85, 0.9, 0.95, 1.0, 1.0)) for town in made.towns.values()
    }
    taken = 0
    # Everyone in the cohort but the demo's named accounts (left for the journeys to take it).
    cohort = User.objects.filter(role__in=COHORT, username__contains="-").select_related("region")
    for user in cohort.order_by("username"):
        region = user.region
        town_id = region.parent_id if region and region.kind == "village" else user.region_id
        if rng.random() > pace.get(town_id or 0, 0.8):
            continue
        ability = rng.gauss(1.9, 0.9)
        when = now - datetime.timedelta(days=rng.randint(1, 23), hours=rng.randint(0, 8))
        attempt = _take(exam, user, ability, when, rng)
        taken += 1
        if not attempt.passed and rng.random() < 0.6:
            again = min(when + datetime.timedelta(days=rng.randint(1, 3)), now - HOUR)
            _take(exam, user, ability + 0.5, again, rng)
            taken += 1
    return taken
