"""Publishing: append an entry and its checkpoint, in one transaction, in order."""

import json
from typing import Any

from django.db import transaction
from django.utils import timezone

from lianyun.core import audit, merkle
from lianyun.publications import signing
from lianyun.publications.models import Checkpoint, CheckpointSignature, Entry, EntryKind
from lianyun.publications.queries import leaf_hashes, signed_time


def canonical(payload: dict[str, Any]) -> str:
    """One spelling per content: sorted keys, no spaces, UTF-8 kept as is."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@transaction.atomic
def publish(
    *,
    kind: EntryKind,
    subject: str,
    title: str,
    payload: dict[str, Any],
    actor: Any = None,
    corrects: Entry | None = None,
) -> Entry:
    """Append one entry. The payload must already be what may be public (masked)."""
    # The last checkpoint row is locked so that two publishers cannot take the same index.
    last = Checkpoint.objects.select_for_update().order_by("-size").first()
    index = last.size if last else 0
    text = canonical(payload)
    entry = Entry.objects.create(
        index=index,
        kind=kind,
        subject=subject,
        title=title[:200],
        payload=text,
        leaf_hash=merkle.leaf_hash(text.encode()).hex(),
        corrects=corrects,
        published_at=timezone.now(),
    )
    leaves = leaf_hashes(index + 1)
    checkpoint = Checkpoint.objects.create(
        size=index + 1, root=merkle.root(leaves).hex(), at=entry.published_at
    )
    key_id, signature = signing.sign(checkpoint.size, checkpoint.root, signed_time(checkpoint))
    CheckpointSignature.objects.create(checkpoint=checkpoint, key_id=key_id, signature=signature)
    audit.record(
        action="publish",
        actor=actor,
        object_type="publications.Entry",
        object_id=entry.index,
        detail={"kind": kind, "subject": subject},
    )
    return entry
