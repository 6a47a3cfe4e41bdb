"""Payout import speed and peak memory, beside anchors measured in the same run on the same file.

PostgreSQL (--postgres URL), where the limit is, in one run and interleaved, three times
(docs/ledger-layout.md), on a ledger that already holds --ledger-rows payouts of earlier months:
  (a) a raw COPY of the GBK file into a logged, unindexed table of text columns;
  (b) the server's floor for the shipped design: the file's finished records (checked,
      encrypted, hashed beforehand, untimed) COPYed into an unindexed table of the ledger's
      shape, plus building a month's indexes;
  (c) the import end to end (`import_payouts`, a fresh process) of the file, a month the
      ledger does not hold;
  (d) a --department-rows file into the month (c) just made;
then the lookup's statement on the partitioned ledger beside a single-table copy of it.

SQLite (the default) and XLSX (--xlsx), against their anchors:
  - SQLite: reading the GBK CSV with the csv module alone (decode + split, nothing else);
  - XLSX: python-calamine's bare read of the workbook.
The figure is the whole import (decode, map columns, check every row, encrypt, blind index,
write in committed chunks, reconcile) into a fresh database, median of --runs; peak memory is
the importing process's maximum resident set size. Beside it, the import's write floor: the
same rows, checked and made into records beforehand, written alone through the importer's own
writer into another fresh database (what no change to the checking or record-making can beat).

    python bench/import_payouts.py [--rows 100000] [--runs 3] [--postgres URL] [--xlsx]
    python bench/import_payouts.py --postgres URL --rows 1000000 [--ledger-rows 10000000]
"""

import argparse
import csv
import io
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEADER = [
    "业务流水号",
    "身份证号",
    "姓名",
    "补贴项目",
    "发放期号",
    "金额",
    "发放时间",
    "村代码",
    "银行账号",
]

SETUP = """
import django, json
django.setup()
from pathlib import Path
from lianyun.demo.generator import Generator, SCALES
from lianyun.policies.actions import import_catalogue
g = Generator(1, SCALES["small"]); made = g.regions(); g.units(made)
import_catalogue(json.loads(Path("lianyun/policies/data/catalogue.json").read_text("utf-8")))
"""

RUN = """
import django, re, sys, time
django.setup()
from bench.import_payouts import Processors
from lianyun.ledger.actions import import_payouts
data = open(sys.argv[1], "rb")  # as `lianyun import_payouts` hands it over: read in blocks
checked = []
spent = Processors().__enter__()
started = time.perf_counter()
summary = import_payouts(
    data=data,
    source="cli",
    progress=lambda phase, rows: phase == "checked" and checked.append(time.perf_counter()),
)
elapsed = time.perf_counter() - started
spent.__exit__()
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork and exec.
peak = re.search(r"VmHWM:\s+(\d+) kB", open("/proc/self/status").read()).group(1)
print(elapsed, summary.rows_written, peak, checked[-1] - started, spent.client, spent.database)
"""

# The upload page's and the platform's path: the web process receives the open file and keeps
# it encrypted (the task is queued, not run); a second process, as the task queue's worker
# does, imports the kept file. Each prints its own peak.
RECEIVE = """
import django, re, sys
django.setup()
from lianyun.accounts.models import User
from lianyun.ledger.actions import receive_upload
user = User.objects.create_user("bench-uploader", role="administrator")
with open(sys.argv[1], "rb") as handed:
    upload, _new = receive_upload(user=user, data=handed, label="bench", source="upload")
peak = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
print(upload.pk, peak)
"""
WORK = """
import django, re, sys, time
django.setup()
from lianyun.ledger.actions import run_upload
from lianyun.ledger.models import PayoutUpload
started = time.perf_counter()
run_upload(upload_id=int(sys.argv[1]))
elapsed = time.perf_counter() - started
upload = PayoutUpload.objects.get(pk=int(sys.argv[1]))
assert upload.status == "complete", (upload.status, upload.message)
peak = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
print(elapsed, upload.summary["rows_written"], peak)
"""

