"""The overview: each counter against a hand count on a fixed data set, drill-down links,
scoping (a town sees nothing of another town), and the charts drawn."""

import datetime

import time_machine
from django.test import Client
from django.urls import reverse

from lianyun.cases.actions import register_rectification
from lianyun.cases.models import RectificationItem, SourceKind
from lianyun.dashboard import charts, queries
from lianyun.ledger.actions import import_payouts
from lianyun.ledger.xlsx import read_xlsx
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


def _tile(sections: list[queries.Section], key: str) -> object:
    for s in sections:
        for t in s.tiles:
            if t.key == key:
                return t.value
    raise AssertionError(f"{key} not shown")


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
        assert _tile(county_view, "items_open") == 3
        assert _tile(county_view, "items_overdue") == 2
        assert _tile(county_view, "items_closed") == 1
        assert _tile(county_view, "flags_pending") == 3
        assert str(_tile(county_view, "flags_stake")) == "1200.00"  # three repeats of 400
        town_view = queries.headline(county.town_secretary.user, county.town_a, START, END, TODAY)
        assert _tile(town_view, "items_open") == 2
        assert _tile(town_view, "items_overdue") == 1
        assert _tile(town_view, "flags_pending") == 2
        # Every number's drill-down lists exactly what it counts, and makes the same number.
        scope = queries.Scope(county.town_secretary.user, county.town_a, START, END, TODAY)
        for section in town_view:
            for tile in section.tiles:
                if tile.key in queries.COUNTERS:
                    _label, entries, value = queries.records(scope, tile.key)
                    assert value == tile.value, tile.key
                    if queries.COUNTERS[tile.key][4] == "count":
                        assert len(entries) == tile.value, tile.key
        _label, overdue, _value = queries.records(scope, "items_overdue")
        assert [e.text.split(" · ")[0] for e in overdue] == ["道路"]
        # The page: tiles link to their lists; the town cannot open another town's overview.
        page = _client(county.town_secretary.user).get(reverse("dashboard:overview"))
        html = page.content.decode()
        assert page.status_code == 200 and html.count('data-test="tile"') >= 15
        drill = reverse("dashboard:drill", args=[county.town_a.code, "items_overdue"])
        assert drill in html
        opened = _client(county.town_secretary.user).get(drill + "?start=2026-01-01&end=2026-11-20")
        assert 'data-test="value">1<' in opened.content.decode()
        road = RectificationItem.objects.get(title="道路").pk
        assert reverse("cases:rectification-detail", args=[road]) in opened.content.decode()
        # Excel of the overview and of a list, with a formula trigger made harmless.
        RectificationItem.objects.filter(title="道路").update(title="=HYPERLINK(1)")
        book = _client(county.town_secretary.user).get(
            drill + "?start=2026-01-01&end=2026-11-20&xlsx=1"
        )
        cells = [c for row in read_xlsx(book.content) for c in row]
        assert "'=HYPERLINK(1)" in " ".join(cells) and "=HYPERLINK(1)" not in cells
        overview = _client(county.town_secretary.user).get(
            reverse("dashboard:overview") + "?xlsx=1"
        )
        assert any("已超期" in c for row in read_xlsx(overview.content) for c in row)
        assert 'data-test="funnel"' in html and 'data-test="heat"' in html
        village = reverse("dashboard:drill", args=[county.town_b.code, "items_open"])
        assert _client(county.town_secretary.user).get(village).status_code == 404
        cadre_drill = reverse("dashboard:drill", args=[county.town_a.code, "flags_pending"])
        assert _client(county.village_cadre.user).get(cadre_drill).status_code == 404
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


def test_the_monthly_report_prints_and_opens_as_docx_with_the_same_figures(county: Cast) -> None:
    import io

    from docx import Document

    _data(county)
    with time_machine.travel(datetime.datetime(2026, 11, 20, 2, tzinfo=datetime.UTC)):
        client = _client(county.county_inspector.user)
        url = reverse("dashboard:report", args=[county.county.code]) + "?month=2026-03"
        page = client.get(url).content.decode()
        assert "2026-03" in page and 'data-test="report-towns"' in page and 'data-test="qr"' in page
        scope = queries.Scope(
            county.county_inspector.user,
            county.county,
            datetime.date(2026, 3, 1),
            datetime.date(2026, 3, 31),
            TODAY,
        )
        payouts_flagged = queries.records(scope, "flags_pending")[2]
        document = Document(io.BytesIO(client.get(url + "&docx=1").content))
        text = "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        assert "佛楼镇" in text and "西兴镇" in text
        assert str(payouts_flagged) in text
        assert client.get(reverse("dashboard:report", args=[county.town_b.code])).status_code == 200
        town = _client(county.town_secretary.user)
        assert town.get(reverse("dashboard:report", args=[county.town_b.code])).status_code == 404


def test_petition_satisfaction_is_the_share_of_rated_answers_liked(county: Cast) -> None:
    from lianyun.petitions.actions import submit_petition
    from lianyun.petitions.models import Petition, PetitionKind

    made = [
        submit_petition(
            kind=PetitionKind.SUGGESTION,
            region=region,
            anonymous=True,
            description=f"建议第{n}条：村道路灯坏了，请修理。",
            today=datetime.date(2026, 5, n + 1),
        ).petition
        for n, region in enumerate(
            (
                county.village_a1,
                county.village_a1,
                county.village_a2,
                county.village_a1,
                county.village_b1,
            )
        )
    ]
    for petition, liked in zip(made, [True, True, False, None, False], strict=True):
        Petition.objects.filter(pk=petition.pk).update(satisfied=liked)
    town = queries.headline(county.town_secretary.user, county.town_a, START, END, TODAY)
    assert _tile(town, "petitions_satisfaction") == 66.7  # 2 of the 3 rated in town A
    whole = queries.headline(county.county_inspector.user, county.county, START, END, TODAY)
    assert _tile(whole, "petitions_satisfaction") == 50.0  # 2 of 4 rated in the county
    scope = queries.Scope(county.town_secretary.user, county.town_a, START, END, TODAY)
    _label, entries, value = queries.records(scope, "petitions_satisfaction")
    assert value == 66.7 and len(entries) == 3
    assert sum("不满意" in e.text for e in entries) == 1
