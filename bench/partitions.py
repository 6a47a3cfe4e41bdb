"""The payout table partitioned by county and period on PostgreSQL (issue 11, docs/scaling.md):
the same rows in the table as the application creates it (the anchor) and in a table
partitioned by county (LIST) and, inside each county, by year of the period (RANGE), measured
side by side in one run on:

- one person's payouts for a year (the personal lookup's statement), median and p99;
- one village's month (the board's statement), median and p99;
- a month's import for one county through the importer's own write path (COPY into a staging
  table, then INSERT ... ON CONFLICT DO NOTHING), on top of the rows already there;
- retiring a county's oldest year (DELETE beside DETACH + DROP of its partition).

The flat table is a copy of the migrated ledger_payout with every index and check it has (its
foreign keys aside, as neither shape has them here), plus the county column that partitioning
needs. Rows are generated in SQL: --counties counties x 24 months x the rest, one person in ten
paid every month.

    python bench/partitions.py --postgres URL [--rows 10000000] [--counties 20] [--probes 300]
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MONTHS = [f"{year}-{month:02d}" for year in (2025, 2026) for month in range(1, 13)]
COLUMNS = (
    "row_key, serial, id_number_encrypted, id_number_index, id_number_masked, name, period, "
    "amount, paid_on, account_last4, status, failure_reason, item_id, village_id, batch_id, "
    "category, account_index, county_id"
)
# Row n of a county-month: person n (10 villages' worth per county), the same person every
# month, so that a person's year is 12 rows wherever they are stored.
GENERATE = (
    "SELECT md5(c || '-' || p || '-' || n), 'S' || c || '-' || p || '-' || n, '\\x00'::bytea, "
    "md5('person-' || c || '-' || n), '5****************1', '某某', p, 300.50, DATE '2026-01-15', "
    "'1234', 'paid', '', 1, c * 1000 + n %% {villages}, 1, '', '', c "
    "FROM generate_series(0, {last_county}) AS c, unnest(%s::text[]) AS p, "
    "generate_series(0, {per_month} - 1) AS n"
)


def psql(conn, sql: str, params: list | None = None) -> None:  # type: ignore[no-untyped-def]
    conn.execute(sql, params or [])


def create(conn, counties: int) -> None:  # type: ignore[no-untyped-def]
    psql(conn, "DROP TABLE IF EXISTS flat, parted CASCADE")
    psql(conn, "DROP SEQUENCE IF EXISTS parted_id_seq")
    # The anchor: the application's table as migrated (its indexes come after the rows).
    psql(
        conn,
        "CREATE TABLE flat (LIKE ledger_payout INCLUDING DEFAULTS INCLUDING CONSTRAINTS "
        "INCLUDING IDENTITY)",
    )
    psql(conn, "ALTER TABLE flat ADD COLUMN county_id integer NOT NULL")
    psql(conn, "CREATE SEQUENCE parted_id_seq")
    psql(
        conn,
        "CREATE TABLE parted (LIKE ledger_payout INCLUDING DEFAULTS INCLUDING CONSTRAINTS, "
        "county_id integer NOT NULL) PARTITION BY LIST (county_id)",
    )
    psql(conn, "ALTER TABLE parted ALTER COLUMN id DROP IDENTITY IF EXISTS")
    psql(conn, "ALTER TABLE parted ALTER COLUMN id SET DEFAULT nextval('parted_id_seq')")
    for county in range(counties):
        psql(
            conn,
            f"CREATE TABLE parted_c{county} PARTITION OF parted FOR VALUES IN ({county}) "
            "PARTITION BY RANGE (period)",
        )
        for year in (2025, 2026, 2027):
            psql(
                conn,
                f"CREATE TABLE parted_c{county}_{year} PARTITION OF parted_c{county} "
                f"FOR VALUES FROM ('{year}-01') TO ('{year + 1}-01')",
            )


def index_parted(conn) -> None:  # type: ignore[no-untyped-def]
    """The same indexes, made on the parent so that every partition has them. A unique index on
    a partitioned table must hold the partition keys: row_key is a keyed hash of the whole row,
    period and village included, so unique per (county, period) is unique everywhere; serials
    are unique per county and period (see docs/scaling.md). One index finds a person and keeps
    each row once, as ledger.models.Payout's payout_person_row_unique does."""
    psql(conn, "ALTER TABLE parted ADD PRIMARY KEY (county_id, period, id)")
    psql(conn, "CREATE UNIQUE INDEX ON parted (id_number_index, period, county_id, row_key)")
    psql(conn, "CREATE UNIQUE INDEX ON parted (county_id, period, serial)")
    psql(conn, "CREATE INDEX ON parted (village_id, period)")
    psql(conn, "CREATE INDEX ON parted (resident_id)")
    psql(conn, "CREATE INDEX ON parted (batch_id)")


