"""Counters for the county's reporting (docs/domain.md §6.2), over what a user may see."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from lianyun.cases.models import (
    Lead,
    LeadStatus,
    Milestone,
    Outcome,
    OutcomeKind,
    RectificationItem,
    RectificationStatus,
)
from lianyun.people.models import Resident
from lianyun.regions.codes import town_prefix
from lianyun.regions.models import Region, RegionKind


@dataclass(frozen=True)
class Counters:
    leads: int
    leads_concluded: int
    cases_opened: int
    organisational: int
    people_sanctioned: int
    party_sanctions: int
    state_sanctions: int
    reminder_talks: int
    referrals: int
    confessions: int
    funds_recovered: Decimal
    funds_returned: Decimal
    households_refunded: int
    items: int
    items_closed_out: int


def counters(leads: QuerySet[Lead], items: QuerySet[RectificationItem]) -> Counters:
    outcomes = Outcome.objects.filter(lead__in=leads)
    sums = outcomes.aggregate(
        recovered=Sum("amount", filter=Q(kind=OutcomeKind.FUNDS_RECOVERED), default=Decimal("0")),
        returned=Sum("amount", filter=Q(kind=OutcomeKind.FUNDS_RETURNED), default=Decimal("0")),
        households=Sum("households", filter=Q(kind=OutcomeKind.FUNDS_RETURNED), default=0),
    )
    by_kind = dict(outcomes.order_by().values_list("kind").annotate(n=Count("id")))
    sanctioned = (
        outcomes.filter(kind__in=[OutcomeKind.PARTY_SANCTION, OutcomeKind.STATE_SANCTION])
        .values("person_id")
        .distinct()
        .count()
    )
    return Counters(
        leads=leads.count(),
        leads_concluded=leads.filter(status=LeadStatus.CONCLUDED).count(),
        cases_opened=by_kind.get(OutcomeKind.CASE_OPENED, 0),
        organisational=by_kind.get(OutcomeKind.ORGANISATIONAL, 0),
        people_sanctioned=sanctioned,
        party_sanctions=by_kind.get(OutcomeKind.PARTY_SANCTION, 0),
        state_sanctions=by_kind.get(OutcomeKind.STATE_SANCTION, 0),
        reminder_talks=by_kind.get(OutcomeKind.REMINDER_TALK, 0),
        referrals=by_kind.get(OutcomeKind.REFERRAL, 0),
        confessions=by_kind.get(OutcomeKind.CONFESSION, 0),
        funds_recovered=sums["recovered"],
        funds_returned=sums["returned"],
        households_refunded=sums["households"],
        items=items.count(),
        items_closed_out=items.filter(status=RectificationStatus.CLOSED_OUT).count(),
    )


@dataclass(frozen=True)
class TownProgress:
    town: Region
    items: int
    closed_out: int
    overdue: int
    average_progress: int


def public_rectifications(region: Region | None = None) -> QuerySet[RectificationItem]:
    items = RectificationItem.objects.filter(is_public=True).select_related("region", "owner_unit")
    if region is not None:
        items = items.filter(region__code__startswith=region.scope_prefix)
    return items


def total_progress(rows: list[TownProgress]) -> dict[str, int]:
    """The county's line under the towns: sums, and progress weighted by items."""
    items = sum(row.items for row in rows)
    return {
        "items": items,
        "closed_out": sum(row.closed_out for row in rows),
        "overdue": sum(row.overdue for row in rows),
        "average_progress": round(sum(row.average_progress * row.items for row in rows) / items)
        if items
        else 0,
    }


def progress_by_town(
    items: QuerySet[RectificationItem], today: datetime.date | None = None
) -> list[TownProgress]:
    """Each town's items rolled up: how many, how many closed out, overdue, average progress."""
    today = today or timezone.localdate()
    rows: dict[str, list[RectificationItem]] = {}
    for item in items:
        rows.setdefault(town_prefix(item.region.code), []).append(item)
    towns = {town_prefix(town.code): town for town in Region.objects.filter(kind=RegionKind.TOWN)}
    result = []
    for prefix, group in sorted(rows.items()):
        if prefix not in towns:
            continue
        result.append(
            TownProgress(
                town=towns[prefix],
                items=len(group),
                closed_out=sum(1 for i in group if i.status == RectificationStatus.CLOSED_OUT),
                overdue=sum(
                    1
                    for i in group
                    if i.status != RectificationStatus.CLOSED_OUT and i.deadline < today
                ),
                average_progress=round(sum(i.progress for i in group) / len(group)),
            )
        )
    return result


# --- what the pages read -------------------------------------------------------------------


def leads_listed(leads: QuerySet[Lead], status: str, count: int = 200) -> list[Lead]:
    leads = leads.select_related("region", "handling_unit")
    if status:
        leads = leads.filter(status=status)
    return list(leads[:count])


def lead_subjects(lead: Lead) -> list[Resident]:
    return list(lead.subjects.all())


def lead_outcomes(lead: Lead) -> QuerySet[Outcome]:
    return lead.outcomes.select_related("person")


def items_listed(items: QuerySet[RectificationItem], count: int = 300) -> list[RectificationItem]:
    """Rectification items as the lists show them: open first, nearest deadline first."""
    return list(items.select_related("region", "owner_unit").order_by("status", "deadline")[:count])


def item_milestones(item: RectificationItem) -> QuerySet[Milestone]:
    return item.milestones.all()
