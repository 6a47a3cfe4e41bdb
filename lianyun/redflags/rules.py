"""The cross-check rules: each a small pure function over Polars frames, its thresholds passed
in, returning one row per finding in the shape `FINDING`.

Frames (built by extract.py from the ledger and the registries, or written literally in tests):

payouts      id (int), id_index (str), name (str), item (str, the item's code), period (str,
             YYYY-MM), amount (int, fen), approved (int fen, null), paid_on (date, null),
             approved_on (date, null), village (str, code), account (str, keyed hash, "" if
             none), born_on (date, null), batch (int), status ("paid" | "failed")
deaths       id_index, died_on (date)
employees    id_index, unit (str), start (date), end (date, null)
cadres       id_index, village (str), title (str), start (date), end (date, null)
relatives    cadre_index, relative_index, relation (str)
households   head_index, member_index
filings      id_index, item (str), filed_on (date)
standards    item (str), standard (int, fen)

Money is in fen (integers), so sums and comparisons are exact. A finding's `payouts` lists the
payout ids it rests on, `stake` is the money at stake in fen, `evidence` a JSON object naming
the registry row or threshold it rests on.
"""

from collections.abc import Callable
from typing import Any

import polars as pl

FINDING: dict[str, pl.DataType | type[pl.DataType]] = {
    "rule": pl.String,
    "payouts": pl.List(pl.Int64),
    "id_index": pl.String,
    "name": pl.String,
    "item": pl.String,
    "period": pl.String,
    "village": pl.String,
    "stake": pl.Int64,
    "evidence": pl.String,
}

Frames = dict[str, pl.DataFrame]


def _paid(payouts: pl.LazyFrame) -> pl.LazyFrame:
    return payouts.filter(pl.col("status") == "paid")


def _period_bounds(frame: pl.LazyFrame) -> pl.LazyFrame:
    start = pl.col("period").str.strptime(pl.Date, "%Y-%m")
    return frame.with_columns(period_start=start, period_end=start.dt.month_end())


def _finding(frame: pl.LazyFrame, rule: str, evidence: pl.Expr, stake: pl.Expr) -> pl.LazyFrame:
    """One finding per payout row of `frame`."""
    return frame.select(
        pl.lit(rule).alias("rule"),
        pl.concat_list(pl.col("id")).alias("payouts"),
        "id_index",
        "name",
        "item",
        "period",
        "village",
        stake.cast(pl.Int64).alias("stake"),
        evidence.alias("evidence"),
    )


def _json(**fields: pl.Expr) -> pl.Expr:
    return pl.struct(*(expr.alias(name) for name, expr in fields.items())).struct.json_encode()


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=FINDING)


def _lazy(f: Frames, name: str) -> pl.LazyFrame:
    return f[name].lazy()


def _deceased_paid(f: Frames, config: dict[str, Any]) -> pl.LazyFrame:
    """Paid for a period after the month of death (a death in the period's own month, even on
    its last day, is not flagged: that month is still owed)."""
    joined = _period_bounds(_paid(_lazy(f, "payouts"))).join(_lazy(f, "deaths"), on="id_index")
    hit = joined.filter(pl.col("period_start") > pl.col("died_on").dt.month_end())
    return _finding(
        hit,
        "deceased_paid",
        _json(died_on=pl.col("died_on").cast(pl.String), registry=pl.lit("deaths")),
        pl.col("amount"),
    )


def _public_employee_paid(f: Frames, config: dict[str, Any]) -> pl.LazyFrame:
    """On the public payroll during the period and paid an item closed to public employees."""
    closed = config["closed_to_employees"]
    payouts = _period_bounds(_paid(_lazy(f, "payouts")).filter(pl.col("item").is_in(closed)))
    joined = payouts.join(_lazy(f, "employees"), on="id_index")
    hit = joined.filter(
        (pl.col("start") <= pl.col("period_end"))
        & (pl.col("end").is_null() | (pl.col("end") >= pl.col("period_start")))
    ).unique(subset=["id"], keep="first", maintain_order=True)
    return _finding(
        hit,
        "public_employee_paid",
        _json(
            unit=pl.col("unit"),
            start=pl.col("start").cast(pl.String),
            registry=pl.lit("public_employees"),
        ),
        pl.col("amount"),
    )


