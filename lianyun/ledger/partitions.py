"""PostgreSQL: the payout ledger, one partition per month (docs/ledger-layout.md).

A file's rows for a month the ledger already holds go into that month's partition through the
parent (its indexes are small and hot). A month the ledger has no partition for is loaded into a
fresh table of the ledger's shape (`MonthLoad`), then its rows' references checked in one
statement, the table indexed once, in bulk, and attached as the month's partition, all in one
transaction: the month appears whole or not at all.
"""

import re

from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper

from lianyun.ledger.models import BatchStatus, Payout, PayoutBatch
from lianyun.people.models import Resident
from lianyun.policies.models import SubsidyItem
from lianyun.regions.models import Region

PARENT = Payout._meta.db_table
# The ledger's unique constraints (ledger.models.Payout), built on a month before it is attached.
UNIQUE = (("id_number_index", "period", "row_key"), ("serial", "period"))
_PERIOD = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")


def partition_name(period: str) -> str:
    """ledger_payout_2026_10 for 2026-10."""
    if not _PERIOD.fullmatch(period):
        raise ValueError(period)
    return f"{PARENT}_{period[:4]}_{period[5:]}"


def existing() -> set[str]:
    """The periods that have a partition."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass",
            [PARENT],
        )
        bounds = [bound for (bound,) in cursor.fetchall()]
    return {period for bound in bounds for period in re.findall(r"'([0-9]{4}-[0-9]{2})'", bound)}


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


class MonthLoad:
    """One new month of one batch, in a table of its own until it is attached."""

    def __init__(self, period: str, batch_id: int) -> None:
        self.period = period
        self.partition = partition_name(period)
        self.table = f"{PARENT}_load_{batch_id}{self.partition.removeprefix(PARENT)}"

    def begin(self) -> None:
        """A fresh table (one left by an import that was stopped is dropped: its rows come
        again). Its rows must be of the month; their references are checked when it is
        attached."""
        table = _quoted(self.table)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(
                f"CREATE TABLE {table} (LIKE {_quoted(PARENT)} INCLUDING DEFAULTS "
                "INCLUDING CONSTRAINTS)"
            )
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {_quoted(self.table + '_period')} "
                "CHECK (period = %s)",
                [self.period],
            )

    def drop(self) -> None:
        """The file was refused: the table goes with its rows."""
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_quoted(self.table)}")

    def attach(self) -> None:
        """Index the month once and attach it; if another import attached the month first,
        its rows go in through the parent instead, skipping those already there."""
        table = _quoted(self.table)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [self.partition])
            if self.period in existing():
                # Through the parent, whose own trigger checks the rows' references.
                cursor.execute(
                    f"INSERT INTO {_quoted(PARENT)} SELECT * FROM {table} ON CONFLICT DO NOTHING"  # noqa: S608
                )
                cursor.execute(f"DROP TABLE {table}")
                return
            self._check_references(cursor)
            for columns in UNIQUE:
                self._unique(cursor, columns)
            cursor.execute(f"ALTER TABLE {table} RENAME TO {_quoted(self.partition)}")
            partition = _quoted(self.partition)
            # Attaching finds the unique indexes above and builds the others, in bulk.
            cursor.execute(
                f"ALTER TABLE {_quoted(PARENT)} ATTACH PARTITION {partition} FOR VALUES IN (%s)",
                [self.period],
            )
            cursor.execute(
                f"ALTER TABLE {partition} DROP CONSTRAINT {_quoted(self.table + '_period')}"
            )

    def _check_references(self, cursor: CursorWrapper) -> None:
        """Every row's batch, item, village and resident exist, checked as the ledger's own
        trigger (ledger_payout_check_references) checks what is written to it, but once for
        the whole month, inside the transaction that attaches it. Checked after each COPY
        instead, it cost 0.8 s of 3.7 s to load 1,000,000 rows in 33 blocks; once, 0.14 s
        (docs/ledger-layout.md). It also sees a reference that went while the file loaded."""
        table = _quoted(self.table)
        checks = [
            (column, _quoted(model._meta.db_table))
            for column, model in (
                ("batch_id", PayoutBatch),
                ("item_id", SubsidyItem),
                ("village_id", Region),
                ("resident_id", Resident),
            )
        ]
        missing = " OR ".join(
            f"EXISTS (SELECT 1 FROM (SELECT DISTINCT {column} FROM {table} "  # noqa: S608
            f"WHERE {column} IS NOT NULL) n WHERE NOT EXISTS "
            f"(SELECT 1 FROM {referred} r WHERE r.id = n.{column}))"
            for column, referred in checks
        )
        cursor.execute(f"SELECT {missing}")
        if cursor.fetchone()[0]:
            raise IntegrityError(
                "ledger_payout: a payout refers to a batch, item, village or resident that "
                "does not exist"
            )

    def _unique(self, cursor: CursorWrapper, columns: tuple[str, ...]) -> None:
        """A unique constraint on the columns, which attaching takes as the partition's part
        of the ledger's own; duplicates (a row sent twice in the file, or written twice by an
        import that was resumed) are dropped first if building its index fails.

        Made as an index, then turned into a constraint: attaching matches a constraint of
        the parent only with a constraint, and would build a second index beside a plain
        one (it did, until ledger 0012 dropped them)."""
        table = _quoted(self.table)
        index = _quoted(f"{self.partition}_{columns[0]}_{columns[-1]}_key")
        listed = ", ".join(columns)
        build = f"CREATE UNIQUE INDEX {index} ON {table} ({listed})"
        try:
            with transaction.atomic():
                cursor.execute(build)
        except IntegrityError:
            present = " AND ".join(f"{column} IS NOT NULL" for column in columns)
            cursor.execute(
                f"DELETE FROM {table} WHERE ctid IN (SELECT ctid FROM (SELECT ctid, "  # noqa: S608
                f"row_number() OVER (PARTITION BY {listed} ORDER BY id) AS n FROM {table} "
                f"WHERE {present}) AS numbered WHERE n > 1)"
            )
            cursor.execute(build)
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {index} UNIQUE USING INDEX {index}")


_LOAD = re.compile(rf"{PARENT}_load_([0-9]+)_[0-9]{{4}}_[0-9]{{2}}")


def drop_abandoned_loads() -> int:
    """Drop the load tables that no import will attach: their batch is gone, complete or
    refused (an import still marked as importing may yet be resumed, which drops its own).
    Returns how many were dropped. Nothing on SQLite."""
    if connection.vendor != "postgresql":
        return 0
    waiting = set(
        PayoutBatch.objects.filter(status=BatchStatus.IMPORTING).values_list("pk", flat=True)
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relkind = 'r' AND NOT relispartition "
            "AND relname LIKE %s",
            [f"{PARENT}\\_load\\_%"],
        )
        abandoned = [
            name
            for (name,) in cursor.fetchall()
            if (match := _LOAD.fullmatch(name)) and int(match[1]) not in waiting
        ]
        for name in abandoned:
            cursor.execute(f"DROP TABLE {_quoted(name)}")
    return len(abandoned)
