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
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from itertools import islice
from queue import Full, Queue
from typing import Any, TypeVar

import polars as pl
from django.utils.translation import gettext as _

from lianyun.core import crypto
from lianyun.core.idnumbers import birth_ok, well_formed
from lianyun.core.masking import mask_id_number
from lianyun.ledger.importer import (
    EXCEL_NUMBER,
    FIELDS,
    HEADERS,
    PRIVATE_USE,
    ZIP_MAGIC,
    GoodRow,
    ImportRefused,
    RowChecker,
    RowError,
    Source,
    _amount_text,
    _iso_date,
    _period,
    _rows_then_let_go,
    detect_encoding,
    excel_number,
    failed_or_paid,
    map_header,
    opened,
)
from lianyun.ledger.models import PAYOUT_ACCOUNT_CONTEXT, PAYOUT_ID_CONTEXT, PAYOUT_ROW_CONTEXT
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

# The good rows as the writer takes them, a column each, in this order.
# A block's good rows: their number in the file, then the fields of a checked row in order.
CLEAN: dict[str, Any] = {"number": pl.Int64} | {
    name: pl.Int64 if kind is int else pl.String
    for name, kind in typing.get_type_hints(GoodRow).items()
}


@dataclass
class Block:
    first: int  # the number of its first record in the file
    frame: pl.DataFrame  # one String column per header column, null where a cell is empty
    rows: list[list[str]] | None = None  # the records as the csv module read them, if it did
    odd: bool = True  # whether a cell may hold a character only Python's strip() takes away

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


class Reading:
    """One payout file: its encoding, its header's columns, and its records in blocks, which can
    be read again from the start."""

    def __init__(self, source: Source) -> None:
        self.source = opened(source)
        self.source.seek(0)
        self.xlsx = self.source.read(4) == ZIP_MAGIC
        if self.xlsx:
            self.encoding, self.codec, self.skip = "XLSX", "", 0
        else:
            self.encoding, self.codec, self.skip = detect_encoding(self.source)
        header, self.body = self._header()
        self.width = len(header)
        self.columns = map_header(header)

    def _header(self) -> tuple[list[str], int]:
        """The header row, and the byte offset where the records after it start (-1: the csv
        module reads the whole file)."""
        if self.xlsx:
            rows = self._sheet_rows()
            header = next(rows, None)
            if header is None:
                raise ImportRefused(_("The file is empty."))
            return header, 1
        self.source.seek(self.skip)
        line = self.source.readline(LONGEST_LINE)
        if not line:
            raise ImportRefused(_("The file is empty."))
        if _plain(line) and line.endswith(b"\n"):
            header = next(csv.reader([line.decode(self.codec)]), [])
            return header, self.skip + len(line)
        self.source.seek(self.skip)  # the csv module reads the whole file, header included
        with closing(self._csv_module_rows()) as rows:
            return next(rows, []), -1

    def _sheet_rows(self) -> Iterator[list[str]]:
        from lianyun.ledger.xlsx import read_xlsx

        self.source.seek(0)
        return read_xlsx(self.source.read())

    def blocks(self) -> Iterator[Block]:
        if self.xlsx:
            yield from self._sheet_blocks()
        else:
            yield from self._csv_blocks()

    def _sheet_blocks(self) -> Iterator[Block]:
        rows = self._sheet_rows()
        next(rows, None)
        yield from self._row_blocks(rows, 2)

    def _row_blocks(self, rows: Iterator[list[str]], number: int) -> Iterator[Block]:
        """Rows read one by one, ROWS to a block, the first of them numbered `number`."""
        while chunk := list(islice(rows, ROWS)):
            yield self._rows_block(number, chunk)
            number += len(chunk)

    def _csv_blocks(self) -> Iterator[Block]:
        """Blocks cut after their last line feed and split by Polars, until a quote or a lone
        carriage return is seen; from there on the csv module reads the rest of the file."""
        if self.body < 0:
            yield from self._csv_module_blocks(self.skip, 1)
            return
        offset = self.body  # where `pending` starts in the file
        self.source.seek(offset)
        number, pending = 2, b""
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

    def _csv_module_blocks(self, offset: int, number: int) -> Iterator[Block]:
        """The csv module's rows from offset on, the first of them numbered `number` (1 is the
        header, which is then passed over)."""
        self.source.seek(offset)
        with closing(self._csv_module_rows()) as rows:
            if number == 1:
                next(rows, None)
                number = 2
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


def _refuse_excel_numbers(checker: RowChecker, block: Block) -> None:
    """A file whose ID numbers Excel or WPS kept as numbers has lost their last digits on every
    row: it is refused at its first row, with how to fix it, before anything else is checked."""
    position = dict(checker.positions).get("id_number")
    if position is None or not block.frame.height:
        return
    value = block.frame.get_column(f"c{position}")[0]
    if value is not None and excel_number(value):
        raise ImportRefused(
            _("Row %(row)d, column %(column)s (%(value)s): %(reason)s"),
            {
                "row": block.first,
                "column": HEADERS["id_number"][0],
                "value": value.strip(),
                "reason": EXCEL_NUMBER,
            },
        )


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
    result = Checked()
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
        & ~pl.col("bank_account").str.contains(r"^[0-9](\.[0-9]+)?[eE]\+?[0-9]+$")
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
    for amount, times in good.group_by("amount").len().iter_rows():
        result.amount += Decimal(amount) * times
    private = good.filter(pl.col("name").str.contains(PRIVATE_USE.pattern)).get_column("number")
    result.private_use_rows.extend(private.to_list())
    slow = sorted(
        [
            *checks.filter(~pl.col("fine")).get_column("index").to_list(),
            *odd.get_column("index").to_list(),
        ]
    )
    slow_good = []
    for index in slow:
        row = block.row(index)
        if not "".join(row).strip():
            result.rows -= 1  # blank to Python's eye (the strip that only Python does)
            continue
        number = block.first + index
        outcome = checker.check(number, row)
        if isinstance(outcome, list):
            result.errors.extend(outcome)
            result.bad_rows.append([str(number), *row])
            continue
        slow_good.append((number, *outcome.as_good()))
        result.amount += outcome.amount
        if outcome.private_use:
            result.private_use_rows.append(number)
    if slow_good:
        slow_frame = pl.DataFrame(slow_good, schema=CLEAN, orient="row")
        good = pl.concat([good, slow_frame]).sort("number")
    result.good = good
    result.private_use_rows.sort()
    return result


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
