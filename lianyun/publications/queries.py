"""Reads over the chain: roots, proofs and the verification of what is stored."""

import contextlib
import datetime
import difflib
import hashlib
import json
import re
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Max, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _

from lianyun.core import audit, merkle
from lianyun.publications import signing
from lianyun.publications.live import Problem, live_problems
from lianyun.publications.models import (
    Checkpoint,
    CheckpointSignature,
    Cosignature,
    Entry,
    EntryKind,
    Node,
)


def read_stored(indexes: Sequence[int]) -> list[bytes]:
    """The stored hashes at these indexes, in that order: one query, O(log n) rows."""
    if not indexes:
        return []
    table = connection.ops.quote_name(Node._meta.db_table)
    marks = ", ".join(["%s"] * len(indexes))
    with connection.cursor() as cursor:  # written out: a proof is public and asked often
        cursor.execute(f"SELECT id, hash FROM {table} WHERE id IN ({marks})", list(indexes))  # noqa: S608
        found = {i: bytes(h) for i, h in cursor.fetchall()}
    missing = [i for i in indexes if i not in found]
    if missing:
        raise RecordDamaged(f"stored hashes {missing[:5]} are missing from the record")
    return [found[i] for i in indexes]


class RecordDamaged(Exception):
    """The stored hashes cannot answer: rows were removed behind the database's guards."""


def size() -> int:
    """How many entries the record holds."""
    last = Entry.objects.aggregate(last=Max("index"))["last"]
    return 0 if last is None else last + 1


def latest_checkpoint() -> Checkpoint | None:
    return Checkpoint.objects.select_related("signed").order_by("-size").first()


def signed_time(checkpoint: "Checkpoint | _Signed") -> str:
    """The checkpoint's time as signed: UTC, ISO 8601, to the microsecond."""
    return checkpoint.at.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def root_at(tree_size: int) -> str:
    """The root of the first `tree_size` entries, from O(log n) stored hashes."""
    return merkle.tree_hash(tree_size, read_stored).hex()


def inclusion(entry: Entry, tree_size: int) -> list[str]:
    return [p.hex() for p in merkle.prove_inclusion(entry.index, tree_size, read_stored)]


@dataclass(frozen=True)
class InclusionAnswer:
    index: int
    size: int
    leaf_hash: str
    root: str
    proof: list[str]


def inclusion_answer(index: int, tree_size: int | None) -> InclusionAnswer | str | None:
    """An entry's audit path against the latest checkpoint, or against any size of the record
    from the entry's own to the latest: three small reads whatever the record's size. None when
    there is no such entry; a message when the size does not fit."""
    latest = Checkpoint.objects.order_by("-size").values_list("size", "root").first()
    leaf = (
        Entry.objects.filter(index=index).values_list("leaf_hash", flat=True).first()
        if 0 <= index < 2**63
        else None
    )
    if latest is None or leaf is None or index >= latest[0]:
        return None
    size = latest[0] if tree_size is None else tree_size
    if not index < size <= latest[0]:
        return _("The entry is not in a record of that size.")
    proof, root = merkle.prove_inclusion_and_root(index, size, read_stored)
    return InclusionAnswer(index, size, leaf, root.hex(), [p.hex() for p in proof])


def consistency(old_size: int, new_size: int) -> list[str]:
    return [p.hex() for p in merkle.prove_consistency(old_size, new_size, read_stored)]


CHUNK = merkle.BLOCK  # entries read at a time: one block of the tree


@dataclass(frozen=True)
class Kept:
    """A checkpoint someone kept outside (printed on a notice, saved by a witness): a size and
    its root, or the first 16 or more hex digits of the root as a notice prints them."""

    size: int
    root: str


_HEX_ROOT = re.compile(r"[0-9a-fA-F]{16,64}")
# "123:6e34…" as typed, "检查点: 123 · 6e340b9cffb37a98…" as a notice prints it, or the signed
# text ("lianyun checkpoint\n123\n6e34…\n…"): a size, a little punctuation, a root.
_KEPT_TEXT = re.compile(
    r"(?<![0-9A-Za-z])(\d{1,18})[^0-9A-Za-z]{1,12}([0-9a-fA-F]{16,64})(?![0-9a-fA-F])"
)


