"""Two files the civil affairs bureau hands over on the upload page, as its clerks make them:
last month's 高龄津贴 roster as an XLSX 花名册 (title, unit line, date cells, a 合计 row and the
signatures), and the same payouts under the bureau's own column names, which waits for the
bureau to name them. Both hold payouts the platform's file already brought, with their serial
numbers, so neither writes a payout twice: the demo shows what the import passed over, what it
reconciled and what it asks."""

import csv
import datetime
import io
from decimal import Decimal

import xlsxwriter

from lianyun.accounts.models import User
from lianyun.ledger.actions import receive_upload, run_upload

ROSTER_ROWS = 12
TITLE = "平昌县{year}年{month}月高龄津贴发放花名册"
ROSTER_HEADER = [
    "序号",
    "业务流水号",
    "姓  名",
    "公民身份号码",
    "补贴项目名称",
    "发放期间",
    "发放金额（元）",
    "发放日期",
    "村代码",
]
# The bureau's own names: all but 钱数 are guessed on the page; 钱数 is named once.
OWN_HEADER = ["流水号编码", "领取人", "证件号", "资金项目", "所属期间", "钱数", "村组代码"]


def _last_month_rows(platform_file: bytes) -> list[list[str]]:
    """The first 高龄津贴 payouts of the last month in the platform's file, as it wrote them:
    serial, ID number, name, item, period, amount, paid on, village code."""
    rows = list(csv.reader(io.StringIO(platform_file.decode("gbk"), newline="")))[1:]
    last = max(row[4] for row in rows)
    chosen = [row for row in rows if row[4] == last and row[3] == "高龄津贴"]
    return [row[:8] for row in chosen[:ROSTER_ROWS]]


def roster_xlsx(rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("花名册")
    dated = book.add_format({"num_format": "yyyy/m/d"})
    period = rows[0][4]
    sheet.merge_range(
        0, 0, 0, len(ROSTER_HEADER) - 1, TITLE.format(year=period[:4], month=int(period[4:]))
    )
    sheet.write(1, 0, "单位：元")
    sheet.write_row(3, 0, ROSTER_HEADER)
    total = Decimal(0)
    for offset, (serial, number, name, item, period, amount, paid_on, village) in enumerate(rows):
        line = 4 + offset
        sheet.write_row(line, 0, [offset + 1, serial, name, number, item])
        sheet.write(line, 5, f"{period[:4]}年{int(period[4:])}月")
        sheet.write_number(line, 6, float(amount))
        sheet.write_datetime(line, 7, datetime.date.fromisoformat(paid_on), dated)
        sheet.write(line, 8, village)
        total += Decimal(amount)
    end = 4 + len(rows)
    sheet.write_row(end, 0, ["合计", "", "", "", "", ""])
    sheet.write_number(end, 6, float(total))
    sheet.write_row(end + 1, 0, ["制表人：", "", "", "审核人：", "", "", "民政局（盖章）"])
    book.close()
    return out.getvalue()


def own_layout_csv(rows: list[list[str]]) -> bytes:
    lines = [OWN_HEADER] + [
        [serial, name, number, item, period, amount, village]
        for serial, number, name, item, period, amount, _paid_on, village in rows
    ]
    return "\r\n".join(",".join(line) for line in lines).encode("gbk")


def seed_handovers(platform_file: bytes, department: User) -> None:
    """The two hand-overs, imported at once (the task queue would do the same)."""
    rows = _last_month_rows(platform_file)
    if not rows:
        return
    for data, label in (
        (roster_xlsx(rows), "高龄津贴花名册.xlsx"),
        (own_layout_csv(rows), "民政局高龄津贴明细.csv"),
    ):
        upload, _new = receive_upload(user=department, data=data, label=label, source="upload")
        run_upload(upload_id=upload.pk)
