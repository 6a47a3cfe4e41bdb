"""Results of 云考堂: who has not taken or not passed an exam, completion and pass rates per
unit, and the item analysis of the bank's questions."""

from collections import defaultdict
from dataclasses import dataclass

from lianyun.accounts.models import User
from lianyun.core.roles import Role
from lianyun.exams.actions import in_cohort
from lianyun.exams.models import Attempt, AttemptAnswer, Exam, ExamQuestion

UPPER_LOWER = 0.27  # Kelley's groups: the top and bottom 27% of the attempts by score


@dataclass
class Standing:
    user: User
    attempts: int
    best: float | None
    passed: bool


def cohort(exam: Exam) -> list[User]:
    """The officials the exam is assigned to."""
    users = (
        User.objects.filter(is_active=True)
        .exclude(role=Role.VILLAGER)
        .select_related("region__parent", "unit")
    )
    if exam.roles:
        users = users.filter(role__in=exam.roles)
    return [u for u in users.order_by("region__code", "username") if in_cohort(exam, u)]


def standings(exam: Exam) -> list[Standing]:
    submitted: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(exam=exam, submitted_at__isnull=False):
        submitted[attempt.user_id].append(attempt)
    out = []
    for user in cohort(exam):
        mine = submitted.get(user.pk, [])
        best = max((float(a.score) for a in mine if a.score is not None), default=None)
        out.append(Standing(user, len(mine), best, any(a.passed for a in mine)))
    return out


def not_passed(exam: Exam) -> tuple[list[Standing], list[Standing]]:
    """Those who have not taken the exam, and those who took it and have not passed."""
    rows = standings(exam)
    return [s for s in rows if not s.attempts], [s for s in rows if s.attempts and not s.passed]


@dataclass
class UnitRate:
    name: str
    members: int
    taken: int
    passed: int

    @property
    def completion(self) -> float:
        return round(100 * self.taken / self.members, 1) if self.members else 0.0

    @property
    def pass_rate(self) -> float:
        return round(100 * self.passed / self.members, 1) if self.members else 0.0


def unit_rates(exam: Exam) -> list[UnitRate]:
    """Per unit (accounts without one count with their town: a village's officials with its
    town's): taken and passed of the cohort."""
    groups: dict[str, UnitRate] = {}
    for s in standings(exam):
        region = s.user.region
        if region is not None and region.kind == "village":
            region = region.parent
        name = s.user.unit.name if s.user.unit else (region.name if region else "—")
        rate = groups.setdefault(name, UnitRate(name, 0, 0, 0))
        rate.members += 1
        rate.taken += bool(s.attempts)
        rate.passed += s.passed
    return sorted(groups.values(), key=lambda r: (r.pass_rate, r.name))


@dataclass
class ItemStats:
    question: ExamQuestion
    answered: int
    facility: float | None  # share right, 0–1
    discrimination: float | None  # share right in the top group minus in the bottom group


def item_analysis(exam: Exam) -> list[ItemStats]:
    """Facility and discrimination of each question that appeared in the exam's submitted
    attempts. Groups: the top and bottom 27% of attempts by score (at least one each)."""
    attempts = list(
        Attempt.objects.filter(exam=exam, submitted_at__isnull=False).order_by("-score", "pk")
    )
    if not attempts:
        return []
    size = max(1, round(UPPER_LOWER * len(attempts)))
    upper = {a.pk for a in attempts[:size]}
    lower = {a.pk for a in attempts[-size:]}
    seen: dict[int, list[tuple[int, bool]]] = defaultdict(list)
    for attempt_id, question_id, correct in AttemptAnswer.objects.filter(
        attempt__in=attempts
    ).values_list("attempt_id", "question_id", "correct"):
        seen[question_id].append((attempt_id, bool(correct)))
    questions = ExamQuestion.objects.in_bulk(list(seen))
    out = []
    for question_id, rows in sorted(seen.items()):
        top = [ok for a, ok in rows if a in upper]
        bottom = [ok for a, ok in rows if a in lower]
        facility = sum(ok for _, ok in rows) / len(rows)
        discrimination = sum(top) / len(top) - sum(bottom) / len(bottom) if top and bottom else None
        out.append(
            ItemStats(
                questions[question_id],
                len(rows),
                round(facility, 3),
                None if discrimination is None else round(discrimination, 3),
            )
        )
    return out


# --- what the pages read -------------------------------------------------------------------


def exams_by_deadline() -> list[Exam]:
    return list(Exam.objects.order_by("deadline"))


def attempts_of(exam: Exam, user: User) -> list[Attempt]:
    return list(Attempt.objects.filter(exam=exam, user=user).order_by("number"))


def paper_rows(attempt: Attempt) -> list[AttemptAnswer]:
    """An attempt's questions in their order on the paper, with what was answered."""
    return list(attempt.answers.select_related("question", "attempt__exam"))


def bank_size() -> int:
    """The questions in use in the bank."""
    return ExamQuestion.objects.filter(active=True).count()
