"""云考堂's core: the bank from a real Excel file, papers drawn from a seed, the server's clock,
grading of every type, completion lists and the item analysis reproduced by hand."""

import datetime
import io

import pytest
import xlsxwriter
from django.core.exceptions import ValidationError

from lianyun.accounts.actions import create_account
from lianyun.accounts.models import User
from lianyun.core.roles import Role
from lianyun.exams import actions, queries
from lianyun.exams.models import AttemptAnswer, Exam, ExamQuestion
from lianyun.testing import PASSWORD, Cast

NOW = datetime.datetime(2026, 11, 2, 2, 0, tzinfo=datetime.UTC)  # 10:00 in Pingchang
RULE = "《中国共产党纪律处分条例》第九十条"


def workbook(rows: list[list[object]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate([actions.BANK_HEADER, *rows]):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.close()
    return out.getvalue()


def row(
    kind: str, stem: str, choices: list[str], answer: str, topic: str = "廉洁纪律", level: int = 1
) -> list[object]:
    return [kind, stem, *(choices + [""] * 6)[:6], answer, "解析", RULE, topic, level]


SAMPLE = [
    row(
        "单选",
        "党员收受可能影响公正执行公务的礼品，应受什么处分？",
        ["警告或严重警告", "表扬", "无需处理"],
        "A",
    ),
    row("多选", "下列哪些属于违反廉洁纪律？", ["收受礼金", "优亲厚友", "按时上班"], "AB"),
    row("判断", "村干部可以代领村民的惠民补贴。", [], "错"),
    row("填空", "一卡通补贴应直接发放到群众的____。", [], "社会保障卡|社保卡"),
]


def test_the_bank_imports_from_excel_all_or_nothing_and_exports_again(county: Cast) -> None:
    actor = county.county_inspector.user
    bad = workbook(
        [
            *SAMPLE,
            row("单选", "没有答案的题", ["甲", "乙"], ""),
            row("多选", "只有一个答案", ["甲", "乙"], "A"),
        ]
    )
    with pytest.raises(ValidationError) as refused:
        actions.import_bank(data=bad, actor=actor)
    assert len(refused.value.messages) == 2
    assert refused.value.messages == ["第6行：该题没有答案", "第7行：多选题至少有两个答案"]
    assert not ExamQuestion.objects.exists()
    assert actions.import_bank(data=workbook(SAMPLE), actor=actor) == 4
    fill = ExamQuestion.objects.get(kind="fill")
    assert fill.answer == ["社会保障卡", "社保卡"]
    again = workbook(actions.bank_rows())
    ExamQuestion.objects.all().delete()
    assert actions.import_bank(data=again, actor=actor) == 4
    with pytest.raises(ValidationError):
        actions.import_bank(data=b"PK\x03\x04 not a workbook", actor=actor)


def test_every_question_type_is_graded() -> None:
    def q(kind: str, answer: list[str], choices: list[str] | None = None) -> ExamQuestion:
        return ExamQuestion(kind=kind, answer=answer, choices=choices or [])

    assert actions.is_correct(q("single", ["A"]), "A")
    assert not actions.is_correct(q("single", ["A"]), "B")
    assert actions.is_correct(q("multiple", ["A", "B"]), ["B", "A"])
    assert not actions.is_correct(q("multiple", ["A", "B"]), ["A"])
    assert actions.is_correct(q("true_false", ["错"]), "错")
    assert not actions.is_correct(q("true_false", ["错"]), "对")
    assert actions.is_correct(q("fill", ["社会保障卡", "社保卡"]), " 社保 卡")
    assert not actions.is_correct(q("fill", ["社会保障卡"]), "银行卡")
    assert not actions.is_correct(q("single", ["A"]), None)


def _bank(n: int, topic: str = "廉洁纪律", level: int = 1) -> list[ExamQuestion]:
    return ExamQuestion.objects.bulk_create(
        ExamQuestion(
            kind="true_false",
            stem=f"{topic}第{i}题",
            answer=["对"],
            explanation="解析",
            rule=RULE,
            topic=topic,
            difficulty=level,
            created_at=NOW,
        )
        for i in range(n)
    )


def _exam(county: Cast, blueprint: list[list[object]], **fields: object) -> Exam:
    values: dict[str, object] = {
        "title": "2026年党纪学习测试",
        "blueprint": blueprint,
        "time_limit": 30,
        "attempt_limit": 2,
        "pass_mark": 60,
        "opens_on": datetime.date(2026, 11, 1),
        "deadline": datetime.date(2026, 11, 30),
        "roles": ["town_commission", "village_cadre"],
        "created_by": county.county_inspector.user,
        "created_at": NOW,
    } | fields
    return Exam.objects.create(**values)


def test_a_paper_is_drawn_again_from_its_seed_without_repeats(county: Cast) -> None:
    _bank(12)
    _bank(6, "群众纪律", 2)
    exam = _exam(county, [["廉洁纪律", 1, 5], ["群众纪律", 2, 3]])
    first = actions.paper_picks(exam, "seed-1")
    assert first == actions.paper_picks(exam, "seed-1")
    assert first != actions.paper_picks(exam, "seed-2")
    assert len(first) == len(set(first)) == 8
    topics = [ExamQuestion.objects.get(pk=pk).topic for pk in first]
    assert topics.count("廉洁纪律") == 5 and topics.count("群众纪律") == 3
    # The next attempt avoids what the last one showed while the bank has others.
    avoid = set(first)
    second = actions.paper_picks(exam, "seed-3", avoid)
    lianjie = [pk for pk in second if ExamQuestion.objects.get(pk=pk).topic == "廉洁纪律"]
    assert not set(lianjie) & avoid  # 12 in the bank: 5 unseen remain for 5 places
    with pytest.raises(ValidationError, match="需要9道"):
        actions.paper_picks(_exam(county, [["群众纪律", 2, 9]]), "s")


def test_the_server_keeps_the_clock_and_grades_what_came_in_time(county: Cast) -> None:
    questions = _bank(4)
    exam = _exam(county, [["廉洁纪律", 1, 4]], time_limit=30)
    user = county.town_secretary.user
    with pytest.raises(ValidationError, match="没有安排给您"):
        actions.start_attempt(exam=exam, user=county.county_inspector.user, now=NOW)
    attempt = actions.start_attempt(exam=exam, user=user, now=NOW, seed="x")
    assert attempt.due_at == NOW + datetime.timedelta(minutes=30)
    assert {a.question_id for a in attempt.answers.all()} == {q.pk for q in questions}
    with pytest.raises(ValidationError, match="请先完成"):
        actions.start_attempt(exam=exam, user=user, now=NOW + datetime.timedelta(minutes=5))
    minute = datetime.timedelta(minutes=1)
    actions.record_answer(attempt=attempt, position=1, given="对", now=NOW + 5 * minute)
    actions.record_answer(attempt=attempt, position=2, given="错", now=NOW + 10 * minute)
    with pytest.raises(ValidationError, match="请回答"):
        actions.record_answer(attempt=attempt, position=3, given="也许", now=NOW + 11 * minute)
    with pytest.raises(ValidationError, match="时间已到"):
        actions.record_answer(attempt=attempt, position=3, given="对", now=NOW + 31 * minute)
    assert AttemptAnswer.objects.get(attempt=attempt, position=3).given is None
    # Submitted late: graded on the two answers that arrived in time, one right of four.
    graded = actions.submit_attempt(attempt=attempt, now=NOW + 45 * minute)
    assert (graded.score, graded.passed) == (25, False)
    with pytest.raises(ValidationError, match="已经交过卷"):
        actions.submit_attempt(attempt=attempt, now=NOW + 46 * minute)
    with pytest.raises(ValidationError, match="已交卷"):
        actions.record_answer(attempt=attempt, position=4, given="对", now=NOW + 20 * minute)
    second = actions.start_attempt(exam=exam, user=user, now=NOW + 50 * minute)
    assert second.number == 2
    actions.submit_attempt(attempt=second, now=NOW + 51 * minute)
    with pytest.raises(ValidationError, match="全部2次"):
        actions.start_attempt(exam=exam, user=user, now=NOW + 60 * minute)
    after = datetime.datetime(2026, 12, 1, 2, tzinfo=datetime.UTC)
    with pytest.raises(ValidationError, match="截止日期是2026-11-30"):
        actions.start_attempt(exam=exam, user=county.village_cadre.user, now=after)


def _official(county: Cast, name: str) -> User:
    return create_account(
        username=name, password=PASSWORD, role=Role.TOWN_COMMISSION, region=county.town_a
    ).user


def test_item_analysis_is_reproduced_by_hand(county: Cast) -> None:
    """Eight attempts at three questions (✓ right, ✗ wrong), sorted by score:
        A ✓✓✓ 100 · B ✓✓✗ 66.7 · C ✓✗✓ 66.7 · D ✗✓✓ 66.7 · E ✓✗✗ 33.3 · F ✗✗✓ 33.3 ·
        G ✗✓✗ 33.3 · H ✗✗✗ 0.   Groups: round(0.27 × 8) = 2 → top {A, B}, bottom {G, H}.
    q1: right in A B C E → facility 4/8 = 0.5; top 2/2, bottom 0/2 → discrimination 1.0.
    q2: right in A B D G → 0.5; top 2/2, bottom 1/2 → 0.5.
    q3: right in A C D F → 0.5; top 1/2, bottom 0/2 → 0.5."""
    q1, q2, q3 = _bank(3)
    exam = _exam(county, [["廉洁纪律", 1, 3]], roles=["town_commission"])
    patterns = ["111", "110", "101", "011", "100", "001", "010", "000"]
    for n, pattern in enumerate(patterns):
        user = _official(county, f"official{n}")
        attempt = actions.start_attempt(exam=exam, user=user, now=NOW, seed=str(n))
        for answer in attempt.answers.all():
            index = [q1.pk, q2.pk, q3.pk].index(answer.question_id)
            given = "对" if pattern[index] == "1" else "错"
            actions.record_answer(attempt=attempt, position=answer.position, given=given, now=NOW)
        actions.submit_attempt(attempt=attempt, now=NOW)
    stats = {
        s.question.pk: (s.answered, s.facility, s.discrimination)
        for s in queries.item_analysis(exam)
    }
    assert stats == {q1.pk: (8, 0.5, 1.0), q2.pk: (8, 0.5, 0.5), q3.pk: (8, 0.5, 0.5)}


def test_the_county_sees_who_has_not_taken_or_not_passed(county: Cast) -> None:
    _bank(2)
    exam = _exam(county, [["廉洁纪律", 1, 2]], roles=["town_commission"])
    exam.regions.set([county.town_a])  # 佛楼镇's commission only: not 西兴镇's (the outsider)
    passer, failer = county.town_secretary.user, _official(county, "failer")
    idle = _official(county, "idle")
    for user, given in ((passer, "对"), (failer, "错")):
        attempt = actions.start_attempt(exam=exam, user=user, now=NOW)
        for answer in attempt.answers.all():
            actions.record_answer(attempt=attempt, position=answer.position, given=given, now=NOW)
        actions.submit_attempt(attempt=attempt, now=NOW)
    not_taken, not_passed = queries.not_passed(exam)
    assert [s.user for s in not_taken] == [idle]
    assert [(s.user, s.best) for s in not_passed] == [(failer, 0.0)]
    assert county.outsider.user not in [s.user for s in queries.standings(exam)]
    (rate,) = queries.unit_rates(exam)
    assert (rate.members, rate.taken, rate.passed, rate.completion, rate.pass_rate) == (
        3,
        2,
        1,
        66.7,
        33.3,
    )
