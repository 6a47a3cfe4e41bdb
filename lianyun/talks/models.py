"""云端话廉: integrity talks and lectures for officials (audience, registration, a recording or
a live link on the intranet, attendance taken by the time the talk's page was open, a moderated
question thread, minutes), and reminder talks (谈话提醒): a commission's one-to-one talk with an
official, which only the commission and the official see."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.cases.models import RectificationItem
from lianyun.core.models import EncryptedFile
from lianyun.regions.models import Region, Unit


class TalkKind(models.TextChoices):
    LECTURE = "lecture", _("lecture")
    DISCUSSION = "discussion", _("discussion")


class Talk(models.Model):
    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16, choices=TalkKind.choices)
    speaker = models.CharField(_("speaker"), max_length=64)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    duration = models.PositiveSmallIntegerField(_("length (minutes)"))
    min_minutes = models.PositiveSmallIntegerField(_("minutes on the page to count as attended"))
    live_url = models.URLField(_("live link on the intranet"), blank=True)
    # A public lecture: anyone may read it, watch its recording and read the questions the
    # organisers answered in public; a villager signed in may ask. Attendance stays officials'.
    public = models.BooleanField(_("open to the public"), default=False)
    regions = models.ManyToManyField(Region, blank=True, related_name="+")
    roles = models.JSONField(_("roles"), default=list, blank=True)
    units = models.ManyToManyField(Unit, blank=True, related_name="+")
    minutes = models.TextField(_("minutes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_minutes__gte=1) & Q(min_minutes__lte=F("duration")),
                name="talk_attendance_within_length",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Recording(EncryptedFile):
    folder = "talks"
    context = "talk-recording"

    talk = models.OneToOneField(Talk, on_delete=models.CASCADE, related_name="recording")

    def __str__(self) -> str:
        return f"{self.talk_id}"


class Registration(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    registered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["talk", "user"], name="register_once")]

    def __str__(self) -> str:
        return f"{self.talk_id}:{self.user_id}"


class Attendance(models.Model):
    """Seconds the talk's page was open and in view (the page reports every half minute; the
    server counts at most `HEARTBEAT_MAX_SECONDS` per report), and when it reached the talk's
    minimum."""

    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    seconds = models.PositiveIntegerField(default=0)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()
    attended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["talk", "user"], name="attend_once")]

    def __str__(self) -> str:
        return f"{self.talk_id}:{self.user_id}"


class QuestionStatus(models.TextChoices):
    PENDING = "pending", _("awaiting moderation")
    APPROVED = "approved", _("shown")
    REJECTED = "rejected", _("not shown")


class TalkQuestion(models.Model):
    talk = models.ForeignKey(Talk, on_delete=models.CASCADE, related_name="questions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.CharField(pgettext_lazy("talk", "question"), max_length=500)
    status = models.CharField(
        max_length=16, choices=QuestionStatus.choices, default=QuestionStatus.PENDING
    )
    answer = models.TextField(pgettext_lazy("talk", "answer"), blank=True)
    asked_at = models.DateTimeField()

    class Meta:
        ordering = ["asked_at", "pk"]

    def __str__(self) -> str:
        return self.text[:40]


class ReminderTalk(models.Model):
    """谈话提醒: who talked with which official, when, about what, and what the official
    promised; the official acknowledges it in the app."""

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("held on"))
    topics = models.TextField(_("topics"))
    commitments = models.JSONField(_("commitments"), default=list, blank=True)
    items = models.ManyToManyField(RectificationItem, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.official_id}:{self.held_on}"