# The import's write floor: the same file's rows checked and made into records beforehand
# (untimed), then only the writing timed: on PostgreSQL through the importer's own writer, on
# SQLite by `executemany` of the same blocks into the shipped table.
FLOOR = """
import django, sys, time
import polars as pl
django.setup()
from django.db import connection, transaction
from lianyun.ledger import actions, columnar
from lianyun.ledger.actions import writing
from lianyun.ledger.importer import RowChecker
from lianyun.ledger.models import PayoutBatch
data = open(sys.argv[1], "rb")
batch = PayoutBatch.objects.create(sha256="floor", source="cli")
without = sys.argv[2].split(",") if len(sys.argv) > 2 and sys.argv[2] else []
AS_TEXT = "objects"  # "without objects": amounts and dates bound as text
with connection.cursor() as cursor:
    if "foreign-keys" in without and connection.vendor == "postgresql":
        cursor.execute(
            "SELECT conname FROM pg_constraint WHERE conrelid = 'ledger_payout'::regclass "
            "AND contype = 'f'"
        )
        for (name,) in cursor.fetchall():
            cursor.execute(f'ALTER TABLE ledger_payout DROP CONSTRAINT "{name}"')
    if "hash-indexes" in without:
        cursor.execute("ALTER TABLE ledger_payout DROP CONSTRAINT payout_person_row_unique")
if "foreign-keys" in without and connection.vendor == "sqlite":
    connection.connection.execute("PRAGMA foreign_keys = OFF")
reading = columnar.Reading(data)
checker = RowChecker(reading.columns)
good = (checked.good for checked in reading.checked(checker) if checked.good.height)
chunks = list(columnar.finished(good))

def executemany(records, batch_id):
    # SQLite's floor: one prepared INSERT OR IGNORE run over the block by the driver, each
    # payout with its resident found by the blind index of its ID number.
    placeholders = ", ".join(["?"] * len(actions.COLUMNS))
    # With AS_TEXT, amounts and dates are made text by Polars first, as the import's stage does.
    columns = writing._columns(batch_id) | {"person": pl.col("id_number_index")}
    selected = records.select(**columns)
    if AS_TEXT in without:
        selected = selected.with_columns(pl.col(pl.Decimal).cast(pl.String), pl.col(pl.Date).cast(pl.String))
    raw = connection.connection
    before = raw.total_changes
    raw.executemany(
        f"INSERT OR IGNORE INTO ledger_payout ({', '.join(actions.COLUMNS)}, resident_id) "
        f"VALUES ({placeholders}, (SELECT id FROM people_resident WHERE id_number_index = ?))",
        selected.iter_rows(),
    )
    return raw.total_changes - before

connection.ensure_connection()
insert = writing._copy_rows if connection.vendor == "postgresql" else executemany
started = time.perf_counter()
written = 0
for records in chunks:
    with transaction.atomic():
        written += insert(records, batch.pk)
print(time.perf_counter() - started, written)
"""


def rows_of(count: int, serials: str = "B"):  # type: ignore[no-untyped-def]
    import datetime
    import random

    sys.path.insert(0, str(ROOT))
    from lianyun.core.idnumbers import synthetic_id_number

    rng = random.Random(7)
    villages = ["511923103201", "511923102201", "511923126201", "511923104201"]
    for n in range(count):
        born = datetime.date(1940 + n % 60, 1 + n % 12, 1 + n % 28)
        yield [
            f"{serials}{n:09d}",
            synthetic_id_number(rng, region_code="511923", birth_date=born, is_male=bool(n % 2)),
            "彭运芳",
            "低保金" if n % 3 else "高龄津贴",
            "202610",
            f"{300 + n % 97}.50",
            "2026-10-15",
            villages[n % 4],
            f"6217900000{n:09d}",
        ]


