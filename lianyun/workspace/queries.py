"""Reads that assemble the workspace pages."""

from dataclasses import dataclass

from django.db.models import Count, QuerySet

from lianyun.accounts.models import Notification, User
from lianyun.people.models import Resident
from lianyun.people.queries import households_within, residents_within
from lianyun.redflags.access import visible_flags
from lianyun.redflags.models import FlagStatus
from lianyun.regions.models import Region, RegionKind
from lianyun.talks.models import ReminderTalk


@dataclass(frozen=True)
class RegionRow:
    region: Region
    residents: int
    households: int


def child_rows(region: Region) -> list[RegionRow]:
    """Each child region with its resident and household counts, in two grouped queries."""
    children = list(region.children.order_by("code"))
    if not children:
        return []
    length = 12 if region.kind == RegionKind.TOWN else 9
    residents: dict[str, int] = {}
    households: dict[str, int] = {}
    for row in residents_within(region).order_by().values("village__code").annotate(n=Count("id")):
        key = row["village__code"][:length]
        residents[key] = residents.get(key, 0) + row["n"]
    for row in households_within(region).order_by().values("village__code").annotate(n=Count("id")):
        key = row["village__code"][:length]
        households[key] = households.get(key, 0) + row["n"]
    return [
        RegionRow(
            child, residents.get(child.code[:length], 0), households.get(child.code[:length], 0)
        )
        for child in children
    ]


@dataclass
class Waiting:
    """What waits for an official on the workspace's first page."""

    unread: int
    open_flags: int | None
    unacknowledged_reminders: int


def waiting_for(user: User, *, reviewer: bool) -> Waiting:
    return Waiting(
        unread=user.notifications.filter(read_at__isnull=True).count(),
        open_flags=visible_flags(user).filter(status=FlagStatus.OPEN).count() if reviewer else None,
        unacknowledged_reminders=ReminderTalk.objects.filter(
            official_id=user.pk, acknowledged_at__isnull=True
        ).count(),
    )


def register_page(region: Region) -> QuerySet[Resident]:
    """A region's residents, household by household, for the register's pages."""
    return residents_within(region).select_related("household").order_by("household__number", "id")


def region_counts(region: Region) -> tuple[int, int]:
    """Residents and households registered in a region."""
    return residents_within(region).count(), households_within(region).count()


def recent_notifications(user: User, count: int = 100) -> list[Notification]:
    return list(user.notifications.all()[:count])
