"""Finding the table in a clerk's sheet: the header below a title and a unit line, a header
laid over two rows with merged cells, and the totals and signature lines below the payouts.

A 花名册 as a town office makes it in Excel or WPS starts with a title ("平昌县2026年惠民惠农
补贴资金发放花名册"), a unit line ("单位：元") and blank rows, then the header, sometimes over two
rows ("金额" merged over "应发" and "实发", "姓名" merged down both rows), then the payouts, and
ends with a 合计 row and a line for who made and checked it. The header is looked for in the
first HEADER_SEARCH rows; what is passed over is named in the import's summary, and a totals row
is reconciled with the rows above it, never imported.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy

from lianyun.ledger.importer import (
    LONG_DIGITS,
    SPACES,
    ImportRefused,
    Mapping,
    UnknownLayout,
    column_fields,
    header_key,
    missing_fields,
)
from lianyun.ledger.values import read_amount

HEADER_SEARCH = 20  # rows of a sheet in which the header is looked for
TITLE_TEXT = 60  # characters of a title row the summary repeats
TOTAL_WORDS = re.compile("合计|总计|小计|共计")
FOOTER_WORDS = re.compile(
    "(制表|填表|审核|复核|审批|负责人|经办|分管领导|主要领导|说明|注[:：]|备注|盖章|签字|日期)"
)
ID_LIKE = re.compile(r"[0-9]{15}")


@dataclass(frozen=True)
class Above:
    """A row above the header that was passed over."""

    row: int
    kind: str  # blank, title, unit, other
    text: str = ""  # a title's or unit line's text (never a row that may hold a person's data)


@dataclass(frozen=True)
class Layout:
    header: int  # the number of the header's (last) row; the payouts start below it
    columns: dict[str, int]
    above: list[Above] = field(default_factory=list)


def _cells(row: list[str]) -> list[str]:
    return [cell.strip() for cell in row if cell.strip()]


def _above(rows: list[list[str]]) -> list[Above]:
    passed: list[Above] = []
    for number, row in enumerate(rows, start=1):
        cells = _cells(row)
        if not cells:
            passed.append(Above(number, "blank"))
            continue
        text = " ".join(cells)
        kind = "unit" if "单位" in text else "title" if len(cells) == 1 else "other"
        safe = kind != "other" and not LONG_DIGITS.search(text)
        passed.append(Above(number, kind, text[:TITLE_TEXT] if safe else ""))
    return passed


def _two_rows(top: list[str], bottom: list[str], mapping: Mapping | None) -> list[str]:
    """One header made of two: a column's name is its lower cell, or the upper one above it
    (merged down both rows, or merged across the columns it heads), whichever is a known
    header; "金额" over "实发" is tried as "金额实发" too."""
    width = max(len(top), len(bottom))
    top = [cell.strip() for cell in top] + [""] * (width - len(top))
    bottom = [cell.strip() for cell in bottom] + [""] * (width - len(bottom))
    known = {header_key(text) for text in (mapping or {}).values() if text}
    names: list[str] = []
    heading = ""  # the upper cell over this column, carried across a merged heading
    for column in range(width):
        lower = bottom[column]
        spans = not top[column] and lower and column and bottom[column - 1]
        heading = heading if spans else top[column]
        candidates = [lower, heading + lower, heading]
        known_ones = [
            name
            for name in candidates
            if name and (header_key(name) in known or column_fields([name]))
        ]
        names.append(known_ones[0] if known_ones else lower or heading)
    return names


def find_layout(
    rows: list[list[str]], mapping: Mapping | None = None, *, period_given: bool = False
) -> Layout:
    """The header among the first rows (one row, or two read as one), or ImportRefused naming
    what the likeliest row lacks. `period_given`: the month comes from elsewhere (the sheet's
    name), so the header need not have a column for it."""
    rows = rows[:HEADER_SEARCH]

    def lacks(columns: dict[str, int]) -> list[str]:
        return [f for f in missing_fields(columns) if not (period_given and f == "period")]

    best: dict[str, int] = {}
    likeliest: list[str] = max(rows, key=lambda row: len(_cells(row)), default=[])
    for index, row in enumerate(rows):
        columns = column_fields(row, mapping)
        if not lacks(columns):
            below = rows[index + 1] if index + 1 < len(rows) else []
            if below and not any(ID_LIKE.search(cell) for cell in below):
                # "金额" over "应发" and "实发": the row below names more, so it is the header's too
                both_rows = column_fields(_two_rows(row, below, mapping), mapping)
                if len(both_rows) > len(columns) and not lacks(both_rows):
                    return Layout(index + 2, both_rows, _above(rows[:index]))
            return Layout(index + 1, columns, _above(rows[:index]))
        if len(columns) > len(best):
            best, likeliest = columns, row
    for index in range(len(rows) - 1):
        columns = column_fields(_two_rows(rows[index], rows[index + 1], mapping), mapping)
        if not lacks(columns):
            return Layout(index + 2, columns, _above(rows[:index]))
    if not any(_cells(row) for row in rows):
        raise ImportRefused(gettext_lazy("The file is empty."))
    raise UnknownLayout(lacks(best), likeliest)


def looks_like_a_table(rows: list[list[str]]) -> bool:
    """Whether a sheet holds more than notes: some row with four or more cells filled."""
    return any(len(_cells(row)) >= 4 for row in rows)


@dataclass(frozen=True)
class Passed:
    """A row below the header that is not a payout: a totals row or a signature line."""

    row: int
    kind: str  # total, footer
    label: str = ""  # 合计, 小计 … as the row says it
    stated: Decimal | None = None  # a totals row's amount
    written: str = ""  # the amount cell as written, when it is not an amount


def passed_row(number: int, row: list[str], columns: dict[str, int]) -> Passed | None:
    """A totals row (合计/总计/小计/共计 in a short cell) or a signature or note line (制表人,
    审核人, 说明 … starting a cell, and nothing in the amount column that is an amount),
    neither holding an ID number; else None."""
    if any(ID_LIKE.search(cell) for cell in row):
        return None
    amount_at = columns.get("amount")
    amount = row[amount_at].strip() if amount_at is not None and amount_at < len(row) else ""
    for cell in row:
        text = SPACES.sub("", cell)
        if not text:
            continue
        if len(text) <= 10 and (word := TOTAL_WORDS.search(text)):
            read = read_amount(amount) if amount else None
            return Passed(
                number,
                "total",
                word.group(0),
                None if read is None else read[0],
                amount if read is None else "",
            )
        if FOOTER_WORDS.match(text) and (not amount or read_amount(amount) is None):
            return Passed(number, "footer")
    return None


# Words that suggest a field when a header is none of the aliases, tried in this order (日期
# before 期, 社保卡 before 卡号, 应发 before 金额, 村代码 before 村).
HINTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("id_number", ("身份证", "证件号", "身份号")),
    ("card_number", ("社保卡", "社会保障卡")),
    ("bank_account", ("账号", "帐号", "卡号", "存折")),
    ("village_code", ("代码", "区划")),
    ("approved_on", ("审批", "批准")),
    ("approved_amount", ("应发", "核定")),
    ("paid_on", ("日期", "时间")),
    ("serial", ("流水",)),
    ("status", ("状态",)),
    ("failure_reason", ("失败", "原因")),
    ("department", ("部门",)),
    ("category", ("类别",)),
    ("name", ("姓名", "名字", "对象", "领取人", "收款人")),
    ("item", ("项目", "补贴名称", "资金名称", "种类", "类型")),
    ("period", ("期", "月份", "年月")),
    ("amount", ("金额", "实发", "元")),
    ("town", ("乡镇", "街道", "镇", "乡")),
    ("village", ("村", "社区")),
)


def guess_columns(header: list[str]) -> dict[str, int]:
    """Our best guess at which column holds each field: the aliases first, then the words a
    header holds. The department confirms or corrects it."""
    columns = column_fields(header)
    taken = set(columns.values())
    for position, text in enumerate(header):
        if position in taken or not text.strip():
            continue
        key = header_key(text)
        for name, words in HINTS:
            if name not in columns and any(word in key for word in words):
                columns[name] = position
                taken.add(position)
                break
    return columns
