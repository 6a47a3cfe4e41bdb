"""Building surveys, who may answer, answering once, bad input, the sample, paper and telephone
entry, closing and results."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import override_settings

from lianyun.surveys import actions, queries
from lianyun.surveys.models import (
    Answer,
    BallotToken,
    Channel,
    Invitation,
    Participation,
    PendingBallot,
    QuestionKind,
    Response,
    Survey,
    SurveyKind,
    TargetKind,
    TextStatus,
)
from lianyun.surveys.tests.conftest import D, scores, villagers
from lianyun.testing import Cast


def written(survey: Survey) -> tuple[int, int, int, int]:
    return (
        Participation.objects.filter(survey=survey).count(),
        PendingBallot.objects.filter(survey=survey).count(),
        Response.objects.filter(survey=survey).count(),
        BallotToken.objects.filter(survey=survey, used=True).count(),
    )


def test_the_social_evaluation_template_has_12_indicators_and_every_town(
    county: Cast, social: Survey
) -> None:
    codes = list(social.questions.values_list("indicator", flat=True))
    assert codes == ["A1", "A2", "A3", "B1", "B2", "B3", "C1", "C2", "C3", "D1", "D2", "D3"]
    assert set(social.questions.values_list("kind", flat=True)) == {QuestionKind.SCALE}
    assert {t.area for t in social.targets.all()} == {county.town_a, county.town_b}
    with pytest.raises(ValidationError, match="已有2026年度"):
        actions.create_survey(
            actor=county.county_inspector.user,
            county=county.county,
            kind=SurveyKind.SOCIAL,
            title="again",
            year=2026,
            opens_on=D(2026, 10, 8),
            closes_on=D(2026, 11, 20),
        )


def test_the_builder_checks_questions_conditions_and_targets(county: Cast, frozen: object) -> None:
    actor = county.county_inspector.user
    survey = actions.create_survey(
        actor=actor,
        county=county.county,
        kind=SurveyKind.GENERAL,
        title="村道维修满意度",
        opens_on=D(2026, 10, 15),
        closes_on=D(2026, 10, 31),
    )
    with pytest.raises(ValidationError, match="至少需要两个不同的选项"):
        actions.add_question(
            survey=survey, actor=actor, kind="single", text="修好了吗", choices=["是"]
        )
    solved = actions.add_question(
        survey=survey, actor=actor, kind="single", text="修好了吗", choices=["是", "否"]
    )
    with pytest.raises(ValidationError, match="请从该题的选项中选一个"):
        actions.add_question(
            survey=survey,
            actor=actor,
            kind="text",
            text="哪里没修好",
            show_if=solved,
            show_if_choice="也许",
        )
    actions.add_question(
        survey=survey,
        actor=actor,
        kind="text",
        text="哪里没修好",
        show_if=solved,
        show_if_choice="否",
    )
    with pytest.raises(ValidationError, match="至少添加一个测评对象"):
        actions.launch(survey=survey, actor=actor)
    with pytest.raises(ValidationError, match="没有任职"):
        actions.add_target(
            survey=survey, actor=actor, kind=TargetKind.OFFICIAL, official=county.relative_resident
        )
    target = actions.add_target(
        survey=survey, actor=actor, kind=TargetKind.OFFICIAL, official=county.cadre_resident
    )
    assert target.area == county.village_a1 and "袁建国" in target.label
    actions.launch(survey=survey, actor=actor)
    with pytest.raises(ValidationError, match="问卷已发布"):
        actions.add_question(survey=survey, actor=actor, kind="scale", text="打分")
    # The official rates nobody about themselves: 袁建国 lives in the village he is rated by.
    assert actions.targets_for(survey, county.village_a1, county.cadre_resident) == []
    with pytest.raises(ValidationError, match="其他地方的群众"):
        actions.eligible_targets(survey, county.cadre_resident)


def test_a_villager_answers_once_and_a_second_answer_learns_only_that(
    county: Cast, social: Survey
) -> None:
    person = villagers(county.village_a1, 1)[0]
    actions.submit(
        survey=social,
        answers=scores(social, county.village_a1, 8),
        channel=Channel.ONLINE,
        resident=person,
    )
    before = written(social)
    assert before[:2] == (1, 1)
    with pytest.raises(ValidationError) as refused:
        actions.submit(
            survey=social,
            answers=scores(social, county.village_a1, 3),
            channel=Channel.ONLINE,
            resident=person,
        )
    assert refused.value.messages == [str(actions.ALREADY)]
    assert written(social) == before


def test_bad_answers_are_refused_with_nothing_written(county: Cast, social: Survey) -> None:
    person = villagers(county.village_a1, 1)[0]
    answers = scores(social, county.village_a1, 8)
    first = next(iter(answers.values()))
    cases = {
        "请打1至10分": {**first, next(iter(first)): 11},
        "需要作答": {k: v for i, (k, v) in enumerate(first.items()) if i},
    }
    target = next(iter(answers))
    for message, given in cases.items():
        with pytest.raises(ValidationError, match=message):
            actions.submit(
                survey=social, answers={target: given}, channel=Channel.ONLINE, resident=person
            )
    other_town = next(t for t in social.targets.all() if t.pk != target)
    with pytest.raises(ValidationError, match="本页列出的测评对象"):
        actions.submit(
            survey=social, answers={other_town.pk: first}, channel=Channel.ONLINE, resident=person
        )
    with pytest.raises(ValidationError, match="于2026-10-08开始"):
        actions.submit(
            survey=social,
            answers=answers,
            channel=Channel.ONLINE,
            resident=person,
            today=D(2026, 10, 7),
        )
    with pytest.raises(ValidationError, match="已于2026-11-20截止"):
        actions.submit(
            survey=social,
            answers=answers,
            channel=Channel.ONLINE,
            resident=person,
            today=D(2026, 11, 21),
        )
    assert written(social) == (0, 0, 0, 0)


def test_ballot_codes_spend_once_and_stay_in_their_survey(county: Cast, social: Survey) -> None:
    officer = county.town_secretary.user
    sheet = actions.make_sheet(survey=social, village=county.village_a1, count=3, actor=officer)
    codes = [code for _token, code in actions.sheet_codes(sheet)]
    assert len(set(codes)) == 3 and all(len(c) == 16 for c in codes)
    other = actions.create_survey(
        actor=county.county_inspector.user,
        county=county.county,
        kind=SurveyKind.SOCIAL,
        title="2025",
        year=2025,
        opens_on=D(2026, 10, 1),
        closes_on=D(2026, 10, 30),
        invited_only=False,
    )
    actions.launch(survey=other, actor=county.county_inspector.user)
    answers = scores(social, county.village_a1, 6)
    with pytest.raises(ValidationError, match="选票码对本问卷无效"):
        actions.submit(survey=other, answers=answers, channel=Channel.BALLOT, token_code=codes[0])
    with pytest.raises(ValidationError, match="选票码对本问卷无效"):
        actions.submit(
            survey=social, answers=answers, channel=Channel.BALLOT, token_code="AAAA" * 4
        )
    # Typed with dashes and in lower case, as a villager might.
    typed = actions.show_code(codes[0]).lower()
    actions.submit(survey=social, answers=answers, channel=Channel.BALLOT, token_code=typed)
    with pytest.raises(ValidationError) as refused:
        actions.submit(survey=social, answers=answers, channel=Channel.BALLOT, token_code=codes[0])
    assert refused.value.messages == [str(actions.ALREADY)]
    assert written(social) == (0, 1, 0, 1)
    only_a = actions.create_survey(
        actor=county.county_inspector.user,
        county=county.county,
        kind=SurveyKind.GENERAL,
        title="佛楼镇",
        opens_on=D(2026, 10, 15),
        closes_on=D(2026, 10, 30),
    )
    actions.add_question(survey=only_a, actor=county.county_inspector.user, kind="scale", text="?")
    actions.add_target(
        survey=only_a, actor=county.county_inspector.user, kind="town", town=county.town_a
    )
    actions.launch(survey=only_a, actor=county.county_inspector.user)
    with pytest.raises(ValidationError, match="不调查黄柳村"):
        actions.make_sheet(survey=only_a, village=county.village_b1, count=1, actor=officer)


def test_the_sample_is_sized_by_population_and_redrawn_by_its_seed(
    county: Cast, social: Survey
) -> None:
    assert [actions.quota_for(n) for n in (1_200_000, 600_000, 250_000, 40_000)] == [
        400,
        350,
        300,
        200,
    ]
    villagers(county.village_a1, 30)
    villagers(county.village_a2, 20)
    actor = county.county_inspector.user
    with override_settings(LIANYUN_SURVEY_SAMPLE_BANDS=[(50, 12), (0, 5)]):
        draw = actions.draw_sample(survey=social, town=county.town_a, actor=actor, seed="abc")
    # 佛楼镇: 30 + 20 new villagers and the cast's three → 53 registered, band ≥ 50 → 12.
    assert (draw.population, draw.quota) == (53, 12)
    invited = set(
        Invitation.objects.filter(survey=social, town=county.town_a).values_list(
            "resident_id", flat=True
        )
    )
    assert len(invited) == 12
    assert set(actions.sample_picks(social, county.town_a, "abc", 12)) == invited
    assert set(actions.sample_picks(social, county.town_a, "abd", 12)) != invited
    with pytest.raises(ValidationError, match="已抽过样"):
        actions.draw_sample(survey=social, town=county.town_a, actor=actor)


def test_only_the_drawn_answer_an_invited_only_survey(county: Cast, social: Survey) -> None:
    people = villagers(county.village_a1, 10)
    Survey.objects.filter(pk=social.pk).update(invited_only=True)
    social.refresh_from_db()
    with override_settings(LIANYUN_SURVEY_SAMPLE_BANDS=[(0, 3)]):
        actions.draw_sample(
            survey=social, town=county.town_a, actor=county.county_inspector.user, seed="s"
        )
    drawn = set(Invitation.objects.filter(survey=social).values_list("resident_id", flat=True))
    outsider = next(p for p in people if p.pk not in drawn)
    with pytest.raises(ValidationError, match="您未被抽中"):
        actions.submit(
            survey=social,
            answers=scores(social, county.village_a1, 5),
            channel=Channel.ONLINE,
            resident=outsider,
        )
    insider = next(p for p in people if p.pk in drawn)
    actions.submit(
        survey=social,
        answers=scores(social, county.village_a1, 5),
        channel=Channel.ONLINE,
        resident=insider,
    )


def test_paper_and_phone_answers_join_the_data_set_marked_as_such(
    county: Cast, social: Survey
) -> None:
    official = county.town_secretary.user
    person = villagers(county.village_a1, 1)[0]
    sheet = actions.make_sheet(survey=social, village=county.village_a1, count=1, actor=official)
    code = actions.sheet_codes(sheet)[0][1]
    answers = scores(social, county.village_a1, 7)
    with pytest.raises(ValidationError, match="只能由工作人员录入"):
        actions.submit(survey=social, answers=answers, channel=Channel.PAPER, token_code=code)
    actions.submit(
        survey=social, answers=answers, channel=Channel.PAPER, token_code=code, entered_by=official
    )
    actions.submit(
        survey=social, answers=answers, channel=Channel.PHONE, resident=person, entered_by=official
    )
    with time_machine.travel(datetime.datetime(2026, 11, 21, 9, tzinfo=datetime.UTC)):
        assert actions.close_due() == 1
    assert sorted(Response.objects.filter(survey=social).values_list("channel", flat=True)) == [
        "paper",
        "phone",
    ]
    results = {r.target.area: r for r in queries.results(social)}
    assert dict(results[county.town_a].channels) == {
        "网上作答（已验证身份的群众）": 0,
        "纸质选票码，手机作答": 0,
        "纸质问卷，工作人员录入": 1,
        "电话访问，工作人员录入": 1,
    }
    assert not PendingBallot.objects.filter(survey=social).exists()


def test_conditional_questions_free_text_and_results_after_the_close(
    county: Cast, frozen: object
) -> None:
    actor = county.county_inspector.user
    survey = actions.create_survey(
        actor=actor,
        county=county.county,
        kind=SurveyKind.GENERAL,
        title="村道",
        opens_on=D(2026, 10, 15),
        closes_on=D(2026, 10, 31),
        min_answers=3,
    )
    scale = actions.add_question(survey=survey, actor=actor, kind="scale", text="满意度")
    solved = actions.add_question(
        survey=survey, actor=actor, kind="single", text="修好了吗", choices=["是", "否"]
    )
    why = actions.add_question(
        survey=survey,
        actor=actor,
        kind="text",
        text="哪里没修好",
        show_if=solved,
        show_if_choice="否",
    )
    town_a = actions.add_target(survey=survey, actor=actor, kind="town", town=county.town_a)
    actions.add_target(survey=survey, actor=actor, kind="town", town=county.town_b)
    actions.launch(survey=survey, actor=actor)
    people = villagers(county.village_a1, 4)
    given = [(9, "是", "不该出现"), (4, "否", "北段还有坑"), (6, "否", ""), (8, "是", "")]
    for person, (score, answer, text) in zip(people, given, strict=True):
        actions.submit(
            survey=survey,
            answers={town_a.pk: {scale.pk: str(score), solved.pk: answer, why.pk: text}},
            channel=Channel.ONLINE,
            resident=person,
        )
    b_person = villagers(county.village_b1, 1)[0]
    actions.submit(
        survey=survey,
        answers=scores(survey, county.village_b1, [5, "是", ""]),
        channel=Channel.ONLINE,
        resident=b_person,
    )
    assert not actions.close(survey)  # still open
    with time_machine.travel(datetime.datetime(2026, 11, 1, 9, tzinfo=datetime.UTC)):
        assert actions.close(survey)
    # The text under "是" was never shown, so never kept; the empty one is no answer.
    texts = list(Answer.objects.filter(question=why).values_list("text", "text_status"))
    assert texts == [("北段还有坑", TextStatus.PENDING)]
    answer = Answer.objects.get(question=why)
    actions.moderate(answer=answer, actor=actor, approve=True)
    with pytest.raises(ValidationError, match="已审核过"):
        actions.moderate(answer=answer, actor=actor, approve=False)
    results = {r.target.area: r for r in queries.results(survey)}
    a = results[county.town_a]
    assert (a.responses, a.enough) == (4, True)
    by_text = {q.question.text: q for q in a.questions}
    assert by_text["满意度"].mean == 6.75  # (9 + 4 + 6 + 8) / 4
    assert [(label, n) for label, n, _ in by_text["修好了吗"].rows] == [("是", 2), ("否", 2)]
    assert by_text["哪里没修好"].texts == ["北段还有坑"]
    b = results[county.town_b]
    assert (b.responses, b.enough, b.questions) == (1, False, [])


def test_the_daily_housekeeping_closes_surveys_after_their_last_day(
    county: Cast, social: Survey
) -> None:
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("daily", today=D(2026, 11, 20), stdout=out)
    assert "closed 0 surveys" in out.getvalue()
    call_command("daily", today=D(2026, 11, 21), stdout=out)
    assert "closed 1 surveys" in out.getvalue()
    social.refresh_from_db()
    assert social.closed_at is not None
