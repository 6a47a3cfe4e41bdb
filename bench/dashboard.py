"""The county's overview for a year over the demo county, server time, beside plain pages of
the same app measured in the same run (these machines are noisy: medians, and ratios).

1. The anchors: a minimal page (one template, one query) and the public home page.
2. The county commission's overview for the last 365 days: computed (what the task queue
   does after a change, and what a page does once its figures are older than the stale
   interval), and served from the cached aggregates (what an official waits for).
3. After a change: the refresh the queue runs, then the page again.

    python bench/dashboard.py [--scale county] [--data-dir DIR] [--runs 21]

With --data-dir an already loaded demo is reused (it is loaded there if empty). With REDIS_URL
set, the cache is Redis, as in production; else the in-process cache.
"""

import argparse
import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ms(seconds: list[float]) -> str:
    return f"{1000 * statistics.median(seconds):8.1f} ms"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="county")
    parser.add_argument("--data-dir", default="")
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    data_dir = args.data_dir or tempfile.mkdtemp(prefix="lianyun-bench-dashboard-")
    os.environ["LIANYUN_DATA_DIR"] = data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from lianyun.accounts.models import User
    from lianyun.cases.models import RectificationItem
    from lianyun.dashboard import aggregates

    if not User.objects.filter(username="county").exists():
        from lianyun.demo.actions import load_demo

        started = time.perf_counter()
        load_demo(seed=2020, scale=args.scale)
        print(f"demo county ({args.scale}) loaded in {time.perf_counter() - started:.1f} s")
    print(f"cache: {settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}")
    print(
        f"data: {RectificationItem.objects.count():,} rectification items, "
        f"{User.objects.count():,} accounts"
    )
    user = User.objects.get(username="county")
    client = Client()
    client.force_login(user)
    today = timezone.localdate()
    start = today - datetime.timedelta(days=365)
    url = f"{reverse('dashboard:overview')}?start={start}&end={today}"

    def timed(path: str, runs: int) -> list[float]:
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (path, response.status_code)
        return times

    minimal = timed("/bench/minimal/", args.runs)
    home = timed("/", args.runs)
    computed = []
    for _ in range(3):
        from django.core.cache import cache

        cache.clear()
        computed += timed(url, 1)
    cached = timed(url, args.runs)
    # A change: a counted record is saved; the queue's refresh recomputes the opened overview.
    item = RectificationItem.objects.order_by("pk").first()
    assert item is not None
    item.save()
    t0 = time.perf_counter()
    refreshed = aggregates.refresh()
    refresh = time.perf_counter() - t0
    after = timed(url, args.runs)

    print(f"{'anchor: minimal page':44} {_ms(minimal)}")
    print(f"{'anchor: public home page':44} {_ms(home)}")
    print(f"{'county overview, a year, computed (median 3)':44} {_ms(computed)}")
    print(
        f"{'county overview, a year, cached':44} {_ms(cached)}"
        f"   = {statistics.median(cached) / statistics.median(home):.2f}× the home page"
    )
    print(
        f"{'refresh after a change (the queue, 1 view)':44} {1000 * refresh:8.1f} ms"
        f"   ({refreshed} overview recomputed)"
    )
    print(f"{'county overview after the refresh':44} {_ms(after)}")
    target = "met" if statistics.median(cached) < 0.5 else "NOT met"
    print(f"target: the county overview under 500 ms server time: {target}")


if __name__ == "__main__":
    main()
