"""A payout file read and checked column by column: the import's path for the many good rows.

Reading. A CSV is read in blocks of about BLOCK bytes, each cut after its last line feed (in UTF-8,
GBK and GB18030 no byte of a multi-byte character is a line feed or a quote, so the cut is
found in the bytes), decoded with the file's own codec, and split into columns by Polars. From
the first quote or lone carriage return on, the csv module reads the rest of the file, a block
of rows at a time: it knows every quoting rule (a quote that opens a cell may hide a line feed;
one inside a cell is an ordinary character), and a platform's export has no quotes at all. An
XLSX sheet is taken a block of rows at a time. Every record keeps its number in the
file (the header is row 1), blank ones included, as the row-by-row reader numbers them.

Checking. Each block is a frame of text cells; check_frame gives the same outcome as
RowChecker.check row by row (a property test holds the two together): columns with few distinct
values (items, periods, amounts, dates, villages, statuses) are checked once per distinct value
with the row checker's own functions, ID numbers and names are checked by Polars expressions,
and any row that is wrong or unusual goes to RowChecker.check, which explains it.

Finishing. The good rows' ID numbers are encrypted and blind-indexed, and their row keys and
accounts blind-indexed, in worker processes (one per core; hashing holds the interpreter lock,
so threads would take turns), while this process checks the next block and the database writes
the one before. Nothing here writes to disk.
"""

import csv
import io
import multiprocessing
import os
import tempfile
import threading
import typing
from collections import Counter
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from itertools import islice
from queue import Full, Queue
from typing import Any, TypeVar

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.core import crypto
from lianyun.core.idnumbers import birth_ok, well_formed
from lianyun.core.masking import mask_bank_account, mask_card_number, mask_id_number
from lianyun.ledger.importer import (
    EXCEL_NUMBER,
    FIELDS,
    FORMS,
    HEADERS,
    PRIVATE_USE,
    ZIP_MAGIC,
    GoodRow,
    ImportRefused,
    Mapping,
    RowChecker,
    RowError,
    Source,
    UnknownLayout,
    _amount_text,
    _iso_date,
    _period,
    _rows_then_let_go,
    detect_encoding,
    excel_number,
    failed_or_paid,
    opened,
)
from lianyun.ledger.importer import (
    SCIENTIFIC as EXCEL_SCIENTIFIC,
)
from lianyun.ledger.layout import (
    HEADER_SEARCH,
    Layout,
    Passed,
    find_layout,
    looks_like_a_table,
    passed_row,
)
from lianyun.ledger.models import PAYOUT_ACCOUNT_CONTEXT, PAYOUT_ID_CONTEXT, PAYOUT_ROW_CONTEXT
from lianyun.ledger.values import read_amount, read_period
from lianyun.ledger.xlsx import Sheet, sheets
from lianyun.people.models import ID_CONTEXT

# A block's rows are held several times over while the next ones are read and checked and the
# worker processes finish those before: a 1,000,000-row import peaked at 524 MiB with 4 MiB
# blocks, 440 MiB with 3 MiB and 355 MiB with 2 MiB, with no difference in time beyond noise.
BLOCK = 3 << 20  # bytes of a CSV read at a time
ROWS = 32_768  # rows in a block at most (a BLOCK of payouts holds some 30,000)
LONGEST_LINE = 1 << 24  # bytes: a "line" longer than this is left to the csv module
# Python's str.strip() takes these as blanks, Polars' does not: a row holding one is checked
# row by row (it is never a real payout).
STRIP_ONLY_IN_PYTHON = "[\x1c-\x1f]"
ODD_BYTES = (b"\x1c", b"\x1d", b"\x1e", b"\x1f")  # the same characters, as bytes
BAD = "\x00"  # what a mapped check gives for a value that is present but wrong
SCIENTIFIC = f"^{EXCEL_SCIENTIFIC.pattern}$"  # importer.excel_number, for Polars

