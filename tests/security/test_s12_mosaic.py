"""S12: masking mosaic. Every public surface that shows a payout recipient masks them the same
way, so that putting the board, the 低保 list, the printed notice, the Excel export and the
publication record side by side reveals no more of a name or ID number than one mask does."""

import datetime
import io
import json

import time_machine
from django.test import Client
from django.urls import reverse
from python_calamine import CalamineWorkbook

from lianyun.ledger.actions import import_payouts, publish_board
from lianyun.ledger.queries import village_board
from lianyun.publications.models import Entry
from lianyun.testing import PAYOUT_HEADER, Cast, payout_csv, payout_rows

NAME = "欧阳娜娜"
NOVEMBER = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


def _surfaces(client: Client, code: str) -> list[str]:
    texts = []
    for name in ("ledger:board-detail", "ledger:board-print"):
        for period in ("last_month", "this_year", "last_quarter"):
            texts.append(client.get(reverse(name, args=[code]), {"range": period}).content.decode())
    for name in ("ledger:dibao-list", "ledger:dibao-print"):
        page = client.get(reverse(name, args=[code]), {"period": "2026-10"})
        texts.append(page.content.decode())
    export = client.get(reverse("ledger:board-export", args=[code]), {"range": "this_year"})
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0)
    texts.append(json.dumps(sheet.to_python(), ensure_ascii=False))
    texts.append(client.get(reverse("publications:entry-list")).content.decode())
    for entry in Entry.objects.all():
        texts.append(
            client.get(reverse("publications:entry-detail", args=[entry.index])).content.decode()
        )
        texts.append(json.dumps(json.loads(entry.payload), ensure_ascii=False))
    return texts


def test_no_surface_reveals_more_than_the_mask(county: Cast) -> None:
    rows = payout_rows(6, names=[NAME, "冯用文"])
    rows = [[*row, "一类"] for row in rows]
    import_payouts(data=payout_csv(rows, header=[*PAYOUT_HEADER, "保障类别"]), source="cli")
    with time_machine.travel(NOVEMBER):
        publish_board(board=village_board(county.village_a1, "2026-10", "2026-10"), actor=None)
        texts = _surfaces(Client(), county.village_a1.code)
    everything = "\n".join(texts)
    assert "欧**娜" in everything  # the mask is there, the same everywhere
    # No two neighbouring characters of the name together, anywhere: the mask shows 欧 and 娜.
    for pair in ("欧阳", "阳娜", "娜娜"):
        assert pair not in everything, pair
    # Of the ID number, nothing beyond what the mask keeps: the first six digits are the county's
    # public region code; no six digits in a row of the birth date, sequence and check appear.
    for row in rows:
        personal = row[1][6:]
        for start in range(len(personal) - 5):
            assert personal[start : start + 6] not in everything, (row[1], start)
        assert row[10] not in everything and row[10][-8:] not in everything
