import pytest
from playwright.sync_api import Browser, Page, expect

from lianyun.demo.devserver import DemoServer
from tests.e2e.phones import totp_code

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}
SEVEN = ["宣传教育", "民意测评", "信访举报", "政务公开", "阳光问廉", "云端话廉", "云考堂"]


@pytest.fixture
def phone(browser: Browser, demo: DemoServer) -> Page:
    context = browser.new_context(base_url=demo.url, **PHONE)
    page = context.new_page()
    outside: list[str] = []
    page.on(
        "request",
        lambda request: (
            outside.append(request.url) if not request.url.startswith(demo.url) else None
        ),
    )
    page.outside_requests = outside  # type: ignore[attr-defined]
    return page


def test_a_villager_opens_the_home_page_and_switches_language(phone: Page) -> None:
    phone.goto("/")
    for title in SEVEN:
        expect(phone.get_by_text(title, exact=True)).to_be_visible()
    # The tiles fit a phone's width: no sideways scrolling.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator("[data-test=lang-switch]").click()
    expect(phone.get_by_text("Petitions and reports", exact=True)).to_be_visible()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    phone.locator("[data-test=lang-switch]").click()
    expect(phone.get_by_text("信访举报", exact=True)).to_be_visible()
    assert phone.outside_requests == []  # type: ignore[attr-defined]


def test_the_site_installs_as_a_web_app(phone: Page) -> None:
    phone.goto("/")
    state = phone.evaluate(
        "navigator.serviceWorker.ready.then(r => r.active && r.active.scriptURL)"
    )
    assert state.endswith("/sw.js")
    manifest = phone.evaluate(
        "fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json())"
    )
    assert manifest["display"] == "standalone"


def test_a_town_official_signs_in_with_totp_and_sees_only_the_town(
    phone: Page, demo: DemoServer
) -> None:
    phone.goto("/")
    phone.get_by_role("link", name="干部登录").click()
    phone.get_by_label("用户名").fill("town")
    phone.get_by_label("密码").fill(demo.password)
    phone.get_by_label("动态验证码").fill(totp_code(demo, "town"))
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_role("heading", name="工作台")).to_be_visible()
    expect(phone.get_by_text("佛楼镇", exact=False).first).to_be_visible()
    expect(phone.get_by_role("link", name="三官寨村")).to_be_visible()
    assert "黄柳村" not in phone.content()  # 西兴镇's village
    phone.get_by_role("link", name="三官寨村").click()
    expect(phone.get_by_role("heading", name="三官寨村")).to_be_visible()
    phone.goto("/workspace/regions/511923102201/")  # a village of another town
    assert phone.title() != "黄柳村"
    assert "黄柳村" not in phone.content()


def test_a_wrong_code_keeps_the_official_out(phone: Page, demo: DemoServer) -> None:
    phone.goto("/accounts/login/")
    phone.get_by_label("用户名").fill("county")
    phone.get_by_label("密码").fill(demo.password)
    phone.get_by_label("动态验证码").fill("000000")
    phone.get_by_role("button", name="登录").click()
    expect(phone.get_by_text("用户名、密码或动态验证码错误")).to_be_visible()
