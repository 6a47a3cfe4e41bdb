"""Importing a payout file: all checked first, then written in chunks that each commit with
the batch's marker, so that a crash at any point can be resumed without duplicates.

Idempotent: the same file (by SHA-256) imported again writes nothing; a half-finished batch is
resumed; a payout already in the ledger (same serial or same content) is skipped and counted.
"""

import csv
import gc
import io
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import IO, Any

import polars as pl
import psycopg
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from lianyun.accounts.models import User
from lianyun.core import audit, crypto
from lianyun.core.cli import LocalizedError, bilingual
from lianyun.core.filestore import delete_files, open_encrypted, store_encrypted_stream
from lianyun.core.sms import send_text
from lianyun.core.spreadsheet import escape_cell
from lianyun.ledger import columnar, partitions
from lianyun.ledger.access import access_payout_importer
from lianyun.ledger.importer import (
    MAX_ROWS,
    ImportRefused,
    RowChecker,
    RowError,
    Source,
    opened,
    sha256_and_lines,
)
from lianyun.ledger.models import (
    ERROR_REPORT_CONTEXT,
    QUARANTINE_CONTEXT,
    BatchStatus,
    Payout,
    PayoutBatch,
    PayoutStatus,
    PayoutUpload,
    UploadStatus,
)
from lianyun.ledger.queries import (
    Board,
    board_payload,
    dibao_list,
    dibao_payload,
    dibao_subject,
    village_board,
)
from lianyun.people.models import Resident
from lianyun.publications.actions import batch, canonical, publish
from lianyun.publications.models import Entry, EntryKind
from lianyun.regions.models import Region, RegionKind

CHUNK = 20000  # payouts read at a time when texting notices
logger = logging.getLogger(__name__)

# Called with a phase and a count of rows: "checking" (so many more rows checked), "writing"
# (so many more rows written and committed; on PostgreSQL new months' rows are written while
# the file is still being checked) and, once, "checked" (the check is over: the rows read).
Progress = Callable[[str, int], None]


def in_order(show: Progress) -> Progress:
    """An import's progress as a person follows it: rows checked, "checked", then rows
    written. Rows written while the check was still going on (new months, on PostgreSQL) are
    told once it is over."""
    early = [0]
    over = [False]

    def progress(phase: str, count: int) -> None:
        if phase == "writing" and not over[0]:
            early[0] += count
            return
        show(phase, count)
        if phase == "checked":
            over[0] = True
            if early[0]:
                show("writing", early[0])

    return progress


@dataclass
class ImportSummary:
    sha256: str
    encoding: str = ""
    rows_read: int = 0
    rows_written: int = 0
    rows_rejected: int = 0
    duplicates: int = 0
    amount_total: Decimal = Decimal("0")
    already_imported: bool = False
    refused: bool = False
    private_use_rows: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    def as_json(self) -> str:
        data = asdict(self)
        data["amount_total"] = str(self.amount_total)
        data["errors"] = len(self.errors)
        return json.dumps(data, ensure_ascii=False)

    def error_report(self) -> bytes:
        """A CSV the importing official opens in Excel: row, column, value, reason."""
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow([_("Row"), _("Column"), pgettext("cell", "Value"), _("What is wrong")])
        for error in self.errors:
            writer.writerow([error.row, error.column, escape_cell(error.value), error.reason])
        return "\ufeff".encode() + out.getvalue().encode()


class _Months:
    """PostgreSQL: where a finished block's rows go, by month (ledger.partitions). Rows of a
    month the ledger does not hold go into that month's load table as soon as they are
    finished, while the rest of the file is still being checked: a load table is not the
    ledger, and it is dropped if the file is refused. Rows of a month the ledger holds wait
    in the stash until the whole file is known good."""

    def __init__(self, batch: PayoutBatch) -> None:
        self.batch = batch
        self.held = partitions.existing()
        self.loads: dict[str, partitions.MonthLoad] = {}

    def load_new(self, records: pl.DataFrame) -> tuple[pl.DataFrame, int]:
        """The rows of new months into their load tables, committed with the batch's count;
        (the rows of months the ledger holds, how many were loaded)."""
        months = records.partition_by("period", as_dict=True)
        written = 0
        with transaction.atomic():
            for (period,), rows in months.items():
                month = str(period)
                if month in self.held:
                    continue
                if month not in self.loads:
                    self.loads[month] = partitions.MonthLoad(month, self.batch.pk)
                    self.loads[month].begin()
                written += _copy_into(self.loads[month].table, rows, self.batch.pk)
            if written:
                _count_written(self.batch, written)
        return records.filter(pl.col("period").is_in(list(self.held))), written

    def attach(self) -> None:
        for load in self.loads.values():
            load.attach()

    def abandon(self) -> None:
        """The file was refused: its load tables go."""
        for load in self.loads.values():
            load.drop()


