"""Every figure of the overview, on the county's, a town's and a village's page and for more than
one period, equals what the list behind its link counts: opened through the pages, as an
official would, on the demo county loaded at a pinned clock."""

import datetime
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from lianyun.cases.models import Outcome
from lianyun.demo.tests.conftest import CLOCK, signed_in
from lianyun.inspections.models import InspectionGroup, Visit

pytestmark = pytest.mark.django_db

TOWN, VILLAGE = "511923103000", "511923103201"
PERIODS = ["", "?start=2026-03-01&end=2026-08-31"]

TILE = re.compile(r'<a class="stat" href="([^"]+)" data-test="tile"><strong>([^<]*)</strong>')
HEAT = re.compile(r'<a href="([^"]+)" data-test="heat-cell">(\d+)</a>')
BAR = re.compile(
    r'<a href="([^"]+)"><rect [^>]*><title>[^<]*</title></rect></a><text [^>]*>([^<]*)<'
)


def _drill(client: Client, url: str) -> tuple[str, int, list[str]]:
    page = client.get(html.unescape(url))
    assert page.status_code == 200, url
    body = page.content.decode()
    value = re.search(r'data-test="value">([^<]*)<', body)
    count = re.search(r'data-test="count">(\d+)<', body)
    assert value and count, url
    records = re.findall(r'<li data-test="record">(.*?)</li>', body)
    assert len(records) == min(int(count[1]), 500), url
    return html.unescape(value[1]), int(count[1]), [html.unescape(r) for r in records]


def _share(records: list[str]) -> str:
    good = sum(1 for r in records if re.sub("<[^>]+>", "", r).startswith("✓"))
    return str(round(100 * good / len(records), 1)) if records else "—"


def _amounts(records: list[str]) -> Decimal:
    return sum((Decimal(r.rsplit("</a> · ", 1)[1]) for r in records if "</a> · " in r), Decimal(0))


def _check_tile(client: Client, url: str, shown: str, key: str, region: str) -> None:
    value, count, records = _drill(client, url)
    assert value == shown, (key, url)
    from lianyun.dashboard.queries import COUNTERS, LISTS

    how = {**COUNTERS, **LISTS}[key][4]
    if how == "count":
        assert int(shown) == count, (key, url)
    elif how == "share":
        assert shown == _share(records), (key, url)
    elif how == "sum":
        assert Decimal(shown) == _amounts(records), (key, url)
    elif how == "satisfied":
        liked = sum(1 for r in records if r.split("</a>")[0].endswith(" · 满意"))
        assert shown == (str(round(100 * liked / count, 1)) if count else "—"), (key, url)
    elif how == "people":  # each person once, however many sanctions they had
        lead_ids = {int(m) for m in re.findall(r"/cases/leads/(\d+)/", " ".join(records))}
        people = Outcome.objects.filter(
            lead_id__in=lead_ids, kind__in=["party_sanction", "state_sanction"]
        )
        assert int(shown) == len(set(people.values_list("person_id", flat=True))) <= count
    else:
        raise AssertionError(f"{key}: no hand count for {how}")


def _walk(client: Client, page_url: str) -> dict[str, str]:
    """Open every figure's link on one overview page and check it; returns the tiles shown."""
    page = client.get(page_url)
    assert page.status_code == 200, page_url
    body = page.content.decode()
    tiles = TILE.findall(body)
    assert len(tiles) >= 18, page_url
    shown: dict[str, str] = {}
    for url, value in tiles:
        found = re.search(r"/dashboard/([0-9]+)/([a-z_]+)/", url)
        if found is None:  # the survey index opens its own page, which must show the figure
            index = client.get(html.unescape(url)).content.decode()
            assert f">{value}<" in index, url
            shown["index"] = value
            continue
        region, key = found[1], found[2]
        shown[key] = value
        _check_tile(client, url, html.unescape(value), key, region)
    for url, n in HEAT.findall(body):
        assert _drill(client, url)[:2] == (n, int(n)), url
    funnel = body.split('data-test="funnel">', 1)[1].split("</figure>", 1)[0]
    for url, n in BAR.findall(funnel):
        assert _drill(client, url)[:2] == (n, int(n)), url
    if 'data-test="ranking">' in body:
        ranking = body.split('data-test="ranking">', 1)[1].split("</figure>", 1)[0]
        bars = BAR.findall(ranking)
        assert bars, "no town in the ranking"
        for url, label in bars:
            share, closed_of = re.fullmatch(r"([0-9.]+)% \((\d+/\d+)\)", label).groups()  # type: ignore[union-attr]
            value, count, records = _drill(client, url)
            closed = sum(1 for r in records if "已销号" in r)
            assert (value, count) == (str(float(share)), int(closed_of.split("/")[1])), url
            assert f"{closed}/{count}" == closed_of, url
    return shown


def test_every_figure_equals_the_list_behind_its_link(demo: None) -> None:
    with time_machine.travel(CLOCK, tick=False):
        county, town = signed_in("county"), signed_in("town")
        for period in PERIODS:
            _walk(county, reverse("dashboard:overview") + period)
            _walk(town, reverse("dashboard:overview") + period)
            _walk(county, reverse("dashboard:overview-region", args=[TOWN]) + period)
            _walk(county, reverse("dashboard:overview-region", args=[VILLAGE]) + period)


def test_a_village_page_shows_the_villages_own_figures(demo: None) -> None:
    with time_machine.travel(CLOCK, tick=False):
        county = signed_in("county")
        body = county.get(reverse("dashboard:overview-region", args=[VILLAGE])).content.decode()
        town_body = county.get(reverse("dashboard:overview-region", args=[TOWN])).content.decode()
    tiles = {
        re.search(r"/([a-z_]+)/\?", u)[1]: v for u, v in TILE.findall(body) if "/dashboard/" in u
    }  # type: ignore[index]
    # Coverage: the months of the period (this year to today) in which the village had a
    # visit, by hand, from the month its group was formed.
    group = InspectionGroup.objects.get(villages__code=VILLAGE)
    months = []
    day = max(datetime.date(2026, 1, 1), group.formed_on)
    while day <= CLOCK.date():
        months.append((day.year, day.month))
        day = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    visited = {
        (d.year, d.month)
        for d in Visit.objects.filter(village__code=VILLAGE).values_list("visited_on", flat=True)
    }
    assert tiles["coverage"] == str(round(100 * len(visited & set(months)) / len(months), 1))
    assert "本村有巡检走访的月份" in body and "所在巡检组报告按时" in body
    # The survey samples towns: the village page names the town whose index it shows.
    assert "佛楼镇社会评价指数（民意测评按乡镇抽样）" in body
    # Where rectification items come from: the village's own row, headed 村, not 乡镇.
    heat = body.split('data-test="heat"', 1)[1].split("</table>", 1)[0]
    assert "<th>村</th>" in heat and "<th>乡镇</th>" not in heat
    town_heat = town_body.split('data-test="heat"', 1)[1].split("</table>", 1)[0]
    assert town_heat.count('<td class="name">') > 1  # a town's page: one row per village
