"""The demo tells the same story on any day: its dates move with the day it is loaded, but what
the README, the journeys and the screenshots rely on neither appears nor disappears with them."""

import datetime
import os
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from lianyun.cases.models import Lead, RectificationItem
from lianyun.demo.actions import load_demo
from lianyun.exams.models import Exam
from lianyun.exams.queries import standings
from lianyun.inquiries.models import InquiryMeeting
from lianyun.inspections.models import Finding, MonthlyReport, TownSummary, Visit
from lianyun.petitions.models import Petition
from lianyun.redflags.models import Flag
from lianyun.regions.models import Region
from lianyun.surveys.queries import index_history

pytestmark = pytest.mark.django_db

SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))

# Spread over a year, each at a Beijing hour whose UTC date is another day or not.
CLOCKS = {
    "new-year": datetime.datetime(2026, 1, 1, 0, 20, tzinfo=SHANGHAI),
    "after-spring-festival": datetime.datetime(2026, 2, 24, 9, tzinfo=SHANGHAI),
    "30-june": datetime.datetime(2026, 6, 30, 23, 50, tzinfo=SHANGHAI),
    "1-october": datetime.datetime(2026, 10, 1, 7, tzinfo=SHANGHAI),
    "31-december": datetime.datetime(2026, 12, 31, 23, 40, tzinfo=SHANGHAI),
    "leap-day": datetime.datetime(2028, 2, 29, 12, tzinfo=SHANGHAI),
}


def story() -> dict[str, Any]:
    """What must be the same whatever day the demo is loaded."""
    flags = Flag.objects.order_by("rule", "village__code", "stake")
    county = Region.objects.get(kind="county")
    history = index_history(county)
    exam = Exam.objects.get(practice=False)
    rows = standings(exam)
    return {
        "planted": sorted(set(flags.values_list("rule", "village__code"))),
        "flags": flags.count(),
        "statuses": sorted(flags.exclude(status="open").values_list("status", flat=True)),
        "confirmed in": flags.get(status="confirmed").village.code[:9],
        "survey index": [(h.index, [(t.town.code, t.index) for t in h.towns]) for h in history],
        "exam taken": (sum(1 for s in rows if s.attempts), len(rows)),
        "exam passed": sum(1 for s in rows if s.passed),
        "meetings": InquiryMeeting.objects.count(),
        "accusations": Petition.objects.filter(kind="accusation").count(),
    }


def _in_the_future(now: datetime.datetime) -> list[str]:
    today = timezone.localdate(now)
    late = []
    for model, field in (
        (MonthlyReport, "signed_at"),
        (MonthlyReport, "compiled_at"),
        (TownSummary, "sent_at"),
        (RectificationItem, "created_at"),
        (Lead, "created_at"),
        (Finding, "created_at"),
        (Finding, "reviewed_at"),
        (Visit, "recorded_at"),
    ):
        late += [f"{model.__name__}.{field}" for _ in model.objects.filter(**{f"{field}__gt": now})]
    for model, field in ((Visit, "visited_on"), (Petition, "received_on")):
        late += [
            f"{model.__name__}.{field}" for _ in model.objects.filter(**{f"{field}__gt": today})
        ]
    return late


@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="the days are the application's arithmetic, not the database's: the six loads run on "
    "SQLite; on PostgreSQL the other demo tests and the multi-server journeys load the demo, "
    "to keep make test short",
)
def test_the_demo_tells_the_same_story_on_any_day() -> None:
    seen = {}
    for name, clock in CLOCKS.items():
        with time_machine.travel(clock, tick=False):
            load_demo(seed=7, scale="small", reset=True)
            seen[name] = story()
            assert _in_the_future(clock) == [], name
            # The items raised at meetings and inspections are dated when they were raised,
            # across the year, not on the day the demo was loaded.
            months = {
                d.strftime("%Y-%m")
                for d in RectificationItem.objects.values_list("created_at", flat=True)
            }
            assert len(months) > 3, name
    first = seen["new-year"]
    assert first["statuses"] == ["asked", "confirmed", "dismissed"]
    assert first["confirmed in"] == "511923103"
    assert first["flags"] > 0 and first["survey index"][0][0] is not None
    assert Decimal(first["exam taken"][0]) > 0
    for name, told in seen.items():
        for key in first:
            assert told[key] == first[key], (
                name,
                key,
                set(map(str, told[key])) ^ set(map(str, first[key]))
                if isinstance(first[key], list)
                else told[key],
            )
