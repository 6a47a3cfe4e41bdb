"""Who inspects where: a member never inspects the village they live in, nor one where a
relative holds a post; the town commission reviews its groups' findings."""

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.core.access import Actor
from lianyun.inspections.models import Finding, InspectionGroup
from lianyun.people.models import Post, Resident
from lianyun.people.queries import recused_resident_ids
from lianyun.regions.access import scope_of
from lianyun.regions.models import Region

REVIEWER_ROLES = {"town_commission", "county_commission"}


def conflict_reason(
    person: Resident | None, village: Region, on: datetime.date | None = None
) -> str:
    """Why this person may not inspect this village, or "" when they may."""
    if person is None:
        return ""
    on = on or timezone.localdate()
    if person.village_id == village.pk:
        return _("%(name)s lives in %(village)s.") % {"name": person.name, "village": village.name}
    relatives = recused_resident_ids(person) - {person.pk}
    post = (
        Post.objects.filter(holder_id__in=relatives, unit__region=village, start__lte=on)
        .exclude(end__lt=on)
        .select_related("holder", "unit")
        .first()
    )
    if post is not None:
        return _("%(relative)s, a relative of %(name)s, is %(title)s of %(unit)s.") % {
            "relative": post.holder.name,
            "name": person.name,
            "title": post.title,
            "unit": post.unit.name,
        }
    return ""


def member_groups(user: Actor) -> QuerySet[InspectionGroup]:
    if not user.is_authenticated:
        return InspectionGroup.objects.none()
    return InspectionGroup.objects.filter(members__user_id=user.pk)


def access_member_group(user: Actor, pk: int) -> InspectionGroup:
    group = member_groups(user).filter(pk=pk).first()
    if group is None:
        raise Http404
    return group


def reviewable_findings(user: Actor) -> QuerySet[Finding]:
    """A town commission reviews its own town's findings; the county sees every town."""
    if not user.is_authenticated or user.role not in REVIEWER_ROLES:
        raise Http404
    scope = scope_of(user)
    return Finding.objects.filter(village__code__startswith=scope.scope_prefix)
