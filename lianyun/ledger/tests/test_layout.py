"""The ledger's physical layout: on PostgreSQL a partition per month, references checked a
statement at a time by triggers; on SQLite one table with its foreign keys. Either way a bad
reference written straight in SQL is refused, and so is deleting a row payouts refer to."""

import datetime
import importlib
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection

from lianyun.ledger import columnar, partitions
from lianyun.ledger.actions import import_payouts
from lianyun.ledger.models import Payout, PayoutBatch
from lianyun.ledger.queries import statement, village_board
from lianyun.testing import (
    Cast,
    Killed,
    dies_after_writing,
    payout_csv,
    payout_rows,
    refused_in_sql,
    run_sql,
)

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="partitions are PostgreSQL's"
)


def _month(rows: list[list[str]], period: str) -> list[list[str]]:
    for row in rows:
        row[4] = period.replace("-", "")
        row[0] = f"{row[0]}-{period}"  # a serial of its own in each month
    return rows


@postgres_only
def test_each_month_is_a_partition_made_whole_and_statements_prune_to_it(county: Cast) -> None:
    import_payouts(data=payout_csv(_month(payout_rows(6), "2026-09")), source="cli")
    import_payouts(data=payout_csv(_month(payout_rows(6), "2026-10")), source="cli")
    import_payouts(data=payout_csv(_month(payout_rows(6), "2025-10")), source="cli")
    assert partitions.existing() >= {"2025-10", "2026-09", "2026-10"}
    assert Payout.objects.count() == 18
    # No table of a load is left behind.
    assert run_sql(
        "SELECT count(*) FROM pg_class WHERE relkind = 'r' AND relname LIKE 'ledger\\_payout\\_load%%'"
    ) == [(0,)]
    index = Payout.objects.values_list("id_number_index", flat=True).first()
    assert index is not None
    assert len(statement(index, 2026).lines) == 2  # its September and October
    village = county.village_a1

    def scanned(sql: str, params: list[object]) -> set[str]:
        plan = "\n".join(row[0] for row in run_sql("EXPLAIN " + sql, params))  # type: ignore[misc]
        return {name for name in partitions.existing() if partitions.partition_name(name) in plan}

    # The lookup's statement reads the year's partitions only; the board's, the month's.
    lookup = (
        "SELECT p.id FROM ledger_payout p WHERE p.id_number_index = %s "
        "AND p.period >= %s AND p.period <= %s"
    )
    assert scanned(lookup, [index, "2026-01", "2026-12"]) == {"2026-09", "2026-10"}
    board_sql, board_params = Payout.objects.filter(
        village=village, period__gte="2026-10", period__lte="2026-10"
    ).query.sql_with_params()
    assert scanned(board_sql, list(board_params)) == {"2026-10"}
    assert len(village_board(village, "2026-10", "2026-10").lines) == 6


@postgres_only
def test_an_attached_month_has_each_of_the_ledgers_indexes_once(county: Cast) -> None:
    """Every index of a month made by an import is the month's part of one of the ledger's
    own; none stands beside them, to be built and written for nothing."""
    import_payouts(data=payout_csv(_month(payout_rows(6), "2026-10")), source="cli")
    partition = partitions.partition_name("2026-10")
    own = run_sql(
        "SELECT i.indexrelid::regclass::text FROM pg_index i WHERE i.indrelid = %s::regclass "
        "AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)",
        [partition],
    )
    assert own == []
    counts = run_sql(
        "SELECT (SELECT count(*) FROM pg_index WHERE indrelid = %s::regclass), "
        "(SELECT count(*) FROM pg_index WHERE indrelid = 'ledger_payout'::regclass)",
        [partition],
    )
    assert counts[0][0] == counts[0][1]