def _count_written(batch: PayoutBatch, written: int) -> None:
    PayoutBatch.objects.filter(pk=batch.pk).update(rows_written=F("rows_written") + written)


class _Stage:
    """SQLite: the finished blocks kept between the check and the write in a temporary table
    of this connection, so that writing a block is one INSERT ... SELECT run inside SQLite
    rather than an `executemany` binding each row from Python. Measured on 100,000 rows
    (docs/ledger-layout.md): 1.52 s against 2.48 s for the write, the stage's filling (0.48 s)
    done while the file is still being checked.

    The temporary database belongs to this connection alone, so filling it takes no lock on
    the ledger and a petition written meanwhile does not wait. Its rows are finished: they
    hold what the ledger's rows hold, no ID number or account in the clear. The table goes
    when the import ends, or with the connection if the process dies.
    """

    TABLE = "lianyun_payout_stage"

    def __init__(self, batch_id: int) -> None:
        self._batch_id = batch_id
        self._ends: list[int] = []  # the last rowid of each block
        connection.ensure_connection()
        self._raw = connection.connection
        names = ", ".join(COLUMNS)
        table = connection.ops.quote_name(Payout._meta.db_table)
        self._raw.execute(f"DROP TABLE IF EXISTS temp.{self.TABLE}")
        self._raw.execute(
            f"CREATE TEMP TABLE {self.TABLE} AS SELECT {names} FROM {table} WHERE 0"  # noqa: S608
        )

    def put(self, records: pl.DataFrame) -> None:
        placeholders = ", ".join(["?"] * len(COLUMNS))
        # Amounts and dates as text, made by Polars: bound as they are, each would become a
        # Decimal or a date object, then text again through the driver's adapter (0.157 s
        # against 0.107 s for a block of 30,000 rows). SQLite stores the same either way.
        rows = (
            records.select(**_columns(self._batch_id))
            .with_columns(pl.col(pl.Decimal).cast(pl.String), pl.col(pl.Date).cast(pl.String))
            .iter_rows()
        )
        own = not connection.in_atomic_block  # a transaction on the temporary database only
        if own:
            self._raw.execute("BEGIN DEFERRED")
        try:
            self._raw.executemany(
                f"INSERT INTO temp.{self.TABLE} ({', '.join(COLUMNS)}) VALUES ({placeholders})",  # noqa: S608
                rows,
            )
        except BaseException:
            if own:
                self._raw.execute("ROLLBACK")
            raise
        if own:
            self._raw.execute("COMMIT")
        self._ends.append((self._ends[-1] if self._ends else 0) + records.height)

    def write(self, batch: PayoutBatch, progress: Progress | None) -> None:
        """Each block into the ledger in a transaction of its own, with each payout's resident
        found by the blind index of its ID number."""
        names = ", ".join(COLUMNS)
        table = connection.ops.quote_name(Payout._meta.db_table)
        residents = connection.ops.quote_name(Resident._meta.db_table)
        start = 0
        for end in self._ends:
            with transaction.atomic():
                before = self._raw.total_changes
                self._raw.execute(
                    f"INSERT OR IGNORE INTO {table} ({names}, resident_id) SELECT {names}, "  # noqa: S608
                    f"(SELECT r.id FROM {residents} r WHERE r.id_number_index = s.id_number_index) "
                    f"FROM temp.{self.TABLE} s WHERE s.rowid > ? AND s.rowid <= ?",
                    [start, end],
                )
                _count_written(batch, int(self._raw.total_changes - before))
            if progress:
                progress("writing", end - start)
            start = end

    def close(self) -> None:
        self._raw.execute(f"DROP TABLE IF EXISTS temp.{self.TABLE}")


