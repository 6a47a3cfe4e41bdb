"""村居巡检 on a phone: the demo inspector logs an account check in one of the group's
villages, draws the reproducible sample, marks records against their vouchers and reports a
finding; the town commission's queue shows it."""

import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, expect

from lianyun.demo.devserver import DemoServer
from tests.e2e.phones import phone, sign_in

pytestmark = pytest.mark.browser


def test_an_inspector_logs_an_account_check_on_a_phone(browser: Browser, demo: DemoServer) -> None:
    inspector = phone(browser, demo)
    sign_in(inspector, demo, "inspector")
    inspector.locator("[data-test=inspections]").click()
    inspector.locator("[data-test=group] a").first.click()
    inspector.locator("[data-test=log-visit]").click()
    form = inspector.locator("form[data-keep^=visit]")
    form.get_by_label("巡检方式").select_option("account_check")
    form.get_by_label("时长（分钟）").fill("80")
    form.get_by_label("接触人员").fill("村会计、村务监督委员会主任")
    form.get_by_label("记录", exact=True).fill("核对上月报账单据。")
    form.get_by_label("惠民惠农补贴发放是否与一卡通记录一致").select_option("problem")
    inspector.locator("[data-test=save-visit]").click()
    expect(inspector.get_by_role("heading", name=re.compile("核对账目"))).to_be_visible()

    first = datetime.datetime.now(ZoneInfo("Asia/Shanghai")).date().replace(day=1)
    last_month = (first - datetime.timedelta(days=1)).strftime("%Y-%m")
    inspector.get_by_label("抽样月份（YYYY-MM）").fill(last_month)
    inspector.locator("[data-test=draw-sample]").click()
    expect(inspector.locator("[data-test=sample-seed]")).to_be_visible()
    items = inspector.locator("[data-test=sample-item]")
    assert items.count() >= 1
    items.first.get_by_label("不符").check()
    items.first.get_by_label("说明").fill("缺领款人签字")
    inspector.locator("[data-test=check-1]").click()
    expect(inspector.locator("[data-test=sample-item]").first).to_contain_text("缺领款人签字")

    inspector.get_by_label("民生问题").check()
    inspector.get_by_label("发现的问题").fill("补贴发放与一卡通记录不一致，需逐户核对-旅程测试")
    inspector.locator("[data-test=raise-finding]").click()
    expect(inspector.locator("[data-test=finding]")).to_contain_text("待审核")

    county = phone(browser, demo)
    sign_in(county, demo, "county")
    county.goto("/inspections/findings/")
    expect(county.get_by_text("需逐户核对-旅程测试")).to_be_visible()
