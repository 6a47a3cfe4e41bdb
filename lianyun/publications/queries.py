"""Reads over the chain: roots, proofs and the verification of what is stored."""

import contextlib
import datetime
import difflib
import hashlib
import itertools
import json
import re
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Max
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
        return
    table, lo = connection.ops.quote_name(Entry._meta.db_table), 0
    sql = (
        # The payload's UTF-8 bytes as stored, not decoded to text and encoded back.
        f'SELECT "index", CAST(payload AS BLOB), leaf_hash FROM {table} '  # noqa: S608
        'WHERE "index" >= %s AND "index" < %s ORDER BY "index"'
    )
    sha256 = hashlib.sha256
    while True:
        with _raw_cursor() as cursor:
            cursor.execute(sql, [lo, lo + CHUNK])
            rows = cursor.fetchall()
        if not rows:
            return
        first, last = rows[0][0], rows[-1][0]
        leaves = [sha256(b"\x00" + payload).digest() for _i, payload, _k in rows]
        base = merkle.stored_index(0, lo)
        signed = Checkpoint.objects.filter(size__gt=lo, size__lte=lo + CHUNK).order_by("size")
        yield _Block(
            first,
            first == lo and last - first + 1 == len(rows),
            leaves,
            "".join(row[2] for row in rows),
            _stored_range(base, merkle.stored_count(lo + len(rows))),
            [
                _Signed(size, root, at, key_id, signature)
                for size, root, at, key_id, signature in signed.values_list(
                    "size", "root", "at", "signed__key_id", "signed__signature"
                )
            ],
        )
        if len(rows) < CHUNK:
            return
        lo += CHUNK


SUBBLOCK = 4096  # entries a query reads on PostgreSQL: its answer fits the socket's buffers
AHEAD = 3  # queries sent before their answers are needed


def _postgres_blocks() -> Generator[_Block]:
    """PostgreSQL, in pipeline mode: the next queries are sent before this process works on
    the last answer, so the server reads and sends while this process hashes. A block's stored
    hashes come first, then its entries in sub-blocks; binary results throughout. The reading
    costs little beside the hashing this way (bench/publications.py: half the time of reading
    block by block)."""
    import psycopg

    entries = (
        f'SELECT "index", {_PREFIXED}, leaf_hash FROM {connection.ops.quote_name(Entry._meta.db_table)} '  # noqa: S608
        'WHERE "index" >= %s AND "index" < %s ORDER BY "index"'
    )
    nodes = (
        f"SELECT hash FROM {connection.ops.quote_name(Node._meta.db_table)} "  # noqa: S608
        "WHERE id >= %s AND id < %s ORDER BY id"
    )

    checkpoints = _checkpoints_sql()

    def planned() -> Iterator[tuple[str, list[int]]]:
        lo = 0
        while True:  # a full block's stored hashes end where its last leaf's do
            yield checkpoints, [lo, lo + CHUNK]
            yield nodes, [merkle.stored_index(0, lo), merkle.stored_count(lo + CHUNK)]
            for sub in range(lo, lo + CHUNK, SUBBLOCK):
                yield entries, [sub, sub + SUBBLOCK]
            lo += CHUNK

    connection.ensure_connection()
    raw = connection.connection
    sha256, plan, waiting = hashlib.sha256, planned(), deque[Any]()

    def answer() -> list[Any]:
        cursor = waiting.popleft()
        rows = cursor.fetchall()
        cursor.close()
        sql, params = next(plan)
        cursor = psycopg.Cursor(raw)
        cursor.execute(sql, params, binary=True)
        waiting.append(cursor)
        return list(rows)

    with raw.pipeline():
        for sql, params in itertools.islice(plan, AHEAD):
            cursor = psycopg.Cursor(raw)
            cursor.execute(sql, params, binary=True)
            waiting.append(cursor)
        lo = 0
        while True:
            signed = [_Signed(*row) for row in answer()]
            stored = b"".join(row[0] for row in answer())
            rows: list[Any] = []
            for _sub in range(CHUNK // SUBBLOCK):
                part = answer()
                rows += part
                if len(part) < SUBBLOCK:
                    break
            if not rows:
                break
            first, last = rows[0][0], rows[-1][0]
            leaves = [sha256(payload).digest() for _i, payload, _k in rows]
            expected = merkle.stored_count(lo + len(rows)) - merkle.stored_index(0, lo)
            yield _Block(
                first,
                first == lo and last - first + 1 == len(rows),
                leaves,
                "".join(row[2] for row in rows),
                stored[: 32 * expected],
                signed,
            )
            if len(rows) < CHUNK:
                break
            lo += CHUNK
        for cursor in waiting:  # the answers sent ahead past the end
            cursor.close()


# The leaf's bytes as hashed (0x00, then the payload's UTF-8), made by the database.
_PREFIXED = "'\\x00'::bytea || convert_to(payload, 'UTF8')"


@contextlib.contextmanager
def _raw_cursor() -> Iterator["_RawCursor"]:
    """The database driver's own cursor on Django's connection (same transaction): binary
    results on PostgreSQL, plain sqlite3 rows on SQLite."""
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "postgresql":
        import psycopg

        # Django's connection makes client-side cursors, which cannot return binary results.
        cursor = _RawCursor(psycopg.Cursor(raw), binary=True)
    else:
        cursor = _RawCursor(raw.cursor(), binary=False)
    try:
        yield cursor
    finally:
        cursor.close()


class _RawCursor:
    """SQL written with %s placeholders, on either driver."""

    def __init__(self, cursor: Any, *, binary: bool) -> None:
        self._cursor, self._binary = cursor, binary

    def execute(self, sql: str, params: Sequence[object]) -> None:
        if self._binary:
            self._cursor.execute(sql, params, binary=True)
        else:
            self._cursor.execute(sql.replace("%s", "?"), params)

    def fetchall(self) -> list[Any]:
        return list(self._cursor.fetchall())

    def close(self) -> None:
        self._cursor.close()


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


def _stored_range(first: int, stop: int) -> bytes:
    """The hashes stored at first .. stop - 1, end to end ("" for any row missing)."""
    table = connection.ops.quote_name(Node._meta.db_table)
    with _raw_cursor() as cursor:
        cursor.execute(
            f"SELECT hash FROM {table} WHERE id >= %s AND id < %s ORDER BY id",  # noqa: S608
            [first, stop],
        )
        hashes = [row[0] for row in cursor.fetchall()]
    return b"".join(hashes) if len(hashes) == stop - first else b""


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


class RecordPaginator(Paginator):
    """Pages of the record, newest first, found by index: indexes run 0 .. size - 1 without a
    gap, so neither a count nor an OFFSET is needed, whatever the record's size."""

    def __init__(self, tree_size: int, per_page: int) -> None:
        super().__init__(Entry.objects.none(), per_page)
        self.tree_size = tree_size

    @cached_property
    def count(self) -> int:
        return self.tree_size

    def page(self, number: int | str) -> Page:
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
