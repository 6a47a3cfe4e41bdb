"""Who sees flags: the town commission its town's, the county commission the county's, minus
what the recusal rule keeps each person off. Village officials see no flag; they see only the
question the commission asks them about payouts. Everyone else gets 404."""

from django.db.models import QuerySet
from django.http import Http404

from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.people.access import recusal_filter
from lianyun.redflags.models import Flag, FlagStatus

REVIEWER_ROLES = {Role.TOWN_COMMISSION, Role.COUNTY_COMMISSION}


def require_reviewer(user: Actor) -> None:
    if (
        not getattr(user, "is_authenticated", False)
        or user.role not in REVIEWER_ROLES
        or user.region is None
    ):
        raise Http404


def visible_flags(user: Actor) -> QuerySet[Flag]:
    require_reviewer(user)
    assert user.region is not None  # noqa: S101 - require_reviewer
    return (
        Flag.objects.filter(village__code__startswith=user.region.scope_prefix)
        .exclude(recusal_filter(user, person_field="resident", unit_field="village__units"))
        .distinct()
    )


def flag_for(user: Actor, pk: int) -> Flag:
    flag = (
        visible_flags(user).select_related("village__parent", "item", "lead").filter(pk=pk).first()
    )
    if flag is None:
        raise Http404
    return flag


def request_for(user: Actor, pk: int) -> Flag:
    """A question the commission asked a village: for that village's cadres only."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.VILLAGE_CADRE:
        raise Http404
    flag = (
        Flag.objects.select_related("village")
        .filter(
            pk=pk,
            village=user.region,
            status__in=[FlagStatus.ASKED, FlagStatus.CONFIRMED, FlagStatus.DISMISSED],
        )
        .exclude(question="")
        .first()
    )
    if flag is None:
        raise Http404
    return flag
