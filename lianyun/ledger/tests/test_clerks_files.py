"""Payout files as town offices and departments make them by hand in Excel or WPS: a 花名册 with
a title, a unit line and a 合计 row, dates and months and amounts as people write them, a
workbook with a sheet per month and merged cells. Each imports exactly, or is refused with the
row, the column and what to do."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianyun.ledger import columnar
from lianyun.ledger.actions import import_payouts
from lianyun.ledger.importer import ImportRefused, RowChecker, UnknownLayout, map_header
from lianyun.ledger.layout import guess_columns
from lianyun.ledger.models import BatchStatus, Payout, PayoutBatch
from lianyun.testing import Cast, payout_rows

TITLE = "平昌县2026年惠民惠农补贴资金发放花名册"
# How a town office heads its 花名册: a number column, spaces inside short headers, and the
# variants of the platform's names.
CLERK_HEADER = [
    "序号",
    "姓  名",
    "公民身份号码",
    "补贴项目名称",
    "发放期间",
    "发放金额（元）",
    "发放日期",
    "乡镇（街道）",
    "村（社区）",
    "银行帐号",
]


def _people(n: int) -> list[list[str]]:
    """n payouts, as [name, ID number, item, amount] from the shared synthetic rows."""
    return [[row[2], row[1], row[3], row[5]] for row in payout_rows(n, names=["彭运芳", "冯用文"])]


def _clerk_rows(
    people: list[list[str]], periods: list[str], dates: list[str], amounts: list[str]
) -> list[list[str]]:
    return [
        [
            str(number),
            name,
            id_number,
            item,
            periods[number % len(periods)],
            amounts[number % len(amounts)] if amounts else amount,
            dates[number % len(dates)],
            "佛楼镇",
            "三官寨村",
            "",
        ]
        for number, (name, id_number, item, amount) in enumerate(people, start=1)
    ]


def _sheet_csv(rows: list[list[str]], encoding: str, total: str | None = None) -> bytes:
    """A 花名册 saved as CSV: title, unit line, blank row, header, rows, 合计, signatures."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([TITLE] + [""] * 9)
    writer.writerow(["单位：元"] + [""] * 9)
    writer.writerow([""] * 10)
    writer.writerow(CLERK_HEADER)
    writer.writerows(rows)
    if total is not None:
        writer.writerow(["合  计", "", "", "", "", total, "", "", "", ""])
    writer.writerow(["制表人：王会计", "", "审核人：李站长", "", "", "", "", "", "", ""])
    data = out.getvalue()
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + data.encode()
    return data.encode(encoding)


def _amounts_of(rows: list[list[str]]) -> Decimal:
    return sum((Decimal(row[5].replace(",", "")) for row in rows), Decimal(0))


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "gb18030"])
def test_a_roster_with_title_unit_total_and_signatures_imports_exactly(
    county: Cast, encoding: str
) -> None:
    rows = _clerk_rows(_people(9), ["202610"], ["2026-10-15"], [])
    if encoding == "gb18030":
        rows[0][1] = "王\U0002a6a5"  # a name only GB18030 can hold
    data = _sheet_csv(rows, encoding, total=f"{_amounts_of(rows):.2f}")
    summary = import_payouts(data=data, source="cli")
    assert summary.rows_read == 9 and summary.rows_written == 9 and not summary.errors
    assert summary.amount_total == _amounts_of(rows)
    assert Payout.objects.count() == 9
    said = "\n".join(summary.passed_over)
    assert "第 1 行" in said and TITLE in said  # the title, by its row and its words
    assert "单位：元" in said and "空行：1" in said
    assert "第 14 行" in said and "合计" in said and "相符" in said  # reconciled, not imported
    assert "第 15 行" in said  # the signature line
    assert summary.rewritten == []  # nothing written in another form


def test_a_total_that_does_not_add_up_refuses_the_file_with_both_sums(county: Cast) -> None:
    rows = _clerk_rows(_people(5), ["202610"], ["2026-10-15"], [])
    stated = _amounts_of(rows) + 300
    with pytest.raises(ImportRefused) as caught:
        import_payouts(data=_sheet_csv(rows, "gbk", total=f"{stated:.2f}"), source="cli")
    message = str(caught.value)
    assert "第 10 行" in message and f"{stated:.2f}" in message
    assert f"{_amounts_of(rows):.2f}" in message and "300.00" in message
    assert not Payout.objects.exists()
    assert not PayoutBatch.objects.filter(status=BatchStatus.COMPLETE).exists()


