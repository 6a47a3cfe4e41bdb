"""阳光问廉: public questions to a unit or a named official (网上问廉), and on-site 群众来问廉
meetings whose demands become a rectification list.

Every time a scoreboard or a counter uses is written by the system when the step happens
(`*_at` fields set by the actions); a date an official types in (a paper reply's date, say)
is kept for reading only.
"""

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianyun.cases.models import Lead, RectificationItem
from lianyun.core import crypto
from lianyun.core.masking import mask_name
from lianyun.people.models import Resident
from lianyun.regions.models import Region, Unit

RAISED_BY_CONTEXT = "inquiries.Demand.raised_by"


class Category(models.TextChoices):
    LAND = "land_compensation", _("land and compensation")
    SUBSIDIES = "subsidies", _("subsidies and benefits")
    ROADS = "roads_projects", _("roads and projects")
    FINANCES = "village_finances", _("village finances")
    CONDUCT = "conduct", _("officials' conduct")
    OTHER = "other", _("other")


class InquiryStatus(models.TextChoices):
    SCREENING = "screening", _("being screened")
    REJECTED = "rejected", _("not published")
    AWAITING = "awaiting", _("awaiting the answer")
    ANSWERED = "answered", _("answered")
    REOPENED = "reopened", _("awaiting a second answer")
    REFERRED = "referred", _("with the commission")
    CLOSED = "closed", _("closed")


OPEN_FOR_ANSWER = (InquiryStatus.AWAITING, InquiryStatus.REOPENED)


