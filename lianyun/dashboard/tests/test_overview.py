"""The overview: each counter against a hand count on a fixed data set, drill-down links,
scoping (a town sees nothing of another town), and the charts drawn."""

import datetime

import time_machine
from django.test import Client
from django.urls import reverse

from lianyun.cases.actions import register_rectification
from lianyun.cases.models import SourceKind
from lianyun.dashboard import charts, queries
from lianyun.ledger.actions import import_payouts
from lianyun.redflags import actions as redflags
from lianyun.redflags.tests.test_crosscheck import Ledger
from lianyun.regions.models import Unit
from lianyun.testing import Cast

TODAY = datetime.date(2026, 11, 20)
START, END = datetime.date(2026, 1, 1), TODAY


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _tile(sections: list[queries.Section], section: str, label: str) -> object:
    for s in sections:
        if str(s.title) == section:
            for t in s.tiles:
                if str(t.label) == label:
                    return t.value
    raise AssertionError(f"{section}/{label} not shown")


def _data(county: Cast) -> None:
    """Town A: three items (one overdue, one closed), two flags; town B: one item, one flag."""
    unit = Unit.objects.filter(region=county.village_a1).first()
    unit_b = Unit.objects.create(
        name="黄柳村民委员会", kind="village_committee", region=county.village_b1
    )
    actor = county.county_inspector.user
    with time_machine.travel(datetime.datetime(2026, 3, 1, 2, tzinfo=datetime.UTC)):
        for title, deadline, region, owner in (
            ("道路", datetime.date(2026, 4, 1), county.village_a1, unit),
            ("公示", datetime.date(2026, 12, 31), county.village_a2, unit),
            ("低保", datetime.date(2026, 12, 31), county.village_a1, unit),
            ("水渠", datetime.date(2026, 4, 1), county.village_b1, unit_b),
        ):
            register_rectification(
                source_kind=SourceKind.OTHER,
                source_ref="",
                region=region,
                title=title,
                owner_unit=owner,  # type: ignore[arg-type]
                responsible="张某",
                deadline=deadline,
                actor=actor,
            )
    from lianyun.cases.models import RectificationItem

    RectificationItem.objects.filter(title="低保").update(
        status="closed_out", progress=100, closed_on=datetime.date(2026, 6, 1)
    )
    led = Ledger()
    for village in ("511923103201", "511923103202", "511923102201"):
        person = led.person()
        led.pay(person, village=village)
        led.pay(person, village=village)
    import_payouts(data=led.csv(led.rows), source="cli")
    redflags.crosscheck(rule_names=["duplicate_payout"])


def test_the_counters_match_a_hand_count_and_open_their_lists(county: Cast) -> None:
    _data(county)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 2, tzinfo=datetime.UTC)):
        county_view = queries.headline(
            county.county_inspector.user, county.county, START, END, TODAY
        )
        assert _tile(county_view, "整改", "未销号") == 3
        assert _tile(county_view, "整改", "已超期") == 2
        assert _tile(county_view, "整改", "已销号") == 1
        assert _tile(county_view, "大数据比对", "待核查疑点") == 3
        town_view = queries.headline(county.town_secretary.user, county.town_a, START, END, TODAY)
        assert _tile(town_view, "整改", "未销号") == 2
        assert _tile(town_view, "整改", "已超期") == 1
        assert _tile(town_view, "大数据比对", "待核查疑点") == 2
        # The page: tiles link to their lists; the town cannot open another town's overview.
        page = _client(county.town_secretary.user).get(reverse("dashboard:overview"))
        html = page.content.decode()
        assert page.status_code == 200 and html.count('data-test="tile"') >= 15
        assert reverse("cases:rectification-list") in html
        assert reverse("redflags:flag-list") + "?status=open" in html
        assert "<svg" in html and "<script" not in html.split("<main", 1)[1].split("</main>")[0]
        other = reverse("dashboard:overview-region", args=[county.town_b.code])
        assert _client(county.town_secretary.user).get(other).status_code == 404
        assert _client(county.county_inspector.user).get(other).status_code == 200
        for user in (county.villager.user, county.village_cadre.user):
            assert _client(user).get(reverse("dashboard:overview")).status_code == 404
        # The county's ranking: town A closed one of three, town B none of one.
        ranking = queries.town_ranking(county.county_inspector.user, county.county, TODAY)
        assert [(r.town.name, r.closed, r.items) for r in ranking] == [
            ("佛楼镇", 1, 3),
            ("西兴镇", 0, 1),
        ]


def test_the_charts_are_plain_svg_with_links() -> None:
    svg = charts.bars([charts.Bar("佛楼镇", 50, "/x/?a=1&b=2"), charts.Bar("<b>", 0)])
    assert svg.startswith("<svg") and "<style" not in svg and "<script" not in svg
    assert 'href="/x/?a=1&amp;b=2"' in svg and "&lt;b&gt;" in svg
    columns = charts.columns(["2026-01", "2026-02"], [("信访", [3, 0]), ("整改", [1, 2])])
    assert columns.count("<rect") == 4 + 2  # the columns and the legend