def make_csv(count: int, path: Path, serials: str = "B") -> None:
    with path.open("w", encoding="gbk", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows_of(count, serials))


def make_xlsx(count: int, path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADER)
    for number, row in enumerate(rows_of(count), start=1):
        sheet.write_row(number, 0, row)
    book.close()


def csv_read(path: Path) -> float:
    started = time.perf_counter()
    text = path.read_bytes().decode("gb18030")
    for _row in csv.reader(io.StringIO(text, newline="")):
        pass
    return time.perf_counter() - started


def calamine_read(path: Path) -> float:
    from python_calamine import CalamineWorkbook

    started = time.perf_counter()
    CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return time.perf_counter() - started


def raw_copy(path: Path, url: str, *, logged: bool = False) -> float:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP TABLE IF EXISTS bench_raw_copy")
        columns = ", ".join(f"c{i} text" for i in range(len(HEADER)))
        kind = "TABLE" if logged else "UNLOGGED TABLE"
        conn.execute(f"CREATE {kind} bench_raw_copy ({columns})")
        started = time.perf_counter()
        with (
            conn.cursor() as cursor,
            cursor.copy(
                "COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true, ENCODING 'GBK')"
            ) as copy,
            path.open("rb") as handle,
        ):
            while block := handle.read(1 << 20):
                copy.write(block)
        elapsed = time.perf_counter() - started
        conn.execute("DROP TABLE bench_raw_copy")
    return elapsed


def fresh_postgres(url: str) -> str:
    """A new, empty database beside the one named, for one run."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS lianyun_bench")
        conn.execute("CREATE DATABASE lianyun_bench")
    return url.rsplit("/", 1)[0] + "/lianyun_bench"


def catalogued_database(directory: Path, postgres: str | None) -> dict[str, str]:
    """The environment of a new database (SQLite in directory, or lianyun_bench beside the
    PostgreSQL one named), migrated, with the demo's regions and the subsidy catalogue."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LIANYUN_DATA_DIR=str(directory), DJANGO_SETTINGS_MODULE="config.settings")
    if postgres:
        env["DATABASE_URL"] = fresh_postgres(postgres)
    for script in (None, SETUP):
        command = (
            [sys.executable, "-m", "lianyun.manage", "migrate", "-v0"]
            if script is None
            else [sys.executable, "-c", script]
        )
        subprocess.run(command, env=env, check=True, cwd=ROOT)
    return env


def python_words(code: str, *args: str, env: dict[str, str]) -> list[str]:
    """Run code in a fresh Python from the project's root; the words it printed."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        check=True,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout.split()


def run_upload(env: dict[str, str], path: Path) -> tuple[float, int, int, int]:
    """The file handed over as an upload and imported by a worker: (seconds the worker took,
    rows written, peak KiB of the receiving process, peak KiB of the worker)."""
    env = {**env, "LIANYUN_TASKS_IMMEDIATE": "0"}  # queued for the worker, as in production
    upload_id, received_kib = python_words(RECEIVE, str(path), env=env)
    seconds, written, worker_kib = python_words(WORK, upload_id, env=env)
    return float(seconds), int(written), int(received_kib), int(worker_kib)


class Processors:
    """Processor seconds spent between two readings: by the importing process itself and the
    worker processes it forked and waited for, and by a PostgreSQL server on this machine (its
    live processes, and those its postmaster has reaped). A job's processor seconds over the
    machine's cores is the least wall time it could take here."""

    TICK = os.sysconf("SC_CLK_TCK")

    @staticmethod
    def _client_now() -> float:
        usages = [
            resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        ]
        return sum(usage.ru_utime + usage.ru_stime for usage in usages)

    @staticmethod
    def server() -> float:
        names, stats = {}, {}
        for entry in Path("/proc").glob("[0-9]*"):
            try:
                names[entry.name] = (entry / "comm").read_text().strip()
                stats[entry.name] = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # the process ended meanwhile
                continue
        ticks = 0
        for pid, fields in stats.items():
            if names[pid] != "postgres":
                continue
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
            if names.get(fields[1]) != "postgres":  # the postmaster: + the backends it reaped
                ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
        return ticks / Processors.TICK

    def __enter__(self) -> "Processors":
        self._client, self._server = self._client_now(), self.server()
        return self

    def __exit__(self, *exc: object) -> None:
        time.sleep(0.2)  # for the postmaster to reap a backend that has just ended
        self.client = self._client_now() - self._client
        self.database = self.server() - self._server


