"""大数据比对 at county scale: a generated ledger (default 10,000,000 payouts, with registries to
match and planted cases of every rule), each figure beside its anchor measured in the same run.

1. All nine rules as the app runs them (rules.run over Polars frames) — beside the same rules
   written as plain DuckDB SQL over the same data (the anchor), each engine in its own process
   so that its peak memory (max RSS) is its own. Medians of --runs.
2. An incremental run after a 100,000-row batch: the new batch's people and accounts with their
   history, then the rules — beside the full run.
3. Recall: every planted case is found by both engines, and they agree on the findings.

    python bench/crosscheck.py [--rows 10000000] [--runs 3]

The extract step (database → frames) is not in these figures: the frames are generated in
memory, as the extract would leave them.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIG = {
    "closed_to_employees": ["dibao", "destitute_support"],
    "sensitive_items": ["dibao", "destitute_support", "temporary_assistance"],
    "shared_account_persons": 3,
    "over_standard_tolerance": 0,
    "late_paid_days": 30,
    "age_bands": {"old_age_allowance": (80, None)},
}
ITEMS = ["dibao", "old_age_allowance", "basic_pension", "disability_living", "temporary_assistance"]
PLANTED = 200  # persons planted for each rule (fewer on a small ledger)


def generate(rows: int, folder: Path) -> dict[str, int]:
    """Write the frames as Parquet files; returns how many findings each rule must make.

    Each person is paid one item every month of 2026; persons are classed by pid (pid % 10:
    0–2 低保, 3–4 高龄津贴, 5–7 养老金, 8–9 残疾人补贴). Every rule's planted persons come from a
    block of pids of their own, so no person carries two problems; near misses (a death on the
    last day of December, a household sharing one account, a cadre filed separately) too."""
    import polars as pl

    months = 12
    persons = rows // months
    block = persons // 16
    k = min(PLANTED, block // 40)  # planted persons per rule
    pid = pl.int_range(0, rows, eager=True) // months
    month = pl.int_range(0, rows, eager=True) % months
    idx = pl.col("pid").cast(pl.String).str.pad_start(64, "0")
    cls = pl.col("pid") % 10
    payouts = (
        pl.DataFrame({"pid": pid, "m": month})
        .with_columns(
            id=pl.int_range(1, rows + 1),
            id_index=idx,
            name=pl.lit("某某"),
            item=pl.when(cls < 3)
            .then(pl.lit("dibao"))
            .when(cls < 5)
            .then(pl.lit("old_age_allowance"))
            .when(cls < 8)
            .then(pl.lit("basic_pension"))
            .otherwise(pl.lit("disability_living")),
            period=pl.format("2026-{}", (pl.col("m") + 1).cast(pl.String).str.pad_start(2, "0")),
            village=pl.format(
                "5119231{}", (pl.col("pid") % 520).cast(pl.String).str.pad_start(5, "0")
            ),
            account=pl.format("acct{}", pl.col("pid")),
            batch=pl.col("m") + 1,
            status=pl.lit("paid"),
        )
        .with_columns(
            amount=pl.when(pl.col("item") == "old_age_allowance").then(10_000).otherwise(40_000),
            start=pl.col("period").str.strptime(pl.Date, "%Y-%m"),
        )
        .with_columns(
            approved=pl.col("amount"),
            paid_on=pl.col("start").dt.offset_by("14d"),
            approved_on=pl.col("start").dt.offset_by("4d"),
            born_on=pl.when(pl.col("item") == "old_age_allowance")
            .then(pl.date(1935, 1, 1))
            .otherwise(pl.date(1960, 1, 1)),
        )
    )

    def chosen(group: int, classes: tuple[int, ...]) -> pl.Series:
        """k persons of the given classes from the group's own block of pids."""
        ids = pl.int_range(group * block, (group + 1) * block, eager=True)
        return ids.filter((ids % 10).is_in(list(classes))).head(k)

    ANY, DIBAO, ELDER = tuple(range(10)), (0, 1, 2), (3, 4)
    groups = {
        "deceased_paid": chosen(1, ANY),
        "deceased_near": chosen(2, ANY),
        "public_employee_paid": chosen(3, DIBAO),
        "cadre_relative_paid": chosen(4, DIBAO),
        "cadre_filed": chosen(5, DIBAO),
        "duplicate_payout": chosen(6, ANY),
        "shared_account": chosen(7, ANY),
        "family_account": chosen(8, ANY),
        "over_standard": chosen(9, ELDER),
        "short_paid": chosen(10, ANY),
        "late_paid": chosen(11, ANY),
        "age_ineligible": chosen(12, ELDER),
    }
    in_group = {name: pl.col("pid").is_in(ids.implode()) for name, ids in groups.items()}
    december = pl.col("m") == months - 1
    payouts = payouts.with_columns(
        amount=pl.when(in_group["over_standard"] & december)
        .then(30_000)
        .when(in_group["short_paid"] & december)
        .then(pl.col("approved") - 5_000)
        .otherwise(pl.col("amount")),
        approved=pl.when(in_group["over_standard"] & december)
        .then(30_000)
        .otherwise(pl.col("approved")),
        paid_on=pl.when(in_group["late_paid"] & december)
        .then(pl.col("paid_on").dt.offset_by("60d"))
        .otherwise(pl.col("paid_on")),
        born_on=pl.when(in_group["age_ineligible"])
        .then(pl.date(1990, 1, 1))
        .otherwise(pl.col("born_on")),
        # Unrelated people four to an account; a household of four on one account.
        account=pl.when(in_group["shared_account"])
        .then(pl.format("shared{}", pl.col("pid") // 40))
        .when(in_group["family_account"])
        .then(pl.format("family{}", pl.col("pid") // 40))
        .otherwise(pl.col("account")),
    )
    repeated = payouts.filter(in_group["duplicate_payout"] & december).with_columns(
        id=pl.col("id") + rows, batch=pl.lit(months + 1, dtype=pl.Int64)
    )
    payouts = pl.concat([payouts, repeated])
    shared = (
        payouts.filter(in_group["shared_account"]).group_by("account").agg(pl.col("pid").n_unique())
    )
    family = payouts.filter(in_group["family_account"]).select("pid", "account").unique()
    heads = family.group_by("account").agg(pl.col("pid").min().alias("head"))
    households = (
        family.join(heads, on="account")
        .filter(pl.col("pid") != pl.col("head"))
        .select(
            head_index=pl.col("head").cast(pl.String).str.pad_start(64, "0"),
            member_index=pl.col("pid").cast(pl.String).str.pad_start(64, "0"),
        )
    )
    person = lambda name: pl.DataFrame({"pid": groups[name]}).with_columns(id_index=idx)  # noqa: E731
    cadres = pl.concat([person("cadre_relative_paid"), person("cadre_filed")]).with_columns(
        village=pl.format("5119231{}", (pl.col("pid") % 520).cast(pl.String).str.pad_start(5, "0")),
        title=pl.lit("村支书"),
        start=pl.date(2021, 3, 1),
        end=pl.lit(None, dtype=pl.Date),
    )
    frames = {
        "payouts": payouts.select(
            "id",
            "id_index",
            "name",
            "item",
            "period",
            "amount",
            "approved",
            "paid_on",
            "approved_on",
            "village",
            "account",
            "born_on",
            "batch",
            "status",
        ),
        "deaths": pl.concat(
            [
                person("deceased_paid").select("id_index", died_on=pl.date(2026, 10, 15)),
                person("deceased_near").select("id_index", died_on=pl.date(2026, 12, 31)),
            ]
        ),
        "employees": person("public_employee_paid").select(
            "id_index",
            unit=pl.lit("县财政局"),
            start=pl.date(2015, 1, 1),
            end=pl.lit(None, dtype=pl.Date),
        ),
        "cadres": cadres.select("id_index", "village", "title", "start", "end"),
        "relatives": pl.DataFrame(
            schema={"cadre_index": pl.String, "relative_index": pl.String, "relation": pl.String}
        ),
        "households": households,
        "filings": person("cadre_filed").select(
            "id_index", item=pl.lit("dibao"), filed_on=pl.date(2020, 1, 1)
        ),
        "standards": pl.DataFrame({"item": ["old_age_allowance"], "standard": [10_000]}),
    }
    for name, frame in frames.items():
        frame.write_parquet(folder / f"{name}.parquet")
    return {
        "deceased_paid": 2 * k,  # November and December
        "public_employee_paid": months * k,
        "cadre_relative_paid": months * k,
        "duplicate_payout": k,
        "shared_account": shared.filter(pl.col("pid") > 3).height,
        "over_standard": k,
        "short_paid": k,
        "late_paid": k,
        "age_ineligible": months * k,
    }


SQL = {
    "deceased_paid": """
        SELECT p.id FROM payouts p JOIN deaths d USING (id_index)
        WHERE p.status = 'paid' AND strptime(p.period, '%Y-%m') > last_day(d.died_on)""",
    "public_employee_paid": """
        SELECT DISTINCT p.id FROM payouts p JOIN employees e USING (id_index)
        WHERE p.status = 'paid' AND p.item IN ('dibao', 'destitute_support')
          AND e.start <= last_day(strptime(p.period, '%Y-%m'))
          AND (e."end" IS NULL OR e."end" >= strptime(p.period, '%Y-%m'))""",
    "cadre_relative_paid": """
        WITH people AS (
            SELECT id_index AS person, village, start, "end" FROM cadres
            UNION ALL
            SELECT r.relative_index, c.village, c.start, c."end" FROM cadres c
            JOIN relatives r ON r.cadre_index = c.id_index)
        SELECT DISTINCT p.id FROM payouts p JOIN people x ON x.person = p.id_index AND x.village = p.village
        WHERE p.status = 'paid' AND p.item IN ('dibao', 'destitute_support', 'temporary_assistance')
          AND x.start <= last_day(strptime(p.period, '%Y-%m'))
          AND (x."end" IS NULL OR x."end" >= strptime(p.period, '%Y-%m'))
          AND NOT EXISTS (SELECT 1 FROM filings f WHERE f.id_index = p.id_index AND f.item = p.item
                          AND f.filed_on <= last_day(strptime(p.period, '%Y-%m')))""",
    "duplicate_payout": """
        SELECT list(id ORDER BY id) FROM payouts WHERE status = 'paid'
        GROUP BY id_index, item, period HAVING count(*) > 1""",
    "shared_account": """
        WITH persons AS (
            SELECT DISTINCT p.account, p.id_index, coalesce(h.head_index, p.id_index) AS household
            FROM payouts p LEFT JOIN households h ON h.member_index = p.id_index
            WHERE p.status = 'paid' AND p.account <> '')
        SELECT account FROM persons GROUP BY account
        HAVING count(*) > 3 AND count(DISTINCT household) > 1""",
    "over_standard": """
        SELECT p.id FROM payouts p JOIN standards s USING (item)
        WHERE p.status = 'paid' AND p.amount > floor(s.standard * (100 + 0) / 100)""",
    "short_paid": """
        SELECT id FROM payouts WHERE status = 'paid' AND approved IS NOT NULL AND amount < approved""",
    "late_paid": """
        SELECT id FROM payouts WHERE status = 'paid' AND paid_on IS NOT NULL
          AND date_diff('day', coalesce(approved_on, last_day(strptime(period, '%Y-%m'))), paid_on) > 30""",
    "age_ineligible": """
        SELECT id FROM payouts WHERE status = 'paid' AND item = 'old_age_allowance' AND born_on IS NOT NULL
          AND date_diff('year', born_on, last_day(strptime(period, '%Y-%m'))) -
              CASE WHEN strftime(last_day(strptime(period, '%Y-%m')), '%m%d') < strftime(born_on, '%m%d')
                   THEN 1 ELSE 0 END < 80""",
}


def engine(name: str, folder: Path, runs: int, incremental: bool) -> None:
    """Child process: time the rules with one engine; print a JSON line."""
    import polars as pl

    frames = (
        {p.stem: pl.read_parquet(p) for p in folder.glob("*.parquet")} if name == "polars" else {}
    )
    times: list[float] = []
    counts: dict[str, float] = {}
    if name == "polars":
        from lianyun.redflags import rules

        for _ in range(runs):
            began = time.perf_counter()
            found = rules.run(frames, CONFIG)
            times.append(time.perf_counter() - began)
        counts = dict(found.group_by("rule").len().iter_rows())
        if incremental:
            payouts = frames["payouts"]
            # The new batch: 100,000 of December's payouts (the people it pays have eleven
            # earlier months in the ledger).
            batch = payouts.filter(pl.col("batch") == 12).head(100_000)
            inc = []
            for _ in range(runs):
                began = time.perf_counter()
                people = batch["id_index"].unique().implode()
                accounts = batch.filter(pl.col("account") != "")["account"].unique().implode()
                touched = payouts.filter(
                    pl.col("id_index").is_in(people) | pl.col("account").is_in(accounts)
                )
                rules.run(frames | {"payouts": touched}, CONFIG)
                inc.append(time.perf_counter() - began)
            counts["incremental_s"] = statistics.median(inc)
            counts["incremental_rows"] = touched.height
    else:
        import duckdb

        con = duckdb.connect()
        for path in folder.glob("*.parquet"):
            con.execute(f"CREATE TABLE {path.stem} AS SELECT * FROM read_parquet('{path}')")  # noqa: S608 - our own file names
        for _ in range(runs):
            began = time.perf_counter()
            counts = {rule: len(con.execute(sql).fetchall()) for rule, sql in SQL.items()}
            times.append(time.perf_counter() - began)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": statistics.median(times), "peak_mb": peak_mb, "counts": counts}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--engine", help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if args.engine:
        engine(args.engine, Path(args.folder), args.runs, args.engine == "polars")
        return
    folder = Path(tempfile.mkdtemp(prefix="lianyun-bench-crosscheck-"))
    began = time.perf_counter()
    planted = generate(args.rows, folder)
    print(f"generated {args.rows:,} payouts with registries in {time.perf_counter() - began:.1f} s")
    results = {}
    for name in ("polars", "duckdb"):
        out = subprocess.run(
            [sys.executable, __file__, "--engine", name, "--folder", str(folder), "--runs", str(args.runs)],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        results[name] = json.loads(out.stdout.strip().splitlines()[-1])
    p, d = results["polars"], results["duckdb"]
    print(f"all rules, app (Polars):      {p['seconds']:7.2f} s  peak {p['peak_mb']:7.0f} MB")
    print(
        f"all rules, plain DuckDB SQL:  {d['seconds']:7.2f} s  peak {d['peak_mb']:7.0f} MB   (anchor)"
    )
    print(f"ratio app / anchor:           {p['seconds'] / d['seconds']:7.2f}")
    print(
        f"incremental after a 100,000-row batch: {p['counts']['incremental_s']:.2f} s over "
        f"{p['counts']['incremental_rows']:,} rows (full run {p['seconds']:.2f} s)"
    )
    print(f"{'rule':24} {'planted':>8} {'app':>8} {'anchor':>8}")
    ok = True
    for rule in SQL:
        got, anchor, want = p["counts"].get(rule, 0), d["counts"].get(rule, 0), planted[rule]
        ok &= got == want == anchor
        print(f"{rule:24} {want:8} {got:8} {anchor:8}")
    print("recall 100% and the engines agree" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
