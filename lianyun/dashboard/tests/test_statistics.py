"""Open statistics: finished months only, small counts suppressed the same way on the page, in
CSV and in JSON, and the endpoint in the OpenAPI schema."""

import csv
import datetime
import io

import time_machine
from django.test import Client
from django.urls import reverse

from lianyun.cases.actions import register_rectification
from lianyun.cases.models import RectificationItem, SourceKind
from lianyun.dashboard import public
from lianyun.regions.models import Unit
from lianyun.testing import Cast

NOW = datetime.datetime(2026, 11, 20, 2, tzinfo=datetime.UTC)


def _items(county: Cast) -> None:
    unit = Unit.objects.create(
        name="测试村委会", kind="village_committee", region=county.village_a2
    )
    unit_b = Unit.objects.create(
        name="黄柳村民委员会", kind="village_committee", region=county.village_b1
    )
    cases = [("2026-03-10", county.village_a2, unit)] * 4 + [
        ("2026-03-12", county.village_b1, unit_b)
    ]
    cases += [("2026-11-05", county.village_a2, unit)]  # this month: not over, not counted
    for day, village, owner in cases:
        with time_machine.travel(datetime.datetime.fromisoformat(day + "T02:00:00+00:00")):
            register_rectification(
                source_kind=SourceKind.OTHER,
                source_ref="",
                region=village,
                title="问题",
                owner_unit=owner,
                responsible="某某",
                deadline=datetime.date(2026, 12, 31),
                actor=county.county_inspector.user,
            )
    two = RectificationItem.objects.filter(region=county.village_a2).order_by("pk")[:2]
    RectificationItem.objects.filter(pk__in=[i.pk for i in two]).update(
        status="closed_out", progress=100, closed_on=datetime.date(2026, 6, 1)
    )


def test_small_counts_are_suppressed_everywhere_and_the_month_must_be_over(county: Cast) -> None:
    _items(county)
    with time_machine.travel(NOW):
        rows = {(r.town.name, r.month): r.values for r in public.monthly()}
        assert rows[("佛楼镇", "2026-03")]["items_registered"] == 4
        assert rows[("西兴镇", "2026-03")]["items_registered"] is None  # 1 < 3
        assert rows[("佛楼镇", "2026-06")]["items_closed_out"] is None  # 2 < 3
        assert ("佛楼镇", "2026-11") not in rows
        assert rows[("佛楼镇", "2026-03")]["petitions"] == 0  # zero is not suppressed
        client = Client()
        page = client.get(reverse("statistics:statistics")).content.decode()
        assert page.count('data-test="row"') == len(rows) and "&lt;3" in page
        data = client.get(reverse("statistics:statistics") + "?csv=1").content.decode("utf-8-sig")
        table = list(csv.DictReader(io.StringIO(data)))
        west = next(r for r in table if r["乡镇"] == "西兴镇" and r["月份"] == "2026-03")
        # Headed and filled as the page is: the suppressed count reads "<3" there too.
        assert west["登记问题"] == "<3" and "社会评价指数" in west
        api = client.get("/api/v1/statistics").json()
        assert api["min_count"] == 3
        month = next(m for m in api["months"] if m["town"] == "西兴镇" and m["month"] == "2026-03")
        assert month["items_registered"] is None
        schema = client.get("/api/v1/openapi.json").json()
        assert "/api/v1/statistics" in schema["paths"]
