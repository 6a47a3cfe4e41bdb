"""The county's assessment of towns, reproduced by hand on a fixed data set."""

import datetime

from django.test import Client
from django.urls import reverse

from lianyun.accounts.models import User
from lianyun.inspections import actions
from lianyun.inspections.models import InspectionGroup, WeightChange
from lianyun.inspections.queries import assess
from lianyun.inspections.tests.conftest import at, visit
from lianyun.testing import Cast

D = datetime.date
TODAY = D(2026, 11, 27)


def test_a_towns_score_is_reproduced_by_hand(county: Cast, group: InspectionGroup) -> None:
    """Period: September and October 2026, group formed in January covering 2 villages.

    coverage: 三官寨村 visited in Sept and Oct, 石林村 in Oct only → 3/4.
    reports: Sept signed on time (10-03 ≤ 10-05), Oct signed late (11-07 > 11-05) → 1/2.
    findings: one 民生 item due 10-20, closed 10-18 → 1/1.
    rectification: that item, on time and never reopened → 1/1.
    petitions, inquiries: none due → not counted; surveys: none.
    Score with the default weights (coverage 20, reports 15, findings 15, rectification 15):
    (20×0.75 + 15×0.5 + 15×1 + 15×1) / 65 × 100 = 52.5 / 65 × 100 = 80.8.
    """
    from lianyun.cases.actions import publish_feedback, record_milestone

    leader = group.members.get(is_leader=True).user
    sept = visit(group, county, visited_on=D(2026, 9, 10))
    visit(group, county, visited_on=D(2026, 10, 5))
    visit(group, county, village=county.village_a2, visited_on=D(2026, 10, 6))
    finding = actions.raise_finding(
        visit=sept,
        village=county.village_a1,
        finding_class="living",
        summary="水渠堵塞",
        actor=leader,
    )
    actions.review_finding(
        finding=finding,
        accept=True,
        actor=county.town_secretary.user,
        responsible="袁建国",
        deadline=D(2026, 10, 20),
        now=at(D(2026, 9, 12)),
    )
    item = finding.item
    assert item is not None
    record_milestone(item=item, progress=100, note="已疏通", actor=leader, today=D(2026, 10, 18))
    publish_feedback(item=item, feedback="水渠已疏通。", actor=leader, today=D(2026, 10, 18))
    september = actions.compile_report(
        group=group, month="2026-09", actor=leader, now=at(D(2026, 10, 2))
    )
    actions.sign_report(report=september, actor=leader, now=at(D(2026, 10, 3)))
    october = actions.compile_report(
        group=group, month="2026-10", actor=leader, now=at(D(2026, 11, 2))
    )
    actions.sign_report(report=october, actor=leader, now=at(D(2026, 11, 7)))

    score = assess(county.town_a, D(2026, 9, 1), D(2026, 10, 31), TODAY)
    shares = {m.indicator: (m.good, m.total) for m in score.measures}
    assert shares == {
        "coverage": (3, 4),
        "reports": (1, 2),
        "findings": (1, 1),
        "rectification": (1, 1),
        "petitions": (0, 0),
        "inquiries": (0, 0),
        "surveys": (0, 0),
    }
    assert score.score == 80.8

    # The county doubles the weight of coverage: (40×0.75 + 15×0.5 + 15 + 15) / 85 = 67.5 / 85
    # = 79.4.
    county_user: User = county.county_inspector.user
    actions.set_weight(indicator="coverage", weight=40, reason="加强巡检覆盖", actor=county_user)
    assert assess(county.town_a, D(2026, 9, 1), D(2026, 10, 31), TODAY).score == 79.4
    assert WeightChange.objects.get().old == 20


