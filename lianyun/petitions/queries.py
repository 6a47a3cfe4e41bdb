"""Reads for petition pages: deadlines with their explanation, traffic lights, timelines."""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from lianyun.accounts.models import User
from lianyun.core.deadline_rules import RULES
from lianyun.core.deadlines import Deadline, Extension, PeriodUnit, compute_deadline
from lianyun.people.models import Resident
from lianyun.petitions.models import (
    OPEN_STATUSES,
    Attachment,
    IdentityRequest,
    IdentityRequestStatus,
    Petition,
    PetitionEvent,
    PetitionKind,
    PetitionMessage,
    PetitionStatus,
)
from lianyun.regions.codes import town_prefix
from lianyun.regions.models import Region, RegionKind, Unit, UnitKind
from lianyun.regions.queries import units_of_region

AMBER_DAYS = 3
VERY_OVERDUE_DAYS = 15


def deadline_of(petition: Petition) -> Deadline | None:
    """The running clock, recomputed with its explanation (the stored due_on is for sorting).

    For a named accusation whose lead has been concluded, the feedback due 15 working days
    after conclusion applies when it falls before the 60-day limit.
    """
    if not petition.clock_rule or petition.clock_start is None:
        return None
    extensions = (
        [Extension(petition.clock_extension_days, PeriodUnit.DAYS, "")]
        if petition.clock_extension_days
        else []
    )
    clock = compute_deadline(RULES[petition.clock_rule], petition.clock_start, extensions)
    lead = petition.lead
    if (
        petition.kind == PetitionKind.ACCUSATION
        and not petition.is_anonymous
        and petition.status == PetitionStatus.ACCEPTED
        and lead is not None
        and lead.concluded_on is not None
    ):
        feedback = compute_deadline(RULES["accusation_feedback"], lead.concluded_on)
        if feedback.due < clock.due:
            return feedback
    return clock


def light(petition: Petition, today: datetime.date | None = None) -> str:
    """green, amber (≤ 3 days left), red (overdue) or black (over 15 days late: escalated)."""
    if petition.due_on is None:
        return "none"
    today = today or timezone.localdate()
    days_left = (petition.due_on - today).days
    if days_left < -VERY_OVERDUE_DAYS:
        return "black"
    if days_left < 0:
        return "red"
    if days_left <= AMBER_DAYS:
        return "amber"
    return "green"


def public_events(petition: Petition) -> QuerySet[PetitionEvent]:
    return petition.events.filter(visible_to_petitioner=True)


@dataclass(frozen=True)
class SubjectChoices:
    units: list[Unit]
    cadres: list[tuple[Resident, str]]  # the cadre and their post titles


def subject_choices(region: Region) -> SubjectChoices:
    """Units of the village and its town, and the village's current cadres, to pick from."""
    regions = [region] + (
        [region.parent] if region.kind == RegionKind.VILLAGE and region.parent else []
    )
    units = [unit for place in regions for unit in units_of_region(place)]
    today = timezone.localdate()
    cadres: dict[int, tuple[Resident, list[str]]] = {}
    for unit in units:
        for post in (
            unit.posts.select_related("holder").filter(start__lte=today).exclude(end__lt=today)
        ):
            cadres.setdefault(post.holder_id, (post.holder, []))[1].append(
                f"{unit.name} {post.title}"
            )
    return SubjectChoices(
        units=units, cadres=[(person, "；".join(titles)) for person, titles in cadres.values()]
    )


@dataclass(frozen=True)
class MonthRow:
    town: Region
    month: str  # YYYY-MM
    received: int
    accusations: int
    ended: int


def monthly_statistics(today: datetime.date | None = None, months: int = 12) -> list[MonthRow]:
    """Petitions per town and month, for the public: counts only, repeats counted once, and
    only months that are over, so a new petition never moves a number anyone can watch."""
    today = today or timezone.localdate()
    first_of_month = today.replace(day=1)
    start = (first_of_month - datetime.timedelta(days=months * 31)).replace(day=1)
    petitions = Petition.objects.filter(
        received_on__gte=start, received_on__lt=first_of_month, repeat_of__isnull=True
    ).values_list("region__code", "received_on", "kind", "ended_on")
    towns = {town_prefix(town.code): town for town in Region.objects.filter(kind=RegionKind.TOWN)}
    counts: dict[tuple[str, str], list[int]] = {}
    for code, received, kind, ended in petitions:
        key = (town_prefix(code), f"{received:%Y-%m}")
        row = counts.setdefault(key, [0, 0, 0])
        row[0] += 1
        row[1] += kind == "accusation"
        row[2] += ended is not None
    return [
        MonthRow(towns[prefix], month, *values)
        for (prefix, month), values in sorted(
            counts.items(), key=lambda item: (item[0][1], item[0][0]), reverse=True
        )
        if prefix in towns
    ]


