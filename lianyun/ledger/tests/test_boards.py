"""Village boards and the 低保 list: masked, totalled, and published into the chain."""

import datetime
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lianyun.ledger.actions import import_payouts
from lianyun.publications.models import Entry, EntryKind
from lianyun.testing import PAYOUT_HEADER, Cast, payout_csv, payout_rows

BOARD = reverse("ledger:board-detail", args=["511923103201"])
NOVEMBER = datetime.datetime(2026, 11, 20, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def october(county: Cast) -> list[list[str]]:
    rows = payout_rows(6, names=["彭运芳", "欧阳娜娜", "冯用文"])
    rows[5][3] = "耕地地力保护补贴"
    import_payouts(data=payout_csv(rows), source="cli")
    return rows


def test_the_board_masks_every_name_and_totals_each_item(
    client: Client, october: list[list[str]]
) -> None:
    with time_machine.travel(NOVEMBER):
        page = client.get(BOARD).content.decode()
    for full, masked in (("彭运芳", "彭*芳"), ("欧阳娜娜", "欧**娜"), ("冯用文", "冯*文")):
        assert full not in page
        assert masked in page
    for row in october:
        assert row[1] not in page  # no ID number
    assert "低保" in page and "高龄津贴" in page


def test_filters_by_item_and_period(client: Client, october: list[list[str]]) -> None:
    from lianyun.policies.models import SubsidyItem

    item = SubsidyItem.objects.get(code="farmland_protection")
    with time_machine.travel(NOVEMBER):
        page = client.get(BOARD, {"item": item.pk}).content.decode()
        later = client.get(BOARD, {"range": "this_month"}).content.decode()
    assert page.count("耕地地力保护补贴") >= 2 and "高龄津贴</td>" not in page
    assert "2026-10" not in later.split('data-test="board"')[1]


def test_the_dibao_list_shows_only_name_household_size_amount_and_category(
    client: Client, county: Cast
) -> None:
    rows = [[*row, "二类" if i == 1 else ""] for i, row in enumerate(payout_rows(5))]
    import_payouts(data=payout_csv(rows, header=[*PAYOUT_HEADER, "保障类别"]), source="cli")
    url = reverse("ledger:dibao-list", args=["511923103201"])
    page = client.get(url, {"period": "2026-10"}).content.decode()
    table = page.split('data-test="dibao"')[1].split("</table>")[0]
    assert table.count("<tr>") == 1 + 2  # header and the two 低保 rows
    assert table.count("二类") == 1
    assert rows[1][1] not in page and rows[1][10] not in page
    assert "2026-10-15" not in table and "S" not in table.replace("class", "")
    assert "2026-10-15" not in table and "S" not in table.replace("class", "")


def test_officials_publish_a_board_and_a_changed_board_is_a_correction(
    october: list[list[str]], county: Cast
) -> None:
    cadre = Client()
    cadre.force_login(county.village_cadre.user)
    publish = reverse("ledger:board-publish", args=["511923103201"])
    with time_machine.travel(NOVEMBER):
        cadre.post(publish + "?range=last_month")
        cadre.post(publish + "?range=last_month")  # unchanged: nothing new
        assert Entry.objects.filter(kind=EntryKind.VILLAGE_BOARD).count() == 1
        first = Entry.objects.get()
        assert "彭*芳" in first.payload and "彭运芳" not in first.payload
        assert october[0][1] not in first.payload
        import_payouts(data=payout_csv(payout_rows(2, start=20)), source="cli")
        cadre.post(publish + "?range=last_month")
        page = Client().get(BOARD).content.decode()
    correction = Entry.objects.order_by("-index").first()
    assert correction is not None
    assert correction.corrects == first
    assert (
        f"#{correction.index}" in page
        or str(correction.index) in page.split('data-test="published"')[1][:200]
    )


def test_a_villager_or_another_town_cannot_publish(october: list[list[str]], county: Cast) -> None:
    publish = reverse("ledger:board-publish", args=["511923103201"])
    for user in (county.villager.user, county.outsider.user):
        client = Client()
        client.force_login(user)
        assert client.post(publish).status_code == 404
    assert not Entry.objects.exists()


def test_a_long_board_pages_by_100_keeping_its_filters_and_a_new_import_shows_at_once(
    client: Client, county: Cast
) -> None:
    import_payouts(data=payout_csv(payout_rows(130)), source="cli")
    with time_machine.travel(NOVEMBER):
        first = client.get(BOARD, {"range": "last_month"}).content.decode()
        assert first.count("<tr><td>彭*芳</td>") == 100
        assert "?range=last_month&amp;page=2" in first
        second = client.get(BOARD, {"range": "last_month", "page": "2"}).content.decode()
        assert second.count("<tr><td>彭*芳</td>") == 30
        import_payouts(data=payout_csv(payout_rows(5, start=200)), source="cli")
        later = client.get(BOARD, {"range": "last_month", "page": "2"}).content.decode()
    assert later.count("<tr><td>彭*芳</td>") == 35  # the cached page is not served stale


def test_the_board_filters_by_department(client: Client, october: list[list[str]]) -> None:
    from lianyun.regions.models import Unit

    agriculture = Unit.objects.get(name="平昌县农业农村局")
    with time_machine.travel(NOVEMBER):
        page = client.get(BOARD, {"department": agriculture.pk}).content.decode()
    table = page.split('data-test="board"')[1].split("</table>")[0]
    assert "耕地地力保护补贴" in table and "高龄津贴" not in table and "低保" not in table
    assert f'<option value="{agriculture.pk}" selected>' in page


def test_officials_publish_the_dibao_list_and_a_changed_list_is_a_correction(
    county: Cast,
) -> None:
    rows = [[*row, "二类"] for row in payout_rows(4)]
    import_payouts(data=payout_csv(rows, header=[*PAYOUT_HEADER, "保障类别"]), source="cli")
    cadre = Client()
    cadre.force_login(county.village_cadre.user)
    publish = reverse("ledger:dibao-publish", args=["511923103201"]) + "?period=2026-10"
    cadre.post(publish)
    cadre.post(publish)  # unchanged: nothing new
    first = Entry.objects.get(kind=EntryKind.DIBAO_LIST)
    assert "彭*芳" in first.payload and "二类" in first.payload and rows[1][1] not in first.payload
    import_payouts(data=payout_csv(payout_rows(2, start=40)), source="cli")
    cadre.post(publish)
    second = Entry.objects.filter(kind=EntryKind.DIBAO_LIST).latest("index")
    assert second.corrects == first
    page = Client().get(reverse("ledger:dibao-list", args=["511923103201"]), {"period": "2026-10"})
    assert f"entry {second.index}" in page.content.decode() or f"第 {second.index} 条" in (
        page.content.decode()
    )
    printed = (
        Client()
        .get(reverse("ledger:dibao-print", args=["511923103201"]), {"period": "2026-10"})
        .content.decode()
    )
    assert 'data-test="qr"' in printed and "二类" in printed and rows[1][1] not in printed
    outsider = Client()
    outsider.force_login(county.outsider.user)
    assert outsider.post(publish).status_code == 404


def test_the_whole_board_is_cached_for_visitors_without_leaking_tokens_or_nonces(
    october: list[list[str]], county: Cast
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def visit(client: Client, query: str = "?range=last_month") -> tuple[str, str, str, Any]:
        response = client.get(BOARD + query)
        page = response.content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
        nonce = page.split('nonce="')[1].split('"')[0]
        return page, token, nonce, response

    with time_machine.travel(NOVEMBER):
        first, token1, nonce1, _ = visit(Client())
        with CaptureQueriesContext(connection) as queries:
            second, token2, nonce2, response2 = visit(Client())
        assert len(queries) == 1  # the version only: the page came from the cache
        # Each visitor has a working token and the nonce its header allows; nothing else differs.
        assert token1 != token2 and nonce1 != nonce2
        assert f"'nonce-{nonce2}'" in response2["Content-Security-Policy"]
        assert "__lianyun" not in second
        assert second.replace(token2, "T").replace(nonce2, "N") == first.replace(
            token1, "T"
        ).replace(nonce1, "N")
        # A token from the cached page is accepted by the language form.
        visitor = Client(enforce_csrf_checks=True)
        _, token, _, _ = visit(visitor)
        switched = visitor.post(
            reverse("set_language"), {"language": "en", "csrfmiddlewaretoken": token}
        )
        assert switched.status_code == 302
        # Unknown parameters are served but not stored; an official's page is not stored.
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                visit(Client(), "?range=last_month&x=1")
            assert len(queries) > 1
        cadre = Client()
        cadre.force_login(county.village_cadre.user)
        for _ in range(2):
            assert 'data-test="publish"' in cadre.get(BOARD + "?range=last_month").content.decode()
        # A new batch changes what the board shows: the next visitor sees it.
        import_payouts(data=payout_csv(payout_rows(2, start=40)), source="cli")
        after, _, _, _ = visit(Client())
    assert after.count("<tr><td>") == first.count("<tr><td>") + 2


def test_a_month_of_boards_is_one_checkpoint_and_a_later_ledger_change_is_reported(
    october: list[list[str]], county: Cast
) -> None:
    from django.core.management import call_command

    from lianyun.ledger.models import Payout
    from lianyun.publications.models import Checkpoint
    from lianyun.publications.queries import verify_chain

    before = Checkpoint.objects.count()
    call_command("publish_boards", "2026-10", region=county.town_a.code)
    assert Entry.objects.filter(kind=EntryKind.VILLAGE_BOARD).count() == 2  # A1 and A2
    assert Checkpoint.objects.count() == before + 1
    assert verify_chain() == []
    # A payout of a published month changes behind the board (no correction published).
    payout = Payout.objects.filter(village=county.village_a1, period="2026-10").first()
    assert payout is not None
    Payout.objects.filter(pk=payout.pk).update(amount=payout.amount + 100)
    assert [p.where for p in verify_chain()] == ["board 511923103201:2026-10:2026-10"]


def test_a_filtered_board_publishes_the_whole_board(
    client: Client, october: list[list[str]], county: Cast
) -> None:
    from lianyun.policies.models import SubsidyItem
    from lianyun.publications.queries import verify_chain

    item = SubsidyItem.objects.get(code="farmland_protection")
    client.force_login(county.village_cadre.user)
    with time_machine.travel(NOVEMBER):
        url = reverse("ledger:board-publish", args=["511923103201"])
        client.post(f"{url}?range=last_month&item={item.pk}")
    entry = Entry.objects.get(kind=EntryKind.VILLAGE_BOARD)
    assert "高龄津贴" in entry.payload  # every item, not only the one the page showed
    assert verify_chain() == []
