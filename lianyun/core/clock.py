"""When a record happened, for actions that are told the business day.

Actions take `today` so that a clerk can enter what happened on an earlier day (and so that the
demo can tell its history). A record's own time then belongs to that day, not to the moment it
was typed in: a rectification item raised at a meeting two months ago is counted in that month.
"""

import datetime

from django.utils import timezone


def moment_of(day: datetime.date | None) -> datetime.datetime:
    """Now, when `day` is today or not given; otherwise noon, local time, of `day`."""
    now = timezone.now()
    if day is None or day == timezone.localdate(now):
        return now
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