def test_subtotals_per_village_and_a_grand_total_are_each_reconciled(county: Cast) -> None:
    rows = _clerk_rows(_people(6), ["202610"], ["2026-10-15"], [])
    first, second = rows[:4], rows[4:]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CLERK_HEADER)
    writer.writerows(first)
    writer.writerow(["小计", "", "", "", "", f"{_amounts_of(first)}", "", "", "", ""])
    writer.writerows(second)
    writer.writerow(["小计", "", "", "", "", f"{_amounts_of(second)}", "", "", "", ""])
    writer.writerow(["总计", "", "", "", "", f"{_amounts_of(rows)}", "", "", "", ""])
    summary = import_payouts(data=out.getvalue().encode(), source="cli")
    assert summary.rows_written == 6 and summary.rows_read == 6
    assert sum("相符" in line for line in summary.passed_over) == 3


def test_dates_months_and_amounts_as_people_write_them_are_read_and_counted(
    county: Cast,
) -> None:
    periods = ["2026年10月", "2026.10", "202610", "2026-10"]
    dates = ["2026/10/15", "2026.10.15", "2026年10月15日", "46310", "2026-10-15"]
    amounts = ["￥300.50", "300.50元", "３００.５０", "1,300.50", "300.50"]
    rows = _clerk_rows(_people(20), periods, dates, amounts)
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([CLERK_HEADER, *rows])
    summary = import_payouts(data=out.getvalue().encode("gbk"), source="cli")
    assert summary.rows_written == 20 and not summary.errors
    stored = Payout.objects.all()
    assert {payout.period for payout in stored} == {"2026-10"}
    assert {payout.paid_on for payout in stored} == {datetime.date(2026, 10, 15)}
    assert {payout.amount for payout in stored} == {Decimal("300.50"), Decimal("1300.50")}
    counted = {
        (each["column"], each["form"].split("\n")[0]): each["rows"] for each in summary.rewritten
    }
    assert counted == {
        ("发放期号", "yyyy年m月"): 5,
        ("发放期号", "yyyy.mm"): 5,
        ("发放时间", "yyyy/m/d"): 4,
        ("发放时间", "yyyy.m.d"): 4,
        ("发放时间", "yyyy年m月d日"): 4,
        ("发放时间", "Excel 日期序号"): 4,
        ("金额", "带 ¥"): 4,
        ("金额", "带“元”"): 4,
        ("金额", "全角字符"): 4,
        ("金额", "带千位分隔符"): 4,
    }


def test_an_eight_digit_amount_or_month_is_refused_as_ambiguous(county: Cast) -> None:
    rows = _clerk_rows(_people(3), ["202610"], ["2026-10-15"], [])
    rows[0][5] = "20261015"  # a date in the amount column: the columns may have shifted
    rows[1][4] = "20261015"  # a day where a month belongs
    out = io.StringIO()
    csv.writer(out).writerows([CLERK_HEADER, *rows])
    summary = import_payouts(data=out.getvalue().encode(), source="cli")
    assert summary.refused and not Payout.objects.exists()
    by_row = {(error.row, error.column): error.reason for error in summary.errors}
    assert "日期" in by_row[(2, "金额")] and "列" in by_row[(2, "金额")]
    assert "202609" in by_row[(3, "发放期号")] and "8 位" in by_row[(3, "发放期号")]


def test_a_card_number_excel_kept_as_a_number_makes_its_row_bad(county: Cast) -> None:
    header = [*CLERK_HEADER, "社保卡号"]
    rows = [[*row, "Y12345678"] for row in _clerk_rows(_people(3), ["202610"], ["2026-10-15"], [])]
    rows[2][10] = "5.11923E+17"
    out = io.StringIO()
    csv.writer(out).writerows([header, *rows])
    summary = import_payouts(data=out.getvalue().encode(), source="cli")
    assert summary.refused
    (error,) = summary.errors
    assert error.row == 4 and error.column == "社保卡号" and "文本" in error.reason


