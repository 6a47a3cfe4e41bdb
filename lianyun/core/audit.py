"""Append to and verify the audit log. Every write action and sensitive read calls record()."""

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from lianyun.core.access import Actor
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


def _head_for_update(cursor: Any) -> tuple[int, str]:
    """(count, last hash) of the chain, the head row locked until the transaction ends."""
    head = connection.ops.quote_name(AuditHead._meta.db_table)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    cursor.execute(f"SELECT count, last_hash FROM {head} WHERE id = 1{lock}")  # noqa: S608
    row = cursor.fetchone()
    if row is None:  # the first entry ever: make the head, then lock it
        AuditHead.objects.get_or_create(id=1)
        cursor.execute(f"SELECT count, last_hash FROM {head} WHERE id = 1{lock}")  # noqa: S608
        row = cursor.fetchone()
    return int(row[0]), str(row[1])


_ENTRY_FIELDS = [field for field in AuditEntry._meta.concrete_fields if not field.primary_key]
_CHAINED = {"seq", "prev_hash", "entry_hash"}  # what appending decides, not the caller


def record(
    *,
    action: str,
    actor: Actor | None = None,
    object_type: str = "",
    object_id: object = "",
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. `actor` is a user (or None for the system).

    Written out, not through the ORM: every sensitive read appends one (a personal lookup,
    say), and through the ORM the three statements cost twice the database's own time. On
    PostgreSQL it is one statement, so one round trip.
    """
    entry = AuditEntry(
        at=timezone.now().replace(microsecond=0),
        actor_id=getattr(actor, "pk", None),
        actor_name=getattr(actor, "username", "") or "",
        actor_role=getattr(actor, "role", "") or "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        purpose=str(purpose),
        detail=detail or {},
    )
    if connection.vendor == "postgresql":
        _append_in_one_statement(entry)
    else:
        _append(entry)
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


def _columns_and_values(entry: AuditEntry, fields: list[Any]) -> tuple[list[str], list[Any]]:
    quote = connection.ops.quote_name
    return (
        [quote(field.column) for field in fields],
        [field.get_db_prep_save(getattr(entry, field.attname), connection) for field in fields],
    )


@transaction.atomic
def _append(entry: AuditEntry) -> None:
    """Lock the head, insert, move the head: three statements in one transaction."""
    with connection.cursor() as cursor:
        count, last_hash = _head_for_update(cursor)
        entry.seq, entry.prev_hash = count + 1, last_hash
        entry.entry_hash = _entry_hash(last_hash, _hashed_fields(entry))
        columns, values = _columns_and_values(entry, _ENTRY_FIELDS)
        quote = connection.ops.quote_name
        cursor.execute(
            f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(values))}) RETURNING id",
            values,
        )
        entry.pk = cursor.fetchone()[0]
        cursor.execute(
            f"UPDATE {quote(AuditHead._meta.db_table)} SET count = %s, last_hash = %s "  # noqa: S608
            "WHERE id = 1",
            [entry.seq, entry.entry_hash],
        )


def _append_in_one_statement(entry: AuditEntry) -> None:
    """PostgreSQL: lock the head, hash, insert and move the head in one statement.

    The hash is the same as _entry_hash computes: the canonical JSON sorts its keys and "seq"
    sorts last, so the JSON is a fixed prefix, the sequence number and "}"; the database adds
    the number it takes under the head's lock and hashes with sha256().
    """
    fields = _hashed_fields(entry)
    del fields["seq"]
    assert max(fields) < "seq", "the hashed JSON must end with seq"  # noqa: S101
    prefix = _canonical(fields)[:-1].decode() + ',"seq":'
    given = [field for field in _ENTRY_FIELDS if field.name not in _CHAINED]
    columns, values = _columns_and_values(entry, given)
    casts = ", ".join(f"CAST(%s AS {field.db_type(connection)})" for field in given)
    quote = connection.ops.quote_name
    head = quote(AuditHead._meta.db_table)
    sql = (
        f"WITH old AS (SELECT count, last_hash FROM {head} WHERE id = 1 FOR UPDATE), "  # noqa: S608
        "new AS (SELECT count + 1 AS seq, last_hash AS prev, encode(sha256(convert_to("
        "last_hash || %s || (count + 1)::text || '}', 'UTF8')), 'hex') AS hash FROM old), "
        f"moved AS (UPDATE {head} SET count = new.seq, last_hash = new.hash FROM new "
        f"WHERE {head}.id = 1) "
        f"INSERT INTO {quote(AuditEntry._meta.db_table)} ({', '.join(columns)}, "
        f"{quote('seq')}, {quote('prev_hash')}, {quote('entry_hash')}) "
        f"SELECT {casts}, new.seq, new.prev, new.hash FROM new "
        "RETURNING id, seq, prev_hash, entry_hash"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [prefix, *values])
        row = cursor.fetchone()
        if row is None:  # no head yet: the first entry ever
            AuditHead.objects.get_or_create(id=1)
            cursor.execute(sql, [prefix, *values])
            row = cursor.fetchone()
    entry.pk, entry.seq, entry.prev_hash, entry.entry_hash = row


def head() -> tuple[int, str]:
    """(rows, last hash) of the audit log as its head row says now."""
    row = AuditHead.objects.filter(id=1).values_list("count", "last_hash").first()
    return (int(row[0]), str(row[1])) if row else (0, "0" * 64)


def hash_at(seq: int) -> str | None:
    """The stored hash of row `seq`, or None when there is no such row."""
    return AuditEntry.objects.filter(seq=seq).values_list("entry_hash", flat=True).first()


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