# The good rows as the writer takes them, a column each, in this order.
# A block's good rows: their number in the file, then the fields of a checked row in order.
CLEAN: dict[str, Any] = {"number": pl.Int64} | {
    name: pl.Int64 if kind is int else pl.String
    for name, kind in typing.get_type_hints(GoodRow).items()
}


@dataclass
class Block:
    first: int  # the number of its first record in the file (or in its sheet)
    frame: pl.DataFrame  # one String column per header column, null where a cell is empty
    rows: list[list[str]] | None = None  # the records as the csv module read them, if it did
    odd: bool = True  # whether a cell may hold a character only Python's strip() takes away
    sheet: str = ""  # the worksheet it is from, named when a workbook has several tables

    def row(self, index: int) -> list[str]:
        if self.rows is not None:
            return self.rows[index]
        cells = ["" if cell is None else cell for cell in self.frame.row(index)]
        while cells and not cells[-1]:
            cells.pop()
        return cells


@dataclass
class Checked:
    """A block after checking: its good rows as a frame, what was wrong with the rest."""

    rows: int = 0  # records read, blank ones left out
    good: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=CLEAN))
    errors: list[RowError] = field(default_factory=list)
    bad_rows: list[list[str]] = field(default_factory=list)
    amount: Decimal = Decimal("0")
    private_use_rows: list[int] = field(default_factory=list)
    sheet: str = ""
    bad_amount: Decimal = Decimal("0")  # the amounts that could be read in the bad rows
    passed: list[Passed] = field(default_factory=list)  # totals and signature rows, in order
    before: list[Decimal] = field(default_factory=list)  # each total's rows above, in this block
    forms: Counter[tuple[str, str]] = field(default_factory=Counter)  # (field, form): good rows


@dataclass(frozen=True)
class Note:
    """Something the reading passed over or took from elsewhere, for the import's summary."""

    kind: str  # blank, title, unit, other (above the header); hidden, no-table, sheet-period
    sheet: str = ""
    row: int = 0
    text: str = ""


# What a merged cell may stand for in every row it covers; a merged amount, name or number
# would be counted once per row, so such a sheet is refused instead.
SHARED = {
    "item",
    "period",
    "paid_on",
    "town",
    "village",
    "village_code",
    "status",
    "failure_reason",
    "department",
    "handled_on",
    "category",
    "approved_on",
}


@dataclass
class SheetTable:
    sheet: Sheet
    header: int  # the number of the header's last row
    columns: dict[str, int]
    period: str | None  # the month the sheet's name gives, when it has no column for it

    @property
    def name(self) -> str:
        return self.sheet.name


