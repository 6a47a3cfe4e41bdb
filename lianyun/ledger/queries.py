"""Reads over the ledger."""

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

import psycopg
from django.db import connection

from lianyun.core.masking import mask_name
from lianyun.ledger.models import BatchStatus, ColumnMapping, Payout, PayoutBatch, PayoutStatus
from lianyun.policies.models import SubsidyItem
from lianyun.publications.actions import canonical
from lianyun.publications.live import Problem
from lianyun.publications.models import Checkpoint, EntryKind
from lianyun.publications.queries import latest_by_subject
from lianyun.regions.models import Region, RegionKind, Unit


@dataclass(frozen=True)
class StatementLine:
    payout_id: int
    item: str
    department: str
    period: str
    amount: Decimal
    paid_on: datetime.date | None
    status: str
    status_label: str  # in the language of the request that asked
    failure_reason: str
    account_last4: str

    # As the statement page shows them.
    @property
    def amount_text(self) -> str:
        return f"{self.amount:.2f}"

    @property
    def paid_on_text(self) -> str:
        return self.paid_on.isoformat() if self.paid_on else ""


@dataclass(frozen=True)
class YearStatement:
    year: int
    lines: list[StatementLine]
    total: Decimal


CENT = Decimal("0.01")


def statement(index: str, year: int) -> YearStatement:
    """A person's payouts in a year, by period, with the year's total (paid ones only).

    One statement written out, not built by the ORM: it runs on every lookup, and compiling
    the joined query cost three times what the database takes to answer it.
    """
    quote = connection.ops.quote_name
    payouts = quote(Payout._meta.db_table)
    items = quote(SubsidyItem._meta.db_table)
    units = quote(Unit._meta.db_table)
    paid_on = Payout._meta.get_field("paid_on")
    # A range, not startswith: LIKE cannot use the (id_number_index, period, row_key) index.
    sql = (
        "SELECT p.id, i.name, u.name, p.period, p.amount, p.paid_on, p.status, "  # noqa: S608
        f"p.failure_reason, p.account_last4 FROM {payouts} p "
        f"JOIN {items} i ON i.id = p.item_id JOIN {units} u ON u.id = i.department_id "
        "WHERE p.id_number_index = %s AND p.period >= %s AND p.period <= %s "
        "ORDER BY p.period, i.name, p.id"
    )
    params = [index, f"{year}-01", f"{year}-12"]
    if connection.vendor == "postgresql":
        # Prepared once per connection, its generic plan prunes the months as it runs
        # (config.settings._postgres): 0.55 ms against 1.60 ms planned afresh each time.
        connection.ensure_connection()
        with psycopg.Cursor(connection.connection) as raw:
            rows = raw.execute(sql, params, prepare=True).fetchall()
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    labels = {value: str(label) for value, label in PayoutStatus.choices}
    lines = [
        StatementLine(
            pk,
            item,
            department,
            period,
            # SQLite hands back a number, PostgreSQL a Decimal; the page shows cents either way.
            Decimal(str(amount)).quantize(CENT),
            paid_on.to_python(paid),
            status,
            labels.get(status, status),
            reason,
            last4,
        )
        for pk, item, department, period, amount, paid, status, reason, last4 in rows
    ]
    total = sum((line.amount for line in lines if line.status == "paid"), Decimal("0"))
    return YearStatement(year=year, lines=lines, total=total)


RANGES = ("this_month", "last_month", "last_quarter", "this_year", "last_year")


