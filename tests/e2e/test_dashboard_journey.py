"""驾驶舱 on a desk and on a phone: the county opens the overview, sees its charts drawn, clicks a
town's bar to the items behind it and reaches a record in three clicks, then opens a town's
overview and the list behind a number; the town's commission opens its own overview on a phone. Screenshots of both are kept under var/screenshots/."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from lianyun.demo.devserver import DemoServer
from tests.e2e.phones import phone, sign_in

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


def test_the_overview_on_a_desk_and_on_a_phone(browser: Browser, demo: DemoServer) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    desk = browser.new_context(
        base_url=demo.url, viewport={"width": 1280, "height": 900}, locale="zh-CN"
    ).new_page()
    sign_in(desk, demo, "county")
    desk.locator("[data-test=dashboard]").click()  # 1
    expect(desk.get_by_role("heading", name="驾驶舱 · 平昌县")).to_be_visible()
    expect(desk.locator("[data-test=section]").first).to_be_visible()
    assert desk.locator("[data-test=trend] svg rect").count() > 0
    bars = desk.locator("[data-test=ranking] svg a")
    assert bars.count() >= 2
    desk.screenshot(path=str(SHOTS / "dashboard-desktop.png"), full_page=True)
    shown = bars.first.locator("xpath=following-sibling::*[1]").text_content() or ""  # "50% (1/2)"
    bars.first.click()  # 2: the items behind a town's bar, the bar's figure on top
    expect(desk.get_by_role("heading")).to_contain_text("整改事项销号率")
    expect(desk.locator("[data-test=value]")).to_have_text(str(float(shown.split("%")[0])))
    items = int(shown.split("/")[1].rstrip(")"))
    assert desk.locator("[data-test=record]").count() == min(items, 500)
    desk.locator("[data-test=record] a").first.click()  # 3: a record
    expect(desk.get_by_role("heading").first).to_be_visible()

    desk.go_back()
    desk.locator(".crumbs a").click()  # the list's crumb opens that town's overview
    expect(desk.get_by_role("heading", name="驾驶舱")).to_contain_text("镇")
    tile = desk.locator("[data-test=tile]", has_text="未销号")
    shown = tile.locator("strong").inner_text()
    tile.click()  # the records behind the number
    expect(desk.locator("[data-test=value]")).to_have_text(shown)
    assert desk.locator("[data-test=record]").count() == min(int(shown), 500)

    town = phone(browser, demo)
    sign_in(town, demo, "town")
    town.locator("[data-test=dashboard]").click()
    expect(town.get_by_role("heading", name="驾驶舱 · 佛楼镇")).to_be_visible()
    assert town.locator("[data-test=trend] svg").bounding_box()["width"] <= 390  # type: ignore[index]
    assert town.evaluate("document.documentElement.scrollWidth") <= 390
    town.screenshot(path=str(SHOTS / "dashboard-phone.png"), full_page=True)
