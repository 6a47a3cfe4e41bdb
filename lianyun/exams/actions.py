"""Writes for 云考堂. A refusal is a ValidationError in the user's language and writes nothing.

The server keeps the clock: an answer counts only if it arrived before the attempt's due time
(the time limit, and never past the exam's deadline); a late submission is graded on what
arrived in time.
"""

import datetime
import random
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.accounts.actions import notify
from lianyun.accounts.models import User
from lianyun.accounts.queries import in_audience
from lianyun.core import audit
from lianyun.core.cli import LocalizedError
from lianyun.exams.models import Attempt, AttemptAnswer, Exam, ExamQuestion, QuestionKind
from lianyun.ledger.xlsx import check_zip, read_xlsx

LETTERS = "ABCDEF"
MAX_FILL = 200
TRUE, FALSE = "对", "错"
BANK_HEADER = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "选项F",
    "答案",
    "解析",
    "依据",
    "主题",
    "难度",
]
KIND_NAMES = {
    "单选": QuestionKind.SINGLE,
    "多选": QuestionKind.MULTIPLE,
    "判断": QuestionKind.TRUE_FALSE,
    "填空": QuestionKind.FILL,
}


def _audit(action: str, actor: User | None, obj: Any, **detail: Any) -> None:
    audit.record(
        action=action, actor=actor, object_type=obj._meta.label, object_id=obj.pk, detail=detail
    )


# --- the bank ----------------------------------------------------------------------------------


@dataclass
class BankRow:
    kind: str
    stem: str
    choices: list[str]
    answer: list[str]
    explanation: str
    rule: str
    topic: str
    difficulty: int


def parse_row(cells: list[str]) -> BankRow:
    """One spreadsheet row as a question, or a refusal that names what is wrong with it."""
    cells = [c.strip() for c in cells] + [""] * (len(BANK_HEADER) - len(cells))
    kind_name, stem, *rest = cells
    choices = [c for c in rest[:6] if c]
    answer_text, explanation, rule, topic, difficulty = rest[6:11]
    kind = KIND_NAMES.get(kind_name)
    if kind is None:
        raise ValidationError(_("type must be one of 单选, 多选, 判断, 填空"))
    if not stem:
        raise ValidationError(_("the question is empty"))
    if not answer_text:
        raise ValidationError(_("the question has no answer"))
    if not explanation or not rule or not topic:
        raise ValidationError(_("explanation, rule and topic are required"))
    if difficulty not in {"1", "2", "3"}:
        raise ValidationError(_("difficulty must be 1, 2 or 3"))
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        letters = sorted({ch for ch in answer_text.upper() if ch.isalpha()})
        if (
            len(choices) < 2
            or any(LETTERS.index(ch) >= len(choices) for ch in letters if ch in LETTERS)
            or any(ch not in LETTERS for ch in letters)
        ):
            raise ValidationError(_("the answer must name choices the question has"))
        if kind == QuestionKind.SINGLE and len(letters) != 1:
            raise ValidationError(_("a single-choice question has exactly one answer"))
        if kind == QuestionKind.MULTIPLE and len(letters) < 2:
            raise ValidationError(_("a multiple-choice question has at least two answers"))
        answer = letters
    elif kind == QuestionKind.TRUE_FALSE:
        if answer_text not in (TRUE, FALSE):
            raise ValidationError(_("a true-or-false answer is 对 or 错"))
        answer, choices = [answer_text], []
    else:
        answer, choices = [a.strip() for a in answer_text.split("|") if a.strip()], []
    return BankRow(kind, stem, choices, answer, explanation, rule, topic, int(difficulty))