def run_import(env: dict[str, str], path: Path) -> tuple[float, int, int, float]:
    """The file through the importer: (seconds, rows written, peak KiB of the process, seconds
    until every row was checked)."""
    out = python_words(RUN, str(path), env=env)
    return float(out[0]), int(out[1]), int(out[2]), float(out[3])


def import_processors(env: dict[str, str], path: Path) -> tuple[float, int, int, float, float]:
    """The file through the importer: (seconds, rows written, peak KiB, processor seconds of
    the import's processes, of the database server's), all over the import alone."""
    out = python_words(RUN, str(path), env=env)
    return float(out[0]), int(out[1]), int(out[2]), float(out[4]), float(out[5])


# --- PostgreSQL: where the limit is (a) – (d) ---------------------------------------------------

# The ledger of earlier months, made in SQL a month at a time as an import of a new month makes
# it (a table of its own, its indexes built once as it is attached), and a flat copy of the same
# rows with the single table's indexes, to compare lookups on both in the same run.
PREFILL = """
import django, sys, time
django.setup()
from django.db import connection
from lianyun.ledger import partitions
from lianyun.ledger.models import PayoutBatch
from lianyun.policies.models import SubsidyItem
from lianyun.regions.models import Region
months, per_month = sys.argv[1].split(","), int(sys.argv[2])
batch = PayoutBatch.objects.create(sha256="earlier months", source="cli", status="complete")
villages = list(Region.objects.filter(kind="village").values_list("id", flat=True))
items = list(SubsidyItem.objects.values_list("id", flat=True))[:8]
started = time.perf_counter()
with connection.cursor() as cursor:
    for month in months:
        table = "bench_month_load"
        cursor.execute(f"CREATE TABLE {table} (LIKE ledger_payout INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        cursor.execute(
            f"INSERT INTO {table} (batch_id, row_key, serial, id_number_encrypted, id_number_index, "
            "id_number_masked, name, item_id, period, amount, paid_on, village_id, account_last4, "
            "status, failure_reason, category, account_index, approved_amount, approved_on, born_on) "
            "SELECT %s, md5('row' || %s || n), 'E' || %s || '-' || n, "
            "decode(md5('id' || n) || md5('x' || n), 'hex'), md5('person-' || n), "
            "'5****************1', '彭运芳', (%s::bigint[])[1 + n %% cardinality(%s::bigint[])], %s, "
            "300.50, DATE '2026-01-15', (%s::bigint[])[1 + n %% cardinality(%s::bigint[])], '1234', "
            "'paid', '', '', md5('account' || n), NULL, NULL, DATE '1950-01-01' "
            "FROM generate_series(0, %s - 1) AS n",
            [batch.pk, month, month, items, items, month, villages, villages, per_month],
        )
        name = partitions.partition_name(month)
        cursor.execute(f"ALTER TABLE {table} RENAME TO {name}")
        cursor.execute(f"ALTER TABLE ledger_payout ATTACH PARTITION {name} FOR VALUES IN (%s)", [month])
        print(f"  earlier month {month}: {per_month:,} payouts", file=sys.stderr, flush=True)
    cursor.execute("CREATE TABLE bench_flat (LIKE ledger_payout INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    cursor.execute("INSERT INTO bench_flat SELECT * FROM ledger_payout")
    for columns in ("id", "row_key", "serial"):
        cursor.execute(f"CREATE UNIQUE INDEX ON bench_flat ({columns})")
    for columns in ("id_number_index, period", "village_id, period", "batch_id", "resident_id"):
        cursor.execute(f"CREATE INDEX ON bench_flat ({columns})")
with connection.cursor() as cursor:  # autocommit: VACUUM runs outside a transaction
    cursor.execute("VACUUM ANALYZE ledger_payout")
    cursor.execute("VACUUM ANALYZE bench_flat")
print(time.perf_counter() - started)
"""