class Reading:
    """One payout file: its encoding, where its table is and its columns, and its records in
    blocks, which can be read again from the start."""

    def __init__(self, source: Source, mapping: Mapping | None = None) -> None:
        self.source = opened(source)
        self.source.seek(0)
        self.mapping = mapping
        self.notes: list[Note] = []
        self.xlsx = self.source.read(4) == ZIP_MAGIC
        self.first = 2  # the number of the first record after the header
        self.tables: list[SheetTable] = []
        if self.xlsx:
            self.encoding, self.codec, self.skip = "XLSX", "", 0
            self._workbook()
        else:
            self.encoding, self.codec, self.skip = detect_encoding(self.source)
            self._csv_head()

    def _above(self, layout: Layout, sheet: str = "") -> None:
        self.notes.extend(Note(row.kind, sheet, row.row, row.text) for row in layout.above)

    def _csv_head(self) -> None:
        """The header among the first lines, and the byte offset where the records after it
        start (-1: the csv module reads the whole file)."""
        self.source.seek(self.skip)
        lines: list[bytes] = []
        while len(lines) < HEADER_SEARCH and (line := self.source.readline(LONGEST_LINE)):
            lines.append(line)
        if not lines:
            raise ImportRefused(gettext_lazy("The file is empty."))
        # Lines with no quote are a record each: up to the first that has one, the lines
        # are the records, and the header found among them starts Polars' path after it.
        plain = next((at for at, line in enumerate(lines) if not _plain(line)), len(lines))
        if plain == len(lines):
            rows = [next(csv.reader([line.decode(self.codec)]), []) for line in lines]
        else:
            self.source.seek(self.skip)
            with closing(self._csv_module_rows()) as reader:
                rows = list(islice(reader, HEADER_SEARCH))
        layout = find_layout(rows, self.mapping)
        self._above(layout)
        head = lines[: layout.header]
        if layout.header <= plain and head[-1].endswith(b"\n"):
            self.body = self.skip + sum(len(line) for line in head)
        else:
            self.body = -1
        self.first = layout.header + 1
        self.width = max(len(row) for row in rows[: layout.header])
        self.columns = layout.columns

    def _workbook(self) -> None:
        """Every visible worksheet holding a payout table, each with its own header; their
        records are read in the order of the fields (FIELDS), whatever a sheet's order."""
        self.source.seek(0)
        first_refusal: ImportRefused | None = None
        for sheet in sheets(self.source.read()):
            if not sheet.visible:
                self.notes.append(Note("hidden", sheet.name))
                continue
            head = list(islice(sheet.rows(), HEADER_SEARCH))
            named = read_period(sheet.name)
            try:
                layout = find_layout(head, self.mapping, period_given=named is not None)
            except UnknownLayout as refusal:
                if looks_like_a_table(head):
                    raise refusal.in_sheet(sheet.name) from None
                first_refusal = first_refusal or refusal
                self.notes.append(Note("no-table", sheet.name))
                continue
            period = None
            if "period" not in layout.columns and named is not None:
                period = named[0]
                self.notes.append(Note("sheet-period", sheet.name, text=period))
            self.tables.append(SheetTable(sheet, layout.header, layout.columns, period))
            self._above(layout, sheet.name)
        if not self.tables:
            raise first_refusal or ImportRefused(gettext_lazy("The file is empty."))
        if len(self.tables) == 1:  # one table: its rows are named by number alone
            self.notes = [replace(note, sheet="") for note in self.notes]
        fields = {name for table in self.tables for name in table.columns}
        if any(table.period for table in self.tables):
            fields.add("period")
        self.columns = {name: at for at, name in enumerate(FIELDS) if name in fields}
        self.width = len(FIELDS)
        self.first = self.tables[0].header + 1

    def blocks(self) -> Iterator[Block]:
        if self.xlsx:
            yield from self._sheet_blocks()
        else:
            yield from self._csv_blocks()

    def _sheet_blocks(self) -> Iterator[Block]:
        several = len(self.tables) > 1
        for table in self.tables:
            records = self._sheet_records(table)
            for block in self._row_blocks(records, table.header + 1):
                block.sheet = table.name if several else ""
                yield block

    def _sheet_records(self, table: SheetTable) -> Iterator[list[str]]:
        """A sheet's records below its header, each laid out in the order of FIELDS (then its
        own cells as the sheet has them): a cell merged down several rows stands in each of
        them (a village merged over its people), and the month comes from the sheet's name
        when it has no column for it."""
        by_position = {at: name for name, at in table.columns.items()}
        down: dict[int, list[tuple[int, int]]] = {}  # row → (column, the merge's first row)
        starts: dict[int, list[int]] = {}  # row → the columns of merges that start there
        for top, left, bottom, _right in table.sheet.merged:
            name = by_position.get(left)
            if bottom <= top or top < table.header or name is None:
                continue
            if name not in SHARED:
                raise ImportRefused(
                    gettext_lazy(
                        "%(where)sRows %(first)d to %(last)d, column %(column)s: the cell is "
                        "merged over several rows. Unmerge it and give each row its own value."
                    ),
                    {
                        "where": f"{table.name}: " if len(self.tables) > 1 else "",
                        "first": top + 1,
                        "last": bottom + 1,
                        "column": HEADERS[name][0],
                    },
                )
            starts.setdefault(top, []).append(left)
            for covered in range(top + 1, bottom + 1):
                down.setdefault(covered, []).append((left, top))
        source = [table.columns.get(name, -1) for name in FIELDS]
        period_at = FIELDS.index("period")
        kept: dict[tuple[int, int], str] = {}  # (first row, column) → the merged cell's value
        for index, row in enumerate(table.sheet.rows()):
            if index < table.header:
                continue
            for left in starts.get(index, ()):
                kept[(index, left)] = row[left] if left < len(row) else ""
            for left, top in down.get(index, ()):
                row.extend([""] * (left + 1 - len(row)))
                row[left] = kept.get((top, left), "")
            width = len(row)
            laid = [row[at] if 0 <= at < width else "" for at in source]
            if table.period is not None:
                laid[period_at] = table.period
            # The sheet's own cells follow, past the fields: what a totals row says in a
            # column no field has (合计 under 序号), and what a bad row is kept aside with.
            yield [*laid, *row]

    def _row_blocks(self, rows: Iterator[list[str]], number: int) -> Iterator[Block]:
        """Rows read one by one, ROWS to a block, the first of them numbered `number`."""
        while chunk := list(islice(rows, ROWS)):
            yield self._rows_block(number, chunk)
            number += len(chunk)

    def _csv_blocks(self) -> Iterator[Block]:
        """Blocks cut after their last line feed and split by Polars, until a quote or a lone
        carriage return is seen; from there on the csv module reads the rest of the file."""
        if self.body < 0:
            yield from self._csv_module_blocks(self.skip, self.first, self.first - 1)
            return
        offset = self.body  # where `pending` starts in the file
        self.source.seek(offset)
        number, pending = self.first, b""
        while True:
            block = self.source.read(BLOCK)
            data = pending + block
            cut = data.rfind(b"\n") + 1 if block else len(data)
            records = data[:cut]
            if not _plain(records) or len(data) > LONGEST_LINE:
                yield from self._csv_module_blocks(offset, number)
                return
            if records:
                parsed = self._text_block(number, records)
                for start in range(0, parsed.frame.height, ROWS):
                    yield Block(
                        number + start,
                        parsed.frame.slice(start, ROWS),
                        None if parsed.rows is None else parsed.rows[start : start + ROWS],
                        parsed.odd,
                    )
                number += parsed.frame.height
                offset += cut
            if not block:
                return
            pending = data[cut:]

    def _csv_module_rows(self) -> Generator[list[str]]:
        """The csv module's rows from where the file is (which it lets go of, unclosed)."""
        return _rows_then_let_go(io.TextIOWrapper(self.source, encoding=self.codec, newline=""))

    def _csv_module_blocks(self, offset: int, number: int, passed: int = 0) -> Iterator[Block]:
        """The csv module's rows from offset on, after the first `passed` of them (the rows
        down to the header), the first numbered `number`."""
        self.source.seek(offset)
        with closing(self._csv_module_rows()) as rows:
            for _row in islice(rows, passed):
                pass
            yield from self._row_blocks(rows, number)

    def _text_block(self, first: int, data: bytes) -> Block:
        """Records with no quote and no lone carriage return, split by Polars (by the csv
        module if a row is longer than the header)."""
        utf8 = data if self.codec == "utf-8" else data.decode(self.codec).encode()
        try:
            frame = pl.read_csv(
                io.BytesIO(utf8),
                has_header=False,
                infer_schema=False,
                quote_char=None,
                schema=self._schema(),
                missing_columns="insert",
            )
        except pl.exceptions.PolarsError:  # a row longer than the header, say
            text = utf8.decode()
            return self._rows_block(first, list(csv.reader(io.StringIO(text, newline=""))))
        # No byte of a multi-byte character in UTF-8, GBK or GB18030 is below 0x40.
        return Block(first, frame, odd=any(byte in data for byte in ODD_BYTES))

    def _schema(self) -> dict[str, Any]:
        return {f"c{index}": pl.String for index in range(self.width)}

    def _rows_block(self, first: int, rows: list[list[str]]) -> Block:
        width = self.width
        cells = [(row + [""] * (width - len(row)))[:width] for row in rows]
        frame = pl.DataFrame(cells, schema=self._schema(), orient="row")
        frame = frame.with_columns(pl.all().replace("", None))
        return Block(first, frame, rows)

    def checked(self, checker: RowChecker) -> Iterator[Checked]:
        blocks = self.blocks()
        first = next(blocks, None)
        if first is None:
            return
        _refuse_excel_numbers(checker, first)
        yield check_frame(checker, first)
        for block in blocks:
            yield check_frame(checker, block)


