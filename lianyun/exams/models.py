"""云考堂: the question bank, exams assigned to cohorts of officials, and attempts.

An attempt's paper is drawn from the bank with a stored seed, so it can be drawn again; each
answer keeps the time the server received it, and only answers received before the attempt's
due time are graded.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.regions.models import Region, Unit


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    TRUE_FALSE = "true_false", _("true or false")
    FILL = "fill", _("fill in the blank")


class ExamQuestion(models.Model):
    """One question of the bank. `answer` holds the letters of the right choices (A, B …),
    "对" or "错" for true/false, or the accepted answers of a blank (any one counts)."""

    kind = models.CharField(_("type"), max_length=16, choices=QuestionKind.choices)
    stem = models.TextField(pgettext_lazy("exam", "question"))
    choices = models.JSONField(_("choices"), default=list, blank=True)
    answer = models.JSONField(pgettext_lazy("exam", "answer"))
    explanation = models.TextField(_("explanation"))
    rule = models.CharField(_("rule it tests"), max_length=200)
    topic = models.CharField(_("topic"), max_length=40)
    difficulty = models.PositiveSmallIntegerField(_("difficulty (1 easy – 3 hard)"))
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["topic", "difficulty", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=3), name="exam_question_difficulty"
            ),
        ]

    def __str__(self) -> str:
        return self.stem[:40]


class Exam(models.Model):
    """An exam assigned to a cohort (regions, roles, units) with a deadline. `blueprint` is a
    list of [topic, difficulty, count]: each attempt draws that many questions of each."""

    title = models.CharField(_("title"), max_length=120)
    blueprint = models.JSONField(_("paper blueprint"))
    time_limit = models.PositiveSmallIntegerField(_("time limit (minutes)"))
    attempt_limit = models.PositiveSmallIntegerField(_("attempts allowed"), default=2)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (per cent)"), default=60)
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(pgettext_lazy("exam", "deadline"))
    practice = models.BooleanField(_("practice (explanations at once, not counted)"), default=False)
    regions = models.ManyToManyField(Region, blank=True, related_name="+")
    roles = models.JSONField(_("roles"), default=list, blank=True)
    units = models.ManyToManyField(Unit, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pass_mark__lte=100) & Q(time_limit__gte=1) & Q(attempt_limit__gte=1),
                name="exam_limits",
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opens_on")), name="exam_deadline_after_open"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Attempt(models.Model):
    exam = models.ForeignKey(Exam, on_delete=models.CASCADE, related_name="attempts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveSmallIntegerField()
    seed = models.CharField(max_length=32)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField(null=True)

    class Meta:
        ordering = ["exam", "user", "number"]
        constraints = [
            models.UniqueConstraint(fields=["exam", "user", "number"], name="attempt_number"),
        ]

    def __str__(self) -> str:
        return f"{self.exam_id}:{self.user_id}:{self.number}"


class AttemptAnswer(models.Model):
    """A question of the attempt's paper, in order, with what was answered and when."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(ExamQuestion, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    given = models.JSONField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    correct = models.BooleanField(null=True)

    class Meta:
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="attempt_answer_position"),
            models.UniqueConstraint(fields=["attempt", "question"], name="attempt_question_once"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}:{self.position}"

    @property
    def fixed(self) -> bool:
        """In practice a checked answer shows its explanation and can no longer change."""
        return self.attempt.exam.practice and self.correct is not None


class QuizTally(models.Model):
    """The public 纪法知识 quiz, counted only in aggregate: per day, the papers handed in, the
    questions on them and the questions answered right. Nothing says who took it."""

    day = models.DateField(unique=True)
    papers = models.PositiveIntegerField(default=0)
    questions = models.PositiveIntegerField(default=0)
    right = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.day}: {self.papers}"
