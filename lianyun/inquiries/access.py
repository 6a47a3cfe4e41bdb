"""Who asks, screens, answers and records. Outsiders get 404, as for a missing page."""

from collections.abc import Mapping
from collections.abc import Set as AbstractSet

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from lianyun.cases.models import RectificationItem
from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.inquiries.models import (
    Commitment,
    Demand,
    Inquiry,
    InquiryMeeting,
    InquiryStatus,
    Questioned,
)
from lianyun.ledger.access import verified_index
from lianyun.people.access import recusal_filter
from lianyun.people.models import Post, Resident
from lianyun.regions.access import scope_of
from lianyun.regions.models import Region, RegionKind, Unit

MODERATOR_ROLES = {Role.COUNTY_COMMISSION}
COMMISSION_ROLES = {Role.TOWN_COMMISSION, Role.COUNTY_COMMISSION}
# Roles whose accounts may answer for their own unit (or for themselves, when named).
ANSWER_ROLES = {
    Role.VILLAGE_CADRE,
    Role.COUNTY_DEPARTMENT,
    Role.TOWN_COMMISSION,
    Role.COUNTY_COMMISSION,
}
# Who schedules meetings and records them on the day.
ORGANISER_ROLES = COMMISSION_ROLES
RECORDER_ROLES = COMMISSION_ROLES | {Role.INTEGRITY_OFFICER}


def asker_of(user: Actor, cookies: Mapping[str, str]) -> Resident | None:
    """The villager asking: a signed-in villager's own person, or the person this browser
    proved to be with a texted code or the card number (the payout lookup's proof)."""
    if user.is_authenticated and not user.is_official and user.resident_id:
        own: Resident = user.resident  # the protocol cannot name Resident
        return own
    index = verified_index(cookies)
    if index is None:
        return None
    return Resident.objects.filter(id_number_index=index).first()


def own_inquiries(asker: Resident | None) -> QuerySet[Inquiry]:
    if asker is None:
        return Inquiry.objects.none()
    return Inquiry.objects.filter(asker=asker)


def public_inquiry(pk: int, asker: Resident | None, user: Actor) -> Inquiry:
    """Published questions are public; one being screened or refused only to its asker and
    the moderators."""
    inquiry = Inquiry.objects.select_related("unit__region", "official").filter(pk=pk).first()
    if inquiry is None:
        raise Http404
    if inquiry.published_at is not None:
        return inquiry
    if asker is not None and inquiry.asker_id == asker.pk:
        return inquiry
    if user.is_authenticated and user.role in MODERATOR_ROLES:
        return inquiry
    raise Http404


def _recused(user: Actor) -> Q:
    """Moderators and commissions stay off questions about their relatives and their units."""
    return recusal_filter(user, person_field="official_id", unit_field="unit_id")


def require_moderator(user: Actor) -> None:
    if not user.is_authenticated or user.role not in MODERATOR_ROLES:
        raise Http404


def screening_queue(user: Actor) -> QuerySet[Inquiry]:
    require_moderator(user)
    scope = scope_of(user)
    return Inquiry.objects.filter(
        status=InquiryStatus.SCREENING, unit__region__code__startswith=scope.scope_prefix
    ).exclude(_recused(user))


def answerable_units(user: Actor) -> set[int]:
    """Units this account answers for: its own unit, and the units where its person holds a
    current post."""
    if not user.is_authenticated or user.role not in ANSWER_ROLES:
        return set()
    units = {user.unit_id} if user.unit_id else set()
    if user.resident_id:
        today = timezone.localdate()
        units |= set(
            Post.objects.filter(holder_id=user.resident_id, start__lte=today)
            .exclude(end__lt=today)
            .values_list("unit_id", flat=True)
        )
    if user.role in COMMISSION_ROLES:
        # A commission answers for itself: the commission unit of its own region.
        units |= set(
            Unit.objects.filter(region=user.region, kind="commission").values_list("pk", flat=True)
        )
    return units


def require_answerer(user: Actor) -> None:
    if not user.is_authenticated or user.role not in ANSWER_ROLES:
        raise Http404