# The columns Excel may have rounded, and how each is shown when it was written out in full.
MASKS: dict[str, Callable[[str], str]] = {
    "id_number": mask_id_number,
    "card_number": mask_card_number,
    "bank_account": mask_bank_account,
}
NUMBER_COLUMNS = tuple(MASKS)
LOOKED_AT = 10  # first rows whose long numbers tell whether Excel rounded a column
ROUNDED_SEEN = 3  # distinct numbers among them, each rounded, that tell it


def _refuse_excel_numbers(checker: RowChecker, block: Block) -> None:
    """A file whose ID, card or account numbers Excel or WPS kept as numbers has lost their
    last digits on every row: it is refused at its first row, with how to fix it, before
    anything else is checked. A column is taken for one Excel rounded when its first row is in
    scientific form, or when its first rows hold at least three different numbers and each
    has more than 15 digits and only zeros after the 15th (one such number is a real one in a
    thousand; three different ones, never)."""
    for name in NUMBER_COLUMNS:
        position = checker.columns.get(name)
        if position is None or not block.frame.height:
            continue
        cells = block.frame.get_column(f"c{position}").head(LOOKED_AT).to_list()
        values = [cell.strip() for cell in cells if cell and cell.strip()]
        if not values:
            continue
        distinct = set(values)
        rounded = len(distinct) >= ROUNDED_SEEN and all(map(_rounded_by_excel, distinct))
        if excel_number(values[0]) or rounded:
            raise ImportRefused(
                _("Row %(row)d, column %(column)s (%(value)s): %(reason)s"),
                {
                    "row": block.first + cells.index(next(c for c in cells if c and c.strip())),
                    "column": HEADERS[name][0],
                    "value": values[0] if excel_number(values[0]) else MASKS[name](values[0]),
                    "reason": EXCEL_NUMBER,
                },
            )


