"""The whole loop on phones: an anonymous accusation, the town's handling, review and recheck
by the county, and the accused cadre seeing nothing."""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from lianyun.demo.devserver import DemoServer
from tests.e2e.phones import phone, sign_in

pytestmark = pytest.mark.browser

CANARY = "三官寨村支书截留低保金-旅程测试"


def _answer(page: Page, decision: str, text: str) -> None:
    page.get_by_label(decision).check()
    page.get_by_label("答复意见及理由").fill(text)
    page.locator("[data-test=answer]").click()


def test_an_anonymous_accusation_goes_round_the_whole_loop(
    browser: Browser, demo: DemoServer
) -> None:
    villager = phone(browser, demo)
    villager.goto("/")
    villager.locator("[data-function=petitions]").click()
    villager.wait_for_url("**/petitions/")
    villager.get_by_label("事情发生在哪里？").select_option(label="三官寨村")
    villager.get_by_role("button", name="下一步").click()
    villager.get_by_label("检举控告").check()
    options = villager.locator("#id_subject option").all_inner_texts()
    villager.get_by_label("反映对象").select_option(
        label=next(t for t in options if "党组织书记" in t)
    )
    villager.get_by_label("反映内容").fill(CANARY + "，三户人家三个月没有领到低保。")
    villager.get_by_role("button", name="提交").click()
    receipt = villager.locator("[data-test=receipt] code").inner_text()
    number = re.search(r"\d{4}-\d{6}", villager.locator("main").inner_text()).group(0)  # type: ignore[union-attr]
    assert re.fullmatch(r"([A-Z2-7]{4}-){6}[A-Z2-7]{4}", receipt)

    # Days later, on another phone, with only the receipt.
    later = phone(browser, demo)
    later.goto("/petitions/track/")
    later.get_by_label("查询码").fill(receipt)
    later.get_by_role("button", name="查询").click()
    expect(later.locator("[data-test=status]")).to_have_text("已登记")

    # The county commission watches its counters.
    county = phone(browser, demo)
    sign_in(county, demo, "county")
    county.goto("/cases/counters/")
    leads_before = int(county.locator("[data-test=leads]").inner_text())

    # The town commission accepts, disposes of the lead and answers.
    town = phone(browser, demo)
    sign_in(town, demo, "town")
    town.get_by_role("link", name=re.compile("信访件待办")).click()
    town.get_by_role("link", name=number).click()
    town.locator("[data-test=accept]").click()
    expect(town.locator("[data-test=status]")).to_have_text("已受理")
    town.get_by_role("link", name=re.compile("^L")).click()
    town.get_by_label("初步核实").check()
    town.get_by_label("理由（经集体研究）").fill("经镇纪委集体研究，予以初步核实。")
    town.locator("[data-test=dispose]").click()
    expect(town.locator("[data-test=lead-status]")).to_have_text("办理中")
    town.go_back()
    town.go_back()
    town.reload()
    _answer(town, "予以支持", "经核查，反映属实，已责令补发低保金并对相关人员作出处理。")
    expect(town.locator("[data-test=status]")).to_have_text("已答复")

    # The villager reads the answer and asks for a review.
    later.reload()
    expect(later.locator("[data-test=answer]")).to_contain_text("反映属实")
    later.get_by_label("理由").fill("补发金额不足，申请复查。")
    later.get_by_role("button", name="申请", exact=True).click()
    expect(later.locator("[data-test=status]")).to_have_text("已申请复查")

    # The county sees the new lead counted, answers the review; the villager asks for a
    # recheck, and the county makes it final.
    county.goto("/cases/counters/")
    assert int(county.locator("[data-test=leads]").inner_text()) == leads_before + 1
    county.goto("/workspace/")
    county.get_by_role("link", name=re.compile("信访件待办")).click()
    county.get_by_role("link", name=number).click()
    _answer(county, "解释说明", "经复查，补发金额按政策标准计算，并无不足。")
    expect(county.locator("[data-test=status]")).to_have_text("复查已答复")
    later.reload()
    later.get_by_label("理由").fill("仍有疑问，申请复核。")
    later.get_by_role("button", name="申请", exact=True).click()
    expect(later.locator("[data-test=status]")).to_have_text("已申请复核")
    county.reload()
    _answer(county, "解释说明", "经复核，维持复查意见，本事项终结。")
    expect(county.locator("[data-test=status]")).to_have_text("已终结")
    later.reload()
    expect(later.locator("[data-test=status]")).to_have_text("已终结")

    # The accused village secretary signs in and finds no trace.
    cadre = phone(browser, demo)
    sign_in(cadre, demo, "cadre")
    assert CANARY not in cadre.content()
    petition_url = town.url if "/petitions/" in town.url else None
    for path in ["/petitions/queue/", "/cases/leads/", "/cases/counters/"]:
        cadre.goto(path)
        assert CANARY not in cadre.content()
        assert "信访件 " not in cadre.content()
    if petition_url:
        response = cadre.goto(petition_url)
        assert response is not None and response.status == 404
