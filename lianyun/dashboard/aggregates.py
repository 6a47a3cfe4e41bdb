"""The overview's figures, cached. Computing a county's year takes seconds (every module's
counters over what the viewer may see); an official opening it should not wait for that.

Each overview a commission has opened is kept in the cache under its viewer, region, period,
day and language, with the data version it was computed at. A change to anything the overview
counts bumps the version and (where a task queue runs) schedules a refresh a few seconds later,
which recomputes the overviews opened in the last day; a periodic task refreshes them before
they are older than ``LIANYUN_DASHBOARD["stale_seconds"]``. A page never shows figures older
than that: past it, the page computes them itself. Bulk writes that send no signal (the demo,
imports) are therefore seen within the same interval."""

import datetime
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from lianyun.core.access import Actor
from lianyun.dashboard import charts, queries
from lianyun.regions.models import Region, RegionKind

VERSION = "dashboard:version"
VIEWED = "dashboard:viewed"
QUEUED = "dashboard:refresh-queued"


@dataclass
class Overview:
    sections: list[queries.Section]
    heat: queries.HeatTable
    funnel: SafeString
    trend: SafeString
    ranking: SafeString
    version: int
    computed_at: float  # time.time() when its computation began

    def age(self) -> float:
        return time.time() - self.computed_at


def stale_seconds() -> int:
    return int(settings.LIANYUN_DASHBOARD["stale_seconds"])


def version() -> int:
    return int(cache.get(VERSION) or 0)


def bump() -> None:
    """Something the overview counts changed."""
    try:
        cache.incr(VERSION)
    except ValueError:  # no version yet (a fresh cache)
        cache.add(VERSION, 1, timeout=None)


def compute(
    user: Actor, region: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> Overview:
    """Every figure and chart of one overview, as this user may see them."""
    began, at_version = time.time(), version()
    months, series = queries.monthly(user, region, start, end)
    ranking = queries.town_ranking(user, region, today) if region.kind == RegionKind.COUNTY else []
    funnel = queries.deadline_funnel(user, region, today)
    return Overview(
        sections=queries.headline(user, region, start, end, today),
        heat=queries.source_heat(user, region),
        funnel=mark_safe(  # noqa: S308 - escaped in charts
            charts.bars(
                [
                    charts.Bar(name, n, queries.url_of(region, f"petitions_{code}", start, end))
                    for code, name, n in funnel
                ]
            )
        ),
        trend=mark_safe(charts.columns(months, series)),  # noqa: S308 - escaped in charts
        ranking=mark_safe(  # noqa: S308 - escaped in charts
            charts.bars(
                [
                    charts.Bar(
                        r.town.name,
                        r.closed_share,
                        queries.url_of(r.town, "items_all", start, end),
                        f"{r.closed_share:g}% ({r.closed}/{r.items})",
                    )
                    for r in ranking
                ],
                unit="%",
            )
        ),
        version=at_version,
        computed_at=began,
    )


def _key(user_pk: Any, code: str, start: datetime.date, end: datetime.date, today: Any) -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return f"dashboard:overview:{user_pk}:{code}:{start}:{end}:{today}:{language}"


def overview(
    user: Actor, region: Region, start: datetime.date, end: datetime.date, today: datetime.date
) -> Overview:
    """The overview from the cache when it is fresh enough, else computed now (and kept)."""
    key = _key(user.pk, region.code, start, end, today)
    _remember(key, user.pk, region.code, start, end)
    found = cache.get(key)
    if isinstance(found, Overview) and found.age() < stale_seconds():
        return found
    made = compute(user, region, start, end, today)
    cache.set(key, made, timeout=2 * 86400)
    return made


def _remember(key: str, user_pk: Any, code: str, start: datetime.date, end: datetime.date) -> None:
    """Note that this overview was opened, so the task queue keeps it fresh for a day. Two
    servers noting at once may lose one note: that overview is then computed on its next view."""
    viewed = cache.get(VIEWED) or {}
    language = translation.get_language() or settings.LANGUAGE_CODE
    viewed[key] = (user_pk, code, start, end, language, time.time())
    cache.set(VIEWED, viewed, timeout=None)


def refresh(*, force: bool = False) -> int:
    """Recompute the overviews opened in the last day that are behind the data or about to go
    stale; returns how many were recomputed. The task queue calls this."""
    viewed: dict[str, tuple[Any, ...]] = cache.get(VIEWED) or {}
    now, current = time.time(), version()
    margin = float(settings.LIANYUN_DASHBOARD["refresh_margin_seconds"])
    today = timezone.localdate()
    kept, done = {}, 0
    users = get_user_model().objects.in_bulk({v[0] for v in viewed.values()})
    regions = {r.code: r for r in Region.objects.filter(code__in={v[1] for v in viewed.values()})}
    for key, (user_pk, code, start, end, language, seen) in viewed.items():
        if now - seen > 86400 or user_pk not in users or code not in regions:
            continue
        kept[key] = (user_pk, code, start, end, language, seen)
        with translation.override(language):
            fresh_key = _key(user_pk, code, start, end, today)
            found = cache.get(fresh_key)
            if (
                not force
                and isinstance(found, Overview)
                and found.version == current
                and found.age() < stale_seconds() - margin
            ):
                continue
            made = compute(users[user_pk], regions[code], start, end, today)
            cache.set(fresh_key, made, timeout=2 * 86400)
            done += 1
    latest = cache.get(VIEWED) or {}
    cache.set(VIEWED, {k: v for k, v in latest.items() if k in kept or k not in viewed}, None)
    return done