# One person's year, the lookup's own statement (ledger.queries.statement) on the partitioned
# ledger, prepared as the application prepares it (a generic plan that prunes the months as it
# runs); beside it the flat copy as the single table was read before (planned each time) and
# prepared too. Probes interleaved; (p50, p99) in ms for each.
LOOKUPS = """
import django, random, statistics, sys, time
django.setup()
import psycopg
from django.db import connection
probes, months = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(5)
sql = (
    "SELECT p.id, i.name, u.name, p.period, p.amount, p.paid_on, p.status, p.failure_reason, "
    "p.account_last4 FROM {table} p JOIN policies_subsidyitem i ON i.id = p.item_id "
    "JOIN regions_unit u ON u.id = i.department_id WHERE p.id_number_index = %s "
    "AND p.period >= %s AND p.period <= %s ORDER BY p.period, i.name, p.id"
)
ways = {"partitioned": ("ledger_payout", True), "flat": ("bench_flat", False),
        "flat prepared": ("bench_flat", True)}
times = {way: [] for way in ways}
connection.ensure_connection()
with connection.cursor() as cursor, psycopg.Cursor(connection.connection) as raw:
    # The imports just made leave pages to write back; a lookup happens on a settled ledger.
    cursor.execute("CHECKPOINT")
    for _ in range(probes):
        person = rng.randrange(10_000)
        cursor.execute("SELECT md5('person-' || %s::text)", [person])
        index = cursor.fetchone()[0]
        year = rng.choice(["2025", "2026"])
        params = [index, f"{year}-01", f"{year}-12"]
        for way in rng.sample(list(ways), len(ways)):
            table, prepared = ways[way]
            started = time.perf_counter()
            if prepared:
                raw.execute(sql.format(table=table), params, prepare=True).fetchall()
            else:
                cursor.execute(sql.format(table=table), params)
                cursor.fetchall()
            times[way].append(time.perf_counter() - started)
for way in ways:
    values = sorted(times[way])
    print(statistics.median(values) * 1000, values[int(len(values) * 0.99)] * 1000)
"""

# (b): the finished records of the file (checked, encrypted, hashed: untimed) as COPY text,
# then timed: COPY into an unindexed table of the ledger's shape and building a month's indexes.
SERVER_FLOOR = """
import django, io, sys, time
django.setup()
from django.db import connection, transaction
from lianyun.ledger import actions, columnar
from lianyun.ledger.actions import writing
from lianyun.ledger.importer import RowChecker
from lianyun.ledger.models import PayoutBatch
batch = PayoutBatch.objects.create(sha256="server floor", source="cli")
reading = columnar.Reading(open(sys.argv[1], "rb"))
checker = RowChecker(reading.columns)
good = (checked.good for checked in reading.checked(checker) if checked.good.height)
names = ", ".join((*actions.COLUMNS, "resident_id"))
with connection.cursor() as cursor:
    cursor.execute("CREATE TEMP TABLE floor_made (LIKE ledger_payout INCLUDING DEFAULTS)")
    with cursor.cursor.copy(f"COPY floor_made ({names}) FROM STDIN") as copy:
        for records in columnar.finished(good):
            copy.write(writing._copy_text(records, batch.pk, {}))
    text = io.BytesIO()
    with cursor.cursor.copy("COPY floor_made TO STDOUT") as copy:
        for block in copy:
            text.write(block)
data = text.getvalue()
with transaction.atomic(), connection.cursor() as cursor:
    started = time.perf_counter()
    cursor.execute("CREATE TABLE floor_month (LIKE ledger_payout INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    with cursor.cursor.copy("COPY floor_month FROM STDIN") as copy:
        for at in range(0, len(data), 1 << 20):
            copy.write(data[at : at + (1 << 20)])
    for unique in ("id, period", "id_number_index, period, row_key", "serial, period"):
        cursor.execute(f"CREATE UNIQUE INDEX ON floor_month ({unique})")
    for columns in ("village_id, period", "batch_id", "resident_id"):
        cursor.execute(f"CREATE INDEX ON floor_month ({columns})")
    elapsed = time.perf_counter() - started
    cursor.execute("DROP TABLE floor_month")
print(elapsed)
"""

