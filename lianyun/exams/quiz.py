"""云考堂 for everyone: a public 纪法知识 quiz in practice mode. A visitor draws a short paper
from the active bank, answers, hands in and reads every explanation. The paper and its answers
live only in the visitor's session; what is kept is a count per day (papers, questions, right
answers), so nobody's result is ever stored against them."""

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

from lianyun.exams.actions import is_correct
from lianyun.exams.models import ExamQuestion, QuizTally

SIZE = 10
PAPER = "lianyun_quiz"


@dataclass
class Slot:
    """One question of a quiz paper, shaped like an attempt's answer for the paper form."""

    position: int
    question: ExamQuestion
    given: Any = None
    correct: bool | None = None
    fixed: bool = False


def draw(rng: random.Random | None = None, size: int = SIZE) -> list[int]:
    ids = list(ExamQuestion.objects.filter(active=True).values_list("pk", flat=True))
    return sorted((rng or random.SystemRandom()).sample(ids, min(size, len(ids))))


def slots(paper: dict[str, Any]) -> list[Slot]:
    questions = ExamQuestion.objects.in_bulk(paper["ids"])
    answers = paper.get("answers", {})
    marks = paper.get("marks", {})
    return [
        Slot(n, questions[pk], answers.get(str(n)), marks.get(str(n)))
        for n, pk in enumerate(paper["ids"], start=1)
        if pk in questions
    ]


def grade(paper: dict[str, Any], today: datetime.date | None = None) -> dict[str, Any]:
    """Mark every question and add the paper to the day's tally, once."""
    if paper.get("graded"):
        return paper
    rows = slots(paper)
    marks = {str(s.position): is_correct(s.question, s.given) for s in rows}
    right = sum(marks.values())
    day = today or timezone.localdate()
    with transaction.atomic():
        QuizTally.objects.get_or_create(day=day)
        QuizTally.objects.filter(day=day).update(
            papers=F("papers") + 1, questions=F("questions") + len(rows), right=F("right") + right
        )
    return {**paper, "marks": marks, "graded": True, "right": right, "size": len(rows)}


@dataclass
class Totals:
    papers: int
    questions: int
    right: int

    @property
    def share(self) -> float | None:
        return round(100 * self.right / self.questions, 1) if self.questions else None


def totals(since: datetime.date) -> Totals:
    found = QuizTally.objects.filter(day__gte=since).aggregate(
        papers=Sum("papers"), questions=Sum("questions"), right=Sum("right")
    )
    return Totals(found["papers"] or 0, found["questions"] or 0, found["right"] or 0)
