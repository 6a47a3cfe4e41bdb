"""Region scoping: an official sees the region the account is scoped to and what lies under it."""

from django.http import Http404

from lianyun.core.access import Actor
from lianyun.regions.models import Region
from lianyun.regions.queries import region_by_code


def scope_of(user: Actor) -> Region:
    """The region an official works in; outsiders get 404 like a missing page."""
    if not user.is_authenticated:
        raise Http404
    if not user.is_official:
        raise Http404
    region: Region | None = user.region  # the protocol cannot name Region
    if region is None:
        raise Http404
    return region


def access_region(user: Actor, code: str) -> Region:
    scope = scope_of(user)
    region = region_by_code(code)
    if region is None:
        raise Http404
    if not scope.contains(region):
        raise Http404
    return region