# After each run: the month the run imported is dropped with its batches, so that every run
# imports into a month the ledger does not hold, on top of the same earlier months.
FORGET = """
import django, sys
django.setup()
from django.db import connection
from lianyun.ledger import partitions
name = partitions.partition_name(sys.argv[1])
with connection.cursor() as cursor:
    cursor.execute(f"ALTER TABLE ledger_payout DETACH PARTITION {name}")
    cursor.execute(f"DROP TABLE {name}")
    cursor.execute("DELETE FROM ledger_payoutbatch WHERE sha256 NOT IN ('earlier months')")
"""


def postgres_limits(options: argparse.Namespace, scratch: Path) -> None:
    """(a) – (d) of docs/ledger-layout.md, interleaved, three times; then the lookups."""
    months = [f"2025-{m:02d}" for m in range(10, 13)] + [f"2026-{m:02d}" for m in range(1, 10)]
    months = months[-options.earlier_months :]
    per_month = options.ledger_rows // len(months)
    path = scratch / "payouts.csv"
    make_csv(options.rows, path)
    department = scratch / "department.csv"
    make_csv(options.department_rows, department, serials="D")
    env = catalogued_database(scratch / "ledger", options.postgres)
    print(
        f"file: {options.rows:,} rows, {path.stat().st_size:,} bytes of GBK CSV, for 2026-10; "
        f"ledger: {per_month * len(months):,} payouts of {len(months)} earlier months",
        flush=True,
    )
    filled = float(python_words(PREFILL, ",".join(months), str(per_month), env=env)[0])
    print(f"  the earlier months made, indexed and vacuumed in {filled:.0f} s", flush=True)
    runs: dict[str, list[float]] = {"a": [], "b": [], "c": [], "d": []}
    processors: dict[str, list[tuple[float, float]]] = {"c": [], "d": []}
    peaks = []
    url = env["DATABASE_URL"]
    for run in range(options.runs):
        runs["a"].append(raw_copy(path, url, logged=True))
        runs["b"].append(float(python_words(SERVER_FLOOR, str(path), env=env)[0]))
        seconds, written, peak_kib, client, server = import_processors(env, path)
        assert written == options.rows, (written, options.rows)
        runs["c"].append(seconds)
        processors["c"].append((client, server))
        peaks.append(peak_kib)
        seconds, written, _peak, client, server = import_processors(env, department)
        assert written == options.department_rows, (written, options.department_rows)
        runs["d"].append(seconds)
        processors["d"].append((client, server))
        python_words(FORGET, "2026-10", env=env)
        print(
            f"  run {run + 1}: (a) {runs['a'][-1]:.2f} s  (b) {runs['b'][-1]:.2f} s  "
            f"(c) {runs['c'][-1]:.2f} s  (d) {runs['d'][-1]:.2f} s",
            flush=True,
        )
    a, b, c, d = (statistics.median(runs[key]) for key in "abcd")
    rows, small = options.rows, options.department_rows
    print()
    ledger = per_month * len(months)
    for label, seconds, count in (
        ("(a) raw COPY of the file, logged unindexed text table", a, rows),
        ("(b) server floor: COPY of finished records + indexes", b, rows),
        (f"(c) the import, into a ledger of {ledger:,} payouts", c, rows),
        (f"(d) {small:,} rows into the month (c) made", d, small),
    ):
        print(f"{label:58s} {seconds:8.2f} s {count / seconds:10,.0f} rows/s")
    print(
        f"(c) speed / (b) speed = {b / c:.2f} (target >= 0.5); (b) / (a) = {a / b:.2f} (target >= 0.3)"
    )
    print(f"(d) time / (c) time = 1/{c / d:.1f} (target: 1/25 or less)")
    print(f"peak memory of the importing process: {max(peaks) / 1024:,.0f} MiB (max of runs)")
    # The work a job gives the processors bounds its wall time from below: on this machine no
    # overlap of client and server can finish it sooner than its processor seconds / cores.
    cores = os.cpu_count() or 1
    for key, target, what in (("c", 2 * b, "2 x (b)"), ("d", c / 25, "(c) / 25")):
        client = statistics.median(spent[0] for spent in processors[key])
        server = statistics.median(spent[1] for spent in processors[key])
        print(
            f"({key}) processor seconds: import {client:.2f} s + server {server:.2f} s; "
            f"over {cores} cores at least {(client + server) / cores:.2f} s of wall time, "
            f"against the target's {what} = {target:.2f} s"
        )
    p50, p99, flat50, flat99, prepared50, prepared99 = map(
        float, python_words(LOOKUPS, str(options.probes), str(len(months)), env=env)
    )
    print(
        f"lookup, one person's year ({options.probes} probes each, interleaved): partitioned, "
        f"prepared as shipped p50 {p50:.3f} ms p99 {p99:.3f} ms; single table as before "
        f"p50 {flat50:.3f} ms p99 {flat99:.3f} ms; single table prepared p50 {prepared50:.3f} ms "
        f"p99 {prepared99:.3f} ms"
    )


