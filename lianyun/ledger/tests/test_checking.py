"""The column-wise check of a chunk gives exactly what the row-by-row check gives."""

import csv
import io
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianyun.ledger import columnar
from lianyun.ledger.actions import writing
from lianyun.ledger.importer import GoodRow, ImportRefused, RowChecker, excel_number, map_header
from lianyun.testing import PAYOUT_HEADER, Cast, payout_csv, payout_rows

HEADER = [*PAYOUT_HEADER, "业务状态", "失败原因", "保障类别", "应发金额", "审批日期", "社保卡号"]
GOOD = payout_rows(6)
# Per column: good values and the odd ones a platform or a department's hand produces.
CELLS = {
    "业务流水号": ["SN1", "", " SN2 ", "SN1"],
    "身份证号": [
        *(row[1] for row in GOOD),
        GOOD[0][1][:17] + "0" if GOOD[0][1][17] != "0" else GOOD[0][1][:17] + "1",
        " " + GOOD[1][1],
        GOOD[2][1][:6] + " " + GOOD[2][1][6:],
        "11010519491231002x",
        "110105194912310",
        "110105209912310028",
        "",
        "abc",
    ],
    "姓名": [
        "彭运芳",
        " 欧阳娜娜 ",
        "",
        "王" * 33,
        "王" * 32,
        "\ue000王",
        "王\U0002a6a5",
        "\x1c冯用文",
        "\u3000冯用文\xa0",
        "冯\t用文",
        "冯\\N",
    ],
    "补贴项目": ["低保金", "高龄津贴", " 低保金", "不存在", ""],
    "发放期号": [
        "202610",
        "2026-10",
        "2026-13",
        "1999-01",
        "",
        "２０２６１０",
        "2026-1",
        "2026年10月",
        "2026.10",
        "2026/10",
        "2026-10-01",
        "20261001",
    ],
    "金额": [
        "300.50",
        "1e2",
        "-5",
        "0",
        "1,000.00",
        "3.555",
        "abc",
        "",
        "NaN",
        " 7 ",
        "1E+9",
        "￥300.50",
        "¥ 300",
        "300元",
        "３００.５０",
        "20261015",
        "1,0,0",
    ],
    "发放时间": [
        "2026-10-15",
        "20261015",
        "2026/10/15",
        "2026-02-30",
        "",
        "x",
        "2026-10-15 9:00",
        "2026年10月15日",
        "46310",
        "2026.10.15",
        "2026-10-15 00:00:00",
        "99999",
    ],
    "乡镇": ["佛楼镇", "", "不存在镇"],
    "村": ["三官寨村", "", "不存在村"],
    "村代码": ["511923103201", "", "999999999999"],
    "银行账号": ["6217 0000 1234", "", "abc", "62179000000000001", "６２１７1234"],
    "业务状态": ["", "失败", "FAILED", "成功"],
    "失败原因": ["", "账户冻结", "原因" * 60],
    "保障类别": ["", "一类", "类别" * 10],
    "应发金额": ["", "300.50", "-1", "x"],
    "审批日期": ["", "2026-09-30", "2026-09-31", "2026/9/30"],
    "社保卡号": ["", "Y12345678", "5.11923E+17"],
}


def _changed(base: int, changes: list[tuple[int, int]]) -> list[str]:
    """A good row with some cells replaced by values from CELLS (good or odd)."""
    row = [*GOOD[base], "", "", "", "", "", ""]
    for column, choice in changes:
        values = CELLS[HEADER[column]]
        row[column] = values[choice % len(values)]
    return row


CHANGE = st.tuples(st.integers(0, len(HEADER) - 1), st.integers(0, 99))
ROW = st.builds(_changed, st.integers(0, len(GOOD) - 1), st.lists(CHANGE, max_size=3))
SHORTENED = st.tuples(ROW, st.integers(0, len(HEADER))).map(lambda pair: pair[0][: pair[1]])


BLANK = st.sampled_from([[], [""], ["", " "], ["\x1c"], ["\u3000", ""]])


def _csv(rows: list[list[str]], *, quoted: bool) -> bytes:
    """The rows as a file: written by the csv module (quoting what needs it), or, for the
    Polars path, with no quotes at all (cells that would need them are changed)."""
    out = io.StringIO()
    if quoted:
        csv.writer(out, lineterminator="\r\n").writerows([HEADER, *rows])
    else:
        for row in [HEADER, *rows]:
            out.write(",".join(cell.replace(",", "") for cell in row) + "\r\n")
    return out.getvalue().encode()


def _row_by_row(checker: RowChecker, data: bytes) -> tuple[list[object], ...]:
    good, errors, bad_rows, private_use = [], [], [], []
    amount = Decimal(0)
    forms: Counter[tuple[str, str]] = Counter()
    rows = list(csv.reader(io.StringIO(data.decode(), newline="")))[1:]
    for number, row in enumerate(rows, start=2):
        if not "".join(row).strip():
            continue
        outcome = checker.check(number, row)
        if isinstance(outcome, list):
            errors.extend(outcome)
            bad_rows.append([str(number), *row])
        else:
            good.append((number, *outcome.as_good()))
            amount += outcome.amount
            forms.update(checker.forms(row))
            if outcome.private_use:
                private_use.append(number)
    return good, errors, bad_rows, [amount], private_use, [forms]