def _check_all(
    reading: columnar.Reading,
    checker: RowChecker,
    summary: ImportSummary,
    progress: Progress | None,
    stash: columnar.Stash | _Stage,
    months: _Months | None,
) -> list[list[str]]:
    """The one reading of the file: every row checked, so that nothing is written to the
    ledger before the whole file is known good. A thread reads and checks; the good rows are
    finished (sealed and blind-indexed) by the worker processes; this thread writes new
    months' rows to their load tables (PostgreSQL) and stashes the rest. Only what is wrong
    is kept in the clear. Returns the bad rows."""
    bad_rows: list[list[str]] = []

    def good_blocks() -> Iterator[pl.DataFrame]:
        for checked in reading.checked(checker):
            summary.rows_read += checked.rows
            if summary.rows_read > MAX_ROWS:
                raise ImportRefused(
                    _("The file has more than %(max)d rows; split it."), {"max": MAX_ROWS}
                )
            summary.errors.extend(checked.errors)
            summary.rows_rejected += len(checked.bad_rows)
            summary.amount_total += checked.amount
            summary.private_use_rows.extend(checked.private_use_rows)
            bad_rows.extend(checked.bad_rows)
            if checked.good.height:
                yield checked.good

    told = 0  # progress is told from this thread, as the other one counts the rows read
    for records in columnar.ahead(columnar.finished(good_blocks())):
        if progress:
            progress("checking", summary.rows_read - told)
            told = summary.rows_read
        if months is not None:
            records, written = months.load_new(records)
            if progress and written:
                progress("writing", written)
        if records.height:
            stash.put(records)
    if progress:
        if summary.rows_read > told:
            progress("checking", summary.rows_read - told)
        progress("checked", summary.rows_read)
    return bad_rows


@contextmanager
def _cycle_collector_paused() -> Iterator[None]:
    """An import makes millions of short-lived lists and tuples, none of them in a reference
    cycle; the cycle collector's passes over them slowed the checking (profiled: 2.8 s against
    1.8 s for 100,000 rows). They are freed by reference counting as before; the collector
    resumes when the import ends."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def import_payouts(
    *,
    data: Source,
    source: str,
    label: str = "",
    accept_valid: bool = False,
    progress: Progress | None = None,
    actor: User | None = None,
    departments: set[int] | None = None,
) -> ImportSummary:
    """Import one file, given as its bytes or as the file itself, opened for reading in binary
    (read in blocks, never whole, so that memory does not grow with the file). `departments`,
    when given, limits the items to those departments'."""
    data = opened(data)
    sha, _lines = sha256_and_lines(data)
    summary = ImportSummary(sha256=sha)
    batch = PayoutBatch.objects.filter(sha256=sha).first()
    if batch is not None and batch.status == BatchStatus.COMPLETE:
        summary.already_imported = True
        summary.rows_read = batch.rows_read
        summary.amount_total = batch.amount_total
        return summary
    with _cycle_collector_paused():
        reading = columnar.Reading(data)
        summary.encoding = reading.encoding
        checker = RowChecker(reading.columns, departments=departments)
        made = batch is None
        if batch is None:
            batch = PayoutBatch.objects.create(
                sha256=sha, source=source, label=label[:120], encoding=summary.encoding
            )
        postgres = connection.vendor == "postgresql"
        months = _Months(batch) if postgres else None
        with closing(columnar.Stash() if postgres else _Stage(batch.pk)) as stash:
            try:
                bad_rows = _check_all(reading, checker, summary, progress, stash, months)
            except ImportRefused:
                _refused(batch, months, made)
                raise
            if summary.rows_rejected and not accept_valid:
                summary.refused = True
                _refused(batch, months, made)
                return summary
            if bad_rows:
                batch.quarantine_encrypted = crypto.encrypt(
                    json.dumps(bad_rows, ensure_ascii=False), context=QUARANTINE_CONTEXT
                )
                batch.save(update_fields=["quarantine_encrypted"])
            _write(stash, batch, progress, months)
    _reconcile(batch, summary, actor)
    return summary


def _refused(batch: PayoutBatch, months: _Months | None, made: bool) -> None:
    """A refused file leaves nothing: its load tables go, and its batch if this import made
    it."""
    if months is not None:
        months.abandon()
    if made:
        batch.delete()


# The payout table's columns as the writer fills them, in this order; on PostgreSQL the
# payout's resident follows, found by the blind index of the ID number.
COLUMNS = (
    "batch_id",
    "row_key",
    "serial",
    "id_number_encrypted",
    "id_number_index",
    "id_number_masked",
    "name",
    "item_id",
    "period",
    "amount",
    "paid_on",
    "village_id",
    "account_last4",
    "status",
    "failure_reason",
    "category",
    "account_index",
    "approved_amount",
    "approved_on",
    "born_on",
)
FREE_TEXT = ("serial", "name", "failure_reason", "category")