@transaction.atomic
def import_bank(*, data: bytes, actor: User, now: datetime.datetime | None = None) -> int:
    """All rows or none: a file with any bad row is refused with every bad row named."""
    now = now or timezone.now()
    try:
        check_zip(data)
        rows = list(read_xlsx(data))
    except LocalizedError as error:
        raise ValidationError(error.render()) from None
    if not rows or [c.strip() for c in rows[0][: len(BANK_HEADER)]] != BANK_HEADER:
        raise ValidationError(
            _("The first row must be the columns: %(columns)s") % {"columns": " ".join(BANK_HEADER)}
        )
    parsed, errors = [], []
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        try:
            parsed.append(parse_row(cells))
        except ValidationError as error:
            errors.append(
                _("row %(row)s: %(problem)s") % {"row": number, "problem": error.messages[0]}
            )
    if errors:
        raise ValidationError(errors)
    if not parsed:
        raise ValidationError(_("The file holds no questions."))
    made = ExamQuestion.objects.bulk_create(
        ExamQuestion(
            kind=r.kind,
            stem=r.stem,
            choices=r.choices,
            answer=r.answer,
            explanation=r.explanation,
            rule=r.rule,
            topic=r.topic,
            difficulty=r.difficulty,
            created_at=now,
        )
        for r in parsed
    )
    audit.record(action="exams.bank_imported", actor=actor, detail={"questions": len(made)})
    return len(made)


def bank_rows() -> list[list[object]]:
    """The bank as spreadsheet rows, in the import's columns (so an export imports again)."""
    names = {v: k for k, v in KIND_NAMES.items()}
    rows: list[list[object]] = []
    for q in ExamQuestion.objects.filter(active=True):
        choices = (q.choices + [""] * 6)[:6]
        answer = "|".join(q.answer) if q.kind == QuestionKind.FILL else "".join(q.answer)
        rows.append(
            [
                names[QuestionKind(q.kind)],
                q.stem,
                *choices,
                answer,
                q.explanation,
                q.rule,
                q.topic,
                q.difficulty,
            ]
        )
    return rows


def answer_all(
    *, attempt: Attempt, answers: dict[int, Any], now: datetime.datetime | None = None
) -> Attempt:
    """The paper page sends every answer at once, then hands in: answers that arrive after the
    due time are not kept (the submission is graded on those that came in time)."""
    now = now or timezone.now()
    with transaction.atomic():
        if attempt.submitted_at is None and now <= attempt.due_at:
            checked = _checked(attempt)
            for position, given in sorted(answers.items()):
                if position not in checked:
                    record_answer(attempt=attempt, position=position, given=given, now=now)
        return submit_attempt(attempt=attempt, now=now)


def _checked(attempt: Attempt) -> set[int]:
    """In practice, the questions already checked (marked, explanation shown): fixed."""
    if not attempt.exam.practice:
        return set()
    return set(attempt.answers.filter(correct__isnull=False).values_list("position", flat=True))


def keep_answers(
    *, attempt: Attempt, answers: dict[int, Any], now: datetime.datetime | None = None
) -> int:
    """Keep every answer ticked so far without handing in: the page sends each one as it is
    ticked, and 核对 or a reload sends the rest, so none is lost and another device resumes
    the paper. Empty answers and checked practice questions are left as they are."""
    now = now or timezone.now()
    kept = 0
    with transaction.atomic():
        checked = _checked(attempt)
        for position, given in sorted(answers.items()):
            if position in checked or given in (None, "", []):
                continue
            record_answer(attempt=attempt, position=position, given=given, now=now)
            kept += 1
    return kept


@transaction.atomic
def create_exam(
    *,
    actor: User,
    title: str,
    blueprint: list[tuple[str, int, int]],
    time_limit: int,
    attempt_limit: int,
    pass_mark: int,
    opens_on: datetime.date,
    deadline: datetime.date,
    practice: bool = False,
    roles: list[str] | None = None,
    regions: list[Any] | None = None,
    units: list[Any] | None = None,
    now: datetime.datetime | None = None,
) -> Exam:
    """An exam whose blueprint the bank can fill, assigned to a cohort."""
    now = now or timezone.now()
    if deadline < opens_on:
        raise ValidationError({"deadline": _("The deadline cannot come before the opening.")})
    if not blueprint or any(count < 1 for _topic, _level, count in blueprint):
        raise ValidationError(
            {"blueprint": _("Say how many questions of which topic and difficulty.")}
        )
    exam = Exam(
        title=title.strip(),
        blueprint=[list(line) for line in blueprint],
        time_limit=time_limit,
        attempt_limit=attempt_limit,
        pass_mark=pass_mark,
        opens_on=opens_on,
        deadline=deadline,
        practice=practice,
        roles=sorted(roles or []),
        created_by=actor,
        created_at=now,
    )
    paper_picks(exam, "check")  # refuses a blueprint the bank cannot fill, naming the line
    exam.save()
    exam.regions.set(regions or [])
    exam.units.set(units or [])
    _audit("exams.exam_created", actor, exam)
    return exam


