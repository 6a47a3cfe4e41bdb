"""XLSX through python-calamine, after checks that stop zip and XML bombs before expansion."""

import datetime
import io
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy

from lianyun.ledger.importer import ImportRefused

MAX_MEMBERS = 200
MAX_UNCOMPRESSED = 512 * 1024 * 1024
MAX_RATIO = 200
# What a damaged archive raises while it is opened or read.
BROKEN = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    OSError,
)


def _not_xlsx() -> ImportRefused:
    return ImportRefused(gettext_lazy("The file looks like Excel but is not a valid XLSX."))


def check_zip(data: bytes) -> None:
    try:
        _check_zip(data)
    except BROKEN:
        raise _not_xlsx() from None


def _check_zip(data: bytes) -> None:
    archive = zipfile.ZipFile(io.BytesIO(data))
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    compressed = max(1, sum(member.compress_size for member in members))
    if len(members) > MAX_MEMBERS or total > MAX_UNCOMPRESSED or total / compressed > MAX_RATIO:
        raise ImportRefused(
            gettext_lazy("The XLSX file expands too much to be a real payout list.")
        )
    for member in members:
        if member.filename.startswith("/") or ".." in member.filename:
            raise ImportRefused(gettext_lazy("The XLSX file has a suspicious member name."))
        if member.filename.endswith(".xml") or member.filename.endswith(".rels"):
            with archive.open(member) as handle:  # the head only, never the whole member
                head = handle.read(4096)
            if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                raise ImportRefused(
                    gettext_lazy("The XLSX file declares XML entities; it is refused.")
                )


@dataclass(frozen=True)
class Sheet:
    """A worksheet, parsed once: its rows can be read again without parsing it again."""

    index: int
    name: str
    visible: bool
    merged: list[tuple[int, int, int, int]]  # (first row, first column, last row, last column)
    parsed: Any  # calamine's sheet

    def rows(self) -> Iterator[list[str]]:
        """Its rows as text, the sheet's first row first; columns from the first one its cells
        start at (as `merged` counts them)."""
        return _texts(self.parsed)


def _workbook(data: bytes) -> Any:
    check_zip(data)
    from python_calamine import CalamineWorkbook

    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine's own errors for a damaged workbook
        raise _not_xlsx() from None


def sheets(data: bytes) -> list[Sheet]:
    """The workbook's worksheets in order, each parsed once, with its merged cells."""
    from python_calamine import SheetTypeEnum, SheetVisibleEnum

    workbook = _workbook(data)
    found = []
    try:
        for index, meta in enumerate(workbook.sheets_metadata):
            if meta.typ != SheetTypeEnum.WorkSheet:
                continue
            sheet = workbook.get_sheet_by_index(index)
            left = sheet.start[1] if sheet.start else 0
            merged = [
                (top, first - left, bottom, last - left)
                for (top, first), (bottom, last) in sheet.merged_cell_ranges or []
            ]
            visible = meta.visible == SheetVisibleEnum.Visible
            found.append(Sheet(index, meta.name, visible, merged, sheet))
    except Exception:
        raise _not_xlsx() from None
    return found


def read_xlsx(data: bytes) -> Iterator[list[str]]:
    """The first worksheet's rows as text."""
    return _texts(_workbook(data).get_sheet_by_index(0))


def _texts(parsed: Any) -> Iterator[list[str]]:
    """A parsed sheet's rows, each cell as text."""
    try:
        for row in parsed.iter_rows():
            yield [cell if type(cell) is str else _text(cell) for cell in row]
    except Exception:  # calamine's own errors for a damaged sheet: the file is refused
        raise _not_xlsx() from None


# Excel keeps 15 significant digits of a number and shows no more: a whole number beyond them
# (an ID, card or account number typed into a number cell) is shown as Excel shows it, in
# scientific form, so that the check can say what happened rather than find a wrong check digit;
# a fraction is shown with its 15 digits (12.340000000000002, a formula's sum, is 12.34).
EXCEL_DIGITS = 10**15


def _text(cell: object) -> str:
    if isinstance(cell, float):
        if cell.is_integer():
            return format(cell, ".6G") if abs(cell) >= EXCEL_DIGITS else str(int(cell))
        return format(cell, ".15G")
    if isinstance(cell, datetime.datetime) and cell.time() == datetime.time():
        return cell.date().isoformat()
    return "" if cell is None else str(cell)