def _write(
    stash: columnar.Stash | _Stage,
    batch: PayoutBatch,
    progress: Progress | None,
    months: _Months | None,
) -> None:
    """The kept blocks, once the whole file is known good, a block at a time; each block
    commits with the batch's count. Then, on PostgreSQL, each new month's load table is
    indexed in bulk and attached (ledger.partitions), so that a month appears whole.

    On PostgreSQL the stashed blocks are opened in a thread while the database writes the
    block before, and go in by COPY into the partitions of the months the ledger holds; on
    SQLite each block goes from the stage by one INSERT ... SELECT. Either way a row whose key
    is already in the ledger is skipped, so that a resumed or repeated import adds nothing
    twice.
    """
    if isinstance(stash, _Stage):
        stash.write(batch, progress)
        return
    for records in columnar.ahead(stash.blocks()):
        with transaction.atomic():
            _count_written(batch, _copy_rows(records, batch.pk))
        if progress:
            progress("writing", records.height)
    if months is not None:
        months.attach()


def _escaped(name: str) -> pl.Expr:
    """A text column as COPY's text format spells it."""
    text = pl.col(name)
    for plain, escaped in (("\\", "\\\\"), ("\n", "\\n"), ("\r", "\\r"), ("\t", "\\t")):
        text = text.str.replace_all(plain, escaped, literal=True)
    return text


def _columns(batch_id: int) -> dict[str, pl.Expr]:
    """The payout table's columns, in the order of COLUMNS, from a block of finished rows."""
    columns: dict[str, pl.Expr] = {name: pl.col(name) for name in COLUMNS}
    columns["batch_id"] = pl.lit(batch_id)
    return columns


def _copy_text(records: pl.DataFrame, batch_id: int, residents: dict[str, int]) -> bytes:
    """The records in COPY's text format, with each payout's resident where known."""
    columns = _columns(batch_id) | {name: _escaped(name) for name in FREE_TEXT}
    columns["id_number_encrypted"] = pl.lit("\\\\x") + pl.col("id_number_encrypted").bin.encode(
        "hex"
    )
    columns["resident_id"] = pl.col("id_number_index").replace_strict(
        list(residents), list(residents.values()), default=None, return_dtype=pl.Int64
    )
    out = io.BytesIO()
    records.select(**columns).write_csv(
        out, separator="\t", quote_style="never", null_value="\\N", include_header=False
    )
    return out.getvalue()


def _copy_rows(records: pl.DataFrame, batch_id: int) -> int:
    """PostgreSQL: COPY straight into the ledger; if any key is already there (a resumed
    import, or a payout another file brought), that COPY is undone and the block goes through
    a staging table, skipping what is present."""
    try:
        with transaction.atomic():
            return _copy_into(Payout._meta.db_table, records, batch_id)
    except psycopg.errors.UniqueViolation:  # raised by the driver's COPY itself
        return _copy_rows_staged(records, batch_id)


def _copy_into(table: str, records: pl.DataFrame, batch_id: int) -> int:
    """COPY the records into a table of the ledger's shape."""
    payload = _payload(records, batch_id)
    with connection.cursor() as cursor:
        names = ", ".join(COLUMNS)
        copying = f"COPY {connection.ops.quote_name(table)} ({names}, resident_id) FROM STDIN"
        with cursor.cursor.copy(copying) as copy:
            copy.write(payload)
    return records.height


def _payload(records: pl.DataFrame, batch_id: int) -> bytes:
    """The records as COPY reads them, each with its resident where known."""
    return _copy_text(records, batch_id, _residents(records))


def _residents(records: pl.DataFrame) -> dict[str, int]:
    """Resident ids by the blind index of their ID number, for those in the records who are
    known. The indexes go as one array literal (hex digits need no quoting), bound on the
    server: a list of 16,000 strings bound by the client cost 0.10 s a block, this 0.03 s."""
    residents = connection.ops.quote_name(Resident._meta.db_table)
    keys = records.get_column("id_number_index").unique().str.join(",").item()
    connection.ensure_connection()
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(
            f"SELECT id_number_index, id FROM {residents} "  # noqa: S608 - a constant name
            "WHERE id_number_index = ANY(%s::text[])",
            ["{" + keys + "}"],
        )
        return dict(cursor.fetchall())


