"""Reads over the region tree."""

from django.db.models import QuerySet

from lianyun.regions.models import Region, RegionKind, Unit


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).select_related("parent").first()


def regions_within(region: Region, *, kind: RegionKind | None = None) -> QuerySet[Region]:
    regions = Region.objects.filter(code__startswith=region.scope_prefix)
    if kind is not None:
        regions = regions.filter(kind=kind)
    return regions


def towns() -> QuerySet[Region]:
    return Region.objects.filter(kind=RegionKind.TOWN)


def units_within(region: Region) -> QuerySet[Unit]:
    return Unit.objects.filter(region__code__startswith=region.scope_prefix).select_related(
        "region"
    )