def _rounded_by_excel(value: str) -> bool:
    """More than 15 digits, and nothing but zeros after the 15th: what Excel writes out for a
    long number it kept as a number."""
    digits = value.replace(" ", "")
    return len(digits) > 15 and digits.isdigit() and not digits[15:].strip("0")


def _plain(data: bytes) -> bool:
    """No quote and no carriage return but before a line feed: what Polars splits as the csv
    module would."""
    return b'"' not in data and data.count(b"\r") == data.count(b"\r\n")


def mapped(column: pl.Expr, values: pl.Series, check: Callable[[str], Any]) -> pl.Expr:
    """check of each distinct value in `values`, looked up for each row of `column`: a check
    that returns None gives null, False gives BAD, anything else its text."""
    distinct = values.unique().to_list()
    outcome = []
    for value in distinct:
        result = check(value)
        outcome.append(None if result is None else BAD if result is False else str(result))
    return column.replace_strict(distinct, outcome, default=None, return_dtype=pl.String)


def check_frame(checker: RowChecker, block: Block) -> Checked:
    """The block's rows checked column by column, with the outcome of checker.check."""
    frame = block.frame
    result = Checked(sheet=block.sheet)
    if not frame.height:
        return result
    raw = pl.concat_str(pl.all().exclude("index"), ignore_nulls=True)
    odd_cells = pl.any_horizontal(pl.all().exclude("index").str.contains(STRIP_ONLY_IN_PYTHON))
    frame = frame.with_row_index("index").with_columns(
        odd=odd_cells.fill_null(value=False) if block.odd else pl.lit(value=False),
        blank=raw.str.strip_chars() == "",
    )
    text = {name: pl.lit("") for name in FIELDS}
    for name, position in checker.positions:
        text[name] = pl.col(f"c{position}").fill_null("").str.strip_chars()
    values = frame.select(index="index", odd="odd", blank="blank", **text)
    values = values.filter(~pl.col("blank") | pl.col("odd"))
    odd = values.filter(pl.col("odd"))
    values = values.filter(~pl.col("odd"))
    result.rows = values.height + odd.height

    def column(name: str) -> pl.Series:
        return values.get_column(name)

    formed = well_formed(pl.col("id_number")).fill_null(value=False)
    births = values.filter(formed).get_column("id_number").str.slice(6, 8)
    villages = pl.concat_str(["village_code", "town", "village"], separator="\x1f")
    village_keys = values.select(villages).to_series()
    checks = values.with_columns(
        item_id=mapped(pl.col("item"), column("item"), checker.items.get).cast(pl.Int64),
        period_=mapped(pl.col("period"), column("period"), _period),
        amount_=mapped(pl.col("amount"), column("amount"), _amount_text),
        paid_on_=mapped(pl.col("paid_on"), column("paid_on"), _iso_date),
        approved_on_=mapped(pl.col("approved_on"), column("approved_on"), _iso_date),
        approved_amount_=mapped(
            pl.col("approved_amount"),
            column("approved_amount"),
            lambda text: _amount_text(text) or False if text else None,
        ),
        village_id=mapped(villages, village_keys, checker.village_by_key).cast(pl.Int64),
        status_=mapped(pl.col("status"), column("status"), failed_or_paid),
        born_=mapped(pl.col("id_number").str.slice(6, 8), births, birth_ok),
    )
    fine = (
        formed
        & (pl.col("born_") == "True")
        & pl.col("name").str.len_chars().is_between(1, 32)
        & pl.col("item_id").is_not_null()
        & ~pl.col("item_id").is_in(list(checker.foreign))
        & pl.col("period_").is_not_null()
        & pl.col("amount_").is_not_null()
        & pl.col("village_id").is_not_null()
        & (pl.col("paid_on_").fill_null("") != BAD)
        & (pl.col("approved_on_").fill_null("") != BAD)
        & (pl.col("approved_amount_").fill_null("") != BAD)
        & pl.col("bank_account").str.contains(r"^[\x00-\x7f]*$")
        & ~pl.col("bank_account").str.contains(SCIENTIFIC)
        & ~pl.col("card_number").str.contains(SCIENTIFIC)
    ).fill_null(value=False)
    checks = checks.with_columns(fine=fine)
    serial = pl.col("serial")
    good = checks.filter("fine").select(
        number=pl.col("index").cast(pl.Int64) + block.first,
        canonical=pl.when(serial != "")
        .then(pl.lit("serial:") + serial)
        .otherwise(
            pl.concat_str(
                [
                    "id_number",
                    pl.col("item_id").cast(pl.String),
                    "period_",
                    "amount_",
                    pl.col("village_id").cast(pl.String),
                ],
                separator="|",
            )
        ),
        serial=pl.when(serial != "").then(serial),
        id_number="id_number",
        name="name",
        item_id="item_id",
        period="period_",
        amount="amount_",
        paid_on="paid_on_",
        village_id="village_id",
        account=pl.col("bank_account").str.replace_all("[^0-9]", ""),
        status="status_",
        failure_reason=pl.col("failure_reason").str.slice(0, 100),
        category=pl.col("category").str.slice(0, 16),
        approved_amount="approved_amount_",
        approved_on="approved_on_",
        born_on=pl.concat_str(
            [
                pl.col("id_number").str.slice(6, 4),
                pl.col("id_number").str.slice(10, 2),
                pl.col("id_number").str.slice(12, 2),
            ],
            separator="-",
        ),
    )
    result.amount += _sum_of(good)
    private = good.filter(pl.col("name").str.contains(PRIVATE_USE.pattern)).get_column("number")
    result.private_use_rows.extend(private.to_list())
    slow = sorted(
        [
            *checks.filter(~pl.col("fine")).get_column("index").to_list(),
            *odd.get_column("index").to_list(),
        ]
    )
    _count_forms(checker, checks.filter("fine"), result.forms)
    slow_good = []
    bad_amounts: list[tuple[int, Decimal]] = []
    for index in slow:
        row = block.row(index)
        if not "".join(row).strip():
            result.rows -= 1  # blank to Python's eye (the strip that only Python does)
            continue
        number = block.first + index
        passed = passed_row(number, row, checker.columns)
        if passed is not None:  # a totals or signature row: not a payout
            result.rows -= 1
            result.passed.append(passed)
            continue
        outcome = checker.check(number, row)
        if isinstance(outcome, list):
            if block.sheet:
                outcome = [replace(error, sheet=block.sheet) for error in outcome]
            result.errors.extend(outcome)
            result.bad_rows.append([_where(block.sheet, number), *row])
            amount = read_amount(checker.values(row)["amount"])
            if amount is not None:
                bad_amounts.append((number, amount[0]))
                result.bad_amount += amount[0]
            continue
        slow_good.append((number, *outcome.as_good()))
        result.forms.update(checker.forms(row))
        result.amount += outcome.amount
        if outcome.private_use:
            result.private_use_rows.append(number)
    if slow_good:
        slow_frame = pl.DataFrame(slow_good, schema=CLEAN, orient="row")
        good = pl.concat([good, slow_frame]).sort("number")
    result.good = good
    result.private_use_rows.sort()
    for passed in result.passed:
        if passed.kind == "total":
            above = good.filter(pl.col("number") < passed.row)
            amounts = sum((a for n, a in bad_amounts if n < passed.row), Decimal(0))
            result.before.append(_sum_of(above) + amounts)
    return result


