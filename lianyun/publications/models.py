"""The publication chain (发布记录链): everything published, append-only and hash-chained.

Each entry's canonical JSON (already masked: only what may be public) is a leaf of an
RFC 6962 Merkle tree, in order of publication. A correction is a new entry pointing at the one
it corrects; nothing is edited. Checkpoints (size and root) are kept as published and printed on
paper notices, so anyone can later ask for a consistency proof. The database refuses UPDATE and
DELETE on both tables.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryKind(models.TextChoices):
    VILLAGE_BOARD = "village_board", _("village payout board")
    DIBAO_LIST = "dibao_list", _("dibao list")
    DISCLOSURE = "disclosure", _("public affairs disclosure")
    RECTIFICATION = "rectification", _("rectification result")
    INQUIRY_ANSWER = "inquiry_answer", _("answer to a public question")
    MEETING_NOTICE = "meeting_notice", _("notice of an inquiry meeting")
    MEETING_RESULT = "meeting_result", _("result of an inquiry meeting")
    ARTICLE = "article", _("article or case notice")
    AUDIT_HEAD = "audit_head", _("head of the audit log")


class Entry(models.Model):
    index = models.PositiveBigIntegerField(unique=True)  # leaf index, from 0
    kind = models.CharField(_("kind"), max_length=32, choices=EntryKind.choices)
    subject = models.CharField(_("subject"), max_length=100)  # what it is about, e.g. a region code
    title = models.CharField(_("title"), max_length=200)
    payload = models.TextField()  # canonical JSON, exactly the bytes hashed
    leaf_hash = models.CharField(max_length=64)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["index"]
        verbose_name_plural = "entries"
        # A page finds the latest entry about its subject without reading the record.
        # A check of live rows reads one kind's entries without reading the record.
        indexes = [
            models.Index(fields=["subject", "-index"], name="entry_subject_latest"),
            models.Index(fields=["kind", "index"], name="entry_kind"),
        ]

    def __str__(self) -> str:
        return f"#{self.index} {self.title}"


class Node(models.Model):
    """A stored hash of the tree: a leaf, or a complete subtree, at its stored index
    (core.merkle.stored_index). Written once, by the append that completes it."""

    id = models.BigIntegerField(primary_key=True)
    hash = models.BinaryField(max_length=32)

    def __str__(self) -> str:
        return f"{self.id}:{bytes(self.hash).hex()[:16]}"


class Checkpoint(models.Model):
    """The tree's size and root after a publishing transaction (one entry, or a batch such as
    a month's boards for every village), as shown and printed at the time."""

    size = models.PositiveBigIntegerField(unique=True)
    root = models.CharField(max_length=64)
    at = models.DateTimeField()

    class Meta:
        ordering = ["size"]

    def __str__(self) -> str:
        return f"{self.size}:{self.root[:16]}"


class CheckpointSignature(models.Model):
    """The publication key's signature over a checkpoint (see signing.py); kept apart from the
    checkpoint so that both tables stay append-only."""

    checkpoint = models.OneToOneField(
        Checkpoint, on_delete=models.PROTECT, primary_key=True, related_name="signed"
    )
    key_id = models.PositiveSmallIntegerField()
    signature = models.CharField(max_length=100)

    def __str__(self) -> str:
        return f"{self.checkpoint_id}:{self.key_id}"


class Cosignature(models.Model):
    """A witness's signature over a checkpoint: another body (the People's Congress office, a
    newspaper) checked that this checkpoint extends every one it saw before."""

    checkpoint = models.ForeignKey(
        Checkpoint, on_delete=models.PROTECT, related_name="cosignatures"
    )
    witness = models.CharField(max_length=64)
    signature = models.CharField(max_length=100)
    at = models.DateTimeField()  # when the witness signed, as it signed it

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["checkpoint", "witness"], name="one_cosignature")
        ]

    def __str__(self) -> str:
        return f"{self.checkpoint_id}:{self.witness}"
