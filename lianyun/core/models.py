"""Shared records: the working-day calendar, the append-only, hash-chained audit log and the
forms' one-time submission keys."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("public holiday")
    WORKDAY = "workday", _("swapped working day")


class CalendarDay(models.Model):
    """A day that differs from the Monday-to-Friday rule: a holiday or a swapped working day."""

    date = models.DateField(primary_key=True)
    kind = models.CharField(max_length=16, choices=DayKind.choices)
    name_zh = models.CharField(max_length=64)
    name_en = models.CharField(max_length=64)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=DayKind.values), name="calendar_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.kind} {self.name_zh}"


class CalendarYear(models.Model):
    """Which years are loaded, from which notice; provisional years lack the swapped days."""

    year = models.PositiveIntegerField(primary_key=True)
    source = models.CharField(max_length=255)
    provisional = models.BooleanField(default=False)
    loaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return str(self.year)


class AuditHead(models.Model):
    """Singleton row locked by every append, so two writers never fork the chain."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    count = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"audit head at {self.count}"


class AuditEntry(models.Model):
    """One sensitive read or one write. The database refuses UPDATE and DELETE on this table.

    entry_hash = SHA-256(prev_hash + canonical JSON of the entry); `lianyun verify_audit`
    recomputes the chain. The detail never holds personal data, only ids and codes.
    """

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True, blank=True)
    actor_name = models.CharField(max_length=150, blank=True)
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=64)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=255, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.object_type}:{self.object_id}"


class EncryptedFile(models.Model):
    """A checked upload stored encrypted under a generated name (core.filestore).

    Subclasses name their folder and encryption context; the original file name is not kept,
    since it often names the sender.
    """

    folder: str = ""
    context: str = ""

    stored_name = models.CharField(max_length=80, unique=True)
    content_type = models.CharField(max_length=40)
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()

    class Meta:
        abstract = True


class Submission(models.Model):
    """A form's one-time submission key and where its first submission led. A reload, a double
    tap or a retry on a bad network sends the same key again and is led to the same place
    instead of creating a second record (`core.once`). Kept two days."""

    key = models.CharField(max_length=64, primary_key=True)
    made_at = models.DateTimeField()
    result = models.CharField(max_length=300)

    def __str__(self) -> str:
        return self.key[:8]