def parse_kept(text: str) -> Kept | None:
    """A kept checkpoint from JSON ({"size", "root"}) or from text; None if there is none."""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        size, root = data.get("size"), data.get("root")
        if isinstance(size, int) and isinstance(root, str) and _HEX_ROOT.fullmatch(root):
            return Kept(size, root.lower()) if size >= 1 else None
        return None
    match = _KEPT_TEXT.search(text)
    if match is None or int(match[1]) < 1:
        return None
    return Kept(int(match[1]), match[2].lower())


def verify_chain(
    progress: Callable[[int], None] | None = None, against: Sequence[Kept] = ()
) -> list[Problem]:
    """Recompute every leaf from its payload, every stored hash and every checkpoint's root, in
    one pass over the entries, a block of merkle.BLOCK at a time (linear: the O(log n) right
    edge of the tree is all it keeps between blocks); check every signature, every anchored
    audit-log head and every published row still live, and that the record still extends
    every checkpoint kept outside."""
    problems: list[Problem] = []
    kept = sorted(against, key=lambda k: k.size)
    tree = merkle.Builder()
    unsigned = unsigned_before()
    changed = False  # a changed entry explains every stored hash and root above it
    gap = False
    with contextlib.closing(_blocks()) as blocks:  # closed before any other query is sent
        for block in blocks:
            lo = tree.size
            if block.first != lo or not block.whole:
                gap = True
                break  # every stored hash and root after a gap is off by it: one report
            hi = lo + len(block.leaves)
            if b"".join(block.leaves).hex() != block.published:
                changed = True
                problems.extend(
                    Problem(f"entry {lo + k}", "its content was changed after publication")
                    for k, leaf in enumerate(block.leaves)
                    if leaf.hex() != block.published[64 * k : 64 * k + 64]
                )
            here = [c for c in block.checkpoints if c.size <= hi]
            outside = [k for k in kept if lo < k.size <= hi]
            sizes = [c.size for c in here] + [k.size for k in outside]
            expected, roots = tree.extend(block.leaves, sizes)
            for checkpoint, root in zip(here, roots, strict=False):
                problems.extend(_checkpoint_problems(checkpoint, root.hex(), unsigned))
            for one, root in zip(outside, roots[len(here) :], strict=True):
                if not root.hex().startswith(one.root.lower()):
                    problems.append(
                        Problem(
                            f"kept checkpoint {one.size}",
                            "the record's first entries no longer hash to this root: rewritten",
                        )
                    )
            if block.stored != expected and not changed:
                changed = True  # said once: everything above it differs too
                where = _first_difference(
                    block.stored, expected, merkle.stored_index(0, lo), lo, hi
                )
                problems.append(
                    Problem(
                        f"entry {where}", "does not match the tree's stored hashes from here on"
                    )
                )
            if progress is not None:
                progress(tree.size)
    if gap or Entry.objects.filter(index__gte=tree.size).exists():
        problems.append(Problem(f"entry {_first_missing(tree.size)}", "missing from the chain"))
    if Node.objects.filter(id__gte=merkle.stored_count(tree.size)).exists():
        problems.append(
            Problem(f"entry {tree.size}", "its stored hashes remain but the entry is gone")
        )
    problems.extend(
        Problem(f"checkpoint {size}", "refers to entries that are gone")
        for size in Checkpoint.objects.filter(size__gt=tree.size)
        .order_by("size")
        .values_list("size", flat=True)
    )
    problems.extend(
        Problem(
            f"kept checkpoint {k.size}",
            f"the record holds {tree.size} entries, fewer than this checkpoint saw: rolled back",
        )
        for k in kept
        if k.size > tree.size
    )
    anchors = [
        (index, json.loads(payload))
        for index, payload in Entry.objects.filter(subject=AUDIT_SUBJECT, kind=EntryKind.AUDIT_HEAD)
        .order_by("index")
        .values_list("index", "payload")
        if index < tree.size
    ]
    problems.extend(_anchor_problems(anchors))
    problems.extend(live_problems())
    return problems