REMINDER = gettext_lazy(
    "Reminder: the exam “%(title)s” is due by %(day)s and you have not passed it yet."
)


def remind(*, exam: Exam, actor: User, users: list[User]) -> int:
    """A notification in the workspace of each official named (those not yet passed)."""
    with translation.override("zh-hans"):
        text = str(REMINDER) % {"title": exam.title, "day": exam.deadline.isoformat()}
    url = reverse("exams:exam-list")
    for user in users:
        notify(user=user, text=text, url=url)
    _audit("exams.reminded", actor, exam, reminded=len(users))
    return len(users)


# --- papers and attempts -----------------------------------------------------------------------


def paper_picks(exam: Exam, seed: str, avoid: Collection[int] = ()) -> list[int]:
    """The questions a seed draws for an exam: for each line of the blueprint, that many of
    the topic and difficulty, preferring ones not in `avoid` (seen last time), never one twice."""
    rng = random.Random(f"{seed}:{exam.pk}")  # noqa: S311 - reproducible, not secret
    bank: dict[tuple[str, int], list[int]] = {}
    for pk, topic, difficulty in (
        ExamQuestion.objects.filter(active=True, topic__in={line[0] for line in exam.blueprint})
        .order_by("pk")
        .values_list("pk", "topic", "difficulty")
    ):
        bank.setdefault((topic, difficulty), []).append(pk)
    picked: list[int] = []
    for topic, difficulty, count in exam.blueprint:
        pool = [pk for pk in bank.get((topic, difficulty), []) if pk not in picked]
        fresh = [pk for pk in pool if pk not in avoid]
        seen = [pk for pk in pool if pk in avoid]
        if len(pool) < count:
            raise ValidationError(
                _(
                    "The bank has %(have)s questions on %(topic)s at difficulty %(level)s; the exam needs %(need)s."
                )
                % {"have": len(pool), "topic": topic, "level": difficulty, "need": count}
            )
        chosen = rng.sample(fresh, min(count, len(fresh)))
        chosen += rng.sample(seen, count - len(chosen))
        picked += chosen
    rng.shuffle(picked)
    return picked


def in_cohort(exam: Exam, user: User) -> bool:
    return in_audience(
        user, exam.roles, exam.regions.all(), set(exam.units.values_list("pk", flat=True))
    )


@transaction.atomic
def start_attempt(
    *, exam: Exam, user: User, now: datetime.datetime | None = None, seed: str = ""
) -> Attempt:
    now = now or timezone.now()
    today = timezone.localdate(now)
    if not in_cohort(exam, user):
        raise ValidationError(_("This exam is not assigned to you."))
    if today < exam.opens_on:
        raise ValidationError(_("This exam opens on %(day)s.") % {"day": exam.opens_on.isoformat()})
    if today > exam.deadline:
        raise ValidationError(
            _("The deadline of this exam was %(day)s.") % {"day": exam.deadline.isoformat()}
        )
    earlier = list(
        Attempt.objects.select_for_update().filter(exam=exam, user=user).order_by("number")
    )
    if any(a.submitted_at is None and a.due_at > now for a in earlier):
        raise ValidationError(_("Finish the attempt you started first."))
    if not exam.practice and len(earlier) >= exam.attempt_limit:
        raise ValidationError(_("You have used all %(n)s attempts.") % {"n": exam.attempt_limit})
    avoid = set(earlier[-1].answers.values_list("question_id", flat=True)) if earlier else set()
    seed = seed or secrets.token_hex(8)
    picks = paper_picks(exam, seed, avoid)
    end_of_deadline = timezone.make_aware(
        datetime.datetime.combine(exam.deadline + datetime.timedelta(days=1), datetime.time())
    )
    attempt = Attempt.objects.create(
        exam=exam,
        user=user,
        number=len(earlier) + 1,
        seed=seed,
        started_at=now,
        due_at=min(now + datetime.timedelta(minutes=exam.time_limit), end_of_deadline),
    )
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(attempt=attempt, question_id=pk, position=i)
        for i, pk in enumerate(picks, start=1)
    )
    return attempt


