"""Who an account is: shared readings of the account model."""

from collections.abc import Collection, Iterable
from typing import Any

from lianyun.regions.models import Region


def in_audience(
    user: Any, roles: Collection[str], regions: Iterable[Region], unit_ids: Collection[int] = ()
) -> bool:
    """Whether a signed-in account falls in an audience named by roles, regions and units (an
    empty list of any of them means "all"): used by exams' cohorts, talks and articles."""
    if not getattr(user, "is_authenticated", False):
        return False
    if roles and user.role not in roles:
        return False
    regions = list(regions)
    if regions and (user.region is None or not any(r.contains(user.region) for r in regions)):
        return False
    return not unit_ids or user.unit_id in unit_ids