def _where(sheet: str, number: int) -> str:
    """A row as the quarantine names it: its number, after its sheet's name when it has one."""
    return f"{sheet}!{number}" if sheet else str(number)


def _sum_of(good: pl.DataFrame) -> Decimal:
    """The good rows' amounts, added up exactly (as decimal text, counted per distinct value)."""
    total = Decimal(0)
    for amount, times in good.group_by("amount").len().iter_rows():
        total += Decimal(amount) * times
    return total


def _count_forms(checker: RowChecker, fine: pl.DataFrame, forms: Counter[tuple[str, str]]) -> None:
    """How many good rows have each value written in each form other than the stored one,
    reading each distinct value once."""
    for name, form_of in FORMS.items():
        if name not in checker.columns:
            continue
        for value, times in fine.get_column(name).value_counts().iter_rows():
            if form := form_of(value):
                forms[(name, form)] += times


# Worker processes: each finishes a block's ID numbers, row keys and accounts.


@cache
def _makers() -> tuple[
    Callable[[list[str]], list[bytes]],
    Callable[[str], str],
    Callable[[str], str],
    Callable[[str], str],
]:
    return (
        crypto.encrypter(PAYOUT_ID_CONTEXT),
        crypto.blind_indexer(PAYOUT_ROW_CONTEXT, size=crypto.KEY_BYTES),
        crypto.blind_indexer(ID_CONTEXT, size=crypto.KEY_BYTES),
        crypto.blind_indexer(PAYOUT_ACCOUNT_CONTEXT, size=crypto.KEY_BYTES),
    )