@postgres_only
def test_the_copies_made_by_earlier_imports_are_dropped(county: Cast) -> None:
    """ledger 0012: an index of a month that belongs to none of the ledger's own goes."""
    import_payouts(data=payout_csv(_month(payout_rows(6), "2026-10")), source="cli")
    partition = partitions.partition_name("2026-10")
    run_sql(f"CREATE UNIQUE INDEX stray_copy ON {partition} (serial, period)")
    drop_strays = importlib.import_module(
        "lianyun.ledger.migrations.0012_drop_duplicate_month_indexes"
    ).drop_strays
    with connection.schema_editor() as editor:
        drop_strays(None, editor)
    names = {
        row[0]
        for row in run_sql("SELECT indexname FROM pg_indexes WHERE tablename = %s", [partition])
    }
    assert "stray_copy" not in names
    assert (
        len(names)
        == run_sql("SELECT count(*) FROM pg_index WHERE indrelid = 'ledger_payout'::regclass")[0][0]
    )


@postgres_only
def test_the_lookup_runs_from_one_generic_plan_that_prunes_as_it_runs(county: Cast) -> None:
    for period in ("2025-10", "2026-09", "2026-10"):
        import_payouts(data=payout_csv(_month(payout_rows(3), period)), source="cli")
    index = Payout.objects.values_list("id_number_index", flat=True).first()
    assert index is not None
    for _ in range(3):
        assert len(statement(index, 2026).lines) == 2
        assert len(statement(index, 2025).lines) == 1
    prepared = run_sql(
        "SELECT generic_plans, custom_plans FROM pg_prepared_statements WHERE statement LIKE %s",
        ["%p.id_number_index = $1%"],
    )
    assert prepared == [(6, 0)]  # planned once, run six times, never planned afresh