def _cadre_relative_paid(f: Frames, config: dict[str, Any]) -> pl.LazyFrame:
    """A village cadre in office, or a declared relative of one, paid a sensitive item in that
    cadre's village with no separate filing (单独登记备案) for the person and item on record by
    the end of the period."""
    sensitive = config["sensitive_items"]
    payouts = _period_bounds(_paid(_lazy(f, "payouts")).filter(pl.col("item").is_in(sensitive)))
    cadres = _lazy(f, "cadres").rename({"id_index": "cadre_index", "village": "cadre_village"})
    themselves = cadres.with_columns(person_index=pl.col("cadre_index"), relation=pl.lit("本人"))
    kin = cadres.join(_lazy(f, "relatives"), on="cadre_index").rename(
        {"relative_index": "person_index"}
    )
    people = pl.concat(
        [
            themselves.select(
                "person_index", "cadre_index", "cadre_village", "title", "start", "end", "relation"
            ),
            kin.select(
                "person_index", "cadre_index", "cadre_village", "title", "start", "end", "relation"
            ),
        ]
    )
    joined = payouts.join(
        people, left_on=["id_index", "village"], right_on=["person_index", "cadre_village"]
    )
    in_office = joined.filter(
        (pl.col("start") <= pl.col("period_end"))
        & (pl.col("end").is_null() | (pl.col("end") >= pl.col("period_start")))
    )
    with_filing = in_office.join(
        _lazy(f, "filings"), on=["id_index", "item"], how="left"
    ).with_columns(
        filed=pl.col("filed_on").is_not_null() & (pl.col("filed_on") <= pl.col("period_end"))
    )
    filed = with_filing.group_by("id").agg(pl.col("filed").any())
    hit = (
        in_office.unique(subset=["id"], keep="first", maintain_order=True)
        .join(filed, on="id")
        .filter(~pl.col("filed"))
    )
    return _finding(
        hit,
        "cadre_relative_paid",
        _json(
            cadre_index=pl.col("cadre_index"),
            title=pl.col("title"),
            relation=pl.col("relation"),
            registry=pl.lit("cadres"),
        ),
        pl.col("amount"),
    )


def _duplicate_payout(f: Frames, config: dict[str, Any]) -> pl.LazyFrame:
    """The same person paid the same item for the same period more than once, anywhere."""
    keys = ["id_index", "item", "period"]
    paid = _paid(_lazy(f, "payouts")).with_columns(key=pl.struct(keys).hash())
    # First the few keys paid more than once, grouped by a 64-bit hash of the key (a hash
    # shared by two different keys only lets extra rows through; the grouping below is exact).
    twice = paid.group_by("key").agg(pl.len().alias("n")).filter(pl.col("n") > 1).select("key")
    groups = (
        paid.join(twice, on="key", how="semi")
        .sort("id")
        .group_by(keys, maintain_order=True)
        .agg(
            pl.col("id").alias("payouts"),
            pl.col("name").first(),
            pl.col("village").first(),
            pl.col("amount").sum().alias("total"),
            pl.col("amount").first().alias("first"),
            pl.col("village").n_unique().alias("villages"),
            pl.col("batch").n_unique().alias("batches"),
        )
        .filter(pl.col("payouts").list.len() > 1)
    )
    return groups.select(
        pl.lit("duplicate_payout").alias("rule"),
        "payouts",
        "id_index",
        "name",
        "item",
        "period",
        "village",
        (pl.col("total") - pl.col("first")).cast(pl.Int64).alias("stake"),
        _json(
            times=pl.col("payouts").list.len(),
            villages=pl.col("villages"),
            batches=pl.col("batches"),
        ).alias("evidence"),
    )