def test_the_ranking_page_drills_down_to_the_records(county: Cast, group: InspectionGroup) -> None:
    visit(group, county, visited_on=D(2026, 10, 5))
    page = Client()
    page.force_login(county.county_inspector.user)
    ranking = page.get(
        reverse("inspections:assessment"), {"start": "2026-10-01", "end": "2026-10-31"}
    )
    body = ranking.content.decode()
    assert 'data-test="town-score"' in body and "佛楼镇" in body and 'data-test="formula"' in body
    # An indicator with nothing due says why, beside its dash and on its own page.
    assert '<abbr title="本期没有到期的建议或求助。">—</abbr>' in body
    assert 'data-test="dash-legend"' in body
    empty = page.get(
        reverse("inspections:assessment-town", args=[county.town_a.code, "findings"]),
        {"start": "2026-10-01", "end": "2026-10-31"},
    ).content.decode()
    assert 'data-test="empty-reason"' in empty and "本期没有到期的巡检问题整改事项" in empty
    drill = page.get(
        reverse("inspections:assessment-town", args=[county.town_a.code, "coverage"]),
        {"start": "2026-10-01", "end": "2026-10-31"},
    ).content.decode()
    assert 'data-test="share">1/2<' in drill and "石林村 2026-10" in drill
    town = Client()
    town.force_login(county.town_secretary.user)
    refused = town.post(
        reverse("inspections:assessment-weight"),
        {"indicator": "coverage", "weight": "90", "reason": "x"},
    )
    assert refused.status_code == 302 and not WeightChange.objects.exists()
    outsider = Client()
    outsider.force_login(county.outsider.user)
    assert (
        outsider.get(
            reverse("inspections:assessment-town", args=[county.town_a.code, "coverage"])
        ).status_code
        == 404
    )


def test_petition_deadlines_count_and_link_to_each_petition(county: Cast) -> None:
    from lianyun.petitions.actions import submit_petition
    from lianyun.petitions.models import PetitionKind

    petition = submit_petition(
        kind=PetitionKind.REQUEST,
        region=county.village_a1,
        anonymous=True,
        subject_text="村道",
        description="村道塌方三个月无人修理，请尽快处理。",
    ).petition
    assert petition.due_on is not None
    later = petition.due_on + datetime.timedelta(days=1)
    measure = assess(
        county.town_a, petition.received_on, petition.due_on, later, only="petitions"
    ).measures[0]
    assert (measure.good, measure.total) == (0, 1)  # not answered by its due date
    assert measure.records[0].label == petition.number
    assert measure.records[0].url == reverse("petitions:petition-detail", args=[petition.pk])
    # An accusation never counts: a recused official reading the ranking must see no change.
    from lianyun.testing import named_accusation

    accusation = submit_petition(**named_accusation(county)).petition  # type: ignore[arg-type]
    assert accusation.due_on is not None
    again = assess(
        county.town_a,
        petition.received_on,
        accusation.due_on,
        accusation.due_on + datetime.timedelta(days=1),
        only="petitions",
    ).measures[0]
    assert again.total == 1


def test_the_survey_indicator_is_the_towns_social_evaluation_index(county: Cast) -> None:
    """Two villagers of 佛楼镇 score every indicator 8 and 7 → index 75.0; 西兴镇 none.
    Share = 75.0 ÷ 100; the record is green (the county's index is the same 75.0)."""
    from lianyun.people.models import Resident
    from lianyun.surveys import actions as surveys

    actor = county.county_inspector.user
    opened = at(D(2026, 10, 8))
    survey = surveys.create_survey(
        actor=actor,
        county=county.county,
        kind="social_evaluation",
        title="2026",
        year=2026,
        opens_on=D(2026, 10, 8),
        closes_on=D(2026, 11, 20),
        invited_only=False,
        min_answers=2,
        now=opened,
    )
    surveys.launch(survey=survey, actor=actor, now=opened)
    people = Resident.objects.filter(village__parent=county.town_a).order_by("pk")[:2]
    for person, value in zip(people, (8, 7), strict=True):
        targets = surveys.targets_for(survey, person.village)
        surveys.submit(
            survey=survey,
            answers={t.pk: {q.pk: value for q in survey.questions.all()} for t in targets},
            channel="online",
            resident=person,
            today=D(2026, 10, 20),
        )
    assert surveys.close(survey, now=at(D(2026, 11, 21)))
    score = assess(county.town_a, D(2026, 1, 1), D(2026, 11, 30), TODAY, only="surveys")
    measure = score.measures[0]
    assert (measure.good, measure.total, measure.percent, measure.shown) == (0.75, 1, 75.0, "75.0")
    assert [r.counts for r in measure.records] == [True]
    assert (
        assess(county.town_b, D(2026, 1, 1), D(2026, 11, 30), TODAY, only="surveys")
        .measures[0]
        .total
        == 0
    )