def colleagues(user: User) -> QuerySet[User]:
    """Officials of the same commission level and region, to whom petitions can be given."""
    return User.objects.filter(role=user.role, region=user.region, is_active=True).order_by(
        "username"
    )


# --- what the pages read -------------------------------------------------------------------


def villages_to_petition() -> QuerySet[Region]:
    return Region.objects.filter(kind=RegionKind.VILLAGE).select_related("parent").order_by("code")


def petition_place(code: str) -> Region | None:
    """A town or village a petition can be filed in, by its code."""
    return (
        Region.objects.filter(code=code)
        .exclude(kind=RegionKind.COUNTY)
        .select_related("parent")
        .first()
    )


def petition_messages(petition: Petition) -> QuerySet[PetitionMessage]:
    return petition.messages.all()


def own_listed(petitions: QuerySet[Petition]) -> QuerySet[Petition]:
    return petitions.order_by("-received_on")


def queue_of(
    petitions: QuerySet[Petition],
    *,
    status: str,
    kind: str,
    light: str,
    assignee: User | None,
    today: datetime.date,
    count: int = 200,
) -> list[Petition]:
    """A handler's queue as filtered on its page, nearest deadline first. "open" is every
    status that waits for the handler; a red light is overdue, a black one long overdue."""
    petitions = petitions.select_related("region", "handling_unit", "assignee")
    if status == "open":
        petitions = petitions.filter(status__in=OPEN_STATUSES)
    elif status:
        petitions = petitions.filter(status=status)
    if kind:
        petitions = petitions.filter(kind=kind)
    if light == "red":
        petitions = petitions.filter(due_on__lt=today)
    elif light == "black":
        petitions = petitions.filter(due_on__lt=today - datetime.timedelta(days=VERY_OVERDUE_DAYS))
    if assignee is not None:
        petitions = petitions.filter(assignee_id=assignee.pk)
    return list(petitions.order_by("due_on", "pk")[:count])


def commissions_besides(unit_id: int | None) -> list[Unit]:
    """The commissions a petition can be forwarded to, by place."""
    commissions = Unit.objects.filter(kind=UnitKind.COMMISSION).order_by("region__code")
    return list(commissions.exclude(pk=unit_id) if unit_id is not None else commissions)


def petition_events(petition: Petition) -> QuerySet[PetitionEvent]:
    return petition.events.select_related("actor")


def identity_approved(petition: Petition, user: User) -> bool:
    """Whether a custodian has approved this handler's request to see the petitioner."""
    return IdentityRequest.objects.filter(
        petition=petition, requested_by=user, status=IdentityRequestStatus.APPROVED
    ).exists()


def repeat_count(petition: Petition) -> int:
    return petition.repeats.count()


def named_units(petition: Petition) -> list[Unit]:
    return list(petition.named_units.all()) if petition.subject_to_confirm else []


def named_people(petition: Petition) -> list[Resident]:
    return list(petition.named_people.all()) if petition.subject_to_confirm else []


def units_near(places: list[Region]) -> list[Unit]:
    """The units of these places and the county's departments: who may own a rectification."""
    units = Unit.objects.filter(region__in=places) | Unit.objects.filter(kind=UnitKind.DEPARTMENT)
    return list(units.select_related("region"))


def pending_identity_requests(petitions: QuerySet[Petition]) -> QuerySet[IdentityRequest]:
    return IdentityRequest.objects.filter(
        status=IdentityRequestStatus.PENDING, petition__in=petitions
    ).select_related("petition", "requested_by")


def assignable(petitions: QuerySet[Petition], ids: list[int]) -> list[Petition]:
    return list(petitions.filter(pk__in=ids))


def colleague(user: User, pk: int | None) -> User | None:
    return colleagues(user).filter(pk=pk or 0).first()


def attachment_of(petition: Petition, pk: int) -> Attachment | None:
    return Attachment.objects.filter(pk=pk, petition=petition).first()


def unit_of(pk: int | None, kind: str | None = None) -> Unit | None:
    units = Unit.objects.filter(kind=kind) if kind else Unit.objects.all()
    return units.filter(pk=pk or 0).first()


def subject_cadre(pk: int | None) -> Resident | None:
    """A person a petition may name as its subject: one who holds or held a post."""
    if not pk:
        return None
    return Resident.objects.filter(pk=pk, posts__isnull=False).distinct().first()


def petitions_listed(petitions: QuerySet[Petition], count: int = 500) -> list[Petition]:
    """A handler's petitions for the API: nearest deadline first."""
    return list(petitions.select_related("region").order_by("due_on", "pk")[:count])
