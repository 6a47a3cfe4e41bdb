"""民意测评: surveys of villagers about towns, units, officials and rectification items, and the
social evaluation index built from the yearly survey.

Secrecy by construction: who may answer and who did answer (`Invitation`, `Participation`,
`BallotToken`) live apart from what was answered (`Response`, `Answer`). Nothing joins them:
no key between them, random UUIDs where an id could give an order, no time on either side but
the answer's day, and answers reach the `Response` table only through a mixing pool
(`PendingBallot`) that writes them out in shuffled batches, so not even the order rows were
stored in follows the order people answered in.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.cases.models import RectificationItem
from lianyun.inquiries.models import InquiryMeeting
from lianyun.people.models import Resident
from lianyun.regions.models import Region, Unit

TOKEN_CONTEXT = "surveys.BallotToken.code"  # noqa: S105 - an encryption context, no secret
POOL_CONTEXT = "surveys.PendingBallot.sealed"


class SurveyKind(models.TextChoices):
    SOCIAL = "social_evaluation", _("social evaluation survey")
    SATISFACTION = "satisfaction", _("satisfaction rating")
    GENERAL = "general", _("opinion survey")


class QuestionKind(models.TextChoices):
    SCALE = "scale", _("score from 1 to 10")
    SINGLE = "single", _("one choice")
    MULTIPLE = "multiple", _("several choices")
    TEXT = "text", _("free text")


class TargetKind(models.TextChoices):
    TOWN = "town", _("town")
    UNIT = "unit", _("unit")
    OFFICIAL = "official", _("named official")
    ITEM = "item", _("rectification item")


class Channel(models.TextChoices):
    ONLINE = "online", _("online, verified villager")
    BALLOT = "ballot", _("paper ballot code, answered on a phone")
    PAPER = "paper", _("paper form, entered by an official")
    PHONE = "phone", _("telephone interview, entered by an official")


class TextStatus(models.TextChoices):
    NONE = "", _("not free text")
    PENDING = "pending", _("awaiting moderation")
    APPROVED = "approved", _("approved for publication")
    REJECTED = "rejected", _("not published")


class Survey(models.Model):
    county = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="surveys")
    kind = models.CharField(_("kind"), max_length=24, choices=SurveyKind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("what it is for"), blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on (last day of answers)"))
    invited_only = models.BooleanField(
        _("only invited villagers (the sample) and ballot holders may answer"), default=False
    )
    min_answers = models.PositiveSmallIntegerField(
        _("fewest answers a target needs before its results show")
    )
    # Where a satisfaction rating came from: a closed item or a meeting.
    item = models.ForeignKey(
        RectificationItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    meeting = models.ForeignKey(
        InquiryMeeting, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    launched_at = models.DateTimeField(null=True, blank=True)
    # Set once the last answers left the mixing pool, after the closing day.
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opens_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_open"
            ),
            models.CheckConstraint(condition=Q(min_answers__gte=1), name="survey_min_answers"),
            models.UniqueConstraint(
                fields=["county", "year"],
                condition=Q(kind="social_evaluation"),
                name="survey_one_social_evaluation_a_year",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(_("type"), max_length=16, choices=QuestionKind.choices)
    text = models.CharField(pgettext_lazy("survey", "question"), max_length=300)
    # The social evaluation index's indicator (A1 … D3) a scale question measures.
    indicator = models.CharField(_("indicator"), max_length=4, blank=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    required = models.BooleanField(_("an answer is required"), default=True)
    # Conditional display: shown only when an earlier question was answered with this choice.
    show_if = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    show_if_choice = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="question_position"),
            models.CheckConstraint(
                condition=Q(show_if__isnull=True) | ~Q(show_if_choice=""),
                name="question_condition_has_choice",
            ),
        ]

    def __str__(self) -> str:
        return self.text


class Target(models.Model):
    """What is rated: a town, a unit, a named official or a rectification item. `area` is where
    the villagers who may rate it live."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("target"), max_length=16, choices=TargetKind.choices)
    area = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    official = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    item = models.ForeignKey(
        RectificationItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    label = models.CharField(max_length=160)

    class Meta:
        ordering = ["area__code", "pk"]

    def __str__(self) -> str:
        return self.label


class Invitation(models.Model):
    """A resident drawn into a town's sample; the draw's seed is kept to redraw it."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    texted = models.BooleanField(default=False)

    class Meta:
        ordering = ["town__code", "resident__village__code", "resident_id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "resident"], name="invitation_once"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.resident_id}"


class SampleDraw(models.Model):
    """A town's draw: its quota, the seed that picked the invited residents, who drew it."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="draws")
    town = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    population = models.PositiveIntegerField()
    quota = models.PositiveIntegerField()
    seed = models.CharField(max_length=32)
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["town__code"]
        constraints = [models.UniqueConstraint(fields=["survey", "town"], name="draw_once")]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.town_id}:{self.seed}"


class Participation(models.Model):
    """That a person answered a survey: one row, no time, no order, no link to the answer."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    resident = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "resident"], name="participation_once"),
        ]

    def __str__(self) -> str:
        return str(self.id)


class TokenSheet(models.Model):
    """A printed sheet of one-use ballot codes an integrity officer hands out in a village."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="sheets")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveSmallIntegerField(_("ballots on the sheet"))
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    made_at = models.DateTimeField()

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.survey_id}:{self.village_id}:{self.count}"


class BallotToken(models.Model):
    """One ballot code: encrypted (to reprint its sheet), found by its blind index, spent once.
    It names the village it was handed out in, never the person it was handed to."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sheet = models.ForeignKey(TokenSheet, on_delete=models.CASCADE, related_name="tokens")
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    # What `lianyun rotate_data_keys` re-encrypts: each column and its context.
    encrypted_fields: ClassVar[dict[str, str]] = {"code_encrypted": TOKEN_CONTEXT}
    code_encrypted = models.BinaryField()
    code_index = models.CharField(max_length=64, unique=True)
    position = models.PositiveSmallIntegerField()
    used = models.BooleanField(default=False)

    class Meta:
        ordering = ["sheet_id", "position"]

    def __str__(self) -> str:
        return str(self.id)


class PendingBallot(models.Model):
    """The mixing pool: answers sealed (encrypted) until they leave in a shuffled batch."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="+")
    # What `lianyun rotate_data_keys` re-encrypts: each column and its context.
    encrypted_fields: ClassVar[dict[str, str]] = {"sealed": POOL_CONTEXT}
    sealed = models.BinaryField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return str(self.id)


class Response(models.Model):
    """One villager's answers about one target: the day, how it came in, nothing else."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="responses")
    day = models.DateField()
    channel = models.CharField(max_length=8, choices=Channel.choices)

    class Meta:
        ordering = ["day", "id"]
        indexes = [models.Index(fields=["survey", "target"])]

    def __str__(self) -> str:
        return str(self.id)


class Answer(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    choices = models.JSONField(default=list, blank=True)
    text = models.TextField(blank=True)
    text_status = models.CharField(
        max_length=8, choices=TextStatus.choices, default=TextStatus.NONE, blank=True
    )

    class Meta:
        ordering = ["question__position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=10),
                name="answer_score_1_to_10",
            ),
        ]

    def __str__(self) -> str:
        return str(self.id)
