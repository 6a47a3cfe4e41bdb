"""A villager scans the village notice, checks their payouts on a phone, disputes one, and the
town commission sees it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from lianyun.demo.devserver import DemoServer
from lianyun.demo.handovers import own_layout_csv
from lianyun.testing import payout_rows
from tests.e2e.phones import PHONE, scan, sign_in

pytestmark = pytest.mark.browser


def test_a_villager_scans_the_notice_looks_up_payouts_and_disputes_one(
    browser: Browser, demo: DemoServer
) -> None:
    assert demo.lookup is not None
    name, number, card = demo.lookup
    notice = browser.new_context(base_url=demo.url).new_page()
    notice.goto("/payouts/boards/511923103201/print/")
    expect(notice.locator("[data-test=checkpoint]")).to_be_visible()
    address = scan(notice)
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
    assert number not in phone.url and phone.url.endswith("/payouts/mine/2026/")
    total = phone.locator("[data-test=total]").inner_text()
    assert float(total) > 0
    phone.reload()  # a GET: the same statement, the ID number not sent again
    expect(phone.locator("[data-test=total]")).to_have_text(total)
    phone.locator("[data-test=dispute]").first.click()
    phone.go_back()  # back from the dispute form: the statement, no resubmit prompt
    expect(phone.locator("[data-test=total]")).to_have_text(total)
    phone.locator("[data-test=dispute]").first.click()
    phone.get_by_label("理由").fill("十月的高龄津贴少发了五十元。")
    phone.locator("[data-test=send-dispute]").dblclick()  # a double tap files it once
    expect(phone.locator("[data-test=receipt]")).to_be_visible()
    petition_number = re.search(r"\d{4}-\d{6}", phone.locator("main").inner_text()).group(0)  # type: ignore[union-attr]
    receipt = phone.locator("[data-test=receipt] code").inner_text()
    phone.reload()  # the same receipt again, nothing filed
    expect(phone.locator("[data-test=receipt] code")).to_have_text(receipt)
    phone.go_back()
    if phone.locator("[data-test=send-dispute]").count():
        phone.locator("[data-test=send-dispute]").click()  # back and send again: the same one
        expect(phone.locator("[data-test=receipt] code")).to_have_text(receipt)

    town = browser.new_context(base_url=demo.url, **PHONE).new_page()
    sign_in(town, demo, "town")
    town.goto("/petitions/queue/")
    town.get_by_role("link", name=petition_number).click()
    expect(town.get_by_text("有异议的发放记录")).to_be_visible()


def test_a_department_names_a_files_columns_once_and_its_next_file_imports(
    browser: Browser, demo: DemoServer, tmp_path: Path
) -> None:
    desk = browser.new_context(base_url=demo.url, locale="zh-CN").new_page()
    sign_in(desk, demo, "department")
    desk.goto("/payouts/uploads/")
    desk.get_by_role("link", name="民政局高龄津贴明细.csv").click()
    status = desk.locator("[data-test=upload-status]")
    expect(status).to_have_attribute("data-status", "mapping")
    desk.locator("[data-test=name-columns]").click()
    # The file's columns beside the fields, our guesses chosen; 钱数 is the one left to name.
    expect(desk.get_by_label("身份证号", exact=True)).to_have_value("2")
    expect(desk.get_by_label("业务流水号", exact=True)).to_have_value("0")
    desk.get_by_label("金额", exact=True).select_option(label="F · 钱数")
    desk.get_by_label("此格式的名称").fill("高龄津贴明细")
    desk.get_by_role("button", name="保存列名对应并导入").click()
    expect(status).to_have_attribute("data-status", "complete", timeout=60_000)
    assert "高龄津贴明细" in desk.locator("[data-test=upload-summary]").inner_text()
    # Next month's file in the same layout: imported with no questions.
    rows = [[r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[9]] for r in payout_rows(3, start=900)]
    file = tmp_path / "民政局高龄津贴明细（下月）.csv"
    file.write_bytes(own_layout_csv(rows))
    desk.goto("/payouts/uploads/")
    desk.locator("[data-test=upload-form] input[type=file]").set_input_files(file)
    desk.locator("[data-test=upload-form] button[type=submit]").click()
    expect(status).to_have_attribute("data-status", "complete", timeout=60_000)
    summary = desk.locator("[data-test=upload-summary]").inner_text()
    assert "高龄津贴明细" in summary and "3" in summary
