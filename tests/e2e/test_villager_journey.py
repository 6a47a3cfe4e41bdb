"""A villager on a 390-px phone: every home tile opens a page (signed out and signed in), a
petition sent with a double tap, a reload and the back button is filed once, and signing in
lands on 我的."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from lianyun.demo.devserver import DemoServer
from tests.e2e.phones import phone

pytestmark = pytest.mark.browser

TILES = ["learning", "surveys", "petitions", "ledger", "inquiries", "talks", "exams"]


def _every_tile_opens(page: Page) -> None:
    for code in TILES:
        page.goto("/")
        page.locator(f"[data-function={code}]").click()
        page.wait_for_load_state()
        assert page.locator("[data-test=error-page]").count() == 0, code
        assert "Page not found" not in page.content(), code
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, code


def _receipt(page: Page) -> tuple[str, str]:
    receipt = page.locator("[data-test=receipt] code").inner_text()
    number = re.search(r"\d{4}-\d{6}", page.locator("main").inner_text())
    assert number, page.locator("main").inner_text()
    return receipt, number.group(0)


def test_a_villager_reaches_every_function_and_nothing_is_filed_twice(
    browser: Browser, demo: DemoServer
) -> None:
    villager = phone(browser, demo)
    _every_tile_opens(villager)
    villager.goto("/no-such-page/")
    expect(villager.locator("[data-test=error-page]")).to_contain_text("这个页面不存在")

    # A suggestion, sent with a double tap.
    villager.goto("/petitions/")
    villager.get_by_label("事情发生在哪里？").select_option(label="三官寨村")
    villager.get_by_role("button", name="下一步").click()
    villager.get_by_label("建议意见").check()
    text = "村口路灯坏了三个月，晚上老人出门不方便，请修理。"
    villager.get_by_label("反映内容").fill(text)
    # A reload of the half-written form keeps the text (a draft on the device).
    villager.reload()
    expect(villager.get_by_label("反映内容")).to_have_value(text)
    expect(villager.get_by_label("建议意见")).to_be_checked()
    villager.get_by_role("button", name="提交").dblclick()
    villager.wait_for_url("**/petitions/receipt/")
    first = _receipt(villager)
    # A reload shows the same receipt; back to the form and send again: still the same one.
    villager.reload()
    assert _receipt(villager) == first
    villager.go_back()
    if villager.get_by_role("button", name="提交").count():
        villager.get_by_role("button", name="提交").click()
        villager.wait_for_url("**/petitions/receipt/")
        assert _receipt(villager) == first
    # Sent, the draft is gone: the form opened afresh is empty.
    villager.goto(villager.url.replace("/petitions/receipt/", "/petitions/"))
    villager.get_by_label("事情发生在哪里？").select_option(label="三官寨村")
    villager.get_by_role("button", name="下一步").click()
    expect(villager.get_by_label("反映内容")).to_have_value("")

    # Signed in, the villager lands on 我的 and every tile still opens.
    signed = phone(browser, demo)
    signed.goto("/accounts/login/")
    signed.get_by_label("用户名").fill("villager")
    signed.get_by_label("密码").fill(demo.password)
    signed.get_by_role("button", name="登录").click()
    expect(signed.get_by_role("heading", level=1)).to_contain_text("我的")
    assert signed.locator("[data-test=my-petitions]").count() == 1
    _every_tile_opens(signed)
    # A public question, sent with a double tap and once more with the back button: one.
    signed.goto("/inquiries/ask/")
    signed.get_by_label("向哪个单位提问").select_option(label="三官寨村村民委员会")
    signed.get_by_label("一句话概括问题").fill("村口路灯什么时候修？-旅程测试")
    signed.get_by_label("问题内容").fill("村口路灯坏了三个月，请问村委会什么时候修好？")
    signed.reload()  # the half-sent question is a draft on the device
    expect(signed.get_by_label("问题内容")).to_have_value(
        "村口路灯坏了三个月，请问村委会什么时候修好？"
    )
    expect(signed.get_by_label("一句话概括问题")).to_have_value("村口路灯什么时候修？-旅程测试")
    signed.locator("[data-test=ask]").dblclick()
    signed.wait_for_url(re.compile(r"/inquiries/\d+/$"))
    asked = signed.url
    signed.go_back()
    if signed.locator("[data-test=ask]").count():
        signed.locator("[data-test=ask]").click()
        signed.wait_for_url(re.compile(r"/inquiries/\d+/$"))
        assert signed.url == asked
    signed.goto("/me/")
    expect(
        signed.locator("[data-test=my-questions] li", has_text="村口路灯什么时候修")
    ).to_have_count(1)
    # The public faces of the two officials' functions.
    signed.goto("/talks/")
    expect(signed.locator("[data-test=past]")).to_contain_text("以案为鉴")
    signed.goto("/exams/")
    signed.locator("[data-test=quiz-start]").click()
    expect(signed.locator("[data-test=question]").first).to_be_visible()
    # A ticked answer is kept as it is ticked: a reload shows it still ticked.
    choice = signed.locator("[data-test=question]:has(input[type=radio])").first
    with signed.expect_response("**/exams/quiz/keep/"):
        choice.locator("input[type=radio]").first.check()
    signed.reload()
    expect(
        signed.locator("[data-test=question]:has(input[type=radio])")
        .first.locator("input[type=radio]")
        .first
    ).to_be_checked()
    signed.locator("[data-test=hand-in]").dblclick()  # a double tap hands in once
    expect(signed.locator("[data-test=quiz-right]")).to_be_visible()
    signed.reload()
    expect(signed.locator("[data-test=quiz-right]")).to_be_visible()
