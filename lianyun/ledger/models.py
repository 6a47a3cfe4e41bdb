"""The one-card (一卡通) payout ledger imported from the payment platform.

A batch is one imported file (or pushed payload), known by its SHA-256; a payout is one
payment. The recipient's ID number is stored encrypted with a blind index and its mask; only
the last four digits of the receiving account are kept. A payout is identified by the
platform's serial (业务流水号) when there is one, else by a hash of its content, so that an
import that is run again, or resumed after a crash, writes no duplicate.
"""

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianyun.people.models import Resident
from lianyun.policies.models import SubsidyItem
from lianyun.regions.models import Region

PAYOUT_ID_CONTEXT = "ledger.Payout.id_number"
# The keyed hashes of a payout (its row key) and of its receiving account.
PAYOUT_ROW_CONTEXT = "ledger.Payout.row"
PAYOUT_ACCOUNT_CONTEXT = "ledger.Payout.account"
QUARANTINE_CONTEXT = "ledger.PayoutBatch.quarantine"
ERROR_REPORT_CONTEXT = "ledger.PayoutUpload.error_report"


class BatchStatus(models.TextChoices):
    IMPORTING = "importing", _("importing")
    COMPLETE = "complete", _("complete")
    REJECTED = "rejected", _("rejected")