@dataclass(frozen=True)
class _Signed:
    """A checkpoint as stored, with its signature if it has one."""

    size: int
    root: str
    at: datetime.datetime
    key_id: int | None
    signature: str | None


_CHECKPOINTS = (
    "SELECT c.size, c.root, c.at, s.key_id, s.signature FROM {checkpoints} AS c "
    "LEFT JOIN {signatures} AS s ON s.checkpoint_id = c.id "
    "WHERE c.size > %s AND c.size <= %s ORDER BY c.size"
)


def _checkpoints_sql() -> str:
    quote = connection.ops.quote_name
    return _CHECKPOINTS.format(
        checkpoints=quote(Checkpoint._meta.db_table),
        signatures=quote(CheckpointSignature._meta.db_table),
    )


AUDIT_SUBJECT = "audit"  # the subject of every published head of the audit log


@dataclass(frozen=True)
class _Block:
    first: int  # the first entry's index
    whole: bool  # its indexes run from the block's start without a gap
    leaves: list[bytes]  # each entry's leaf hash, recomputed from its payload
    published: str  # the leaf hashes kept beside the entries (hex), end to end
    stored: bytes  # the tree's stored hashes for these entries, end to end
    checkpoints: list["_Signed"]  # those of sizes from the block's start to a whole block on


def _blocks() -> Generator[_Block]:
    """The record a block at a time, by index range, each entry's leaf hash recomputed from its
    payload, with the hashes the tree stored for the block."""
    if connection.vendor == "postgresql":
        yield from _postgres_blocks()
    else:
        yield from _sqlite_blocks()


def _sqlite_blocks() -> Generator[_Block]:
    """SQLite: a second thread reads the next block while this one hashes the last. It reads
    on the same connection (Django opens SQLite's shareable between threads, and this thread
    sends nothing meanwhile), so it sees what this transaction sees. Each table's block comes
    back as one row of concatenated values, made by SQLite without holding the interpreter
    lock: a row per entry cost more than hashing it (bench/publications.py)."""
    connection.ensure_connection()
    raw, sql = connection.connection, _SqliteBlockSql.made()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="verify-read") as pool:
        lo = 0
        ahead = pool.submit(_sqlite_block, raw, sql, lo)
        while (read := ahead.result()) is not None:
            first, whole, payloads, published, stored, signed = read
            full = len(payloads) == CHUNK
            if full:
                ahead = pool.submit(_sqlite_block, raw, sql, lo + CHUNK)
            yield _Block(first, whole, _leaves(payloads), published, stored, signed)
            if not full:
                return
            lo += CHUNK


def _leaves(payloads: list[bytes]) -> list[bytes]:
    """Each payload's leaf hash (merkle.leaf_hash, written out: it runs once per entry)."""
    sha256 = hashlib.sha256
    return [sha256(b"\x00" + payload).digest() for payload in payloads]


_SEPARATOR = b"\x1f"  # never in canonical JSON, which escapes every control character


@dataclass(frozen=True)
class _SqliteBlockSql:
    """The reader's statements, made before it starts: Django's connection belongs to the
    thread that opened it, so the reader thread touches only the driver's own connection."""

    joined: str
    rows: str
    nodes: str
    checkpoints: str

    @classmethod
    def made(cls) -> "_SqliteBlockSql":
        quote = connection.ops.quote_name
        entries, nodes = quote(Entry._meta.db_table), quote(Node._meta.db_table)
        return cls(
            joined=(
                'SELECT count(*), group_concat("index"), '  # noqa: S608
                "CAST(group_concat(payload, char(31)) AS BLOB), group_concat(leaf_hash, '') "
                f'FROM {entries} WHERE "index" >= ? AND "index" < ?'
            ),
            rows=(
                f'SELECT "index", CAST(payload AS BLOB) FROM {entries} '  # noqa: S608
                'WHERE "index" >= ? AND "index" < ? ORDER BY "index"'
            ),
            nodes=(
                f"SELECT count(*), CAST(group_concat(hash, '') AS BLOB) FROM {nodes} "  # noqa: S608
                "WHERE id >= ? AND id < ?"
            ),
            checkpoints=_checkpoints_sql().replace("%s", "?"),
        )


