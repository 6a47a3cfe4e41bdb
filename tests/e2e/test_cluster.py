"""Two application servers and two task workers on one database and one Redis (run with
LIANYUN_E2E_CLUSTER): requests alternate between the servers, and still a session made on one
holds on the other, a rate limit counts requests on both, and work queued by one server is done
by a worker and seen on the other."""

import pytest
from playwright.sync_api import Browser, Page, expect

from lianyun.demo.cluster import Front
from lianyun.demo.devserver import DemoServer
from lianyun.testing import payout_csv, payout_rows
from tests.e2e.conftest import CLUSTER
from tests.e2e.phones import PHONE, sign_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CLUSTER, reason="needs LIANYUN_E2E_CLUSTER (make browser-cluster)"),
]


def test_sessions_limits_and_the_queue_hold_across_servers(
    browser: Browser, demo: DemoServer, cluster: tuple[DemoServer, Front], tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _served, front = cluster
    before = dict(front.served)
    # A department signs in (on one server) and hands over a payout file (perhaps on the other).
    desk = browser.new_context(base_url=demo.url, locale="zh-CN").new_page()
    sign_in(desk, demo, "department")
    for _ in range(4):  # every page after the sign-in, on either server, knows who it is
        desk.goto("/payouts/uploads/")
        expect(desk.locator("[data-test=upload-form]")).to_be_visible()
    file = tmp_path / "2026年10月.csv"
    file.write_bytes(payout_csv(payout_rows(6, start=700), "gbk"))
    desk.locator("[data-test=upload-form] input[type=file]").set_input_files(file)
    desk.locator("[data-test=upload-form] button[type=submit]").click()
    # A worker (not the server that took the file) imports it; the page refreshes until done.
    expect(desk.locator("[data-test=upload-status]")).to_have_attribute(
        "data-status", "complete", timeout=60_000
    )
    assert "6" in desk.locator("[data-test=upload-summary]").inner_text()
    # Failures count per person looked up and network address, however the requests are
    # spread over the servers: ten wrong cards from one network stop that network for this
    # person, never the person's own phone elsewhere. (The header stands for the address that
    # nginx sets in production; this test's front passes it on.)
    assert demo.lookup is not None
    name, number, card = demo.lookup

    def look_up(page: Page, with_card: str) -> None:
        page.goto("/payouts/mine/")
        page.get_by_label("姓名").fill(name)
        page.get_by_label("身份证号码").fill(number)
        page.get_by_label("社保卡号").fill(with_card)
        page.get_by_role("button", name="查询").click()
        page.wait_for_load_state()

    stranger = browser.new_context(
        base_url=demo.url, extra_http_headers={"X-Forwarded-For": "198.51.100.80"}, **PHONE
    ).new_page()
    for n in range(10):
        look_up(stranger, f"S9999999{n}")
    look_up(stranger, card)
    expect(stranger.locator("[data-test=statement]")).to_have_count(0)
    owner = browser.new_context(
        base_url=demo.url, extra_http_headers={"X-Forwarded-For": "203.0.113.80"}, **PHONE
    ).new_page()
    look_up(owner, card)
    expect(owner.locator("[data-test=statement]")).to_be_visible()
    # Both servers took their share of all that.
    for port in front.upstreams:
        assert front.served[port] - before.get(port, 0) >= 10, front.served
