"""The cached overview: served from the cache while fresh, recomputed by the task queue's
refresh once the data changes, never older than the stale interval, kept apart per viewer."""

import datetime

import pytest
import time_machine
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse

from lianyun.cases.actions import register_rectification
from lianyun.cases.models import RectificationItem, SourceKind
from lianyun.dashboard import aggregates, tasks
from lianyun.regions.models import Unit
from lianyun.testing import Cast

TODAY = datetime.date(2026, 11, 20)
NOW = datetime.datetime(2026, 11, 20, 2, tzinfo=datetime.UTC)


def _open_items(data: aggregates.Overview) -> object:
    return next(t.value for s in data.sections for t in s.tiles if t.key == "items_open")


def _item(county: Cast, title: str) -> None:
    register_rectification(
        source_kind=SourceKind.OTHER,
        source_ref="",
        region=county.village_a1,
        title=title,
        owner_unit=Unit.objects.filter(region=county.village_a1).first(),  # type: ignore[arg-type]
        responsible="张某",
        deadline=datetime.date(2026, 12, 31),
        actor=county.county_inspector.user,
    )


@pytest.fixture
def clock():  # type: ignore[no-untyped-def]
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def test_a_change_is_shown_after_the_queue_refreshes_and_not_before(county: Cast, clock) -> None:  # type: ignore[no-untyped-def]
    user, start = county.county_inspector.user, datetime.date(2026, 1, 1)
    _item(county, "道路")
    first = aggregates.overview(user, county.county, start, TODAY, TODAY)
    assert _open_items(first) == 1
    before = aggregates.version()
    _item(county, "水渠")  # a counted model saved: the version moves
    assert aggregates.version() > before
    cached = aggregates.overview(user, county.county, start, TODAY, TODAY)
    assert _open_items(cached) == 1 and cached.computed_at == first.computed_at
    assert aggregates.refresh() == 1  # what the task does; it recomputes the opened overview
    assert _open_items(aggregates.overview(user, county.county, start, TODAY, TODAY)) == 2
    assert aggregates.refresh() == 0  # nothing changed since: nothing recomputed
    tasks.refresh_before_stale.call_local()  # the periodic task, as the queue runs it
    assert aggregates.refresh() == 0


def test_figures_older_than_the_stale_interval_are_recomputed_on_the_page(
    county: Cast,
    clock,  # type: ignore[no-untyped-def]
) -> None:
    user, start = county.county_inspector.user, datetime.date(2026, 1, 1)
    _item(county, "道路")
    aggregates.overview(user, county.county, start, TODAY, TODAY)
    # A bulk write sends no signal and moves no version; the interval still bounds the age.
    RectificationItem.objects.filter(title="道路").update(status="closed_out", progress=100)
    assert _open_items(aggregates.overview(user, county.county, start, TODAY, TODAY)) == 1
    clock.shift(datetime.timedelta(seconds=aggregates.stale_seconds() - 1))
    assert _open_items(aggregates.overview(user, county.county, start, TODAY, TODAY)) == 1
    clock.shift(datetime.timedelta(seconds=2))
    assert _open_items(aggregates.overview(user, county.county, start, TODAY, TODAY)) == 0
    # The queue refreshes an overview before it would go stale, even with no signal.
    aggregates.overview(user, county.county, start, TODAY, TODAY)
    RectificationItem.objects.filter(title="道路").update(status="open", progress=0)
    clock.shift(datetime.timedelta(seconds=aggregates.stale_seconds() - 30))
    assert aggregates.refresh() == 1
    assert _open_items(aggregates.overview(user, county.county, start, TODAY, TODAY)) == 1


def test_each_viewer_has_their_own_figures(county: Cast, clock) -> None:  # type: ignore[no-untyped-def]
    _item(county, "道路")
    start = datetime.date(2026, 1, 1)
    town = aggregates.overview(county.town_secretary.user, county.town_a, start, TODAY, TODAY)
    county_view = aggregates.overview(
        county.county_inspector.user, county.town_a, start, TODAY, TODAY
    )
    assert town is not county_view and _open_items(town) == _open_items(county_view) == 1
    # Another town's commission never gets the cached figures of this one: its page is a 404.
    other = Client()
    other.force_login(county.outsider.user)
    assert (
        other.get(reverse("dashboard:overview-region", args=[county.town_a.code])).status_code
        == 404
    )


@override_settings(LIANYUN_DASHBOARD={"stale_seconds": 0, "refresh_margin_seconds": 0})
def test_with_no_interval_the_page_always_computes(county: Cast, clock) -> None:  # type: ignore[no-untyped-def]
    user, start = county.county_inspector.user, datetime.date(2026, 1, 1)
    _item(county, "道路")
    aggregates.overview(user, county.county, start, TODAY, TODAY)
    RectificationItem.objects.all().delete()
    assert _open_items(aggregates.overview(user, county.county, start, TODAY, TODAY)) == 0


def test_the_page_says_when_its_figures_were_computed(county: Cast, clock) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(county.county_inspector.user)
    html = client.get(reverse("dashboard:overview")).content.decode()
    assert 'data-test="as-of"' in html and "10:00" in html  # 02:00 UTC, Beijing time
    assert cache.get(aggregates.VIEWED)