@postgres_only
def test_a_month_held_takes_a_file_in_chunks_and_resumes_after_a_kill(
    county: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_payouts(data=payout_csv(_month(payout_rows(5), "2026-10")), source="cli")
    monkeypatch.setattr(columnar, "ROWS", 7)
    rows = _month(payout_rows(30, start=5), "2026-10")

    with pytest.raises(Killed):
        import_payouts(data=payout_csv(rows), source="cli", progress=dies_after_writing(2))
    assert Payout.objects.count() == 5 + 14  # the month's partition took two chunks
    summary = import_payouts(data=payout_csv(rows), source="cli")
    assert summary.rows_written == 30
    assert Payout.objects.count() == 35


@postgres_only
def test_a_new_month_loads_while_checked_and_a_refused_file_leaves_nothing(
    county: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(columnar, "BLOCK", 2048)  # bytes of the file at a time
    rows = _month(payout_rows(60), "2026-11")
    rows[-1][5] = "-1"  # the last row is bad
    phases: list[tuple[str, int]] = []
    summary = import_payouts(
        data=payout_csv(rows), source="cli", progress=lambda *told: phases.append(told)
    )
    assert summary.refused
    assert phases.index(("checked", 60)) > min(
        at for at, (phase, _count) in enumerate(phases) if phase == "writing"
    )  # rows were loaded before the check was over
    assert run_sql(
        "SELECT count(*) FROM pg_class WHERE relname LIKE 'ledger\\_payout\\_load%%'"
    ) == [(0,)]
    assert "2026-11" not in partitions.existing()
    assert not PayoutBatch.objects.exists() and not Payout.objects.exists()


@postgres_only
def test_a_new_month_repeating_a_payout_keeps_one(county: Cast) -> None:
    rows = _month(payout_rows(4), "2026-11")
    summary = import_payouts(data=payout_csv([*rows, rows[1]]), source="cli")
    assert (summary.rows_written, summary.duplicates) == (4, 1)
    assert Payout.objects.filter(period="2026-11").count() == 4
    assert "2026-11" in partitions.existing()


@postgres_only
def test_the_nightly_housekeeping_drops_month_loads_no_import_will_attach(
    county: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.management import call_command

    from lianyun.ledger.models import BatchStatus, PayoutBatch

    monkeypatch.setattr(columnar, "ROWS", 3)
    with pytest.raises(Killed):  # a new month's load table is left behind
        import_payouts(
            data=payout_csv(_month(payout_rows(9), "2026-12")),
            source="cli",
            progress=dies_after_writing(2),
        )
    stopped = PayoutBatch.objects.get()
    left = f"ledger_payout_load_{stopped.pk}_2026_12"
    tables = "SELECT count(*) FROM pg_class WHERE relname = %s"
    assert run_sql(tables, [left]) == [(1,)]
    assert partitions.drop_abandoned_loads() == 0  # it may yet be resumed
    PayoutBatch.objects.filter(pk=stopped.pk).update(status=BatchStatus.REJECTED)
    call_command("daily", today=datetime.date(2026, 12, 7))
    assert run_sql(tables, [left]) == [(0,)]
    assert Payout.objects.count() == 0


def test_a_bad_reference_written_straight_in_sql_is_refused(county: Cast) -> None:
    import_payouts(data=payout_csv(payout_rows(2)), source="cli")
    payout = Payout.objects.get(serial="SN00000000")
    columns = [
        f.column for f in Payout._meta.concrete_fields if f.column not in {"id", "resident_id"}
    ]
    values = [
        getattr(payout, f.attname) for f in Payout._meta.concrete_fields if f.column in columns
    ]

    def insert(**changes: object) -> Callable[[], object]:
        row = dict(zip(columns, values, strict=True), row_key="another", serial="another")
        row.update(changes)
        names = ", ".join(row)
        marks = ", ".join(["%s"] * len(row))
        return lambda: run_sql(
            f"INSERT INTO ledger_payout ({names}) VALUES ({marks})",  # noqa: S608
            list(row.values()),
        )

    insert()()  # the same row under another key is fine
    for bad in ("village_id", "item_id", "batch_id"):
        refused_in_sql(insert(**{bad: 987654321}))
    refused_in_sql(insert(resident_id=987654321))
    refused_in_sql(lambda: Payout.objects.filter(pk=payout.pk).update(village_id=987654321))
    # Deleting what payouts refer to is refused too.
    refused_in_sql(lambda: run_sql("DELETE FROM regions_region WHERE id = %s", [payout.village_id]))
    refused_in_sql(
        lambda: run_sql("DELETE FROM ledger_payoutbatch WHERE id = %s", [payout.batch_id])
    )
    refused_in_sql(
        lambda: run_sql("DELETE FROM policies_subsidyitem WHERE id = %s", [payout.item_id])
    )
    assert Payout.objects.filter(batch=payout.batch).count() == 3


@postgres_only
@pytest.mark.parametrize("bad", ["village_id", "item_id", "batch_id", "resident_id"])
def test_a_month_with_a_bad_reference_is_never_attached(county: Cast, bad: str) -> None:
    """A new month's load table is checked for its references once, as it is attached: a
    bad one written straight into the table keeps the month out of the ledger."""
    import_payouts(data=payout_csv(payout_rows(2)), source="cli")
    payout = Payout.objects.get(serial="SN00000000")
    load = partitions.MonthLoad("2027-01", payout.batch_id)
    load.begin()
    columns = [f.column for f in Payout._meta.concrete_fields if f.column != "id"]
    row = {f.column: getattr(payout, f.attname) for f in Payout._meta.concrete_fields}
    row |= {"period": "2027-01", "row_key": "another", "serial": "another", bad: 987654321}
    run_sql(
        f"INSERT INTO {load.table} ({', '.join(columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})",
        [row[c] for c in columns],
    )
    with pytest.raises(IntegrityError):
        load.attach()
    assert "2027-01" not in partitions.existing()
    load.drop()


def test_deleting_a_resident_unlinks_their_payouts(county: Cast) -> None:
    people = {person.name: (number, person) for number, person in county.residents.items()}
    rows = payout_rows(3)
    rows[0][1], rows[1][1] = people["冯用武"][0], people["欧阳娜娜"][0]
    import_payouts(data=payout_csv(rows), source="cli")
    assert Payout.objects.filter(resident__isnull=False).count() == 2
    people["冯用武"][1].delete()  # as the application deletes
    if connection.vendor == "postgresql":  # and straight in SQL: the trigger unlinks
        run_sql("DELETE FROM people_resident WHERE id = %s", [people["欧阳娜娜"][1].pk])
    else:
        people["欧阳娜娜"][1].delete()
    assert Payout.objects.filter(resident__isnull=False).count() == 0
    assert Payout.objects.count() == 3
    assert sum(Payout.objects.values_list("amount", flat=True)) == sum(
        Decimal(row[5]) for row in rows
    )
