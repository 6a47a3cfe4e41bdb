"""Reads that assemble the workspace pages."""

from dataclasses import dataclass

from django.db.models import Count

from lianyun.people.queries import households_within, residents_within
from lianyun.regions.models import Region, RegionKind


@dataclass(frozen=True)
class RegionRow:
    region: Region
    residents: int
    households: int


def child_rows(region: Region) -> list[RegionRow]:
    """Each child region with its resident and household counts, in two grouped queries."""
    children = list(region.children.order_by("code"))
    if not children:
        return []
    length = 12 if region.kind == RegionKind.TOWN else 9
    residents: dict[str, int] = {}
    households: dict[str, int] = {}
    for row in residents_within(region).order_by().values("village__code").annotate(n=Count("id")):
        key = row["village__code"][:length]
        residents[key] = residents.get(key, 0) + row["n"]
    for row in households_within(region).order_by().values("village__code").annotate(n=Count("id")):
        key = row["village__code"][:length]
        households[key] = households.get(key, 0) + row["n"]
    return [
        RegionRow(
            child, residents.get(child.code[:length], 0), households.get(child.code[:length], 0)
        )
        for child in children
    ]