def _column_wise(checker: RowChecker, data: bytes) -> tuple[list[object], ...]:
    good, errors, bad_rows, private_use = [], [], [], []
    amount = Decimal(0)
    forms: Counter[tuple[str, str]] = Counter()
    for checked in columnar.Reading(data).checked(checker):
        good.extend(checked.good.iter_rows())
        errors.extend(checked.errors)
        bad_rows.extend(checked.bad_rows)
        amount += checked.amount
        private_use.extend(checked.private_use_rows)
        forms.update(checked.forms)
    return good, errors, bad_rows, [amount], private_use, [forms]


def _trimmed(rows: list[list[str]]) -> list[list[str]]:
    """A row as read, without the empty cells at its end (which a file does not keep apart
    from missing ones)."""
    trimmed = []
    for row in rows:
        row = list(row)
        while row and not row[-1]:
            row.pop()
        trimmed.append(row)
    return trimmed


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(ROW, ROW, ROW, SHORTENED, BLANK), min_size=1, max_size=40), st.booleans())
def test_a_file_checked_column_wise_agrees_with_each_row_checked_alone(
    county: Cast, rows: list[list[str]], quoted: bool
) -> None:
    checker = RowChecker(map_header(HEADER))
    data = _csv(rows, quoted=quoted)
    expected = _row_by_row(checker, data)
    try:
        found = _column_wise(checker, data)
    except ImportRefused:
        # Refused at once, as the row-by-row check cannot be: a card or account number Excel
        # wrote in scientific form, the first of its column, stands for the whole column.
        heads = [
            next(
                (cell.strip() for row in rows[:10] if at < len(row) and (cell := row[at]).strip()),
                "",
            )
            for at in (10, len(HEADER) - 1)
        ]
        assert any(excel_number(cell) for cell in heads)
        return
    assert found[0] == expected[0]  # the good rows, as the writer takes them
    assert found[1] == expected[1]  # every reason, in order
    assert _trimmed(found[2]) == _trimmed(expected[2])  # the quarantined rows
    # the money, the rows with private-use characters, and each value's form counted once
    assert found[3:] == expected[3:]


def test_the_good_rows_of_a_plain_file_take_the_column_wise_path(
    county: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row-by-row check is only for rows found wrong or unusual (watched, not replaced),
    and a file with no quotes is split by Polars."""
    checker = RowChecker(map_header(PAYOUT_HEADER))
    slow: list[int] = []
    check = checker.check

    def watched(number: int, row: list[str]) -> object:
        slow.append(number)
        return check(number, row)

    monkeypatch.setattr(checker, "check", watched)
    rows = payout_rows(30)
    rows[7][5] = "-1"
    reading = columnar.Reading(payout_csv(rows))
    (block,) = reading.blocks()
    assert block.rows is None
    (checked,) = reading.checked(checker)
    assert checked.good.height == 29 and len(checked.errors) == 1
    assert slow == [9]


def test_a_file_is_cut_into_blocks_at_record_boundaries(
    county: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Polars splits blocks cut after a line feed, whatever the block size, until the first
    quote; the csv module reads the rest. The row numbers run on across all of them."""
    monkeypatch.setattr(columnar, "BLOCK", 97)
    monkeypatch.setattr(columnar, "ROWS", 7)
    rows = payout_rows(40)
    rows[20][2] = '彭"运,芳\r\n'  # a quoted cell with a line break in it
    rows[30][5] = "1,000.00"
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([PAYOUT_HEADER, *rows])
    data = out.getvalue().encode("gbk")
    checker = RowChecker(map_header(PAYOUT_HEADER))
    blocks = list(columnar.Reading(data).blocks())
    split_by_polars = [block.rows is None for block in blocks]
    assert split_by_polars.count(True) > 10 and split_by_polars.count(False) == 3
    assert split_by_polars == sorted(split_by_polars, reverse=True)
    numbers = [block.first + index for block in blocks for index in range(block.frame.height)]
    assert numbers == list(range(2, 42))
    found = _column_wise(checker, data)
    assert [row[0] for row in found[0]] == list(range(2, 42)) and not found[1]
    assert found[0][20][4] == '彭"运,芳'
    assert found[0][30][7] == "1000.00"


def test_a_finished_block_holds_every_column_the_writer_writes(county: Cast) -> None:
    """One shape from check to write: the workers turn each GoodRow into the columns of
    Finished, which is what every writer writes, in that order."""
    reading = columnar.Reading(io.BytesIO(payout_csv(payout_rows(3))))
    checker = RowChecker(reading.columns)
    good = [checked.good for checked in reading.checked(checker) if checked.good.height]
    assert all(frame.columns == ["number", *GoodRow._fields] for frame in good)
    blocks = list(columnar.finished(iter(good)))
    assert sum(block.height for block in blocks) == 3
    for block in blocks:
        assert set(writing.COLUMNS) - {"batch_id"} <= set(block.columns)
