"""What every journey needs: a phone-sized browser, an official's sign-in with the second
factor, and a phone camera reading a printed QR code."""

import io

import pyotp
import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

from lianyun.demo.devserver import DemoServer

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


def phone(browser: Browser, demo: DemoServer) -> Page:
    return browser.new_context(base_url=demo.url, **PHONE).new_page()  # type: ignore[arg-type]


def sign_in(page: Page, demo: DemoServer, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(demo.password)
    page.get_by_label("动态验证码").fill(pyotp.TOTP(demo.totp_secrets[username]).now())
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def read_qr(code: Locator) -> str:
    """What a phone's camera reads off one printed QR code."""
    codes = zxingcpp.read_barcodes(Image.open(io.BytesIO(code.screenshot())))
    assert len(codes) == 1
    return str(codes[0].text)


def scan(printed: Page) -> str:
    """What a phone's camera reads off the printed notice's QR code."""
    return read_qr(printed.locator("[data-test=qr] svg"))
