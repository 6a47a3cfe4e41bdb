"""民意测评 on the standard demo county (31 towns, two closed years of the social evaluation
survey): each figure beside its anchor, measured in the same run.

1. Answering: N villagers submit the 12-indicator survey through the real action (checks,
   eligibility, the claim, sealing, the mixing pool) — beside the same N bare writes of the
   claim and a sealed row in one transaction each (what any one-answer-per-person design
   must write).
2. The index: the social evaluation index of one year for 31 towns (medians of 5) — beside
   one SQL AVG over the same answers grouped by question.

    python bench/surveys.py [--answers 300]
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--answers", type=int, default=300)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="lianyun-bench-surveys-")
    os.environ["LIANYUN_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    from lianyun.accounts.models import User
    from lianyun.demo.actions import load_demo
    from lianyun.people.models import Resident
    from lianyun.surveys import actions, queries
    from lianyun.surveys.models import (
        Participation,
        PendingBallot,
        Survey,
        SurveyKind,
    )

    started = time.perf_counter()
    summary = load_demo(seed=2020, scale="standard")
    print(f"demo county loaded in {time.perf_counter() - started:.1f} s")
    county = summary.county.county
    actor = User.objects.get(username="county")

    # 1. Answering, against bare writes.
    survey = actions.create_survey(
        actor=actor,
        county=county,
        kind=SurveyKind.GENERAL,
        title="bench",
        opens_on=django.utils.timezone.localdate(),
        closes_on=django.utils.timezone.localdate(),
    )
    for text in range(12):
        actions.add_question(survey=survey, actor=actor, kind="scale", text=f"Q{text}")
    for town in summary.county.towns.values():
        actions.add_target(survey=survey, actor=actor, kind="town", town=town)
    actions.launch(survey=survey, actor=actor)
    people = list(Resident.objects.order_by("?")[: 2 * args.answers])
    answering, bare = people[: args.answers], people[args.answers :]
    questions = list(survey.questions.all())
    t0 = time.perf_counter()
    for person in answering:
        targets = actions.targets_for(survey, person.village)
        actions.submit(
            survey=survey,
            answers={t.pk: {q.pk: 7 for q in questions} for t in targets},
            channel="online",
            resident=person,
        )
    real = time.perf_counter() - t0
    anchor_survey = Survey.objects.exclude(pk=survey.pk).first()
    t0 = time.perf_counter()
    for person in bare:
        with transaction.atomic():
            Participation.objects.create(survey=anchor_survey, resident=person)
            PendingBallot.objects.create(survey=anchor_survey, sealed=b"x" * 400)
    anchor = time.perf_counter() - t0
    print(
        f"answers: {args.answers / real:,.0f}/s through the action · anchor "
        f"{args.answers / anchor:,.0f}/s bare writes · ratio {real / anchor:.2f}"
    )

    # 2. The index, against one grouped AVG over the same answers.
    latest = queries.social_surveys(county)[0]
    populations = queries.town_populations(county)
    index_times, avg_times = [], []
    for _ in range(5):
        t0 = time.perf_counter()
        result = queries.social_index(latest, populations)
        index_times.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.question_id, AVG(a.score) FROM surveys_answer a "
                "JOIN surveys_response r ON r.id = a.response_id WHERE r.survey_id = %s "
                "GROUP BY a.question_id",
                [latest.pk],
            )
            cursor.fetchall()
        avg_times.append(time.perf_counter() - t0)
    answers = sum(t.responses for t in result.towns) * 12
    index_ms, avg_ms = statistics.median(index_times) * 1000, statistics.median(avg_times) * 1000
    print(
        f"index of {len(result.towns)} towns over {answers:,} answers: {index_ms:.0f} ms · "
        f"anchor grouped AVG {avg_ms:.0f} ms · ratio {index_ms / avg_ms:.1f}"
    )


if __name__ == "__main__":
    main()
