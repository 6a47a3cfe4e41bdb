"""Background work for the overview: refresh the cached overviews a few seconds after the data
they count changes, and every minute those about to go stale."""

from typing import Any

from django.core.cache import cache
from django.db import transaction
from huey import crontab
from huey.contrib.djhuey import HUEY, db_periodic_task, db_task, lock_task

from lianyun.dashboard import aggregates

DEBOUNCE_SECONDS = 5


@db_task()
@lock_task("dashboard-refresh")
def refresh_after_change() -> None:
    cache.delete(aggregates.QUEUED)
    aggregates.refresh()


@db_periodic_task(crontab(minute="*"))
@lock_task("dashboard-refresh")
def refresh_before_stale() -> None:
    aggregates.refresh()


def data_changed(**_kwargs: Any) -> None:
    """A signal receiver for every model the overview counts: bump the data version and, with a
    queue running, schedule one refresh for the changes of the next few seconds. Without a queue
    (development, tests) the pages keep to the stale interval on their own."""
    aggregates.bump()
    if HUEY.immediate:
        return

    def schedule() -> None:
        if cache.add(aggregates.QUEUED, 1, timeout=DEBOUNCE_SECONDS * 12):
            refresh_after_change.schedule(delay=DEBOUNCE_SECONDS)

    transaction.on_commit(schedule)
