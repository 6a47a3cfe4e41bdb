"""Who may see and act on leads and rectification items."""

from django.db.models import Q, QuerySet
from django.http import Http404

from lianyun.cases.models import Evidence, Lead, RectificationItem
from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.people.access import recusal_filter
from lianyun.regions.access import scope_of

LEAD_ROLES = {Role.TOWN_COMMISSION, Role.COUNTY_COMMISSION}
# Who records progress and feedback on rectification items.
WRITE_ROLES = LEAD_ROLES | {Role.VILLAGE_CADRE, Role.COUNTY_DEPARTMENT, Role.INTEGRITY_OFFICER}


def require_lead_handler(user: Actor) -> None:
    if not user.is_authenticated or user.role not in LEAD_ROLES:
        raise Http404


def visible_leads(user: Actor) -> QuerySet[Lead]:
    if not user.is_authenticated or user.role not in LEAD_ROLES:
        return Lead.objects.none()
    scope = scope_of(user)
    leads = Lead.objects.filter(region__code__startswith=scope.scope_prefix)
    if user.role == Role.TOWN_COMMISSION:
        leads = leads.filter(handling_unit__region=scope)
    return leads.exclude(
        recusal_filter(
            user, person_field="subjects", unit_field="subject_unit_id", named="petitions__"
        )
    ).distinct()


def access_lead(user: Actor, lead_id: int) -> Lead:
    lead = (
        visible_leads(user)
        .select_related("region", "handling_unit", "subject_unit")
        .filter(pk=lead_id)
        .first()
    )
    if lead is None:
        raise Http404
    return lead


def visible_rectifications(user: Actor) -> QuerySet[RectificationItem]:
    """Officials see the items in their scope; the public sees public items (queries)."""
    if not user.is_authenticated or not user.is_official:
        return RectificationItem.objects.none()
    scope = scope_of(user)
    items = RectificationItem.objects.filter(region__code__startswith=scope.scope_prefix)
    if user.role not in LEAD_ROLES:
        return items.filter(confidential=False)
    return items.exclude(
        Q(confidential=True)
        & recusal_filter(user, person_field="subject_person_id", unit_field="subject_unit_id")
    )


def require_official(user: Actor) -> None:
    if not user.is_authenticated or not user.is_official:
        raise Http404


def access_rectification(
    user: Actor, item_id: int, *, for_write: bool = False
) -> RectificationItem:
    """Officials in scope read; the owner unit's region officials and commissions write."""
    item = (
        visible_rectifications(user)
        .select_related("region", "owner_unit")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404
    if for_write and user.role not in WRITE_ROLES:
        raise Http404
    return item


def evidence_of(item: RectificationItem, pk: int) -> Evidence:
    """A file proving a milestone of this item."""
    evidence = Evidence.objects.filter(pk=pk, milestone__item=item).first()
    if evidence is None:
        raise Http404
    return evidence