def _copy_rows_staged(records: pl.DataFrame, batch_id: int) -> int:
    """COPY into a session-local staging table, then one INSERT that skips keys already
    present."""
    table = connection.ops.quote_name(Payout._meta.db_table)
    names = ", ".join((*COLUMNS, "resident_id"))
    shape = f"SELECT {names} FROM {table} WITH NO DATA"  # noqa: S608 - constant names
    payload = _payload(records, batch_id)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS lianyun_payout_stage ON COMMIT DELETE ROWS AS " + shape
        )
        with cursor.cursor.copy(f"COPY lianyun_payout_stage ({names}) FROM STDIN") as copy:
            copy.write(payload)
        cursor.execute(
            f"INSERT INTO {table} ({names}) SELECT {names} "  # noqa: S608
            "FROM lianyun_payout_stage ON CONFLICT DO NOTHING"
        )
        written = int(cursor.rowcount)
        cursor.execute("TRUNCATE lianyun_payout_stage")
        return written


@transaction.atomic
def _reconcile(batch: PayoutBatch, summary: ImportSummary, actor: User | None) -> None:
    """Complete only when the counts and the money add up."""
    written = Payout.objects.filter(batch=batch).aggregate(n=Count("id"), total=Sum("amount"))
    good = summary.rows_read - summary.rows_rejected
    summary.rows_written = written["n"]
    summary.duplicates = good - written["n"]
    if summary.duplicates < 0:
        raise ImportRefused(_("The batch holds more payouts than the file; it was not completed."))
    if summary.duplicates == 0 and (written["total"] or Decimal("0")) != summary.amount_total:
        raise ImportRefused(_("The amounts written do not add up to the file's total."))
    batch.rows_read = summary.rows_read
    batch.rows_written = written["n"]
    batch.rows_rejected = summary.rows_rejected
    batch.amount_total = summary.amount_total
    batch.status = BatchStatus.COMPLETE
    batch.completed_at = timezone.now()
    batch.save()
    audit.record(
        action="import:payouts",
        actor=actor,
        object_type="ledger.PayoutBatch",
        object_id=batch.pk,
        detail={
            "rows": batch.rows_written,
            "rejected": batch.rows_rejected,
            "total": str(batch.amount_total),
            "sha256": batch.sha256,
        },
    )


LOOKUP_CODE_SEAL = "ledger.lookup_code.queued"


def queue_lookup_code(resident: Resident | None, code: str) -> None:
    """Text the code to the phone on file, through the queue, sealed while it waits there."""
    if resident is None:
        return
    from lianyun.ledger.tasks import text_lookup_code

    sealed = crypto.encrypt(code, context=LOOKUP_CODE_SEAL)
    transaction.on_commit(lambda: text_lookup_code(resident.pk, sealed))


def text_lookup_code(*, resident_id: int, sealed: bytes) -> None:
    resident = Resident.objects.filter(pk=resident_id).first()
    if resident is None or not resident.phone():
        return
    code = crypto.decrypt(sealed, context=LOOKUP_CODE_SEAL)
    with translation.override("zh-hans"):
        text = _(
            "[Lianyun] Your payout lookup code is %(code)s, valid for %(minutes)d minutes. "
            "Do not tell anyone."
        ) % {"code": code, "minutes": settings.LIANYUN_LOOKUP_CODE_MINUTES}
    send_text(resident.phone(), text)


def record_lookup(*, resident: Resident | None) -> None:
    """One audit row per personal lookup: whom it found (never the ID number), or nobody."""
    audit.record(
        action="lookup:payouts",
        object_type="people.Resident",
        object_id=resident.pk if resident else "",
        detail={"found": resident is not None},
    )


def _publish_page(
    *, kind: EntryKind, subject: str, title: str, payload: dict[str, Any], actor: User | None
) -> tuple[Entry, bool]:
    """Put a public page into the publication chain. (entry, new?)

    Publishing the same content again adds nothing; different content for the same subject is a
    correction pointing at what it replaces.
    """
    previous = Entry.objects.filter(kind=kind, subject=subject).order_by("-index").first()
    if previous is not None and previous.payload == canonical(payload):
        return previous, False
    entry = publish(
        kind=kind, subject=subject, title=title, payload=payload, actor=actor, corrects=previous
    )
    return entry, True