def _sqlite_block(
    raw: Any, sql: _SqliteBlockSql, lo: int
) -> tuple[int, bool, list[bytes], str, bytes, list[_Signed]] | None:
    """Entries lo .. lo + CHUNK - 1 as read from SQLite: the first index, whether the indexes
    run without a gap, each payload's UTF-8 bytes, the published leaf hashes end to end, the
    block's stored hashes and its checkpoints. None past the end."""
    # A range of a unique index is visited in its order: the concatenations agree, and the
    # indexes' own concatenation proves it.
    count, indexes, payloads, published = raw.execute(sql.joined, (lo, lo + CHUNK)).fetchone()
    if not count:
        return None
    parts = payloads.split(_SEPARATOR)
    if len(parts) == count and indexes == ",".join(map(str, range(lo, lo + count))):
        first, whole = lo, True
    else:  # a gap, or a payload changed to hold the separator: entry by entry
        rows = raw.execute(sql.rows, (lo, lo + CHUNK)).fetchall()
        first, last = rows[0][0], rows[-1][0]
        whole = first == lo and last - first + 1 == len(rows)
        parts = [payload for _index, payload in rows]
    start, stop = merkle.stored_index(0, lo), merkle.stored_count(lo + len(parts))
    # Rows of a rowid range come in rowid order.
    stored_count, stored = raw.execute(sql.nodes, (start, stop)).fetchone()
    if stored_count != stop - start or len(stored or b"") != 32 * stored_count:
        stored = b""  # a stored hash missing or of the wrong length
    signed = [
        _Signed(size, root, _sqlite_time(at), key_id, signature)
        for size, root, at, key_id, signature in raw.execute(sql.checkpoints, (lo, lo + CHUNK))
    ]
    return first, whole, parts, published, stored, signed


def _sqlite_time(value: str | datetime.datetime) -> datetime.datetime:
    """A time as Django keeps it in SQLite (UTC, without its zone), as text or already parsed
    by the converter Django registers for the column's declared type."""
    moment = (
        value if isinstance(value, datetime.datetime) else datetime.datetime.fromisoformat(value)
    )
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


AHEAD = 3  # queries sent before their answers are needed: the next block's


def _postgres_blocks() -> Generator[_Block]:
    """PostgreSQL: the record a block at a time, in pipeline mode (below). A block whose
    payloads cannot be split apart (one was changed to hold the separator) is read again
    entry by entry, and the pipeline starts afresh after it."""
    import psycopg

    lo: int | None = 0
    while lo is not None:
        odd = yield from _postgres_pipelined(lo)
        if odd is None:
            return
        with _text_as_bytes(psycopg.Cursor(connection.connection)) as cursor:
            sql = f"SELECT payload FROM {connection.ops.quote_name(Entry._meta.db_table)} "  # noqa: S608
            sql += 'WHERE "index" >= %s AND "index" < %s ORDER BY "index"'
            cursor.execute(sql, [odd.lo, odd.lo + CHUNK], binary=True)
            payloads = [payload for (payload,) in cursor.fetchall()]
        yield _postgres_block(odd, payloads)
        lo = odd.next


def _text_as_bytes(cursor: Any) -> Any:
    """A psycopg cursor that gives text as the UTF-8 bytes sent, not decoded."""
    from psycopg.types.string import ByteaBinaryLoader

    cursor.adapters.register_loader("text", ByteaBinaryLoader)
    return cursor


_SPLIT = b"\x01"  # between payloads: canonical JSON escapes every control character


@dataclass(frozen=True)
class _Read:
    """One block's answers from PostgreSQL, but its payloads."""

    lo: int
    count: int
    first: int
    last: int
    published: str
    stored: bytes
    signed: list[_Signed]

    @property
    def next(self) -> int | None:
        return self.lo + CHUNK if self.count == CHUNK else None


def _postgres_block(read: _Read, payloads: list[bytes]) -> _Block:
    expected = merkle.stored_count(read.lo + read.count) - merkle.stored_index(0, read.lo)
    return _Block(
        read.first,
        read.first == read.lo and read.last - read.first + 1 == read.count,
        _leaves(payloads),
        read.published,
        read.stored[: 32 * expected],
        read.signed,
    )


