"""Who inspects where: a member never inspects the village they live in, nor one where a
relative holds a post; the town commission reviews its groups' findings."""

import datetime

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.inspections.models import (
    ChecklistItem,
    Finding,
    InspectionGroup,
    MonthlyReport,
    SampleItem,
    TownSummary,
    Visit,
    VisitPhoto,
)
from lianyun.people.access import recusal_filter
from lianyun.people.models import Post, Resident
from lianyun.people.queries import recused_resident_ids
from lianyun.regions.access import scope_of
from lianyun.regions.models import Region, RegionKind

REVIEWER_ROLES = {Role.TOWN_COMMISSION, Role.COUNTY_COMMISSION}


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


def reviewable_findings(user: Actor) -> QuerySet[Finding]:
    """A town commission reviews its own town's findings; the county sees every town."""
    if not user.is_authenticated or user.role not in REVIEWER_ROLES:
        raise Http404
    scope = scope_of(user)
    # Recusal: nobody reviews findings in a village where a relative, a colleague of their
    # unit or they themselves hold a post.
    recused = Region.objects.filter(
        recusal_filter(user, person_field="units__posts__holder_id", unit_field="units__id")
    ).values("pk")
    return Finding.objects.filter(village__code__startswith=scope.scope_prefix).exclude(
        village__in=recused
    )


def visible_groups(user: Actor) -> QuerySet[InspectionGroup]:
    """An inspector sees their own groups; a commission sees the groups in its scope."""
    if not user.is_authenticated or not user.is_official:
        raise Http404
    if user.role in REVIEWER_ROLES:
        scope = scope_of(user)
        return InspectionGroup.objects.filter(town__code__startswith=scope.scope_prefix)
    return member_groups(user)


def access_group(user: Actor, pk: int) -> InspectionGroup:
    group = visible_groups(user).filter(pk=pk).select_related("town", "commission").first()
    if group is None:
        raise Http404
    return group


def is_member(user: Actor, group: InspectionGroup) -> bool:
    return user.is_authenticated and group.members.filter(user_id=user.pk).exists()


def access_visit(user: Actor, pk: int, *, member: bool = False) -> Visit:
    """A visit of a group this user sees; `member` for writing (findings, samples)."""
    visit = (
        Visit.objects.filter(group__in=visible_groups(user), pk=pk)
        .select_related("group", "village", "recorded_by")
        .first()
    )
    if visit is None or (member and not is_member(user, visit.group)):
        raise Http404
    return visit


def access_finding(user: Actor, pk: int) -> Finding:
    finding = reviewable_findings(user).filter(pk=pk).select_related("visit__group").first()
    if finding is None:
        raise Http404
    return finding


def access_report(user: Actor, pk: int) -> MonthlyReport:
    report = (
        MonthlyReport.objects.filter(group__in=visible_groups(user), pk=pk)
        .select_related("group__town", "signed_by")
        .first()
    )
    if report is None:
        raise Http404
    return report


def is_leader(user: Actor, group: InspectionGroup) -> bool:
    return user.is_authenticated and group.members.filter(user_id=user.pk, is_leader=True).exists()


def require_reviewer(user: Actor) -> Region:
    """The town or county commission's own region."""
    if not user.is_authenticated or user.role not in REVIEWER_ROLES:
        raise Http404
    return scope_of(user)


def require_county(user: Actor) -> None:
    """The county commission: checklists and the assessment's weights."""
    if not user.is_authenticated or user.role != Role.COUNTY_COMMISSION:
        raise Http404


def access_checklist_item(user: Actor, pk: int) -> ChecklistItem:
    """A point of the county's checklists still in use, for the county commission."""
    require_county(user)
    item = ChecklistItem.objects.filter(pk=pk, active=True).first()
    if item is None:
        raise Http404
    return item


def sample_item_of(visit: Visit, pk: int | None) -> SampleItem:
    """A payout drawn into a visit's account-check sample."""
    item = SampleItem.objects.filter(pk=pk or 0, visit=visit).first()
    if item is None:
        raise Http404
    return item


def photo_of(visit: Visit, pk: int) -> VisitPhoto:
    photo = VisitPhoto.objects.filter(pk=pk, visit=visit).first()
    if photo is None:
        raise Http404
    return photo


def access_summary(user: Actor, pk: int) -> TownSummary:
    """A town's sent summary, for its own commission and the county."""
    region = require_reviewer(user)
    summary = (
        TownSummary.objects.filter(pk=pk, sent_at__isnull=False).select_related("town").first()
    )
    if summary is None or not region.contains(summary.town):
        raise Http404
    return summary


def access_town(user: Actor, code: str) -> Region:
    """A town within the reviewer's scope, by its code."""
    region = require_reviewer(user)
    town = Region.objects.filter(code=code, kind=RegionKind.TOWN).first()
    if town is None or not region.contains(town):
        raise Http404
    return town


def cadre_village(user: Actor) -> Region:
    """The village whose expenditures a village cadre records."""
    region: Region | None = user.region  # the protocol cannot name Region
    if not user.is_authenticated or user.role != Role.VILLAGE_CADRE or region is None:
        raise Http404
    return region