def index_flat(conn) -> None:  # type: ignore[no-untyped-def]
    """Every index ledger_payout has (its primary key as a unique index), made on flat."""
    definitions = conn.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'ledger_payout'"
    ).fetchall()
    assert len(definitions) >= 5, definitions
    for name, definition in definitions:
        psql(
            conn,
            definition.replace(
                f"INDEX {name} ON public.ledger_payout", f"INDEX flat_{name} ON flat"
            ),
        )


def fill(conn, counties: int, per_month: int, villages: int) -> float:  # type: ignore[no-untyped-def]
    sql = GENERATE.format(villages=villages, last_county=counties - 1, per_month=per_month)
    started = time.perf_counter()
    psql(conn, f"INSERT INTO flat ({COLUMNS}) {sql}", [MONTHS])
    index_flat(conn)
    psql(conn, "VACUUM ANALYZE flat")
    return time.perf_counter() - started


def timed(conn, sql: str, params_list: list[list]) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median and p99 in milliseconds of one statement over the parameter sets (all rows read),
    sent as the application sends it: values bound on the client, planned on every call."""
    import psycopg

    times = []
    with psycopg.ClientCursor(conn) as cursor:
        for params in params_list[:20]:  # the pages' first touch
            cursor.execute(sql, params)
            cursor.fetchall()
        for params in params_list:
            started = time.perf_counter()
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            times.append(time.perf_counter() - started)
            assert rows, (sql, params)
    return statistics.median(times) * 1000, statistics.quantiles(times, n=100)[98] * 1000


def import_month(
    conn, table: str, county: int, period: str, per_month: int, villages: int
) -> float:  # type: ignore[no-untyped-def]
    """One county's new month the way the importer writes: COPY into a session-local staging
    table, then one INSERT ... ON CONFLICT DO NOTHING; committed."""
    sql = GENERATE.format(villages=villages, last_county=0, per_month=per_month).replace(
        "generate_series(0, 0) AS c", f"(VALUES ({county})) AS v(c)"
    )
    with conn.cursor() as cursor:
        cursor.execute(f"CREATE TEMP TABLE stage AS SELECT {COLUMNS} FROM {table} LIMIT 0")  # noqa: S608
        rows = list(cursor.execute(sql, [[period]]))  # made before the clock
        conn.commit()
        started = time.perf_counter()
        with cursor.copy(f"COPY stage ({COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(
            f"INSERT INTO {table} ({COLUMNS}) SELECT {COLUMNS} FROM stage ON CONFLICT DO NOTHING"  # noqa: S608
        )
        assert cursor.rowcount == per_month
        conn.commit()
        elapsed = time.perf_counter() - started
        cursor.execute("DROP TABLE stage")
        conn.commit()
    return elapsed


def retire(conn, table: str, county: int) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    with conn.cursor() as cursor:
        if table == "flat":
            cursor.execute("DELETE FROM flat WHERE county_id = %s AND period < '2026-01'", [county])
        else:
            cursor.execute(f"ALTER TABLE parted_c{county} DETACH PARTITION parted_c{county}_2025")
            cursor.execute(f"DROP TABLE parted_c{county}_2025")
    conn.commit()
    return time.perf_counter() - started


def size(conn, table: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(table bytes, index bytes) over every partition."""
    row = conn.execute(
        "SELECT SUM(pg_table_size(relid)), SUM(pg_indexes_size(relid)) FROM "
        "(SELECT relid FROM pg_partition_tree(%s) UNION SELECT %s::regclass) AS t",
        [table, table],
    ).fetchone()
    return int(row[0]), int(row[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", metavar="URL", required=True)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--counties", type=int, default=20)
    parser.add_argument("--probes", type=int, default=300)
    options = parser.parse_args()
    import psycopg

    per_month = options.rows // (options.counties * len(MONTHS))
    villages = max(1, per_month // 200)  # about 200 payouts a village a month, as in a county
    with psycopg.connect(options.postgres, autocommit=True) as admin:
        admin.execute("DROP DATABASE IF EXISTS lianyun_bench_parts")
        admin.execute("CREATE DATABASE lianyun_bench_parts")
    url = options.postgres.rsplit("/", 1)[0] + "/lianyun_bench_parts"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run(
        [sys.executable, "-m", "lianyun.manage", "migrate", "-v0"], env=env, check=True, cwd=ROOT
    )
    rng = random.Random(13)
    with psycopg.connect(url, autocommit=True) as conn:
        create(conn, options.counties)
        conn.execute("SET maintenance_work_mem = '256MB'")
        filled = {"flat": fill(conn, options.counties, per_month, villages)}
        started = time.perf_counter()
        # Rows first, then indexes: the fastest way to load either shape.
        conn.execute(f"INSERT INTO parted ({COLUMNS}) SELECT {COLUMNS} FROM flat")  # noqa: S608
        index_parted(conn)
        conn.execute("VACUUM ANALYZE parted")
        filled["parted"] = time.perf_counter() - started
        total = conn.execute("SELECT COUNT(*) FROM flat").fetchone()[0]
        people = [
            (c, conn.execute("SELECT md5(%s)", [f"person-{c}-{n}"]).fetchone()[0])
            for c, n in (
                (rng.randrange(options.counties), rng.randrange(per_month))
                for _ in range(options.probes)
            )
        ]
        boards = [
            (c, c * 1000 + rng.randrange(villages), rng.choice(MONTHS))
            for c in (rng.randrange(options.counties) for _ in range(options.probes))
        ]
        year = ["2026-01", "2026-12"]
        conn.autocommit = False
        lookup = {
            "flat": timed(
                conn,
                "SELECT item_id, period, amount, paid_on, status FROM flat "
                "WHERE id_number_index = %s AND period BETWEEN %s AND %s",
                [[index, *year] for _c, index in people],
            ),
            "parted, county known": timed(
                conn,
                "SELECT item_id, period, amount, paid_on, status FROM parted "
                "WHERE county_id = %s AND id_number_index = %s AND period BETWEEN %s AND %s",
                [[c, index, *year] for c, index in people],
            ),
            "parted, county not known": timed(
                conn,
                "SELECT item_id, period, amount, paid_on, status FROM parted "
                "WHERE id_number_index = %s AND period BETWEEN %s AND %s",
                [[index, *year] for _c, index in people],
            ),
        }
        board = {
            "flat": timed(
                conn,
                "SELECT name, item_id, amount, paid_on, status FROM flat "
                "WHERE village_id = %s AND period = %s",
                [[v, p] for _c, v, p in boards],
            ),
            "parted, county known": timed(
                conn,
                "SELECT name, item_id, amount, paid_on, status FROM parted "
                "WHERE county_id = %s AND village_id = %s AND period = %s",
                [[c, v, p] for c, v, p in boards],
            ),
        }
        imports = {
            table: statistics.median(
                import_month(conn, table, county, period, per_month, villages)
                for county, period in ((1, "2027-01"), (2, "2027-02"), (3, "2027-03"))
            )
            for table in ("flat", "parted")
        }
        retired = {table: retire(conn, table, options.counties - 1) for table in ("flat", "parted")}
        conn.autocommit = True
        sizes = {table: size(conn, table) for table in ("flat", "parted")}
    print(
        f"PostgreSQL, {total:,} payouts: {options.counties} counties x {len(MONTHS)} months x "
        f"{per_month:,}; {options.probes} probes each; anchor = the table as the application "
        "creates it"
    )
    print(
        f"load (rows, then indexes):   flat {filled['flat']:6.0f} s   parted {filled['parted']:6.0f} s"
    )
    for label, (flat_mb, flat_ix) in (("size", sizes["flat"]),):
        parted_mb, parted_ix = sizes["parted"]
        print(
            f"{label} (table + indexes):     flat {flat_mb / 2**20:,.0f} + {flat_ix / 2**20:,.0f} MiB"
            f"   parted {parted_mb / 2**20:,.0f} + {parted_ix / 2**20:,.0f} MiB"
        )
    anchor = lookup["flat"]
    for label, (p50, p99) in lookup.items():
        print(
            f"person's year, {label:25} p50 {p50:6.3f} ms  p99 {p99:6.3f} ms"
            f"  ({p50 / anchor[0]:.2f}x the anchor's p50)"
        )
    anchor = board["flat"]
    for label, (p50, p99) in board.items():
        print(
            f"village month, {label:25} p50 {p50:6.3f} ms  p99 {p99:6.3f} ms"
            f"  ({p50 / anchor[0]:.2f}x the anchor's p50)"
        )
    print(
        f"a county's month ({per_month:,} rows) through COPY + INSERT ON CONFLICT: "
        f"flat {per_month / imports['flat']:,.0f} rows/s, parted {per_month / imports['parted']:,.0f} rows/s "
        f"({imports['flat'] / imports['parted']:.2f}x), median of 3"
    )
    print(
        f"retiring a county's oldest year ({12 * per_month:,} rows): DELETE {retired['flat'] * 1000:,.0f} ms, "
        f"DETACH + DROP {retired['parted'] * 1000:,.0f} ms"
    )


if __name__ == "__main__":
    main()