WHAT_IF = ("foreign-keys", "hash-indexes", "foreign-keys,hash-indexes")


def write_floor(
    path: Path, scratch: Path, run: int, postgres: str | None, without: str = ""
) -> float:
    """Seconds to write the file's rows, made beforehand, into a fresh database (with some of
    the ledger's guards taken off first, to see what each costs)."""
    env = catalogued_database(scratch / f"f{run}{without}", postgres)
    return float(python_words(FLOOR, str(path), without, env=env)[0])


def import_once(
    path: Path, scratch: Path, run: int, postgres: str | None
) -> tuple[float, int, int, float]:
    return run_import(catalogued_database(scratch / f"db{run}", postgres), path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--postgres", metavar="URL", help="import into PostgreSQL at this URL")
    parser.add_argument("--xlsx", action="store_true", help="an XLSX file instead of GBK CSV")
    parser.add_argument(
        "--what-if",
        action="store_true",
        help="also the write floor without the ledger's foreign keys, and (PostgreSQL) without "
        "its index over keyed hashes (ID number, period, row key), and without both",
    )
    parser.add_argument(
        "--upload",
        action="store_true",
        help="instead of the command, hand the file over as the upload page does and import "
        "it as the task queue's worker does; the import's speed and each process's peak memory",
    )
    parser.add_argument(
        "--ledger-rows",
        type=int,
        default=10_000_000,
        help="PostgreSQL: payouts of earlier months already in the ledger",
    )
    parser.add_argument("--earlier-months", type=int, default=10)
    parser.add_argument("--department-rows", type=int, default=20_000)
    parser.add_argument("--probes", type=int, default=1000)
    options = parser.parse_args()
    if options.postgres and not (options.xlsx or options.upload or options.what_if):
        with tempfile.TemporaryDirectory() as scratch_name:
            postgres_limits(options, Path(scratch_name))
        return
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        path = scratch / ("payouts.xlsx" if options.xlsx else "payouts.csv")
        (make_xlsx if options.xlsx else make_csv)(options.rows, path)
        anchors, figures, peaks, floors = [], [], [], []
        what_if: dict[str, list[float]] = {}
        checkings: list[float] = []
        as_text: list[float] = []  # SQLite: the floor with amounts and dates bound as text
        received: list[int] = []
        for run in range(options.runs):
            if options.xlsx:
                anchors.append(calamine_read(path))
            elif options.postgres:
                anchors.append(raw_copy(path, options.postgres))
            else:
                anchors.append(csv_read(path))
            if options.upload:
                env = catalogued_database(scratch / f"upload{run}", options.postgres)
                elapsed, written, received_kib, peak_kib = run_upload(env, path)
                received.append(received_kib)
                assert written == options.rows, (written, options.rows)
                figures.append(elapsed)
                peaks.append(peak_kib)
                continue
            elapsed, written, peak_kib, checking = import_once(path, scratch, run, options.postgres)
            checkings.append(checking)
            floors.append(write_floor(path, scratch, run, options.postgres))
            if not options.postgres:
                as_text.append(write_floor(path, scratch, run, None, "objects"))
            # SQLite keeps a unique constraint inside the table: only foreign keys there.
            for without in WHAT_IF[: None if options.postgres else 1] if options.what_if else ():
                seconds = write_floor(path, scratch, run, options.postgres, without)
                what_if.setdefault(without, []).append(seconds)
            assert written == options.rows, (written, options.rows)
            figures.append(elapsed)
            peaks.append(peak_kib)
        anchor, figure = statistics.median(anchors), statistics.median(figures)
        where = "PostgreSQL" if options.postgres else "SQLite"
        kind = "XLSX" if options.xlsx else "GBK CSV"
        what = (
            "python-calamine bare read"
            if options.xlsx
            else "raw COPY, unindexed table"
            if options.postgres
            else "csv module read"
        )
        rate = options.rows / figure
        print(
            f"rows={options.rows} runs={options.runs} file={kind} ({path.stat().st_size:,} bytes) into {where}"
        )
        print(f"anchor  {what:34s} median {anchor:8.2f} s {options.rows / anchor:12,.0f} rows/s")
        print(
            f"figure  {'upload, imported by a worker' if options.upload else 'lianyun import_payouts':34s} median {figure:8.2f} s {rate:12,.0f} rows/s"
            f"  = {anchor / figure:.1%} of the anchor"
        )
        if options.upload:
            print(
                f"peak memory: the web process receiving the file {max(received) / 1024:,.0f} MiB, "
                f"the worker importing it {max(peaks) / 1024:,.0f} MiB (max of runs)"
            )
            return
        print(f"        of which checking every row   median {statistics.median(checkings):8.2f} s")
        floor = statistics.median(floors)
        print(
            f"floor   {'writing alone (rows made beforehand)':34s} median {floor:8.2f} s "
            f"{options.rows / floor:12,.0f} rows/s: the import runs at {floor / figure:.0%} of it"
        )
        if as_text:
            seconds = statistics.median(as_text)
            print(
                f"floor   {'the same, amounts and dates as text':34s} median {seconds:8.2f} s "
                f"{options.rows / seconds:12,.0f} rows/s: the import runs at {seconds / figure:.0%} of it"
            )
        for without, times in what_if.items():
            seconds = statistics.median(times)
            print(
                f"floor   {'without ' + without.replace(',', ' and '):34s} median {seconds:8.2f} s "
                f"{options.rows / seconds:12,.0f} rows/s = {floor / seconds:.2f}x the floor"
            )
        print(f"peak memory of the importing process: {max(peaks) / 1024:,.0f} MiB (max of runs)")


if __name__ == "__main__":
    main()