Secrets = tuple[list[str], list[bytes], list[str], list[str], list[str]]


def finish(canonicals: list[str], ids: list[str], accounts: list[str]) -> Secrets:
    """(row keys, sealed ID numbers, ID blind indexes, masked ID numbers, account indexes)."""
    seal, row_key, person, account_key = _makers()
    return (
        [row_key(value) for value in canonicals],
        seal(ids),
        [person(value) for value in ids],
        [mask_id_number(value) for value in ids],
        [account_key(value) if value else "" for value in accounts],
    )


# What a finished block no longer holds: the ID number and the account in the clear, and the
# canonical text of the row its key was made from.
CLEAR = ("canonical", "id_number", "account")


def with_secrets(good: pl.DataFrame, secrets: Secrets) -> pl.DataFrame:
    """The block as it is written: the ID number sealed, masked and blind-indexed, the account
    blind-indexed with its last four digits, and nothing of either in the clear."""
    row_keys, sealed, persons, masked, account_keys = secrets
    return good.with_columns(
        row_key=pl.Series(row_keys, dtype=pl.String),
        id_number_encrypted=pl.Series(sealed, dtype=pl.Binary),
        id_number_index=pl.Series(persons, dtype=pl.String),
        id_number_masked=pl.Series(masked, dtype=pl.String),
        account_index=pl.Series(account_keys, dtype=pl.String),
        account_last4=pl.col("account").str.slice(-4),
    ).drop(CLEAR)


