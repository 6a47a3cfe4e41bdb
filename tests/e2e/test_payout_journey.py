"""A villager scans the village notice, checks their payouts on a phone, disputes one, and the
town commission sees it."""

import io
import re

import pyotp
import pytest
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from lianyun.demo.devserver import DemoServer

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


def _scan(printed: Page) -> str:
    """What a phone's camera reads off the printed notice's QR code."""
    picture = Image.open(io.BytesIO(printed.locator("[data-test=qr] svg").screenshot()))
    codes = zxingcpp.read_barcodes(picture)
    assert len(codes) == 1
    return str(codes[0].text)


def test_a_villager_scans_the_notice_looks_up_payouts_and_disputes_one(
    browser: Browser, demo: DemoServer
) -> None:
    assert demo.lookup is not None
    name, number, card = demo.lookup
    notice = browser.new_context(base_url=demo.url).new_page()
    notice.goto("/payouts/boards/511923103201/print/")
    expect(notice.locator("[data-test=checkpoint]")).to_be_visible()
    address = _scan(notice)
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
    assert number not in phone.url
    assert float(phone.locator("[data-test=total]").inner_text()) > 0
    phone.locator("[data-test=dispute]").first.click()
    phone.get_by_label("理由").fill("十月的高龄津贴少发了五十元。")
    phone.locator("[data-test=send-dispute]").click()
    expect(phone.locator("[data-test=receipt]")).to_be_visible()
    petition_number = re.search(r"\d{4}-\d{6}", phone.locator("main").inner_text()).group(0)  # type: ignore[union-attr]

    town = browser.new_context(base_url=demo.url, **PHONE).new_page()
    town.goto("/accounts/login/")
    town.get_by_label("用户名").fill("town")
    town.get_by_label("密码").fill(demo.password)
    town.get_by_label("动态验证码").fill(pyotp.TOTP(demo.totp_secrets["town"]).now())
    town.get_by_role("button", name="登录").click()
    town.goto("/petitions/queue/")
    town.get_by_role("link", name=petition_number).click()
    expect(town.get_by_text("有异议的发放记录")).to_be_visible()
