"""County departments edit only the items they own."""

from django.http import Http404

from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.policies.models import SubsidyItem


def access_item_for_edit(user: Actor, item_id: int) -> SubsidyItem:
    if not user.is_authenticated:
        raise Http404
    if user.role != Role.COUNTY_DEPARTMENT:
        raise Http404
    item = SubsidyItem.objects.filter(
        pk=item_id, department_id=getattr(user, "unit_id", None)
    ).first()
    if item is None:
        raise Http404
    return item
