"""The dashboard is for the commissions (the county's whole county, a town's its town, and the
villages inside); every figure on it is computed over what the viewer may see."""

from django.http import Http404

from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.regions.access import access_region, scope_of
from lianyun.regions.models import Region

DASHBOARD_ROLES = {Role.TOWN_COMMISSION, Role.COUNTY_COMMISSION}


def dashboard_region(user: Actor, code: str | None) -> Region:
    if not getattr(user, "is_authenticated", False) or user.role not in DASHBOARD_ROLES:
        raise Http404
    return access_region(user, code) if code else scope_of(user)
