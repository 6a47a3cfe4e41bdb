"""Printable A4 notices with a QR code back to the page and the checkpoint, and Excel exports
with amounts as numbers and no formula (S20)."""

import datetime
import io
import re
import zipfile
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lianyun.core.qr import qr_svg
from lianyun.core.spreadsheet import escape_cell, xlsx
from lianyun.ledger.actions import import_payouts, publish_board
from lianyun.ledger.queries import village_board
from lianyun.testing import Cast, payout_csv, payout_rows

CODE = "511923103201"
NOVEMBER = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def october(county: Cast) -> list[list[str]]:
    rows = payout_rows(5, names=["彭运芳", "欧阳娜娜"])
    import_payouts(data=payout_csv(rows), source="cli")
    return rows


def test_the_printed_board_carries_a_qr_code_to_the_page_and_the_checkpoint(
    client: Client, october: list[list[str]], county: Cast
) -> None:
    with time_machine.travel(NOVEMBER):
        publish_board(board=village_board(county.village_a1, "2026-10", "2026-10"), actor=None)
        page = client.get(reverse("ledger:board-print", args=[CODE])).content.decode()
    url = re.search(r'data-url="([^"]+)"', page)
    assert url is not None
    assert url.group(1) == f"http://testserver/payouts/boards/{CODE}/"
    # The code printed is exactly the code of that address (segno is deterministic).
    assert qr_svg(url.group(1)) in page
    assert 'data-test="checkpoint"' in page
    assert "彭*芳" in page and "彭运芳" not in page
    for row in october:
        assert row[1] not in page


def test_the_county_can_print_its_own_address_on_notices(
    client: Client,
    october: list[list[str]],
    settings,  # type: ignore[no-untyped-def]
) -> None:
    settings.LIANYUN_PUBLIC_URL = "http://lianyun.pc.example/"
    with time_machine.travel(NOVEMBER):
        page = client.get(reverse("ledger:board-print", args=[CODE]) + "?range=this_year")
    assert f'data-url="http://lianyun.pc.example/payouts/boards/{CODE}/?range=this_year"' in (
        page.content.decode()
    )


def test_the_excel_export_has_numbers_masked_names_and_no_id(
    client: Client, october: list[list[str]]
) -> None:
    with time_machine.travel(NOVEMBER):
        response = client.get(reverse("ledger:board-export", args=[CODE]))
    assert response["Content-Disposition"].startswith("attachment")
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[1][:5] == ["姓名", "补贴项目", "主管部门", "期号", "金额"]
    assert {row[6] for row in rows[2:7]} == {"已发放"}  # as the page says it, not `paid`
    amounts = [row[4] for row in rows[2:7]]
    assert all(isinstance(a, float) for a in amounts)
    assert sum(Decimal(str(a)) for a in amounts) == sum(Decimal(r[5]) for r in october)
    text = repr(rows)
    assert "彭运芳" not in text and "彭*芳" in text
    assert not any(row[1] in text for row in october)


def test_text_that_looks_like_a_formula_stays_text() -> None:
    data = xlsx("=title", ["=A", "+B"], [['=HYPERLINK("http://x")', "@SUM(A1)", Decimal("1.50")]])
    with zipfile.ZipFile(io.BytesIO(data)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[0][0] == "'=title"
    assert rows[2] == ['\'=HYPERLINK("http://x")', "'@SUM(A1)", 1.5]
    assert escape_cell("－1") == "'－1" and escape_cell("张三") == "张三"
