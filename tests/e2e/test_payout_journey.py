"""A villager scans the village notice, checks their payouts on a phone, disputes one, and the
town commission sees it."""

import re

import pytest
from playwright.sync_api import Browser, expect

from lianyun.demo.devserver import DemoServer
from tests.e2e.phones import PHONE, scan, sign_in

pytestmark = pytest.mark.browser


def test_a_villager_scans_the_notice_looks_up_payouts_and_disputes_one(
    browser: Browser, demo: DemoServer
) -> None:
    assert demo.lookup is not None
    name, number, card = demo.lookup
    notice = browser.new_context(base_url=demo.url).new_page()
    notice.goto("/payouts/boards/511923103201/print/")
    expect(notice.locator("[data-test=checkpoint]")).to_be_visible()
    address = scan(notice)
    assert address == f"{demo.url}/payouts/boards/511923103201/"

    phone = browser.new_context(**PHONE).new_page()
    phone.goto(address)
    expect(phone.locator("[data-test=board]")).to_be_visible()
    phone.locator("[data-test=my-payouts]").click()
    assert number not in phone.url
    phone.get_by_label("姓名").fill(name)
    phone.get_by_label("身份证号码").fill(number)
    phone.get_by_label("社保卡号").fill(card)
    phone.get_by_role("button", name="查询").click()
    expect(phone.locator("[data-test=statement]")).to_be_visible()
    assert number not in phone.url and phone.url.endswith("/payouts/mine/2026/")
    total = phone.locator("[data-test=total]").inner_text()
    assert float(total) > 0
    phone.reload()  # a GET: the same statement, the ID number not sent again
    expect(phone.locator("[data-test=total]")).to_have_text(total)
    phone.locator("[data-test=dispute]").first.click()
    phone.go_back()  # back from the dispute form: the statement, no resubmit prompt
    expect(phone.locator("[data-test=total]")).to_have_text(total)
    phone.locator("[data-test=dispute]").first.click()
    phone.get_by_label("理由").fill("十月的高龄津贴少发了五十元。")
    phone.locator("[data-test=send-dispute]").dblclick()  # a double tap files it once
    expect(phone.locator("[data-test=receipt]")).to_be_visible()
    petition_number = re.search(r"\d{4}-\d{6}", phone.locator("main").inner_text()).group(0)  # type: ignore[union-attr]
    receipt = phone.locator("[data-test=receipt] code").inner_text()
    phone.reload()  # the same receipt again, nothing filed
    expect(phone.locator("[data-test=receipt] code")).to_have_text(receipt)
    phone.go_back()
    if phone.locator("[data-test=send-dispute]").count():
        phone.locator("[data-test=send-dispute]").click()  # back and send again: the same one
        expect(phone.locator("[data-test=receipt] code")).to_have_text(receipt)

    town = browser.new_context(base_url=demo.url, **PHONE).new_page()
    sign_in(town, demo, "town")
    town.goto("/petitions/queue/")
    town.get_by_role("link", name=petition_number).click()
    expect(town.get_by_text("有异议的发放记录")).to_be_visible()