@transaction.atomic
def publish_board(*, board: Board, actor: User | None) -> tuple[Entry, bool]:
    """A village's payout board for its periods, names masked."""
    return _publish_page(
        kind=EntryKind.VILLAGE_BOARD,
        subject=f"{board.village.code}:{board.first}:{board.last}",
        title=_("%(village)s payout board %(first)s to %(last)s")
        % {"village": board.village.name, "first": board.first, "last": board.last},
        payload=board_payload(board),
        actor=actor,
    )


def publish_boards(
    *, villages: list[Region], first: str, last: str, actor: User | None
) -> tuple[int, int]:
    """Every village's whole board for the periods, under one signed checkpoint (a month's
    boards for a town's or the county's villages). (published, unchanged)"""
    published = unchanged = 0
    with batch():
        for village in villages:
            _entry, new = publish_board(board=village_board(village, first, last), actor=actor)
            published, unchanged = published + new, unchanged + (not new)
    return published, unchanged


@transaction.atomic
def publish_dibao(*, village: Region, period: str, actor: User | None) -> tuple[Entry, bool]:
    """A village's 低保 list for a month: masked name, household size, amount, category."""
    return _publish_page(
        kind=EntryKind.DIBAO_LIST,
        subject=dibao_subject(village, period),
        title=_("%(village)s 低保 list %(period)s") % {"village": village.name, "period": period},
        payload=dibao_payload(village, period, dibao_list(village, period)),
        actor=actor,
    )


# --- uploads: the upload page and the platform's push, imported by the task queue ----------


class IdempotencyConflict(LocalizedError):
    """The idempotency key was used before for a different file."""

    def __init__(self) -> None:
        super().__init__(
            gettext_lazy("This idempotency key was already used for a different file.")
        )


def receive_upload(
    *,
    user: User,
    data: Source,
    label: str,
    source: str,
    accept_valid: bool = False,
    notify: bool = False,
    idempotency_key: str | None = None,
) -> tuple[PayoutUpload, bool]:
    """Keep the file encrypted and queue its import. (upload, new?) The file is given as its
    bytes or as the file itself (read in blocks and sealed a segment at a time: never whole in
    memory).

    The same idempotency key from the same account answers with the first upload; with a
    different file it is refused.
    """
    handed = opened(data)
    sha, lines = sha256_and_lines(handed)
    if idempotency_key:
        earlier = PayoutUpload.objects.filter(
            uploaded_by=user, idempotency_key=idempotency_key
        ).first()
        if earlier is not None:
            if earlier.sha256 != sha:
                raise IdempotencyConflict()
            return earlier, False
    handed.seek(0)
    stored = store_encrypted_stream(
        handed, folder=PayoutUpload.folder, context=PayoutUpload.context
    )
    try:
        with transaction.atomic():
            upload = PayoutUpload.objects.create(
                source=source,
                uploaded_by=user,
                label=label[:120],
                idempotency_key=idempotency_key or None,
                sha256=sha,
                stored_name=stored,
                accept_valid=accept_valid,
                notify=notify,
                rows_expected=max(lines - 1, 0),
            )
            audit.record(
                action="upload:payouts",
                actor=user,
                object_type="ledger.PayoutUpload",
                object_id=upload.pk,
                detail={"sha256": sha, "source": source},
            )
    except IntegrityError:
        delete_files([stored])
        earlier = PayoutUpload.objects.get(uploaded_by=user, idempotency_key=idempotency_key)
        if earlier.sha256 != sha:
            raise IdempotencyConflict() from None
        return earlier, False
    from lianyun.ledger.tasks import run_payout_upload

    transaction.on_commit(lambda: run_payout_upload(upload.pk))
    return upload, True


STOPPED = (
    "导入因意外错误中断。请重新上传同一文件：已写入的部分不会重复。\n"
    "The import stopped on an unexpected error. Hand the same file over again: "
    "nothing already written is written twice."
)


def run_upload(*, upload_id: int) -> None:
    """The task: import the kept file, recording progress on the upload as it goes. Whatever
    stops it, the upload ends in a state its page can show (never "checking" for ever)."""
    upload = PayoutUpload.objects.select_related("uploaded_by").get(pk=upload_id)
    if upload.finished or not upload.stored_name:
        return
    try:
        _run_upload(upload)
    except Exception as error:
        # The class only: an error's text may quote a row, and rows hold personal data.
        logger.error("payout upload %s stopped: %s", upload.pk, type(error).__name__)
        upload.refresh_from_db()
        _finish(upload, status=UploadStatus.FAILED, message=STOPPED)


