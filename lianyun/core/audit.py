"""Append to and verify the audit log. Every write action and sensitive read calls record()."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianyun.core.models import AuditEntry, AuditHead


def _canonical(entry: dict[str, Any]) -> bytes:
    return json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256(prev_hash.encode() + _canonical(fields)).hexdigest()


def _hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "at": entry.at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "actor_role": entry.actor_role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "purpose": entry.purpose,
        "detail": entry.detail,
    }


@transaction.atomic
def record(
    *,
    action: str,
    actor: Any = None,
    object_type: str = "",
    object_id: object = "",
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is a user (or None for the system)."""
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    entry = AuditEntry(
        seq=head.count + 1,
        at=timezone.now().replace(microsecond=0),
        actor_id=getattr(actor, "pk", None),
        actor_name=getattr(actor, "username", "") or "",
        actor_role=getattr(actor, "role", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        purpose=str(purpose),
        detail=detail or {},
        prev_hash=head.last_hash,
    )
    entry.entry_hash = _entry_hash(head.last_hash, _hashed_fields(entry))
    entry.save(force_insert=True)
    head.count = entry.seq
    head.last_hash = entry.entry_hash
    head.save(update_fields=["count", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    reason: str


def verify_chain(batch_size: int = 5000) -> Iterator[ChainProblem]:
    """Yield every place where the stored chain disagrees with a recomputation."""
    prev_hash = "0" * 64
    expected_seq = 1
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            yield ChainProblem(entry.seq, f"expected entry {expected_seq}: entries are missing")
        if entry.prev_hash != prev_hash:
            yield ChainProblem(entry.seq, "previous hash does not match")
        if entry.entry_hash != _entry_hash(entry.prev_hash, _hashed_fields(entry)):
            yield ChainProblem(entry.seq, "content does not match its hash")
        prev_hash = entry.entry_hash
        expected_seq = entry.seq + 1
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.count != expected_seq - 1:
        yield ChainProblem(head.count, "the chain head counts more entries than are stored")