def period_range(name: str, today: datetime.date) -> tuple[str, str]:
    """本月 / 上月 / 上季度 / 今年 / 去年 as (first, last) periods YYYY-MM."""
    this_month = today.replace(day=1)
    last_month = (this_month - datetime.timedelta(days=1)).replace(day=1)
    if name == "this_month":
        return f"{this_month:%Y-%m}", f"{this_month:%Y-%m}"
    if name == "last_quarter":
        quarter_start_month = ((today.month - 1) // 3) * 3 + 1
        quarter_start = today.replace(month=quarter_start_month, day=1)
        end = (quarter_start - datetime.timedelta(days=1)).replace(day=1)
        start = end.replace(month=end.month - 2)
        return f"{start:%Y-%m}", f"{end:%Y-%m}"
    if name == "this_year":
        return f"{today.year}-01", f"{today.year}-12"
    if name == "last_year":
        return f"{today.year - 1}-01", f"{today.year - 1}-12"
    return f"{last_month:%Y-%m}", f"{last_month:%Y-%m}"


@dataclass(frozen=True)
class BoardLine:
    name: str  # masked
    item: str
    department: str
    period: str
    amount: Decimal
    paid_on: datetime.date | None
    status: str


@dataclass(frozen=True)
class Board:
    village: Region
    first: str
    last: str
    lines: list[BoardLine]
    totals: list[tuple[str, int, Decimal]]  # item, count, amount (paid only)


def village_board(
    village: Region,
    first: str,
    last: str,
    *,
    item_id: int | None = None,
    department_id: int | None = None,
) -> Board:
    """Every payout in the village for the periods, names masked; totals per item."""
    payouts = (
        Payout.objects.filter(village=village, period__gte=first, period__lte=last)
        .select_related("item", "item__department")
        .order_by("period", "item__name", "name")
    )
    if item_id:
        payouts = payouts.filter(item_id=item_id)
    if department_id:
        payouts = payouts.filter(item__department_id=department_id)
    lines = [
        BoardLine(
            mask_name(p.name),
            p.item.name,
            p.item.department.name,
            p.period,
            p.amount,
            p.paid_on,
            p.status,
        )
        for p in payouts
    ]
    sums: dict[str, tuple[int, Decimal]] = {}
    for line in lines:
        if line.status == "paid":
            count, amount = sums.get(line.item, (0, Decimal("0")))
            sums[line.item] = (count + 1, amount + line.amount)
    return Board(
        village, first, last, lines, [(item, n, total) for item, (n, total) in sorted(sums.items())]
    )


@dataclass(frozen=True)
class DibaoLine:
    name: str  # masked
    household_size: int
    amount: Decimal
    category: str


def dibao_list(village: Region, period: str) -> list[DibaoLine]:
    """The public 低保 list: name, household size and monthly amount only (docs/domain.md §2.1)."""
    payouts = (
        Payout.objects.filter(village=village, period=period, item__code="dibao", status="paid")
        .select_related("resident__household")
        .order_by("name")
    )
    lines = []
    for payout in payouts:
        household = payout.resident.household if payout.resident else None
        size = household.members.count() if household else 1
        lines.append(DibaoLine(mask_name(payout.name), size, payout.amount, payout.category))
    return lines


def dibao_subject(village: Region, period: str) -> str:
    return f"{village.code}:dibao:{period}"


def dibao_payload(village: Region, period: str, lines: list[DibaoLine]) -> dict[str, object]:
    """What goes into the publication chain for a 低保 list: exactly what the page shows."""
    return {
        "kind": "dibao_list",
        "village": village.code,
        "village_name": village.name,
        "period": period,
        "lines": [
            [line.name, line.household_size, str(line.amount), line.category] for line in lines
        ],
    }


def board_payload(board: Board) -> dict[str, object]:
    """What goes into the publication chain for a board: the masked lines and totals."""
    return {
        "kind": "village_board",
        "village": board.village.code,
        "village_name": board.village.name,
        "first": board.first,
        "last": board.last,
        "lines": [
            [
                line.name,
                line.item,
                line.period,
                str(line.amount),
                line.paid_on.isoformat() if line.paid_on else "",
                line.status,
            ]
            for line in board.lines
        ],
        "totals": [[item, count, str(amount)] for item, count, amount in board.totals],
    }


def boards_differing_from_record() -> Iterator[Problem]:
    """Every published board and 低保 list whose ledger rows no longer give what was published
    (a payout changed after publication without a correction), for verify_publications."""
    villages = {r.code: r for r in Region.objects.filter(kind=RegionKind.VILLAGE)}
    for subject, (index, payload) in latest_by_subject(EntryKind.VILLAGE_BOARD).items():
        code, _, periods = subject.partition(":")
        first, _, last = periods.partition(":")
        village = villages.get(code)
        if village is None or canonical(board_payload(village_board(village, first, last))) != (
            payload
        ):
            yield Problem(f"board {subject}", f"the ledger now differs from entry {index}")
    for subject, (index, payload) in latest_by_subject(EntryKind.DIBAO_LIST).items():
        code, _, period = subject.rpartition(":")
        village = villages.get(code.split(":")[0])
        if (
            village is None
            or canonical(dibao_payload(village, period, dibao_list(village, period))) != payload
        ):
            yield Problem(f"dibao list {subject}", f"the ledger now differs from entry {index}")


def board_version() -> tuple[str, int]:
    """(the completed batches, the publication record's size): what a board page shows
    changes only when one of them does. One statement, as it is asked on every board request."""
    batches = connection.ops.quote_name(PayoutBatch._meta.db_table)
    checkpoints = connection.ops.quote_name(Checkpoint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), MAX(id), (SELECT MAX(size) FROM {checkpoints}) "  # noqa: S608
            f"FROM {batches} WHERE status = %s",
            [BatchStatus.COMPLETE.value],
        )
        count, last, size = cursor.fetchone()
    return f"{count}-{last}", size or 0


def board_items() -> list[SubsidyItem]:
    """The catalogue's items, by name, for a board's filter."""
    return list(SubsidyItem.objects.order_by("name"))


def paying_departments() -> list[Unit]:
    """The departments that pay an item of the catalogue, by name, for a board's filter."""
    return list(Unit.objects.filter(subsidy_items__isnull=False).distinct().order_by("name"))


def mapping_named(name: str, unit: Unit | None) -> ColumnMapping | None:
    """A department's column mapping by its name (the IT operator's: unit None)."""
    return ColumnMapping.of_unit(unit.pk if unit else None).filter(name=name).first()


def mappings_named(name: str) -> list[ColumnMapping]:
    """Every department's column mapping of that name (the command line names it alone)."""
    return list(ColumnMapping.objects.filter(name=name).select_related("unit"))