def _postgres_pipelined(start: int) -> Generator[_Block, None, _Read | None]:
    """Blocks from `start` on, in pipeline mode: the next block's queries are sent before this
    process works on the last answer, so the server reads and concatenates while this process
    hashes. The server joins each block's payloads, published leaf hashes and stored hashes
    into one value each (in the order of a sorted subquery), sent in binary: an object per
    entry and per stored hash cost more here than hashing (bench/publications.py). Returns the
    block whose payloads do not split into one per entry, or None at the end."""
    import psycopg

    quote = connection.ops.quote_name
    entries = (
        "SELECT count(*), min(i), max(i), string_agg(p, chr(1)), string_agg(h, '') FROM "  # noqa: S608
        f'(SELECT "index" i, payload p, leaf_hash h FROM {quote(Entry._meta.db_table)} '
        'WHERE "index" >= %s AND "index" < %s ORDER BY "index") AS block'
    )
    nodes = (
        "SELECT string_agg(hash, ''::bytea) FROM "  # noqa: S608
        f"(SELECT hash FROM {quote(Node._meta.db_table)} "
        "WHERE id >= %s AND id < %s ORDER BY id) AS block"
    )
    checkpoints = _checkpoints_sql()

    def planned() -> Iterator[tuple[str, list[int]]]:
        lo = start
        while True:  # a full block's stored hashes end where its last leaf's do
            yield checkpoints, [lo, lo + CHUNK]
            yield nodes, [merkle.stored_index(0, lo), merkle.stored_count(lo + CHUNK)]
            yield entries, [lo, lo + CHUNK]
            lo += CHUNK

    connection.ensure_connection()
    raw = connection.connection
    plan, waiting = planned(), deque[Any]()

    def send() -> None:
        sql, params = next(plan)
        cursor = psycopg.Cursor(raw)
        if sql is entries:
            cursor = _text_as_bytes(cursor)
        cursor.execute(sql, params, binary=True)
        waiting.append(cursor)

    def answer() -> list[Any]:
        cursor = waiting.popleft()
        rows = cursor.fetchall()
        cursor.close()
        send()
        return list(rows)

    try:
        with raw.pipeline():
            for _ahead in range(AHEAD):
                send()
            lo: int | None = start
            while lo is not None:
                signed = [_Signed(*row) for row in answer()]
                stored = answer()[0][0] or b""
                count, first, last, payloads, published = answer()[0]
                if not count:
                    return None
                read = _Read(lo, count, first, last, published.decode(), stored, signed)
                parts = payloads.split(_SPLIT)
                if len(parts) != count:
                    return read
                yield _postgres_block(read, parts)
                lo = read.next
            return None
    finally:
        for cursor in waiting:  # the answers sent ahead past the end
            cursor.close()


def _first_missing(start: int) -> int:
    """The first index from `start` on that has no entry (after a block showed a gap)."""
    indexes = (
        Entry.objects.filter(index__gte=start).order_by("index").values_list("index", flat=True)
    )
    for expected, index in enumerate(indexes.iterator(CHUNK), start=start):
        if index != expected:
            return expected
    return start


def _first_difference(stored: bytes, expected: bytes, start: int, lo: int, hi: int) -> int:
    """The entry whose stored hashes hold the first difference (entries lo .. hi - 1)."""
    offset = next(
        (k for k in range(0, len(expected), 32) if stored[k : k + 32] != expected[k : k + 32]), 0
    )
    position = start + offset // 32
    while hi - lo > 1:  # the last entry whose first stored hash is at or before it
        middle = (lo + hi) // 2
        lo, hi = (middle, hi) if merkle.stored_index(0, middle) <= position else (lo, middle)
    return lo


def _checkpoint_problems(checkpoint: "_Signed", root: str, unsigned: int) -> list[Problem]:
    problems = []
    if root != checkpoint.root:
        problems.append(Problem(f"checkpoint {checkpoint.size}", "root does not match the entries"))
    problems.extend(_signature_problems(checkpoint, unsigned))
    return problems


