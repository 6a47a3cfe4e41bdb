"""云考堂 on a phone: the demo village cadre sees the required notice waiting, reads it, opens the
exam hall, takes the county-wide exam on a phone-sized screen (some answers typed, some left
blank), hands it in and sees the score with each question's explanation; the county sees the
cadre leave the list of those who have not taken it."""

import re

import pytest
from playwright.sync_api import Browser, expect

from lianyun.demo.devserver import DemoServer
from tests.e2e.phones import phone, sign_in

pytestmark = pytest.mark.browser


def test_an_official_takes_the_exam_on_a_phone(browser: Browser, demo: DemoServer) -> None:
    cadre = phone(browser, demo)
    sign_in(cadre, demo, "cadre")
    expect(cadre.locator("[data-test=unread-required]")).to_have_text("1")
    cadre.locator("[data-test=learning]").click()
    cadre.locator("[data-test=unread-required] a").first.click()
    expect(cadre.get_by_role("heading", name=re.compile("纪律处分条例"))).to_be_visible()
    cadre.goto("/workspace/")
    expect(cadre.locator("[data-test=unread-required]")).to_have_count(0)

    county = phone(browser, demo)
    sign_in(county, demo, "county")
    county.goto("/exams/")
    county.locator("[data-test=managed-exam]", has_text="党纪法规知识测试").get_by_role(
        "link", name="结果"
    ).click()
    me = county.locator("[data-test=not-taken] li", has_text="三官寨村 村干部")
    expect(me).to_have_count(1)
    results = county.url

    cadre.locator("[data-test=exams]").click()
    exam = cadre.locator("[data-test=exam]", has_text="党纪法规知识测试")
    exam.locator("[data-test=start]").click()
    expect(cadre.locator("[data-test=due]")).to_be_visible()
    questions = cadre.locator("[data-test=question]")
    count = questions.count()
    assert count == 20
    # The paper fits the phone: no question is wider than the screen.
    width = cadre.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    for i in range(count - 2):
        question = questions.nth(i)
        radios = question.locator("input[type=radio]")
        boxes = question.locator("input[type=checkbox]")
        if radios.count():
            radios.first.check()
        elif boxes.count():
            boxes.nth(0).check()
            boxes.nth(1).check()
        else:
            question.locator("input[type=text]").fill("回避")
    cadre.locator("[data-test=hand-in]").click()
    score = cadre.locator("[data-test=score]")
    expect(score).to_be_visible()
    assert 0 <= float(score.inner_text()) <= 100
    expect(cadre.locator("ol.cards li")).to_have_count(20)

    county.goto(results)
    expect(me).to_have_count(0)
