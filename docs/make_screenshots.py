"""Take the README's screenshots: the phone home page, a villager's 我的, a policy in large
text, an official's workspace and the county's 驾驶舱.

Run with `make screenshots` (installs CJK fonts so that Chinese renders in headless Chromium).
"""

import os
import tempfile
from pathlib import Path

import pyotp
from playwright.sync_api import Page, sync_playwright

from lianyun.demo.devserver import DemoServer, demo_server

OUT = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = os.environ.get("LIANYUN_CHROMIUM", "/usr/bin/chromium")


def sign_in(page: Page, username: str, password: str, secret: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_label("动态验证码").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/workspace/")


def main() -> None:
    with (
        tempfile.TemporaryDirectory() as data_dir,
        demo_server(Path(data_dir), scale="standard") as demo,
    ):
        shoot(demo)
    print(f"screenshots written to {OUT}")


def shoot(demo: DemoServer) -> None:
    base, password, secrets = demo.url, demo.password, demo.totp_secrets
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        phone = browser.new_context(
            base_url=base,
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            locale="zh-CN",
        )
        page = phone.new_page()
        page.goto("/")
        page.screenshot(path=OUT / "phone-home.png")
        page.goto("/policies/dibao/")
        page.locator("[data-test=large-text]").click()
        page.screenshot(path=OUT / "phone-policy-large.png")
        page.locator("[data-test=large-text]").click()
        villager = phone.browser.new_context(  # type: ignore[union-attr]
            base_url=base,
            viewport={"width": 390, "height": 844},
            device_scale_factor=2,
            is_mobile=True,
            locale="zh-CN",
        ).new_page()
        villager.goto("/accounts/login/")
        villager.get_by_label("用户名").fill("villager")
        villager.get_by_label("密码").fill(password)
        villager.get_by_role("button", name="登录").click()
        villager.wait_for_url("**/me/")
        villager.screenshot(path=OUT / "phone-mine.png")
        sign_in(page, "town", password, secrets["town"])
        page.screenshot(path=OUT / "phone-workspace.png", full_page=True)
        desk = browser.new_context(
            base_url=base, viewport={"width": 1280, "height": 900}, locale="zh-CN"
        )
        page = desk.new_page()
        sign_in(page, "county", password, secrets["county"])
        page.screenshot(path=OUT / "desktop-workspace.png")
        page.goto("/dashboard/")
        page.screenshot(path=OUT / "desktop-dashboard.png")
        browser.close()


if __name__ == "__main__":
    main()