def _shared_account(f: Frames, config: dict[str, Any]) -> pl.LazyFrame:
    """One receiving account credited for more than N persons who are not all of one household;
    the money at stake is what went to persons outside the account's largest household."""
    limit = config["shared_account_persons"]
    credited = _paid(_lazy(f, "payouts")).filter(pl.col("account") != "")
    # First the few accounts that pay more than N people, then only their rows.
    many = (
        credited.group_by("account")
        .agg(pl.col("id_index").n_unique().alias("n"))
        .filter(pl.col("n") > limit)
        .select("account")
    )
    payouts = credited.join(many, on="account", how="semi")
    heads = _lazy(f, "households").select(
        pl.col("member_index").alias("id_index"), pl.col("head_index")
    )
    persons = (
        payouts.group_by(["account", "id_index"])
        .agg(
            pl.col("amount").sum(),
            pl.col("id"),
            pl.col("name").first(),
            pl.col("village").first(),
            pl.col("item").first(),
            pl.col("period").max(),
        )
        .join(heads, on="id_index", how="left")
        .with_columns(household=pl.coalesce("head_index", "id_index"))
    )
    sizes = persons.group_by(["account", "household"]).agg(pl.len().alias("size"))
    largest = (
        sizes.sort(["size", "household"], descending=[True, False])
        .group_by("account")
        .agg(pl.col("household").first().alias("main"), pl.col("size").first().alias("main_size"))
    )
    per_account = persons.group_by("account").agg(
        pl.len().alias("persons"), pl.col("household").n_unique().alias("households")
    )
    flagged = per_account.filter((pl.col("persons") > limit) & (pl.col("households") > 1))
    rows = persons.join(flagged, on="account").join(largest, on="account")
    return (
        rows.sort("id_index")
        .group_by("account", maintain_order=True)
        .agg(
            pl.col("id")
            .list.explode(keep_nulls=False, empty_as_null=False)
            .sort()
            .alias("payouts"),
            pl.col("id_index").first(),
            pl.col("name").first(),
            pl.col("village").first(),
            pl.col("period").max(),
            pl.col("amount").filter(pl.col("household") != pl.col("main")).sum().alias("stake"),
            pl.col("persons").first(),
            pl.col("households").first(),
        )
        .select(
            pl.lit("shared_account").alias("rule"),
            "payouts",
            "id_index",
            "name",
            pl.lit(None, dtype=pl.String).alias("item"),
            "period",
            "village",
            pl.col("stake").cast(pl.Int64),
            _json(
                account=pl.col("account").str.slice(0, 12),
                persons=pl.col("persons"),
                households=pl.col("households"),
                limit=pl.lit(limit),
            ).alias("evidence"),
        )
    )


def _over_standard(f: Frames, config: dict[str, Any]) -> pl.LazyFrame:
    """More than the item's standard (plus the tolerance, in per cent) in one payout."""
    tolerance = config["over_standard_tolerance"]
    joined = _paid(_lazy(f, "payouts")).join(_lazy(f, "standards"), on="item")
    ceiling = (pl.col("standard") * (100 + tolerance) / 100).floor()
    hit = joined.filter(pl.col("amount") > ceiling)
    return _finding(
        hit,
        "over_standard",
        _json(standard=pl.col("standard"), tolerance=pl.lit(tolerance)),
        pl.col("amount") - pl.col("standard"),
    )


def _short_paid(f: Frames, config: dict[str, Any]) -> pl.LazyFrame:
    """Paid less than approved (截留克扣)."""
    hit = _paid(_lazy(f, "payouts")).filter(
        pl.col("approved").is_not_null() & (pl.col("amount") < pl.col("approved"))
    )
    return _finding(
        hit,
        "short_paid",
        _json(approved=pl.col("approved"), paid=pl.col("amount")),
        pl.col("approved") - pl.col("amount"),
    )


