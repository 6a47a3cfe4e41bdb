"""Writing what officials and villagers open in Excel: CSV and XLSX, never a formula (S20).

Text that starts like a formula (= + - @, tab, carriage return, and their full-width forms) is
prefixed with an apostrophe, so a spreadsheet shows it as text; amounts are written as numbers.
"""

import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from lianyun.core.filestore import download_response

TRIGGERS = "=+-@\t\r\x00＝＋－＠"


def escape_cell(value: str) -> str:
    if value and value[0] in TRIGGERS:
        return "'" + value
    return value


def xlsx(
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    footer: Sequence[str] = (),
) -> bytes:
    """One sheet: a title line, a header, the rows, then footer lines (e.g. the checkpoint)."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False})
    # The day, not the second: the same rows give the same file all day long.
    today = timezone.localdate()
    book.set_properties({"created": datetime.datetime(today.year, today.month, today.day)})  # noqa: DTZ001
    sheet = book.add_worksheet()
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "0.00"})
    top = 0
    if title:  # without one, the header is the first row (a file meant to be imported again)
        sheet.write_string(0, 0, escape_cell(title), bold)
        top = 1
    for column, name in enumerate(header):
        sheet.write_string(top, column, escape_cell(name), bold)
    row_number = top + 1
    for row in rows:
        for column, value in enumerate(row):
            if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
                sheet.write_number(row_number, column, float(value), money)
            else:
                sheet.write_string(
                    row_number, column, escape_cell("" if value is None else str(value))
                )
        row_number += 1
    for line in footer:
        row_number += 1
        sheet.write_string(row_number, 0, escape_cell(line))
    sheet.set_column(0, len(header) - 1, 14)
    book.close()
    return out.getvalue()


def download(data: bytes, filename: str) -> HttpResponse:
    """A workbook as an attachment, never opened in the browser."""
    return download_response(
        data, filename, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
