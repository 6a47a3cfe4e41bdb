"""The case engine under every function: leads (问题线索) with their dispositions and outcomes,
and rectification items (整改) with owners, deadlines, progress and the villager's confirmation.

A lead or an item names its source as "<app>.<Model>:<id>" so that petitions, inquiry meetings,
inspections, cross-check flags and surveys all feed the same tables without the case engine
knowing their models.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.core.models import EncryptedFile
from lianyun.people.models import Resident
from lianyun.regions.models import Region, Unit


def source_ref(record: models.Model) -> str:
    """How a lead or an item names the record it came from: "<app>.<Model>:<id>", the one
    spelling, made only here."""
    return f"{record._meta.label}:{record.pk}"


def source_of(ref: str) -> tuple[str, str]:
    """A source reference taken apart: ("<app>.<Model>", "<id>"); the id is for `row_id`."""
    label, _sep, key = ref.partition(":")
    return label, key


class SourceKind(models.TextChoices):
    PETITION = "petition", _("petition")
    INQUIRY = "inquiry", _("public question")
    INQUIRY_MEETING = "inquiry_meeting", _("inquiry meeting")
    INSPECTION = "inspection", _("village inspection")
    FLAG = "flag", _("cross-check flag")
    SURVEY = "survey", _("survey")
    REMINDER_TALK = "reminder_talk", _("reminder talk")
    OTHER = "other", _("other")


class Disposition(models.TextChoices):
    TALK_OR_LETTER = "talk_or_letter", _("talk or inquiry letter")
    PRELIMINARY_CHECK = "preliminary_check", _("preliminary check")
    SHELVE = "shelve", _("shelve pending further clues")
    CLOSE = "close", _("close")


class LeadStatus(models.TextChoices):
    OPEN = "open", _("awaiting disposition")
    DISPOSED = "disposed", _("being handled")
    CONCLUDED = "concluded", _("concluded")


class Lead(models.Model):
    """A lead about possible misconduct, from any source, handled by a commission."""

    source_kind = models.CharField(_("source"), max_length=32, choices=SourceKind.choices)
    source_ref = models.CharField(max_length=64, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="leads")
    handling_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="leads")
    subject_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="leads_about"
    )
    subjects = models.ManyToManyField(Resident, blank=True, related_name="leads_about")
    summary = models.CharField(_("summary"), max_length=200)
    amount_involved = models.DecimalField(
        _("money involved (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    status = models.CharField(max_length=16, choices=LeadStatus.choices, default=LeadStatus.OPEN)
    disposition = models.CharField(
        _("disposition"), max_length=32, choices=Disposition.choices, blank=True
    )
    disposition_reason = models.TextField(_("reason"), blank=True)
    disposed_on = models.DateField(null=True, blank=True)
    reply_due = models.DateField(_("written reply due"), null=True, blank=True)
    review_on = models.DateField(_("re-review on"), null=True, blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    concluded_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(disposition=""),
                name="lead_disposed_has_disposition",
            ),
            models.CheckConstraint(
                condition=Q(amount_involved__gte=0), name="lead_amount_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"L{self.pk} {self.summary}"


class OutcomeKind(models.TextChoices):
    PARTY_SANCTION = "party_sanction", _("party disciplinary sanction")
    STATE_SANCTION = "state_sanction", _("state (government) sanction")
    CASE_OPENED = "case_opened", _("case opened for review and investigation")
    ORGANISATIONAL = "organisational", _("organisational handling")
    REMINDER_TALK = "reminder_talk", _("reminder talk or criticism")
    REFERRAL = "referral", _("referred to the judicial organs")
    CONFESSION = "confession", _("voluntary confession")
    FUNDS_RECOVERED = "funds_recovered", _("funds recovered")
    FUNDS_RETURNED = "funds_returned", _("funds returned to villagers")
    CLEARED = "cleared", _("cleared of the allegation")


class SanctionLevel(models.TextChoices):
    # 党纪处分 (Party discipline regulations)
    PARTY_WARNING = "party_warning", _("party warning")
    PARTY_SERIOUS_WARNING = "party_serious_warning", _("serious party warning")
    PARTY_POST_REMOVAL = "party_post_removal", _("removal from party posts")
    PARTY_PROBATION = "party_probation", _("party probation")
    PARTY_EXPULSION = "party_expulsion", _("expulsion from the party")
    # 政务处分 (Public Servant Sanctions Law art. 7)
    WARNING = "warning", _("warning")
    DEMERIT = "demerit", _("demerit")
    MAJOR_DEMERIT = "major_demerit", _("major demerit")
    DEMOTION = "demotion", _("demotion")
    DISMISSAL_FROM_POST = "dismissal_from_post", _("dismissal from post")
    EXPULSION = "expulsion", _("expulsion from public employment")


PARTY_LEVELS = {
    SanctionLevel.PARTY_WARNING,
    SanctionLevel.PARTY_SERIOUS_WARNING,
    SanctionLevel.PARTY_POST_REMOVAL,
    SanctionLevel.PARTY_PROBATION,
    SanctionLevel.PARTY_EXPULSION,
}
STATE_LEVELS = set(SanctionLevel) - PARTY_LEVELS
# Public Servant Sanctions Law art. 22: village cadres may only be given these.
VILLAGE_CADRE_STATE_LEVELS = {
    SanctionLevel.WARNING,
    SanctionLevel.DEMERIT,
    SanctionLevel.MAJOR_DEMERIT,
}


class Outcome(models.Model):
    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=32, choices=OutcomeKind.choices)
    person = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    level = models.CharField(
        _("sanction"), max_length=32, choices=SanctionLevel.choices, blank=True
    )
    amount = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, default=Decimal("0")
    )
    households = models.PositiveIntegerField(_("households refunded"), default=0)
    note = models.TextField(_("note"), blank=True)
    recorded_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="outcome_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} on L{self.lead_id}"


class RectificationStatus(models.TextChoices):
    REGISTERED = "registered", pgettext_lazy("rectification", "registered")
    REOPENED = "reopened", _("reopened")
    CLOSED_OUT = "closed_out", _("closed out")


class Confirmation(models.TextChoices):
    PENDING = "pending", _("awaiting the villager")
    SATISFIED = "satisfied", _("satisfied")
    UNSATISFIED = "unsatisfied", _("not satisfied")
    NOT_NEEDED = "not_needed", _("no villager to confirm")


class RectificationItem(models.Model):
    """One item on a rectification list (问题清单), from any source."""

    source_kind = models.CharField(_("source"), max_length=32, choices=SourceKind.choices)
    source_ref = models.CharField(max_length=64, blank=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="rectifications")
    title = models.CharField(_("problem"), max_length=200)
    measures = models.TextField(_("measures"), blank=True)
    owner_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="rectifications")
    responsible = models.CharField(_("person responsible"), max_length=64)
    deadline = models.DateField(_("deadline"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    status = models.CharField(
        max_length=16, choices=RectificationStatus.choices, default=RectificationStatus.REGISTERED
    )
    is_public = models.BooleanField(_("public"), default=True)
    # Items that came from an accusation: only commissions see them, with recusal on the
    # subject, like the accusation itself.
    confidential = models.BooleanField(default=False)
    subject_person = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    public_feedback = models.TextField(_("public feedback"), blank=True)
    feedback_on = models.DateField(null=True, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmation = models.CharField(
        max_length=16, choices=Confirmation.choices, default=Confirmation.NOT_NEEDED
    )
    reopen_count = models.PositiveSmallIntegerField(default=0)
    closed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="rectification_progress_max_100"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed_out") | Q(progress=100),
                name="rectification_closed_is_complete",
            ),
            models.CheckConstraint(
                condition=Q(confidential=False) | Q(is_public=False),
                name="rectification_confidential_not_public",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="milestones")
    on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(_("progress (%)"))
    note = models.TextField(_("what was done"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.on} {self.progress}%"


EVIDENCE_CONTEXT = "cases.Evidence.content"


class Evidence(EncryptedFile):
    """A photo or document proving a milestone (core.filestore)."""

    folder = "evidence"
    context = EVIDENCE_CONTEXT

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="evidence")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"evidence {self.pk}"
