"""Writing a checked file's finished rows: COPY on PostgreSQL (into a new month's load table,
or the ledger's partitions), the stage on SQLite."""

import io
from typing import NamedTuple

import polars as pl
import psycopg
from django.db import connection, transaction
from django.db.models import F

from lianyun.ledger import columnar, partitions
from lianyun.ledger.actions._common import Progress
from lianyun.ledger.models import Payout, PayoutBatch
from lianyun.people.models import Resident


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


class Finished(NamedTuple):
    """A payout as the writer writes it: a checked row finished by the workers (its ID number
    sealed, masked and indexed, its row key and account index made), with the batch. The fields
    are the payout table's columns in the order every writer fills them (COLUMNS); on
    PostgreSQL the payout's resident follows, found by the blind index of the ID number."""

    batch_id: int
    row_key: str
    serial: str | None
    id_number_encrypted: bytes
    id_number_index: str
    id_number_masked: str
    name: str
    item_id: int
    period: str
    amount: str
    paid_on: str | None
    village_id: int
    account_last4: str
    status: str
    failure_reason: str
    category: str
    account_index: str
    approved_amount: str | None
    approved_on: str | None
    born_on: str | None


COLUMNS = Finished._fields


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