SMALL = 4_000  # rows: a block this small is finished here, not sent to a worker


def finished(blocks: Iterator[pl.DataFrame]) -> Iterator[pl.DataFrame]:
    """Each block of good rows with its secrets, in order, worked on by a process per core up
    to a few blocks ahead of the consumer."""
    pool: ProcessPoolExecutor | None = None
    pending: list[tuple[pl.DataFrame, Future[Secrets] | Secrets]] = []
    workers = max(1, os.cpu_count() or 1)
    try:
        for good in blocks:
            columns = (
                good.get_column("canonical").to_list(),
                good.get_column("id_number").to_list(),
                good.get_column("account").to_list(),
            )
            if good.height < SMALL:
                pending.append((good, finish(*columns)))
            else:
                if pool is None:
                    # fork: the workers share this process's settings and keys without
                    # reading them again; they use neither Polars nor the database.
                    pool = ProcessPoolExecutor(
                        workers, mp_context=multiprocessing.get_context("fork")
                    )
                pending.append((good, pool.submit(finish, *columns)))
            while len(pending) > workers:
                yield _done(*pending.pop(0))
        while pending:
            yield _done(*pending.pop(0))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)


def _done(good: pl.DataFrame, secrets: Future[Secrets] | Secrets) -> pl.DataFrame:
    return with_secrets(good, secrets.result() if isinstance(secrets, Future) else secrets)


class Stash:
    """Finished blocks kept between the check and the write, so that the file is read once.

    They are finished, so no ID number or account is in them in the clear. Even so, each
    block is sealed (AES-256-GCM) under a key that lives only in this object, in a temporary
    file that has no name: when the import ends, or its process dies, nothing can read them.
    A block is kept in Arrow's IPC format, which Polars writes and reads without a per-row
    step.
    """

    def __init__(self) -> None:
        self._seal = crypto.OneTimeSeal()
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._count = 0

    def put(self, block: pl.DataFrame) -> None:
        buffer = io.BytesIO()
        block.write_ipc(buffer, compression="uncompressed")
        sealed = self._seal.seal(self._count, buffer.getvalue())
        self._file.write(len(sealed).to_bytes(8, "big") + sealed)
        self._count += 1

    def blocks(self) -> Iterator[pl.DataFrame]:
        """The blocks in the order they were put."""
        self._file.seek(0)
        for number in range(self._count):
            size = int.from_bytes(self._file.read(8), "big")
            yield pl.read_ipc(io.BytesIO(self._seal.open(number, self._file.read(size))))

    def close(self) -> None:
        self._file.close()


T = TypeVar("T")
_END = object()


def ahead(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """items, made in a thread of their own up to `depth` ahead of the consumer, so that
    reading, checking and waiting on the worker processes overlap with the database's writing
    (Polars and the driver let go of the interpreter while they work). If the consumer stops,
    so does the thread, and items is closed."""
    queue: Queue[tuple[object, BaseException | None]] = Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: object, error: BaseException | None = None) -> bool:
        while not stop.is_set():
            try:
                queue.put((item, error), timeout=0.1)
            except Full:
                continue
            return True
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
            put(_END)
        except BaseException as error:
            put(_END, error)
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    thread = threading.Thread(target=produce, name="payout-blocks", daemon=True)
    thread.start()
    try:
        while True:
            item, error = queue.get()
            if error is not None:
                raise error
            if item is _END:
                return
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        thread.join()