def test_accounts_excel_wrote_out_with_zeros_refuse_the_file_at_its_first_row(
    county: Cast,
) -> None:
    rows = _clerk_rows(_people(4), ["202610"], ["2026-10-15"], [])
    for number, row in enumerate(rows):
        row[9] = f"62179912345678{number}0000"  # 19 digits; past Excel's 15, only zeros
    out = io.StringIO()
    csv.writer(out).writerows([CLERK_HEADER, *rows])
    with pytest.raises(ImportRefused) as caught:
        import_payouts(data=out.getvalue().encode(), source="cli")
    message = str(caught.value)
    assert "第 2 行" in message and "银行账号" in message and "文本" in message
    assert "6217991234567800000" not in message  # the number itself is not repeated


def _workbook(build) -> bytes:  # type: ignore[no-untyped-def]
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    build(book)
    book.close()
    return out.getvalue()


def test_an_xlsx_roster_with_merged_cells_a_two_row_header_and_date_cells(
    county: Cast,
) -> None:
    people = _people(6)

    def build(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet("花名册")
        dated = book.add_format({"num_format": "yyyy/m/d"})
        sheet.merge_range("A1:I1", TITLE)
        sheet.write("A2", "单位：元")
        # Two header rows: 姓名 and the rest merged down both, 金额 merged across 应发 / 实发.
        for column, text in enumerate(["序号", "姓名", "身份证号码", "补贴项目", "发放月份"]):
            sheet.merge_range(2, column, 3, column, text)
        sheet.merge_range("F3:G3", "金额")
        sheet.write_row("F4", ["应发", "实发"])
        sheet.merge_range("H3:H4", "发放日期")
        sheet.merge_range("I3:I4", "村（社区）")
        sheet.merge_range("J3:J4", "乡镇")
        for offset, (name, id_number, item, amount) in enumerate(people):
            row = 4 + offset
            sheet.write_row(row, 0, [offset + 1, name, id_number, item, "2026年10月"])
            sheet.write_number(row, 5, float(amount) + 10)
            sheet.write_number(row, 6, float(amount))
            sheet.write_datetime(row, 7, datetime.date(2026, 10, 15), dated)
        # The village and town merged down over their people, as clerks lay them out.
        sheet.merge_range(4, 8, 9, 8, "三官寨村")
        sheet.merge_range(4, 9, 9, 9, "佛楼镇")
        total = sum(Decimal(amount) for *_rest, amount in people)
        sheet.write_row(10, 0, ["合计", "", "", "", ""])
        sheet.write_number(10, 6, float(total))

    summary = import_payouts(data=_workbook(build), source="upload")
    assert summary.encoding == "XLSX" and summary.rows_written == 6 and not summary.errors
    stored = Payout.objects.order_by("amount")
    assert {payout.village.name for payout in stored} == {"三官寨村"}
    assert {payout.paid_on for payout in stored} == {datetime.date(2026, 10, 15)}
    expected = sorted(Decimal(amount) for *_rest, amount in people)
    assert [payout.amount for payout in stored] == expected  # 实发, not 应发
    assert [payout.approved_amount for payout in stored] == [a + 10 for a in expected]
    said = "\n".join(summary.passed_over)
    assert TITLE in said and "第 11 行" in said and "相符" in said


def test_a_workbook_with_a_sheet_per_month_takes_each_month_from_its_sheet(
    county: Cast,
) -> None:
    people = _people(4)
    header = ["序号", "姓名", "身份证号", "补贴项目", "金额", "乡镇", "村"]

    def build(book: xlsxwriter.Workbook) -> None:
        notes = book.add_worksheet("填表说明")
        notes.write("A1", "请按月份分表填写。")
        for month in ("2026年9月", "2026年10月"):
            sheet = book.add_worksheet(month)
            sheet.write_row(0, 0, header)
            for offset, (name, id_number, item, amount) in enumerate(people):
                cells = [offset + 1, name, id_number, item, amount, "佛楼镇", "三官寨村"]
                sheet.write_row(offset + 1, 0, cells)
        old = book.add_worksheet("旧表")
        old.write_row(0, 0, header)
        old.hide()

    summary = import_payouts(data=_workbook(build), source="upload")
    assert summary.rows_written == 8 and not summary.errors
    assert sorted(Payout.objects.values_list("period", flat=True).distinct()) == [
        "2026-09",
        "2026-10",
    ]
    said = "\n".join(summary.passed_over)
    assert "填表说明" in said and "旧表" in said and "隐藏" in said
    assert "2026年10月" in said and "2026-10" in said  # the month, taken from the name


def test_a_bad_row_in_a_month_sheet_is_named_by_its_sheet(county: Cast) -> None:
    people = _people(3)
    header = ["姓名", "身份证号", "补贴项目", "发放期号", "金额", "乡镇", "村"]

    def build(book: xlsxwriter.Workbook) -> None:
        for month in ("9月", "10月"):
            sheet = book.add_worksheet(month)
            sheet.write_row(0, 0, header)
            for offset, (name, id_number, item, amount) in enumerate(people):
                period = "202609" if month == "9月" else "202610"
                cells = [name, id_number, item, period, amount, "佛楼镇", "三官寨村"]
                sheet.write_row(offset + 1, 0, cells)
        book.get_worksheet_by_name("10月").write(2, 4, "-5")

    summary = import_payouts(data=_workbook(build), source="upload")
    assert summary.refused
    (error,) = summary.errors
    assert (error.sheet, error.row, error.column) == ("10月", 3, "金额")
    report = summary.error_report().decode("utf-8-sig")
    assert report.splitlines()[1].startswith("10月,3,金额")


def test_an_amount_merged_over_several_rows_is_refused_not_counted_twice(
    county: Cast,
) -> None:
    people = _people(3)

    def build(book: xlsxwriter.Workbook) -> None:
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, ["姓名", "身份证号", "补贴项目", "发放期号", "金额", "村代码"])
        for offset, (name, id_number, item, _amount) in enumerate(people):
            sheet.write_row(offset + 1, 0, [name, id_number, item, "202610", "", "511923103201"])
        sheet.merge_range(1, 4, 3, 4, "300")

    with pytest.raises(ImportRefused) as caught:
        import_payouts(data=_workbook(build), source="upload")
    assert "第 2 行至第 4 行" in str(caught.value) and "金额" in str(caught.value)
    assert not Payout.objects.exists()


