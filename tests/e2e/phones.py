"""What every journey needs: a phone-sized browser, an official's sign-in with the second
factor, and a phone camera reading a printed QR code."""

import io

import zxingcpp
from PIL import Image
from playwright.sync_api import Browser, Locator, Page, expect

from lianyun.demo.devserver import DemoServer
from lianyun.testing import fresh_totp

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


def phone(browser: Browser, demo: DemoServer) -> Page:
    return browser.new_context(base_url=demo.url, **PHONE).new_page()  # type: ignore[arg-type]


_used_steps: dict[tuple[int, str], int] = {}


def totp_code(demo: DemoServer, username: str) -> str:
    """A code this demo server has not accepted for this official yet (each is good once)."""
    key = (id(demo), username)
    code, _used_steps[key] = fresh_totp(demo.totp_secrets[username], _used_steps.get(key))
    return code


def sign_in(page: Page, demo: DemoServer, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(demo.password)
    page.get_by_label("动态验证码").fill(totp_code(demo, username))
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
