"""Reads over the region tree."""

from django.db.models import QuerySet

from lianyun.regions.codes import county_code
from lianyun.regions.models import Region, RegionKind, Unit, UnitKind


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).select_related("parent").first()


def regions_within(region: Region, *, kind: RegionKind | None = None) -> QuerySet[Region]:
    regions = Region.objects.filter(code__startswith=region.scope_prefix)
    if kind is not None:
        regions = regions.filter(kind=kind)
    return regions


def towns() -> QuerySet[Region]:
    return Region.objects.filter(kind=RegionKind.TOWN)


def town_of(region: Region) -> Region | None:
    if region.kind == RegionKind.TOWN:
        return region
    if region.kind == RegionKind.VILLAGE:
        return region.parent
    return None


def county_of(region: Region) -> Region:
    """The county a region lies in (its code's first six digits, then zeros)."""
    return Region.objects.get(code=county_code(region.code))


def commission_of(region: Region) -> Unit | None:
    """The commission that handles matters of a region: its town's, or the county's."""
    town = town_of(region)
    if town is not None:
        found = Unit.objects.filter(region=town, kind=UnitKind.COMMISSION).first()
        if found is not None:
            return found
    return county_commission()


def county_commission() -> Unit | None:
    return Unit.objects.filter(region__kind=RegionKind.COUNTY, kind=UnitKind.COMMISSION).first()


def units_of_region(region: Region) -> QuerySet[Unit]:
    return Unit.objects.filter(region=region)


def villages() -> QuerySet[Region]:
    return Region.objects.filter(kind=RegionKind.VILLAGE).select_related("parent").order_by("code")


def first_county() -> Region | None:
    """The county an installation serves (the first by code, for a province)."""
    return Region.objects.filter(kind=RegionKind.COUNTY).order_by("code").first()


def children_of(region: Region) -> QuerySet[Region]:
    """The towns of a county, the villages of a town, by code."""
    return region.children.order_by("code")
