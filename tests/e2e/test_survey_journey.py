"""民意测评 with a paper ballot: the demo integrity officer prints a sheet of ballots for 三官寨村;
a villager without a phone of her own is handed one, scans its QR code with a borrowed phone,
answers (a question appears only for the answer that calls for it) and is thanked; the same
ballot scanned again learns only that it was used."""

import pytest
from playwright.sync_api import Browser, expect

from lianyun.demo.devserver import DemoServer
from tests.e2e.phones import phone, read_qr, sign_in

pytestmark = pytest.mark.browser


def test_a_villager_answers_with_a_paper_ballot(browser: Browser, demo: DemoServer) -> None:
    officer = phone(browser, demo)
    sign_in(officer, demo, "integrity")
    officer.locator("[data-test=surveys]").click()
    row = officer.locator("tr", has_text="村务公开满意度调查")
    row.get_by_role("link", name="纸质选票").click()
    officer.get_by_label("发放选票的村").select_option(label="三官寨村")
    officer.get_by_label("选票张数").fill("2")
    officer.get_by_role("button", name="打印一张").click()
    ballots = officer.locator("[data-test=ballot]")
    expect(ballots).to_have_count(2)
    scanned = read_qr(ballots.first.locator("[data-test=ballot-qr] svg"))
    assert "#" in scanned and "/surveys/ballot/" in scanned

    villager = phone(browser, demo)
    villager.goto(scanned)
    expect(villager.locator("[data-test=answer-form]")).to_be_visible()
    expect(villager.locator("[data-test=target]")).to_have_count(1)
    expect(villager.locator("[data-test=target]")).to_contain_text("佛楼镇")
    villager.get_by_label("8", exact=True).check()
    where = villager.get_by_label("3. 您希望在哪里看到公示？")
    expect(where).to_be_hidden()
    villager.get_by_label("没看过").check()
    expect(where).to_be_visible()
    where.fill("村委会门口和微信群")
    villager.reload()  # half answered: the draft on the device brings every answer back
    expect(villager.get_by_label("8", exact=True)).to_be_checked()
    expect(where).to_be_visible()
    expect(where).to_have_value("村委会门口和微信群")
    villager.get_by_role("button", name="提交我的回答").dblclick()  # a double tap counts once
    expect(villager.locator("[data-test=thanks]")).to_be_visible()
    villager.reload()  # the thanks page again: nothing is sent
    expect(villager.locator("[data-test=thanks]")).to_be_visible()

    again = phone(browser, demo)
    again.goto(scanned)
    expect(again.get_by_text("已经用这张选票或由您本人回答过")).to_be_visible()