class PayoutBatch(models.Model):
    sha256 = models.CharField(max_length=64, unique=True)
    source = models.CharField(max_length=16)  # cli, upload, api
    label = models.CharField(max_length=120, blank=True)  # file name or the platform's batch id
    encoding = models.CharField(max_length=16, blank=True)
    status = models.CharField(
        max_length=16, choices=BatchStatus.choices, default=BatchStatus.IMPORTING
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_written = models.PositiveIntegerField(default=0)
    rows_rejected = models.PositiveIntegerField(default=0)
    amount_total = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    # What `lianyun rotate_data_keys` re-encrypts: each column and its context.
    encrypted_fields: ClassVar[dict[str, str]] = {"quarantine_encrypted": QUARANTINE_CONTEXT}
    quarantine_encrypted = models.BinaryField(
        null=True, blank=True
    )  # rejected rows, with --accept-valid
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"batch {self.sha256[:12]} ({self.status})"


class PayoutStatus(models.TextChoices):
    PAID = "paid", _("paid")
    FAILED = "failed", _("failed")


class Payout(models.Model):
    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="payouts")
    # Unique by the constraints below, not unique=True: on PostgreSQL that would add a second,
    # pattern-matching index to each (never used: neither is searched by prefix), and every
    # index is paid for on every imported row.
    row_key = models.CharField(max_length=32)
    serial = models.CharField(max_length=64, null=True, blank=True)
    # What `lianyun rotate_data_keys` re-encrypts: each column and its context.
    encrypted_fields: ClassVar[dict[str, str]] = {"id_number_encrypted": PAYOUT_ID_CONTEXT}
    id_number_encrypted = models.BinaryField()
    # Indexed with the period and the row key by payout_person_row_unique below.
    id_number_index = models.CharField(max_length=32)
    id_number_masked = models.CharField(max_length=18)
    name = models.CharField(max_length=32)
    resident = models.ForeignKey(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="payouts"
    )
    # No index of their own: (village, period) covers the village, and items are few and
    # never deleted while paid.
    item = models.ForeignKey(
        SubsidyItem, on_delete=models.PROTECT, related_name="payouts", db_index=False
    )
    period = models.CharField(max_length=7)  # YYYY-MM
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    paid_on = models.DateField(null=True, blank=True)
    village = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="payouts", db_index=False
    )
    account_last4 = models.CharField(max_length=4, blank=True)
    # The receiving account's keyed hash, so the cross-checks can see one account paid for
    # many people without the number being stored.
    account_index = models.CharField(max_length=32, blank=True)
    approved_amount = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    approved_on = models.DateField(null=True, blank=True)
    born_on = models.DateField(null=True, blank=True)  # from the ID number, for age bands
    status = models.CharField(max_length=8, choices=PayoutStatus.choices, default=PayoutStatus.PAID)
    failure_reason = models.CharField(max_length=100, blank=True)
    category = models.CharField(max_length=16, blank=True)  # 保障类别, when the item has them
    texted_at = models.DateTimeField(null=True, blank=True)  # payment notice sent

    class Meta:
        indexes = [models.Index(fields=["village", "period"])]
        constraints = [
            # One index finds a person's payouts by period and keeps each row once. A row key
            # is the keyed hash of the person's ID number with the item, period, amount and
            # village, or of the platform's serial number, which the next constraint keeps
            # unique by itself; so a row key never stands for two people, and this is as unique
            # as the row key alone. It spares the ledger a second index over random keys:
            # docs/ledger-layout.md measures it.
            models.UniqueConstraint(
                fields=["id_number_index", "period", "row_key"], name="payout_person_row_unique"
            ),
            models.UniqueConstraint(fields=["serial"], name="payout_serial_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(period__regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
                name="payout_period_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.item_id} {self.amount}"


class UploadStatus(models.TextChoices):
    QUEUED = "queued", _("waiting in the queue")
    CHECKING = "checking", _("checking every row")
    WRITING = "writing", _("writing payouts")
    COMPLETE = "complete", _("imported")
    REFUSED = "refused", _("refused, nothing written")
    FAILED = "failed", _("stopped by an error")
    MAPPING = "mapping", _("waiting for its columns to be named")


class ColumnMapping(models.Model):
    """A department's own names for the columns of its payout files, named once on the upload
    page and used for its next files: each field's header text, as the department's files
    have it. The IT operator's mappings (for the platform's push) have no unit."""

    unit = models.ForeignKey(
        "regions.Unit",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="column_mappings",
    )
    name = models.CharField(_("name"), max_length=60)
    columns = models.JSONField(default=dict)  # field → the header text that names it
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "name"],
                condition=Q(unit__isnull=False),
                name="column_mapping_name_per_unit",
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(unit__isnull=True),
                name="column_mapping_name_unitless",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def of_unit(cls, unit_id: int | None) -> "models.QuerySet[ColumnMapping]":
        """A department's mappings (the IT operator's: no unit), the latest named first."""
        mappings = cls.objects.all()
        if unit_id is None:
            return mappings.filter(unit__isnull=True)
        return mappings.filter(unit_id=unit_id)


class PayoutUpload(models.Model):
    """A payout file handed over on the upload page or pushed through the API, and its import.

    The file is kept encrypted until the task queue has imported it; the page polls this row
    for progress. `idempotency_key` makes a pushed file safe to resend: the same key from the
    same account answers with the same upload.
    """

    folder = "payout-uploads"
    context = "ledger.PayoutUpload.file"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    source = models.CharField(max_length=16)  # upload, api
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payout_uploads"
    )
    label = models.CharField(max_length=120, blank=True)
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)
    sha256 = models.CharField(max_length=64)
    stored_name = models.CharField(max_length=80, blank=True)  # emptied once imported
    accept_valid = models.BooleanField(default=False)
    notify = models.BooleanField(default=False)  # text each recipient a payment notice
    status = models.CharField(
        max_length=16, choices=UploadStatus.choices, default=UploadStatus.QUEUED
    )
    rows_expected = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    summary = models.JSONField(default=dict, blank=True)
    message = models.CharField(max_length=500, blank=True)
    # What `lianyun rotate_data_keys` re-encrypts: each column and its context.
    encrypted_fields: ClassVar[dict[str, str]] = {"error_report_encrypted": ERROR_REPORT_CONTEXT}
    error_report_encrypted = models.BinaryField(null=True, blank=True)
    batch = models.ForeignKey(
        PayoutBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="uploads"
    )
    mapping = models.ForeignKey(
        ColumnMapping, on_delete=models.SET_NULL, null=True, blank=True, related_name="uploads"
    )
    # The header the file seems to have, when no mapping fits it: what the mapping page offers.
    columns_seen = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["uploaded_by", "idempotency_key"], name="payout_upload_idempotency"
            )
        ]

    def __str__(self) -> str:
        return f"upload {self.public_id} ({self.status})"

    @staticmethod
    def max_bytes() -> int:
        return int(settings.LIANYUN_PAYOUT_FILE_MAX_BYTES)

    @property
    def finished(self) -> bool:
        return self.status in {UploadStatus.COMPLETE, UploadStatus.REFUSED, UploadStatus.FAILED}

    @property
    def working(self) -> bool:
        """Queued or being imported: the page follows it (not while it waits for a person)."""
        return not self.finished and self.status != UploadStatus.MAPPING

    @property
    def percent(self) -> int:
        """Checking is the first half of the work, writing the second."""
        if self.status == UploadStatus.COMPLETE:
            return 100
        if not self.rows_expected:
            return 0
        share = min(self.rows_done, self.rows_expected) / self.rows_expected
        return int(50 * share) + (50 if self.status == UploadStatus.WRITING else 0)
