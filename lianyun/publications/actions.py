"""Publishing: append entries and one signed checkpoint per publishing transaction, in order.

An append writes the entry, its leaf hash and the hashes of the subtrees it completes
(core.merkle's stored hashes), reading O(log n) of them: its cost does not grow with the record.
The checkpoint is signed when the transaction's last entry is in: one per publish() on its own,
one per batch() however many entries it holds (a month's boards for every village of a town).
"""

import contextlib
import contextvars
import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lianyun.accounts.models import User
from lianyun.core import audit, merkle
from lianyun.publications import signing
from lianyun.publications.models import (
    Checkpoint,
    CheckpointSignature,
    Cosignature,
    Entry,
    EntryKind,
    Node,
)
from lianyun.publications.queries import AUDIT_SUBJECT, read_stored, signed_time
from lianyun.publications.queries import size as record_size

# One number for the advisory lock that serialises publishers on PostgreSQL (SQLite's writers
# are serialised by its IMMEDIATE transactions).
_PUBLISHING_LOCK = 0x6C79_7075_626C  # "lypubl"


def canonical(payload: dict[str, Any]) -> str:
    """One spelling per content: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@dataclass
class _Batch:
    size: int  # the record's size, counting what this batch appended
    started: int  # its size when the batch began


_open: contextvars.ContextVar[_Batch | None] = contextvars.ContextVar("publishing", default=None)


@contextlib.contextmanager
def batch() -> Iterator[None]:
    """Publish everything inside as one transaction under one signed checkpoint. Nested batches
    and publish() calls inside join the outer one."""
    if _open.get() is not None:
        yield
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PUBLISHING_LOCK])
        start = record_size()
        state = _Batch(size=start, started=start)
        token = _open.set(state)
        try:
            yield
        finally:
            _open.reset(token)
        if state.size > state.started:
            _checkpoint(state.size)


def _checkpoint(size: int) -> Checkpoint:
    root = merkle.tree_hash(size, read_stored).hex()
    checkpoint = Checkpoint.objects.create(size=size, root=root, at=timezone.now())
    key_id, signature = signing.sign(size, root, signed_time(checkpoint))
    CheckpointSignature.objects.create(checkpoint=checkpoint, key_id=key_id, signature=signature)
    return checkpoint


def publish(
    *,
    kind: EntryKind,
    subject: str,
    title: str,
    payload: dict[str, Any],
    actor: User | None = None,
    corrects: Entry | None = None,
) -> Entry:
    """Append one entry. The payload must already be what may be public (masked)."""
    with batch():
        state = _open.get()
        assert state is not None  # noqa: S101 - batch() just opened it
        index = state.size
        text = canonical(payload)
        leaf = merkle.leaf_hash(text.encode())
        entry = Entry.objects.create(
            index=index,
            kind=kind,
            subject=subject,
            title=title[:200],
            payload=text,
            leaf_hash=leaf.hex(),
            corrects=corrects,
            published_at=timezone.now(),
        )
        siblings = read_stored(merkle.append_reads(index))
        Node.objects.bulk_create(
            Node(id=i, hash=h) for i, h in merkle.append_hashes(index, leaf, siblings)
        )
        state.size = index + 1
        audit.record(
            action="publish",
            actor=actor,
            object_type="publications.Entry",
            object_id=entry.index,
            detail={"kind": kind, "subject": subject},
        )
    return entry


def anchor_audit_log(*, now: datetime.datetime | None = None) -> Entry | None:
    """Publish the audit log's head (its length and last hash), so that a log cut at its end
    and rolled back is caught against what the public already holds. Nothing is published when
    the head has not moved since the last anchor. The nightly housekeeping runs this."""
    count, last_hash = audit.head()
    if count == 0:
        return None
    previous = (
        Entry.objects.filter(subject=AUDIT_SUBJECT, kind=EntryKind.AUDIT_HEAD)
        .order_by("-index")
        .first()
    )
    # publish() appends an audit row of its own, so the head always moves by one after an
    # anchor: an anchor that would only cover its own row adds nothing.
    if previous is not None and json.loads(previous.payload)["count"] + 1 >= count:
        return None
    at = (now or timezone.now()).astimezone(datetime.UTC)
    return publish(
        kind=EntryKind.AUDIT_HEAD,
        subject=AUDIT_SUBJECT,
        title=f"审计日志 {count} 条 / audit log, {count} rows",
        payload={"count": count, "last_hash": last_hash, "at": at.isoformat(timespec="seconds")},
    )


def add_cosignature(
    *, checkpoint: Checkpoint, witness: str, signature: str, signed_at: str
) -> Cosignature | None:
    """Keep a witness's signature over a checkpoint, if it verifies for a configured witness
    (None if it does not). `signed_at` is the witness's time as it signed it (ISO 8601, with
    its zone)."""
    if not signing.verify_cosignature(
        witness, signature, signed_at, checkpoint.size, checkpoint.root, signed_time(checkpoint)
    ):
        return None
    cosignature, _ = Cosignature.objects.get_or_create(
        checkpoint=checkpoint,
        witness=witness,
        defaults={"signature": signature, "at": datetime.datetime.fromisoformat(signed_at)},
    )
    return cosignature