def _anchor_problems(anchors: list[tuple[int, dict[str, Any]]]) -> list[Problem]:
    """Each published head of the audit log must still be in the log, as it was."""
    problems = []
    for index, head in anchors:
        stored = audit.hash_at(int(head["count"]))
        if stored is None:
            problems.append(
                Problem(
                    f"entry {index}",
                    f"the audit log had {head['count']} rows when this was published; "
                    "it has been cut",
                )
            )
        elif stored != head["last_hash"]:
            problems.append(
                Problem(
                    f"entry {index}",
                    f"row {head['count']} of the audit log is not the one published",
                )
            )
    return problems


def _signature_problems(checkpoint: "_Signed", unsigned: int) -> list[Problem]:
    where = f"checkpoint {checkpoint.size}"
    if checkpoint.key_id is None or checkpoint.signature is None:
        return [] if checkpoint.size <= unsigned else [Problem(where, "is not signed")]
    if checkpoint.key_id not in signing.key_ids():
        return [Problem(where, f"is signed with key {checkpoint.key_id}, which is not configured")]
    if not signing.verify(
        checkpoint.key_id,
        checkpoint.signature,
        checkpoint.size,
        checkpoint.root,
        signed_time(checkpoint),
    ):
        return [Problem(where, "its signature does not match its size, root and time")]
    return []


def unsigned_before() -> int:
    """Checkpoints made before signing began carry no signature; later ones must."""
    first = CheckpointSignature.objects.order_by("checkpoint__size").first()
    if first is not None:
        return first.checkpoint.size - 1
    return Checkpoint.objects.aggregate(last=Max("size"))["last"] or 0


def entry_at(index: int) -> Entry | None:
    if not 0 <= index < 2**63:
        return None
    return Entry.objects.filter(index=index).select_related("corrects").first()


def checkpoint_at(tree_size: int) -> Checkpoint | None:
    return Checkpoint.objects.filter(size=tree_size).select_related("signed").first()


def cosignatures(checkpoint: Checkpoint) -> list[Cosignature]:
    return list(checkpoint.cosignatures.order_by("witness"))


def latest_cosignatures() -> list[Cosignature]:
    """Each witness's latest co-signature: a checkpoint published since its last run has none
    yet, so the page shows how far each witness has checked."""
    latest: dict[str, Cosignature] = {}
    for one in Cosignature.objects.select_related("checkpoint").order_by("-id")[:200]:
        latest.setdefault(one.witness, one)
    return sorted(latest.values(), key=lambda c: c.witness)


if TYPE_CHECKING:
    _EntryPaginator = Paginator[Entry]
else:  # Django's Paginator takes no type argument at run time
    _EntryPaginator = Paginator


class RecordPaginator(_EntryPaginator):
    """Pages of the record, newest first, found by index: indexes run 0 .. size - 1 without a
    gap, so neither a count nor an OFFSET is needed, whatever the record's size."""

    def __init__(self, tree_size: int, per_page: int) -> None:
        super().__init__(Entry.objects.none(), per_page)
        self.tree_size = tree_size

    @cached_property
    def count(self) -> int:
        return self.tree_size

    def page(self, number: int | str) -> Page[Entry]:
        number = self.validate_number(number)
        top = self.tree_size - (number - 1) * self.per_page
        entries = Entry.objects.filter(index__lt=top, index__gte=max(0, top - self.per_page))
        return Page(list(entries.order_by("-index")), number, self)


def latest_by_subject(kind: EntryKind) -> dict[str, tuple[int, str]]:
    """Each subject's latest entry of a kind, as (index, payload): one pass over that kind."""
    latest: dict[str, tuple[int, str]] = {}
    rows = Entry.objects.filter(kind=kind).order_by("index")
    for index, subject, payload in rows.values_list("index", "subject", "payload").iterator(2000):
        latest[subject] = (index, payload)
    return latest


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


def corrections_of(entry: Entry) -> QuerySet[Entry]:
    """The later entries that correct this one, in the record's order."""
    return entry.corrections.order_by("index")