class Inquiry(models.Model):
    """A question a villager asks in public, addressed to a unit and perhaps one official."""

    asker = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="inquiries")
    asker_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inquiries")
    official = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="inquiries_to"
    )
    official_title = models.CharField(_("post"), max_length=128, blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    title = models.CharField(_("question in one line"), max_length=100)
    question = models.TextField(_("question"))
    status = models.CharField(
        max_length=16, choices=InquiryStatus.choices, default=InquiryStatus.SCREENING
    )
    asked_at = models.DateTimeField()
    screen_due = models.DateField()
    screened_at = models.DateTimeField(null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    rejection_reason = models.TextField(_("reason"), blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    answer_due = models.DateField(null=True, blank=True)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    second_due = models.DateField(null=True, blank=True)
    satisfied = models.BooleanField(null=True)
    rated_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    commission_note = models.TextField(_("the commission's conclusion"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name_plural = "inquiries"
        indexes = [models.Index(fields=["status", "answer_due"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="inquiry_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(answer_due__isnull=False),
                name="inquiry_published_has_due",
            ),
        ]

    def __str__(self) -> str:
        return f"Q{self.pk} {self.title}"

    @property
    def region(self) -> Region:
        return self.unit.region


class Answer(models.Model):
    """An answer, public once given. Round 2 follows an unsatisfied rating."""

    inquiry = models.ForeignKey(Inquiry, on_delete=models.CASCADE, related_name="answers")
    round = models.PositiveSmallIntegerField()
    text = models.TextField(_("answer"))
    answered_at = models.DateTimeField()
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # A date the official states (of a paper reply, say): shown, never counted.
    stated_date = models.DateField(_("date of the written reply, if any"), null=True, blank=True)

    class Meta:
        ordering = ["round"]
        constraints = [
            models.UniqueConstraint(fields=["inquiry", "round"], name="answer_round_unique"),
            models.CheckConstraint(condition=Q(round__in=[1, 2]), name="answer_round_1_or_2"),
        ]

    def __str__(self) -> str:
        return f"Q{self.inquiry_id} answer {self.round}"


class Commitment(models.Model):
    """An action an answer promises; its work is tracked as a rectification item."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="commitments")
    item = models.OneToOneField(RectificationItem, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"commitment {self.item_id}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("scheduled")
    HELD = "held", _("held")


class InquiryMeeting(models.Model):
    """群众来问廉: villagers question officials face to face; a panel votes on each of them."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="inquiry_meetings")
    organiser = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    starts_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=100)
    panel_size = models.PositiveSmallIntegerField(_("members of the satisfaction panel"))
    panel = models.TextField(_("who sits on the panel"), blank=True)
    observers = models.TextField(_("media and county observers"), blank=True)
    threshold = models.PositiveSmallIntegerField(_("satisfaction needed (%)"))
    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    scheduled_at = models.DateTimeField()
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(null=True, blank=True)
    notice_entry = models.PositiveBigIntegerField(null=True, blank=True)
    result_entry = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-starts_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(panel_size__gte=1), name="meeting_panel_not_empty"),
            models.CheckConstraint(
                condition=Q(threshold__gte=1) & Q(threshold__lte=100),
                name="meeting_threshold_percent",
            ),
            models.CheckConstraint(
                condition=Q(status="scheduled") | Q(held_on__isnull=False),
                name="meeting_held_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.village.name} {self.starts_at:%Y-%m-%d}"


class Questioned(models.Model):
    """An official questioned at a meeting: statement (述职) and the panel's vote."""

    meeting = models.ForeignKey(InquiryMeeting, on_delete=models.CASCADE, related_name="officials")
    person = models.ForeignKey(Resident, on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("post"), max_length=128)
    statement = models.TextField(_("statement (述职)"), blank=True)
    votes_satisfied = models.PositiveSmallIntegerField(_("satisfied"), null=True, blank=True)
    votes_basic = models.PositiveSmallIntegerField(_("basically satisfied"), null=True, blank=True)
    votes_unsatisfied = models.PositiveSmallIntegerField(_("not satisfied"), null=True, blank=True)
    voted_at = models.DateTimeField(null=True, blank=True)
    flagged = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "person"], name="questioned_once"),
            models.CheckConstraint(
                condition=Q(voted_at__isnull=True)
                | (
                    Q(votes_satisfied__isnull=False)
                    & Q(votes_basic__isnull=False)
                    & Q(votes_unsatisfied__isnull=False)
                ),
                name="questioned_vote_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.title}"

    @property
    def votes_cast(self) -> int:
        return (self.votes_satisfied or 0) + (self.votes_basic or 0) + (self.votes_unsatisfied or 0)

    @property
    def satisfaction(self) -> int | None:
        """满意率 in whole percent: satisfied and basically satisfied over the votes cast."""
        if self.voted_at is None or not self.votes_cast:
            return None
        return round(
            100 * ((self.votes_satisfied or 0) + (self.votes_basic or 0)) / self.votes_cast
        )


class Demand(models.Model):
    """诉求: one thing a villager raised at a meeting, who answered it and what was promised."""

    meeting = models.ForeignKey(InquiryMeeting, on_delete=models.CASCADE, related_name="demands")
    number = models.PositiveSmallIntegerField()
    # The villager's name: encrypted, and masked the same way on every public surface.
    # What `lianyun rotate_data_keys` re-encrypts: each column and its context.
    encrypted_fields: ClassVar[dict[str, str]] = {"raised_by_encrypted": RAISED_BY_CONTEXT}
    raised_by_encrypted = models.BinaryField()
    raised_by_masked = models.CharField(_("raised by"), max_length=32)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    text = models.TextField(_("what was raised"))
    answered_by = models.ForeignKey(
        Questioned, on_delete=models.PROTECT, null=True, blank=True, related_name="demands"
    )
    reply = models.TextField(_("the answer given"), blank=True)
    promise = models.TextField(_("what was promised"), blank=True)
    item = models.OneToOneField(
        RectificationItem, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lead = models.ForeignKey(
        Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    funds_returned = models.DecimalField(
        _("money returned to villagers (yuan)"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
    )
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Set by the recorder's phone: the same demand sent twice (a lost answer on a weak
    # network, then the outbox) is recorded once.
    client_key = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "client_key"],
                condition=~Q(client_key=""),
                name="demand_sent_once",
            ),
            models.UniqueConstraint(fields=["meeting", "number"], name="demand_number_unique"),
            models.CheckConstraint(
                condition=Q(funds_returned__gte=0), name="demand_funds_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.meeting} #{self.number}"

    def set_raised_by(self, name: str) -> None:
        self.raised_by_encrypted = crypto.encrypt(name, context=RAISED_BY_CONTEXT)
        self.raised_by_masked = mask_name(name)

    def raised_by(self) -> str:
        """The whole name, for the officials who go back to the villager (回访)."""
        return crypto.decrypt(self.raised_by_encrypted, context=RAISED_BY_CONTEXT)