def _late_paid(f: Frames, config: dict[str, Any]) -> pl.LazyFrame:
    """Paid more than N days after the approval, or, with no approval date, after the end of
    the period."""
    days = config["late_paid_days"]
    payouts = _period_bounds(_paid(_lazy(f, "payouts")).filter(pl.col("paid_on").is_not_null()))
    since = pl.coalesce("approved_on", "period_end")
    hit = payouts.with_columns(since=since, lag=(pl.col("paid_on") - since).dt.total_days()).filter(
        pl.col("lag") > days
    )
    return _finding(
        hit,
        "late_paid",
        _json(since=pl.col("since").cast(pl.String), days_late=pl.col("lag"), limit=pl.lit(days)),
        pl.col("amount"),
    )


def _age_ineligible(f: Frames, config: dict[str, Any]) -> pl.LazyFrame:
    """An age-banded item paid to someone outside its band, by the birth date in the ID number,
    at the end of the period."""
    bands = pl.DataFrame(
        [(item, low, high) for item, (low, high) in config["age_bands"].items()],
        schema={"item": pl.String, "low": pl.Int64, "high": pl.Int64},
        orient="row",
    ).lazy()
    payouts = _period_bounds(
        _paid(_lazy(f, "payouts"))
        .filter(pl.col("born_on").is_not_null())
        .join(bands.select("item"), on="item", how="semi")
    )
    end, born = pl.col("period_end"), pl.col("born_on")
    age = (
        end.dt.year()
        - born.dt.year()
        - (
            (end.dt.month() < born.dt.month())
            | ((end.dt.month() == born.dt.month()) & (end.dt.day() < born.dt.day()))
        ).cast(pl.Int64)
    )
    joined = payouts.join(bands, on="item").with_columns(age=age)
    hit = joined.filter(
        (pl.col("low").is_not_null() & (pl.col("age") < pl.col("low")))
        | (pl.col("high").is_not_null() & (pl.col("age") > pl.col("high")))
    )
    return _finding(
        hit,
        "age_ineligible",
        _json(age=pl.col("age"), low=pl.col("low"), high=pl.col("high")),
        pl.col("amount"),
    )


PLANS: dict[str, Callable[[Frames, dict[str, Any]], pl.LazyFrame]] = {
    "deceased_paid": _deceased_paid,
    "public_employee_paid": _public_employee_paid,
    "cadre_relative_paid": _cadre_relative_paid,
    "duplicate_payout": _duplicate_payout,
    "shared_account": _shared_account,
    "over_standard": _over_standard,
    "short_paid": _short_paid,
    "late_paid": _late_paid,
    "age_ineligible": _age_ineligible,
}


def _eager(name: str) -> Callable[[Frames, dict[str, Any]], pl.DataFrame]:
    def rule(f: Frames, config: dict[str, Any]) -> pl.DataFrame:
        return PLANS[name](f, config).collect().cast(FINDING)  # type: ignore[arg-type]

    rule.__name__ = name
    rule.__doc__ = PLANS[name].__doc__
    return rule


# Each rule on its own, collected (what the tests and a reader call).
RULES = {name: _eager(name) for name in PLANS}
deceased_paid = RULES["deceased_paid"]
public_employee_paid = RULES["public_employee_paid"]
cadre_relative_paid = RULES["cadre_relative_paid"]
duplicate_payout = RULES["duplicate_payout"]
shared_account = RULES["shared_account"]
over_standard = RULES["over_standard"]
short_paid = RULES["short_paid"]
late_paid = RULES["late_paid"]
age_ineligible = RULES["age_ineligible"]


def run(frames: Frames, config: dict[str, Any], rules: list[str] | None = None) -> pl.DataFrame:
    """Every rule asked for (all by default), planned lazily and collected together, so that
    Polars reads each column once, shares common work and runs the rules in parallel."""
    plans = [PLANS[name](frames, config) for name in rules or list(PLANS)]
    if not plans:
        return empty()
    found = pl.collect_all(plans)
    return pl.concat([frame.cast(FINDING) for frame in found])  # type: ignore[arg-type]