def test_an_unknown_header_is_refused_with_the_row_that_looks_like_it(county: Cast) -> None:
    header = ["编号", "户名", "证件", "资金类别", "所属期间", "钱数", "村组"]
    body = [header, ["1", "彭运芳", "511923195001010000", "低保金", "202610", "300", "三官寨村"]]
    out = io.StringIO()
    csv.writer(out).writerows([["花名册"], *body])
    with pytest.raises(UnknownLayout) as caught:
        import_payouts(data=out.getvalue().encode(), source="upload")
    assert caught.value.header == header
    guesses = guess_columns(caught.value.header)
    assert guesses["period"] == 4 and guesses["village"] == 6


ABOVE = st.lists(
    st.sampled_from([[TITLE], ["单位：元", "", ""], [], ["", ""], ["填报单位：佛楼镇财政所"]]),
    max_size=6,
)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(above=ABOVE, quoted=st.booleans())
def test_rows_above_the_header_change_nothing_but_the_row_numbers(
    county: Cast, above: list[list[str]], quoted: bool
) -> None:
    """A file read with a title, unit lines and blank rows above its header checks exactly as
    the same file without them, every row number moved down by as many rows."""
    rows = _clerk_rows(_people(5), ["202610"], ["2026-10-15"], [])
    rows[2][5] = "-1"  # one bad row, to see its number
    if quoted:
        rows[0][1] = "彭,运芳"  # a quoted cell: the csv module reads the file
    plain, titled = io.StringIO(), io.StringIO()
    csv.writer(plain, lineterminator="\n").writerows([CLERK_HEADER, *rows])
    csv.writer(titled, lineterminator="\n").writerows([*above, CLERK_HEADER, *rows])
    checker = RowChecker(map_header(CLERK_HEADER))
    bare = list(columnar.Reading(plain.getvalue().encode()).checked(checker))
    shifted = list(columnar.Reading(titled.getvalue().encode()).checked(checker))
    moved = len(above)
    assert [error.row - moved for c in shifted for error in c.errors] == [
        error.row for c in bare for error in c.errors
    ]
    assert [n - moved for c in shifted for n in c.good.get_column("number")] == [
        n for c in bare for n in c.good.get_column("number")
    ]
    assert [c.good.drop("number").rows() for c in shifted] == [
        c.good.drop("number").rows() for c in bare
    ]