def is_correct(question: ExamQuestion, given: Any) -> bool:
    if given in (None, "", []):
        return False
    answer: list[str] = question.answer  # a JSON field: a list of strings for every kind
    if question.kind == QuestionKind.MULTIPLE:
        return sorted(given) == sorted(answer)
    if question.kind == QuestionKind.FILL:
        typed = "".join(str(given).split())
        return any(typed == "".join(a.split()) for a in answer)
    return [given] == answer if not isinstance(given, list) else given == answer


@transaction.atomic
def record_answer(
    *, attempt: Attempt, position: int, given: Any, now: datetime.datetime | None = None
) -> None:
    """Keep one answer, with the server's time; none after the due time or the submission."""
    now = now or timezone.now()
    locked = Attempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)
    if locked.submitted_at is not None:
        raise ValidationError(_("This attempt has been submitted."))
    if now > locked.due_at:
        raise ValidationError(
            _("Time is up: this answer came after %(time)s.")
            % {"time": timezone.localtime(locked.due_at).strftime("%H:%M")}
        )
    row = locked.answers.select_related("question").filter(position=position).first()
    if row is None:
        raise ValidationError(_("This paper has no question %(n)s.") % {"n": position})
    if locked.exam.practice and row.correct is not None:
        # In practice a checked answer shows its explanation, so it cannot change after.
        raise ValidationError(_("Question %(n)s has been checked already.") % {"n": position})
    question = row.question
    if question.kind == QuestionKind.MULTIPLE:
        given = sorted({g for g in (given if isinstance(given, list) else [given]) if g})
        valid = set(LETTERS[: len(question.choices)])
        if any(g not in valid for g in given):
            raise ValidationError(_("Pick among the question's choices."))
    elif question.kind == QuestionKind.SINGLE:
        if given not in set(LETTERS[: len(question.choices)]):
            raise ValidationError(_("Pick one of the question's choices."))
    elif question.kind == QuestionKind.TRUE_FALSE:
        if given not in (TRUE, FALSE):
            raise ValidationError(_("Answer 对 or 错."))
    else:
        given = str(given).strip()[:MAX_FILL]
    row.given, row.answered_at = given, now
    row.save(update_fields=["given", "answered_at"])


@transaction.atomic
def submit_attempt(*, attempt: Attempt, now: datetime.datetime | None = None) -> Attempt:
    """Grade once: each question answered before the due time counts; the score is the share
    right, in per cent; passed at the exam's mark."""
    now = now or timezone.now()
    locked = Attempt.objects.select_for_update().select_related("exam").get(pk=attempt.pk)
    if locked.submitted_at is not None:
        raise ValidationError(_("This attempt has already been submitted."))
    rows = list(locked.answers.select_related("question"))
    right = 0
    for row in rows:
        in_time = row.answered_at is not None and row.answered_at <= locked.due_at
        row.correct = in_time and is_correct(row.question, row.given)
        right += bool(row.correct)
    AttemptAnswer.objects.bulk_update(rows, ["correct"])
    locked.submitted_at = now
    locked.score = (
        (Decimal(100 * right) / len(rows)).quantize(Decimal("0.1")) if rows else Decimal(0)
    )
    locked.passed = locked.score >= locked.exam.pass_mark
    locked.save(update_fields=["submitted_at", "score", "passed"])
    _audit("exams.attempt_submitted", locked.user, locked, score=str(locked.score))
    return locked


@transaction.atomic
def check_practice(
    *, attempt: Attempt, position: int, given: Any, now: datetime.datetime | None = None
) -> AttemptAnswer:
    """Practice: keep one answer and mark it at once, so the page can show the explanation."""
    if not attempt.exam.practice:
        raise ValidationError(_("Answers are marked when the paper is handed in."))
    if given in (None, "", []):
        raise ValidationError(_("Answer question %(n)s first.") % {"n": position})
    record_answer(attempt=attempt, position=position, given=given, now=now)
    row = attempt.answers.select_related("question").get(position=position)
    row.correct = is_correct(row.question, row.given)
    row.save(update_fields=["correct"])
    return row
