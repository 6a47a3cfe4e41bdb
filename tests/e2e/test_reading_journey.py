"""Made for older eyes and weak networks, on a phone: axe-core finds no serious or critical
problem on the public pages; in large-text mode and at 200% text no page scrolls sideways on
a 360-px screen; a policy page read once is there again without a signal, marked with when it
was saved; and the read-aloud button uses the phone's own speech."""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from lianyun.demo.devserver import DemoServer
from tests.e2e.phones import PHONE

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
VILLAGE = "511923103201"
PUBLIC = [
    "/",
    "/policies/",
    "/policies/dibao/",
    "/policies/?q=医疗",
    "/payouts/mine/",
    f"/payouts/boards/{VILLAGE}/?range=this_year",
    "/petitions/",
    f"/petitions/new/{VILLAGE}/",
    "/petitions/track/",
    "/petitions/statistics/",
    "/inquiries/",
    "/inquiries/scoreboard/",
    "/inquiries/statistics/",
    "/surveys/",
    "/surveys/index/",
    "/learning/",
    "/talks/",
    "/exams/",
    "/statistics/",
    "/rectifications/",
    "/publications/",
    f"/disclosures/{VILLAGE}/",
    "/accounts/login/",
    "/no-such-page/",
]
SERIOUS = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))"""


def _narrow(browser: Browser, demo: DemoServer, **extra: object) -> Page:
    options = {**PHONE, "viewport": {"width": 360, "height": 740}, **extra}
    return browser.new_context(base_url=demo.url, **options).new_page()  # type: ignore[arg-type]


def _sideways(page: Page) -> int:
    return int(page.evaluate("document.documentElement.scrollWidth"))


def test_the_public_pages_pass_axe_and_never_scroll_sideways_in_large_text(
    browser: Browser, demo: DemoServer
) -> None:
    assert AXE.exists(), "`make axe` installs axe-core"
    checked = _narrow(browser, demo, bypass_csp=True)  # axe is injected, not served
    for path in PUBLIC:
        checked.goto(path)
        checked.add_script_tag(path=str(AXE))
        assert checked.evaluate(SERIOUS) == [], path

    page = _narrow(browser, demo)
    page.goto("/")
    page.locator("[data-test=large-text]").click()
    for path in PUBLIC:
        page.goto(path)
        assert page.evaluate("document.documentElement.classList.contains('large')"), path
        assert _sideways(page) <= 360, f"large text: {path}"
    page.locator("[data-test=large-text]").click()  # off again, for the 200% check
    for path in PUBLIC:
        page.goto(path)
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        assert _sideways(page) <= 360, f"200% text: {path}"


def test_a_policy_read_once_is_there_offline_and_read_aloud(
    browser: Browser, demo: DemoServer
) -> None:
    context = browser.new_context(base_url=demo.url, **PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto("/policies/dibao/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # now through the service worker, which keeps a copy
    speech = page.evaluate("'speechSynthesis' in window")
    button = page.locator("[data-test=read-aloud]")
    assert button.is_visible() == speech  # shown where the phone can speak, hidden elsewhere
    page.goto(f"/payouts/boards/{VILLAGE}/")
    page.wait_for_timeout(300)  # the copy is written after the page is shown
    context.set_offline(True)
    page.goto("/policies/dibao/")
    expect(page.locator("[data-test=offline-copy]")).to_contain_text("保存的副本")
    expect(page.locator("[data-test=eligibility]")).to_be_visible()
    page.goto(f"/payouts/boards/{VILLAGE}/")
    expect(page.locator("[data-test=offline-copy]")).to_be_visible()
    page.goto("/petitions/track/")  # not kept: the offline page says so plainly
    expect(page.locator("h1")).to_contain_text("网络未连接")
    context.set_offline(False)


def test_a_signed_in_villagers_last_statement_is_kept_until_sign_out(
    browser: Browser, demo: DemoServer
) -> None:
    """A villager on their own phone reads their last statement without a signal; signing out
    leaves nothing of it on the phone. Without an account nothing personal is kept at all."""
    assert demo.lookup is not None
    name, number, card = demo.lookup
    context = browser.new_context(base_url=demo.url, **PHONE)  # type: ignore[arg-type]
    page = context.new_page()
    page.goto("/accounts/login/")
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.get_by_label("用户名").fill("villager")
    page.get_by_label("密码").fill(demo.password)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("我的")
    page.goto("/payouts/mine/")
    page.get_by_label("姓名").fill(name)
    page.get_by_label("身份证号码").fill(number)
    page.get_by_label("社保卡号").fill(card)
    page.get_by_role("button", name="查询").click()
    total = page.locator("[data-test=total]").inner_text()
    page.wait_for_timeout(300)  # the copy is written after the page is shown
    context.set_offline(True)
    page.goto("/")
    page.goto("/payouts/mine/2026/")
    expect(page.locator("[data-test=offline-copy]")).to_contain_text("保存的副本")
    expect(page.locator("[data-test=total]")).to_have_text(total)
    context.set_offline(False)
    page.goto("/")
    page.get_by_role("button", name="退出").click()
    page.wait_for_timeout(300)
    context.set_offline(True)
    page.goto("/payouts/mine/2026/")
    expect(page.locator("h1")).to_contain_text("网络未连接")
    context.set_offline(False)
