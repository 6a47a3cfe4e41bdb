"""The column-wise check of a chunk gives exactly what the row-by-row check gives."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianyun.ledger.importer import RowChecker, map_header
from lianyun.testing import PAYOUT_HEADER, Cast, payout_rows

HEADER = [*PAYOUT_HEADER, "业务状态", "失败原因", "保障类别", "应发金额", "审批日期"]
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
    "姓名": ["彭运芳", " 欧阳娜娜 ", "", "王" * 33, "王" * 32, "\ue000王", "王\U0002a6a5"],
    "补贴项目": ["低保金", "高龄津贴", " 低保金", "不存在", ""],
    "发放期号": ["202610", "2026-10", "2026-13", "1999-01", "", "２０２６１０", "2026-1"],
    "金额": ["300.50", "1e2", "-5", "0", "1,000.00", "3.555", "abc", "", "NaN", " 7 ", "1E+9"],
    "发放时间": ["2026-10-15", "20261015", "2026/10/15", "2026-02-30", "", "x", "2026-10-15 9:00"],
    "乡镇": ["佛楼镇", "", "不存在镇"],
    "村": ["三官寨村", "", "不存在村"],
    "村代码": ["511923103201", "", "999999999999"],
    "银行账号": ["6217 0000 1234", "", "abc", "62179000000000001"],
    "业务状态": ["", "失败", "FAILED", "成功"],
    "失败原因": ["", "账户冻结", "原因" * 60],
    "保障类别": ["", "一类", "类别" * 10],
    "应发金额": ["", "300.50", "-1", "x"],
    "审批日期": ["", "2026-09-30", "2026-09-31"],
}


def _changed(base: int, changes: list[tuple[int, int]]) -> list[str]:
    """A good row with some cells replaced by values from CELLS (good or odd)."""
    row = [*GOOD[base], "", "", "", "", ""]
    for column, choice in changes:
        values = CELLS[HEADER[column]]
        row[column] = values[choice % len(values)]
    return row


CHANGE = st.tuples(st.integers(0, len(HEADER) - 1), st.integers(0, 99))
ROW = st.builds(_changed, st.integers(0, len(GOOD) - 1), st.lists(CHANGE, max_size=3))
SHORTENED = st.tuples(ROW, st.integers(0, len(HEADER))).map(lambda pair: pair[0][: pair[1]])


@settings(max_examples=100, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(ROW, ROW, ROW, SHORTENED), min_size=1, max_size=40))
def test_a_chunk_checked_at_once_agrees_with_each_row_checked_alone(
    county: Cast, rows: list[list[str]]
) -> None:
    checker = RowChecker(map_header(HEADER))
    chunk = list(enumerate(rows, start=2))
    checked = checker.check_chunk(chunk)
    good, errors, bad_rows, amount, private_use = [], [], [], 0, []
    for number, row in chunk:
        outcome = checker.check(number, row)
        if isinstance(outcome, list):
            errors.extend(outcome)
            bad_rows.append([str(number), *row])
        else:
            good.append(outcome.as_clean())
            amount += outcome.amount
            if outcome.private_use:
                private_use.append(number)
    assert checked.good == good
    assert checked.errors == errors
    assert checked.bad_rows == bad_rows
    assert checked.amount == amount
    assert checked.private_use_rows == private_use


def test_the_good_rows_of_a_plain_file_take_the_column_wise_path(
    county: Cast, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row-by-row check is only for rows found wrong or unusual (watched, not replaced)."""
    checker = RowChecker(map_header(PAYOUT_HEADER))
    slow: list[int] = []
    check = checker.check

    def watched(number: int, row: list[str]) -> object:
        slow.append(number)
        return check(number, row)

    monkeypatch.setattr(checker, "check", watched)
    rows = payout_rows(30)
    rows[7][5] = "-1"
    checked = checker.check_chunk(list(enumerate(rows, start=2)))
    assert len(checked.good) == 29 and len(checked.errors) == 1
    assert slow == [9]
