"""The one-card (一卡通) payout ledger imported from the payment platform.

A batch is one imported file (or pushed payload), known by its SHA-256; a payout is one
payment. The recipient's ID number is stored encrypted with a blind index and its mask; only
the last four digits of the receiving account are kept. A payout is identified by the
platform's serial (业务流水号) when there is one, else by a hash of its content, so that an
import that is run again, or resumed after a crash, writes no duplicate.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lianyun.people.models import Resident
from lianyun.policies.models import SubsidyItem
from lianyun.regions.models import Region

PAYOUT_ID_CONTEXT = "ledger.Payout.id_number"


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
    row_key = models.CharField(max_length=64, unique=True)
    serial = models.CharField(max_length=64, null=True, blank=True, unique=True)
    id_number_encrypted = models.BinaryField()
    id_number_index = models.CharField(max_length=64, db_index=True)
    id_number_masked = models.CharField(max_length=18)
    name = models.CharField(max_length=32)
    resident = models.ForeignKey(
        Resident, on_delete=models.SET_NULL, null=True, blank=True, related_name="payouts"
    )
    item = models.ForeignKey(SubsidyItem, on_delete=models.PROTECT, related_name="payouts")
    period = models.CharField(max_length=7)  # YYYY-MM
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    paid_on = models.DateField(null=True, blank=True)
    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="payouts")
    account_last4 = models.CharField(max_length=4, blank=True)
    status = models.CharField(max_length=8, choices=PayoutStatus.choices, default=PayoutStatus.PAID)
    failure_reason = models.CharField(max_length=100, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["village", "period"]),
            models.Index(fields=["id_number_index", "period"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payout_amount_positive"),
            models.CheckConstraint(
                condition=Q(period__regex=r"^[0-9]{4}-(0[1-9]|1[0-2])$"),
                name="payout_period_format",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.item_id} {self.amount}"
