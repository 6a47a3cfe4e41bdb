"""The publication record as it grows: one append, one inclusion proof served, and a complete
verification, at each size, beside the anchor of the same run: SHA-256 over the same number of
leaves (the same payload bytes, in memory), which any verification must at least do.

The record is grown to each size in turn (1,000, 10,000, 100,000, 1,000,000 entries by default):
entries, their stored hashes and one signed checkpoint per 250 entries are written in bulk, as
publish() would have written them. Then, at that size:
  append  publish() of one more entry on its own: the entry, its stored hashes, its audit row,
          a signed checkpoint (median of 3 runs of 20 appends);
  proof   GET /publications/<i>/proof/ for random entries, server time through the whole stack
          with DEBUG off (median of 3 runs of 100 requests);
  verify  verify_chain(): every leaf, every stored hash, every checkpoint and signature
          (median of 3).

    python bench/publications.py [--sizes 1000 10000 100000 1000000] [--postgres URL]
"""

import argparse
import hashlib
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PER_CHECKPOINT = 250
BODY = "十月收入：集体土地租金一万二千元；支出：道路维修三千五百元，误工补贴八百元。" * 3


def payloads(start: int, stop: int) -> Iterator[bytes]:
    """Disclosure-shaped canonical JSON, about 500 bytes each, the same on every call."""
    for i in range(start, stop):
        yield json.dumps(
            {
                "body": BODY,
                "kind": "finance",
                "period": f"20{10 + i // 12_000 % 90:02d}-{1 + i % 12:02d}",
                "posted_on": "2026-11-02",
                "title": f"第{i}号 财务收支公开",
                "village": f"5119231{i % 300:05d}",
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()


def median_of_3(run: Callable[[], None]) -> float:
    times = []
    for _ in range(3):
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def grow(tree, start: int, stop: int) -> None:  # type: ignore[no-untyped-def]
    """Write entries start .. stop - 1, their stored hashes and signed checkpoints in bulk."""
    from django.db import connection, transaction
    from django.utils import timezone

    from lianyun.core import merkle
    from lianyun.publications import signing
    from lianyun.publications.models import Checkpoint, CheckpointSignature
    from lianyun.publications.queries import signed_time

    at = timezone.now()
    entries, nodes, checkpoints = [], [], []
    for i, payload in zip(range(start, stop), payloads(start, stop), strict=True):
        leaf = merkle.leaf_hash(payload)
        text = payload.decode()
        entries.append(
            (i, "disclosure", f"5119231{i % 300:05d}:finance", f"第{i}号", text, leaf.hex(), at)
        )
        first = merkle.stored_index(0, i)
        nodes += [(first + k, h) for k, h in enumerate(tree.append(leaf))]
        if tree.size % PER_CHECKPOINT == 0 or tree.size == stop:
            checkpoints.append((tree.size, tree.root().hex()))
    columns = '"index", kind, subject, title, payload, leaf_hash, published_at'
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            raw = cursor.cursor
            with raw.copy(f"COPY publications_entry ({columns}) FROM STDIN") as copy:
                for row in entries:
                    copy.write_row(row)
            with raw.copy("COPY publications_node (id, hash) FROM STDIN") as copy:
                for row in nodes:
                    copy.write_row(row)
        else:
            cursor.executemany(
                f"INSERT INTO publications_entry ({columns}) "  # noqa: S608 - our own names
                "VALUES (%s, %s, %s, %s, %s, %s, %s)",
                entries,
            )
            cursor.executemany("INSERT INTO publications_node (id, hash) VALUES (%s, %s)", nodes)
    made = Checkpoint.objects.bulk_create(
        Checkpoint(size=size, root=root, at=at) for size, root in checkpoints
    )
    signatures = []
    for checkpoint in made:
        key_id, signature = signing.sign(checkpoint.size, checkpoint.root, signed_time(checkpoint))
        signatures.append(
            CheckpointSignature(checkpoint=checkpoint, key_id=key_id, signature=signature)
        )
    CheckpointSignature.objects.bulk_create(signatures)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Vacuumed, as a record in service long has been (hint bits set, visibility known).
            cursor.execute("VACUUM (ANALYZE) publications_entry")
            cursor.execute("VACUUM (ANALYZE) publications_node")


def anchor(size: int) -> float:
    """SHA-256 of `size` leaves, the same bytes the record holds, timed without making them."""
    total = 0.0
    step = 50_000
    for start in range(0, size, step):
        chunk = list(payloads(start, min(size, start + step)))
        started = time.perf_counter()
        for payload in chunk:
            hashlib.sha256(b"\x00" + payload).digest()
        total += time.perf_counter() - started
    return total


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000, 1_000_000])
    parser.add_argument("--postgres", metavar="URL")
    options = parser.parse_args()
    scratch = tempfile.mkdtemp(prefix="lianyun-bench-publications-")
    os.environ.update(LIANYUN_DATA_DIR=scratch, DJANGO_SETTINGS_MODULE="bench.settings")
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("DATABASE_URL", None)
    if options.postgres:
        import psycopg

        with psycopg.connect(options.postgres, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS lianyun_bench_publications")
            conn.execute("CREATE DATABASE lianyun_bench_publications")
        os.environ["DATABASE_URL"] = (
            options.postgres.rsplit("/", 1)[0] + "/lianyun_bench_publications"
        )
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from lianyun.core import merkle
    from lianyun.publications.actions import publish
    from lianyun.publications.models import EntryKind
    from lianyun.publications.queries import verify_chain

    call_command("migrate", verbosity=0)
    from django.db import connection

    where = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    print(f"publication record on {where}; payloads of {len(next(payloads(0, 1)))} bytes")
    tree = merkle.Builder()
    client = Client()
    rng = random.Random(7)
    rows = []
    appended = 0
    for size in options.sizes:
        started = time.perf_counter()
        grow(tree, tree.size, size)
        filled = time.perf_counter() - started
        print(f"  grown to {size:,} entries in {filled:.1f} s", flush=True)

        def appends() -> None:
            nonlocal appended
            for k in range(20):
                publish(
                    kind=EntryKind.DISCLOSURE,
                    subject="bench",
                    title="bench",
                    payload={"n": appended, "k": k, "body": BODY},
                )
                appended += 1

        # The appended entries are real ones: keep the in-memory tree in step for the next fill.
        before = tree.size + appended
        append = median_of_3(appends) / 20
        from lianyun.publications.models import Entry

        for leaf in (
            Entry.objects.filter(index__gte=before)
            .order_by("index")
            .values_list("leaf_hash", flat=True)
        ):
            tree.append(bytes.fromhex(leaf))
        appended = 0
        current = tree.size
        indexes = [rng.randrange(current) for _ in range(100)]

        def proofs(indexes: list[int] = indexes) -> None:
            for i in indexes:
                answer = client.get(f"/publications/{i}/proof/")
                assert answer.status_code == 200

        proof = median_of_3(proofs) / 100
        verify_times = []
        for _ in range(3):
            started = time.perf_counter()
            problems = verify_chain()
            verify_times.append(time.perf_counter() - started)
            assert problems == [], problems[:3]
        verify = statistics.median(verify_times)
        hashing = statistics.median(anchor(current) for _ in range(3))
        rows.append((current, append, proof, verify, hashing))
        print(
            f"  {current:>9,} entries: append {append * 1000:6.2f} ms  proof {proof * 1000:6.2f} ms"
            f"  verify {verify:7.2f} s  anchor SHA-256 of the leaves {hashing:6.3f} s"
            f"  verify/anchor {verify / hashing:5.2f}x",
            flush=True,
        )
    first = rows[0]
    print()
    print(
        f"{'entries':>10} {'append ms':>10} {'x first':>8} {'proof ms':>9} {'x first':>8} "
        f"{'verify s':>9} {'anchor s':>9} {'verify/anchor':>14}"
    )
    for size, append, proof, verify, hashing in rows:
        print(
            f"{size:>10,} {append * 1000:>10.2f} {append / first[1]:>8.2f} {proof * 1000:>9.2f} "
            f"{proof / first[2]:>8.2f} {verify:>9.2f} {hashing:>9.3f} {verify / hashing:>14.2f}"
        )


if __name__ == "__main__":
    main()
