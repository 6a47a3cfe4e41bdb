"""Petitions (信访举报): suggestions, requests and accusations, named or anonymous.

The description and everything that identifies a named petitioner are stored encrypted. An
anonymous petitioner (and a named one without an account) follows the case with a receipt:
an 8-character locator stored in clear to find the row, and a 100-bit secret stored only as
an Argon2id hash. The timeline (PetitionEvent) is append-only in spirit: actions add events,
nothing edits them.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianyun.cases.models import Lead
from lianyun.core.models import EncryptedFile
from lianyun.ledger.models import Payout
from lianyun.people.models import Resident
from lianyun.regions.models import Region, Unit

DESCRIPTION_CONTEXT = "petitions.Petition.description"
REPORTER_NAME_CONTEXT = "petitions.Petition.reporter_name"
REPORTER_PHONE_CONTEXT = "petitions.Petition.reporter_phone"
REPORTER_ID_CONTEXT = "petitions.Petition.reporter_id_number"
MESSAGE_CONTEXT = "petitions.PetitionMessage.body"


class PetitionKind(models.TextChoices):
    SUGGESTION = "suggestion", _("suggestion")
    REQUEST = "request", _("request or appeal")
    ACCUSATION = "accusation", _("accusation")


class PetitionStatus(models.TextChoices):
    REGISTERED = "registered", _("registered")
    ACCEPTED = "accepted", _("accepted")
    FORWARDED = "forwarded", _("forwarded")
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    ANSWERED = "answered", _("answered")
    REVIEW_REQUESTED = "review_requested", _("review requested")
    REVIEW_ANSWERED = "review_answered", _("review answered")
    RECHECK_REQUESTED = "recheck_requested", _("recheck requested")
    FINAL = "final", _("final")
    CLOSED = "closed", _("closed")


OPEN_STATUSES = {
    PetitionStatus.REGISTERED,
    PetitionStatus.ACCEPTED,
    PetitionStatus.REVIEW_REQUESTED,
    PetitionStatus.RECHECK_REQUESTED,
}


class Decision(models.TextChoices):
    """信访工作条例 art. 32: the three possible answers."""

    SUPPORT = "support", _("supported")
    EXPLAIN = "explain", _("explained")
    REJECT = "reject", _("not supported")


class Petition(models.Model):
    kind = models.CharField(_("kind"), max_length=16, choices=PetitionKind.choices)
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=PetitionStatus.choices,
        default=PetitionStatus.REGISTERED,
    )
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="petitions")
    handling_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="petitions")
    subject_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="petitions_about"
    )
    subject_person = models.ForeignKey(
        Resident, on_delete=models.PROTECT, null=True, blank=True, related_name="petitions_about"
    )
    subject_text = models.CharField(_("subject"), max_length=100, blank=True)
    # What `lianyun rotate_data_keys` re-encrypts: each column and its context.
    encrypted_fields: ClassVar[dict[str, str]] = {
        "description_encrypted": DESCRIPTION_CONTEXT,
        "reporter_name_encrypted": REPORTER_NAME_CONTEXT,
        "reporter_phone_encrypted": REPORTER_PHONE_CONTEXT,
        "reporter_id_encrypted": REPORTER_ID_CONTEXT,
    }
    description_encrypted = models.BinaryField()
    is_anonymous = models.BooleanField(_("anonymous"))
    reporter_name_encrypted = models.BinaryField(null=True, blank=True)
    reporter_phone_encrypted = models.BinaryField(null=True, blank=True)
    reporter_id_encrypted = models.BinaryField(null=True, blank=True)
    reporter_index = models.CharField(max_length=64, blank=True, db_index=True)
    reporter_account = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    receipt_locator = models.CharField(max_length=8, unique=True)
    receipt_hash = models.CharField(max_length=128)
    matter_key = models.CharField(max_length=64, db_index=True)
    repeat_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="repeats"
    )
    received_on = models.DateField()
    # The running statutory clock: which rule, from when, extended by how much; due_on is
    # derived from them by core.deadlines and kept for sorting and queues.
    clock_rule = models.CharField(max_length=48, blank=True)
    clock_start = models.DateField(null=True, blank=True)
    clock_extension_days = models.PositiveSmallIntegerField(default=0)
    due_on = models.DateField(null=True, blank=True)
    notice_due = models.DateField(null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices, blank=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_on = models.DateField(null=True, blank=True)
    satisfied = models.BooleanField(null=True, blank=True)
    escalated_on = models.DateField(null=True, blank=True)  # told to the level above when very late
    ended_on = models.DateField(
        null=True, blank=True
    )  # final, closed or not accepted; retention counts from it
    payout = models.ForeignKey(  # a disputed payout (有异议) this petition is about
        Payout, on_delete=models.PROTECT, null=True, blank=True, related_name="disputes"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Repeats of one matter share their first petition's lead, so a lead is counted once.
    lead = models.ForeignKey(
        Lead, on_delete=models.PROTECT, null=True, blank=True, related_name="petitions"
    )
    # Officials (or their declared relatives) and units the free text names, found against the
    # directory when the petition arrives: recusal keeps it from each of them, their relatives
    # and colleagues, as if picked as the subject. While the subject was not picked from the
    # list, a commission confirms who the petition is about (subject_to_confirm).
    named_people = models.ManyToManyField(Resident, blank=True, related_name="petitions_naming")
    named_units = models.ManyToManyField(Unit, blank=True, related_name="petitions_naming")
    subject_to_confirm = models.BooleanField(default=False)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_anonymous=True) | Q(reporter_name_encrypted__isnull=False),
                name="petition_named_has_name",
            ),
            models.CheckConstraint(
                condition=Q(clock_extension_days__lte=30), name="petition_extension_max_30_days"
            ),
        ]

    def __str__(self) -> str:
        return f"P{self.pk} {self.get_kind_display()}"

    @property
    def number(self) -> str:
        return f"{self.received_on:%Y}-{self.pk:06d}"


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("registered")
    ACCEPTED = "accepted", _("accepted")
    FORWARDED = "forwarded", _("forwarded")
    NOT_ACCEPTED = "not_accepted", _("not accepted")
    NOTICE = "notice", _("notice to the petitioner")
    EXTENDED = "extended", _("time limit extended")
    ANSWERED = "answered", _("answered")
    FEEDBACK = "feedback", _("feedback to the petitioner")
    RATED = "rated", _("petitioner's rating")
    REVIEW_REQUESTED = "review_requested", _("review requested")
    REVIEW_ANSWERED = "review_answered", _("review answered")
    RECHECK_REQUESTED = "recheck_requested", _("recheck requested")
    RECHECK_ANSWERED = "recheck_answered", _("recheck answered: final")
    CLOSED = "closed", _("closed")
    REPEAT = "repeat", _("a repeat petition was linked")
    IDENTITY_VIEWED = "identity_viewed", _("the petitioner's identity was viewed")
    RECTIFICATION = "rectification", _("put on the rectification list")
    ASSIGNED = "assigned", _("assigned to a handler")
    ESCALATED = "escalated", _("escalated to the level above")
    SUBJECT_CONFIRMED = "subject_confirmed", _("subject confirmed")


class PetitionEvent(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    kind = models.CharField(max_length=24, choices=EventKind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    visible_to_petitioner = models.BooleanField(default=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on P{self.petition_id}"


class PetitionMessage(models.Model):
    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="messages")
    at = models.DateTimeField()
    from_petitioner = models.BooleanField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What `lianyun rotate_data_keys` re-encrypts: each column and its context.
    encrypted_fields: ClassVar[dict[str, str]] = {"body_encrypted": MESSAGE_CONTEXT}
    body_encrypted = models.BinaryField()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"message on P{self.petition_id}"


class IdentityRequestStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    APPROVED = "approved", _("approved")
    REFUSED = "refused", _("refused")


class IdentityRequest(models.Model):
    """A handler's motivated request to see a named petitioner's identity; a custodian decides."""

    petition = models.ForeignKey(
        Petition, on_delete=models.CASCADE, related_name="identity_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    status = models.CharField(
        max_length=16, choices=IdentityRequestStatus.choices, default=IdentityRequestStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"identity request on P{self.petition_id}"


ATTACHMENT_CONTEXT = "petitions.Attachment.content"


class Attachment(EncryptedFile):
    """A file sent with a petition: checked, stripped, encrypted (core.filestore)."""

    folder = "attachments"
    context = ATTACHMENT_CONTEXT

    petition = models.ForeignKey(Petition, on_delete=models.CASCADE, related_name="attachments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"attachment {self.pk} of P{self.petition_id}"
