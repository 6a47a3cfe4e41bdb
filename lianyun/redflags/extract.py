"""The one extract step: the ledger and the registries read from the database into Polars
frames in the shapes rules.py documents (money in fen, dates as dates)."""

from collections.abc import Iterator
from typing import Any

import polars as pl
from django.db import connection

from lianyun.ledger.models import Payout
from lianyun.policies.models import SubsidyItem
from lianyun.redflags.models import (
    CadreTerm,
    Death,
    HouseholdLink,
    PublicEmployee,
    RelativeLink,
    SeparateFiling,
)
from lianyun.redflags.rules import Frames
from lianyun.regions.models import Region

CHUNK = 200_000
PAYOUT_SCHEMA = {
    "id": pl.Int64,
    "id_index": pl.String,
    "name": pl.String,
    "item": pl.String,
    "period": pl.String,
    "amount": pl.Int64,
    "approved": pl.Int64,
    "paid_on": pl.Date,
    "approved_on": pl.Date,
    "village": pl.String,
    "account": pl.String,
    "born_on": pl.Date,
    "batch": pl.Int64,
    "status": pl.String,
}
DATES = {"paid_on", "approved_on", "born_on", "died_on", "start", "end", "filed_on"}


def _frame(sql: str, params: list[Any], schema: dict[str, Any]) -> pl.DataFrame:
    """A query's rows as a frame, fetched in chunks; dates arrive as text from SQLite."""
    names = list(schema)
    raw = {n: (pl.String if n in DATES else t) for n, t in schema.items()}
    parts = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for rows in _chunks(cursor):
            part = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
            parts.append(
                part.with_columns(
                    [
                        pl.col(n).cast(pl.String).str.to_date("%Y-%m-%d", strict=True)
                        for n in names
                        if n in DATES
                    ]
                    + [pl.col(n).cast(raw[n]) for n in names if n not in DATES]
                )
            )
    if not parts:
        return pl.DataFrame(schema=schema)
    return pl.concat(parts).cast(schema)  # type: ignore[arg-type]


def _chunks(cursor: Any) -> Iterator[list[tuple[Any, ...]]]:
    while rows := cursor.fetchmany(CHUNK):
        yield [tuple(str(v) if hasattr(v, "isoformat") else v for v in row) for row in rows]


def payouts(*, since: str = "", after_batch: int = 0) -> pl.DataFrame:
    """The ledger; with `after_batch`, only the history of the people and accounts that the
    newer batches touch (all that an incremental run needs to judge them)."""
    p = Payout._meta.db_table
    items = SubsidyItem._meta.db_table
    regions = Region._meta.db_table
    where: list[str] = ["1 = 1"]
    params: list[Any] = []
    if since:
        where.append("p.period >= %s")
        params.append(since)
    if after_batch:
        where.append(
            f"(p.id_number_index IN (SELECT id_number_index FROM {p} WHERE batch_id > %s) "  # noqa: S608
            f"OR (p.account_index <> '' AND p.account_index IN "
            f"(SELECT account_index FROM {p} WHERE batch_id > %s AND account_index <> '')))"
        )
        params += [after_batch, after_batch]
    sql = (
        "SELECT p.id, p.id_number_index, p.name, i.code, p.period, "  # noqa: S608
        "CAST(ROUND(p.amount * 100) AS BIGINT), CAST(ROUND(p.approved_amount * 100) AS BIGINT), "
        "p.paid_on, p.approved_on, r.code, p.account_index, p.born_on, p.batch_id, p.status "
        f"FROM {p} p JOIN {items} i ON i.id = p.item_id JOIN {regions} r ON r.id = p.village_id "
        f"WHERE {' AND '.join(where)} ORDER BY p.id"
    )
    return _frame(sql, params, PAYOUT_SCHEMA)


def registries() -> Frames:
    regions = Region._meta.db_table
    items = SubsidyItem._meta.db_table
    return {
        "deaths": _frame(
            f"SELECT id_index, died_on FROM {Death._meta.db_table}",  # noqa: S608
            [],
            {"id_index": pl.String, "died_on": pl.Date},
        ),
        "employees": _frame(
            f'SELECT id_index, unit, start, "end" FROM {PublicEmployee._meta.db_table}',  # noqa: S608
            [],
            {"id_index": pl.String, "unit": pl.String, "start": pl.Date, "end": pl.Date},
        ),
        "cadres": _frame(
            f'SELECT c.id_index, r.code, c.title, c.start, c."end" FROM {CadreTerm._meta.db_table} c '  # noqa: S608
            f"JOIN {regions} r ON r.id = c.village_id",
            [],
            {
                "id_index": pl.String,
                "village": pl.String,
                "title": pl.String,
                "start": pl.Date,
                "end": pl.Date,
            },
        ),
        "relatives": _frame(
            f"SELECT cadre_index, relative_index, relation FROM {RelativeLink._meta.db_table}",  # noqa: S608
            [],
            {"cadre_index": pl.String, "relative_index": pl.String, "relation": pl.String},
        ),
        "households": _frame(
            f"SELECT head_index, member_index FROM {HouseholdLink._meta.db_table}",  # noqa: S608
            [],
            {"head_index": pl.String, "member_index": pl.String},
        ),
        "filings": _frame(
            f"SELECT f.id_index, i.code, f.filed_on FROM {SeparateFiling._meta.db_table} f "  # noqa: S608
            f"JOIN {items} i ON i.id = f.item_id",
            [],
            {"id_index": pl.String, "item": pl.String, "filed_on": pl.Date},
        ),
        "standards": _frame(
            f"SELECT code, CAST(ROUND(amount * 100) AS BIGINT) FROM {items} "  # noqa: S608
            "WHERE amount IS NOT NULL",
            [],
            {"item": pl.String, "standard": pl.Int64},
        ),
    }