def answer_queue(user: Actor) -> QuerySet[Inquiry]:
    require_answerer(user)
    units = answerable_units(user)
    named = Q(official_id=user.resident_id) if getattr(user, "resident_id", None) else Q(pk=None)
    return Inquiry.objects.filter(Q(unit_id__in=units) | named).filter(published_at__isnull=False)


def access_answerable(user: Actor, pk: int) -> Inquiry:
    inquiry = answer_queue(user).select_related("unit__region", "official").filter(pk=pk).first()
    if inquiry is None:
        raise Http404
    return inquiry


def commission_queue(user: Actor) -> QuerySet[Inquiry]:
    """Questions that went to the commission (overdue or twice unsatisfied), in its region."""
    if not user.is_authenticated or user.role not in COMMISSION_ROLES:
        raise Http404
    scope = scope_of(user)
    return Inquiry.objects.filter(
        unit__region__code__startswith=scope.scope_prefix, escalated_at__isnull=False
    ).exclude(_recused(user))


def access_screened(user: Actor, pk: int) -> Inquiry:
    """A question waiting in this moderator's screening queue."""
    inquiry = screening_queue(user).filter(pk=pk).first()
    if inquiry is None:
        raise Http404
    return inquiry


def promised_item(inquiry: Inquiry, item_id: int | None) -> RectificationItem:
    """The rectification item an answer to this question promised, which its asker confirms."""
    commitment = (
        Commitment.objects.select_related("item")
        .filter(answer__inquiry=inquiry, item_id=item_id or 0)
        .first()
    )
    if commitment is None or commitment.item is None:
        raise Http404
    return commitment.item


def access_referred(user: Actor, pk: int) -> Inquiry:
    inquiry = commission_queue(user).filter(pk=pk).first()
    if inquiry is None:
        raise Http404
    return inquiry


def _meetings_for(user: Actor, roles: AbstractSet[str]) -> QuerySet[InquiryMeeting]:
    """Meetings in scope, except those questioning someone this user must recuse from (a
    relative, a colleague of the same unit): they neither record nor vote on them."""
    if not user.is_authenticated or user.role not in roles:
        raise Http404
    scope = scope_of(user)
    meetings = InquiryMeeting.objects.filter(village__code__startswith=scope.scope_prefix)
    recused = Questioned.objects.filter(
        recusal_filter(user, person_field="person_id", unit_field="unit_id")
    ).values("meeting_id")
    return meetings.exclude(pk__in=recused)


def may_organise(user: Actor) -> bool:
    return user.is_authenticated and user.role in ORGANISER_ROLES


def require_organiser(user: Actor) -> None:
    if not may_organise(user):
        raise Http404


def organised_meetings(user: Actor) -> QuerySet[InquiryMeeting]:
    return _meetings_for(user, RECORDER_ROLES)


def access_meeting_record(user: Actor, pk: int) -> InquiryMeeting:
    """The commissions in scope and the village's integrity officer record a meeting."""
    meeting = (
        _meetings_for(user, RECORDER_ROLES)
        .select_related("village__parent", "organiser")
        .filter(pk=pk)
        .first()
    )
    if meeting is None:
        raise Http404
    return meeting


def organiser_villages(user: Actor) -> QuerySet[Region]:
    require_organiser(user)
    scope = scope_of(user)
    return Region.objects.filter(
        kind=RegionKind.VILLAGE, code__startswith=scope.scope_prefix
    ).order_by("code")


def questioned_of(meeting: InquiryMeeting, pk: int) -> Questioned:
    """An official questioned at this meeting."""
    questioned = Questioned.objects.filter(pk=pk, meeting=meeting).first()
    if questioned is None:
        raise Http404
    return questioned


def access_demand(user: Actor, pk: int) -> Demand:
    """A meeting's demand, for those who record the meeting."""
    demand = Demand.objects.select_related("meeting", "item").filter(pk=pk).first()
    if demand is None:
        raise Http404
    access_meeting_record(user, demand.meeting_id)
    return demand


def public_meeting(pk: int) -> InquiryMeeting:
    meeting = InquiryMeeting.objects.select_related("village__parent").filter(pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def public_demand(pk: int) -> Demand:
    demand = (
        Demand.objects.select_related("meeting__village", "item", "answered_by__person")
        .filter(pk=pk)
        .first()
    )
    if demand is None:
        raise Http404
    return demand
