"""Who posts a village's disclosures (its village officials) and who watches the cadence (the
town and county commissions and inspectors in scope). Reading is public."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.disclosure.models import Disclosure
from lianyun.regions.access import access_region
from lianyun.regions.models import Region, RegionKind

POSTERS = {Role.VILLAGE_CADRE}
WATCHERS = {Role.TOWN_COMMISSION, Role.COUNTY_COMMISSION, Role.INSPECTOR}


def access_public_village(code: str) -> Region:
    village = Region.objects.filter(code=code, kind=RegionKind.VILLAGE).first()
    if village is None:
        raise Http404
    return village


def access_public_disclosure(pk: int) -> Disclosure:
    return get_object_or_404(
        Disclosure.objects.select_related("village", "village__parent", "entry", "corrects"), pk=pk
    )


def access_poster(user: Actor, code: str) -> Region:
    """A village cadre posts for the village the account is scoped to."""
    if not user.is_authenticated or user.role not in POSTERS:
        raise Http404
    village = access_region(user, code)
    if village.kind != RegionKind.VILLAGE:
        raise Http404
    return village


def may_post(user: Actor, village: Region) -> bool:
    """Whether to offer posting and correcting on a village's pages (access_poster decides)."""
    try:
        access_poster(user, village.code)
    except Http404:
        return False
    return True


def access_cadence(user: Actor, code: str) -> Region:
    """The overdue overview of a town (its villages) or the county (its towns)."""
    if not user.is_authenticated or user.role not in WATCHERS:
        raise Http404
    region = access_region(user, code)
    if region.kind not in {RegionKind.TOWN, RegionKind.COUNTY}:
        raise Http404
    return region