def _run_upload(upload: PayoutUpload) -> None:
    with open_encrypted(upload.stored_name, context=PayoutUpload.context) as data:
        _import_upload(upload, data)


def _import_upload(upload: PayoutUpload, data: IO[bytes]) -> None:
    rows = PayoutUpload.objects.filter(pk=upload.pk)
    rows.update(status=UploadStatus.CHECKING, rows_done=0)
    done = {"checking": 0, "writing": 0}

    def show(phase: str, count: int) -> None:
        if phase == "checked":
            rows.update(status=UploadStatus.WRITING, rows_expected=count, rows_done=0)
            return
        done[phase] += count
        rows.update(rows_done=done[phase])

    progress = in_order(show)

    try:
        summary = import_payouts(
            data=data,
            source=upload.source,
            label=upload.label,
            accept_valid=upload.accept_valid,
            progress=progress,
            actor=upload.uploaded_by,
            departments=access_payout_importer(upload.uploaded_by),
        )
    except ImportRefused as error:
        _finish(upload, status=UploadStatus.REFUSED, message=bilingual(error))
        return
    batch = PayoutBatch.objects.filter(sha256=summary.sha256).first()
    if summary.refused:
        message = (
            f"文件有 {summary.rows_rejected} 行错误，未写入任何数据；请下载错误报告。\n"
            f"{summary.rows_rejected} rows have errors; nothing was written: "
            "download the error report."
        )
        _finish(upload, status=UploadStatus.REFUSED, message=message, summary=summary)
        return
    _finish(upload, status=UploadStatus.COMPLETE, summary=summary, batch=batch)
    if upload.notify and batch is not None and not summary.already_imported:
        from lianyun.ledger.tasks import text_payout_recipients

        text_payout_recipients(batch.pk)


def _finish(
    upload: PayoutUpload,
    *,
    status: str,
    message: str = "",
    summary: ImportSummary | None = None,
    batch: PayoutBatch | None = None,
) -> None:
    """Record the outcome and drop the kept file: the batch remembers the file by its hash."""
    upload.status = status
    upload.message = message[:500]
    upload.batch = batch
    upload.finished_at = timezone.now()
    if summary is not None:
        upload.summary = json.loads(summary.as_json())
        if summary.errors:
            upload.error_report_encrypted = crypto.encrypt_bytes(
                summary.error_report(), context=ERROR_REPORT_CONTEXT
            )
    stored, upload.stored_name = upload.stored_name, ""
    upload.save()
    if stored:
        delete_files([stored])


def error_report(upload: PayoutUpload) -> bytes | None:
    if upload.error_report_encrypted is None:
        return None
    return crypto.decrypt_bytes(bytes(upload.error_report_encrypted), context=ERROR_REPORT_CONTEXT)


# --- the payment notice (docs/domain.md §1.2, Suining): one text per paid payout -----------------

NOTICE = (
    "【{signature}】{name}您好，您第{period}期{item}已获批准，金额{amount}元，"
    "已发放到尾号为{last4}的社会保障卡，请注意查收。"
)


def payment_notice(payout: Payout, signature: str) -> str:
    return NOTICE.format(
        signature=signature,
        name=payout.name,
        period=payout.period.replace("-", ""),
        item=payout.item.name,
        amount=payout.amount,
        last4=payout.account_last4 or "****",
    )


def text_recipients(*, batch_id: int) -> int:
    """Text every paid recipient of a batch with a phone on file, once; returns how many."""
    county = Region.objects.filter(kind=RegionKind.COUNTY).first()
    place = county.name.removesuffix("县").removesuffix("区") if county else ""
    signature = f"{place}一卡通"
    payouts = (
        Payout.objects.filter(
            batch_id=batch_id,
            status=PayoutStatus.PAID,
            texted_at__isnull=True,
            resident__phone_encrypted__isnull=False,
        )
        .select_related("item", "resident")
        .order_by("pk")
    )
    sent = 0
    for payout in payouts.iterator(chunk_size=CHUNK):
        assert payout.resident is not None  # noqa: S101 - filtered above
        send_text(payout.resident.phone(), payment_notice(payout, signature))
        Payout.objects.filter(pk=payout.pk).update(texted_at=timezone.now())
        sent += 1
    return sent
