"""Reads over the chain: leaves, roots, proofs and the verification of what is stored."""

import datetime
import difflib
import json
from dataclasses import dataclass

from lianyun.core import merkle
from lianyun.publications import signing
from lianyun.publications.models import Checkpoint, CheckpointSignature, Entry


def leaf_hashes(size: int | None = None) -> list[bytes]:
    entries = Entry.objects.order_by("index")
    if size is not None:
        entries = entries.filter(index__lt=size)
    return [bytes.fromhex(h) for h in entries.values_list("leaf_hash", flat=True)]


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.select_related("signed").order_by("-size").first()


def signed_time(checkpoint: Checkpoint) -> str:
    """The checkpoint's time as signed: UTC, ISO 8601, to the microsecond."""
    return checkpoint.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def inclusion(entry: Entry, size: int) -> list[str]:
    return [p.hex() for p in merkle.inclusion_proof(leaf_hashes(size), entry.index)]


def consistency(old_size: int, new_size: int) -> list[str]:
    return [p.hex() for p in merkle.consistency_proof(leaf_hashes(new_size), old_size)]


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str


def verify_chain() -> list[Problem]:
    """Recompute every leaf from its payload and every checkpoint's root from the leaves."""
    problems: list[Problem] = []
    recomputed: list[bytes] = []
    expected_index = 0
    for entry in Entry.objects.order_by("index").iterator():
        if entry.index != expected_index:
            problems.append(Problem(f"entry {expected_index}", "missing from the chain"))
            expected_index = entry.index
        leaf = merkle.leaf_hash(entry.payload.encode())
        if leaf.hex() != entry.leaf_hash:
            problems.append(
                Problem(f"entry {entry.index}", "its content was changed after publication")
            )
        recomputed.append(leaf)
        expected_index += 1
    unsigned = unsigned_before()
    for checkpoint in Checkpoint.objects.select_related("signed").order_by("size"):
        if checkpoint.size > len(recomputed):
            problems.append(
                Problem(f"checkpoint {checkpoint.size}", "refers to entries that are gone")
            )
            continue
        if merkle.root(recomputed[: checkpoint.size]).hex() != checkpoint.root:
            problems.append(
                Problem(f"checkpoint {checkpoint.size}", "root does not match the entries")
            )
        problems.extend(_signature_problems(checkpoint, unsigned))
    return problems


def _signature_problems(checkpoint: Checkpoint, unsigned: int) -> list[Problem]:
    where = f"checkpoint {checkpoint.size}"
    try:
        signed = checkpoint.signed
    except CheckpointSignature.DoesNotExist:
        return [] if checkpoint.size <= unsigned else [Problem(where, "is not signed")]
    if signed.key_id not in signing.public_keys():
        return [Problem(where, f"is signed with key {signed.key_id}, which is not configured")]
    if not signing.verify(
        signed.key_id, signed.signature, checkpoint.size, checkpoint.root, signed_time(checkpoint)
    ):
        return [Problem(where, "its signature does not match its size, root and time")]
    return []


def unsigned_before() -> int:
    """Checkpoints made before signing began carry no signature; later ones must."""
    first = CheckpointSignature.objects.order_by("checkpoint__size").first()
    return first.checkpoint.size - 1 if first else Checkpoint.objects.count()


def published_entry(subject: str) -> Entry | None:
    """The latest entry published about a subject (a board: "<village>:<first>:<last>")."""
    return Entry.objects.filter(subject=subject).order_by("-index").first()


def _lines(payload: str) -> list[str]:
    """One line per field, and one per element of a list field (a board's payouts)."""
    data = json.loads(payload)
    if not isinstance(data, dict):
        return [json.dumps(data, ensure_ascii=False)]
    lines = []
    for key, value in sorted(data.items()):
        values = value if isinstance(value, list) else [value]
        lines += [f"{key}: {json.dumps(v, ensure_ascii=False, sort_keys=True)}" for v in values]
    return lines


def payload_difference(entry: Entry) -> list[tuple[str, str]]:
    """What a correction changed against the entry it corrects: (sign, line), sign in + - " "."""
    if entry.corrects is None:
        return []
    return [
        (line[0], line[2:])
        for line in difflib.ndiff(_lines(entry.corrects.payload), _lines(entry.payload))
        if not line.startswith("? ")
    ]
