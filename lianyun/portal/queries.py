"""我的: what a signed-in villager has going on, gathered from each function's own queries, so
that nothing they filed, were asked or are owed is more than one tap away."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from lianyun.accounts.models import User
from lianyun.cases.models import Confirmation, RectificationItem, RectificationStatus, source_of
from lianyun.core.params import row_id
from lianyun.inquiries.access import own_inquiries
from lianyun.inquiries.models import InquiryMeeting, MeetingStatus
from lianyun.petitions.access import own_petitions
from lianyun.petitions.queries import deadline_of
from lianyun.surveys.actions import eligible_targets
from lianyun.surveys.models import Invitation, Survey, SurveyKind


@dataclass
class VillagerHome:
    petitions: list[tuple[Any, Any]]  # (petition, its deadline)
    to_rate: list[Any]  # answered petitions waiting for the villager's rating
    to_confirm: list[tuple[RectificationItem, str]]  # finished items awaiting their word, where
    inquiries: list[Any]
    surveys: list[tuple[Survey, bool]]  # (open survey, drawn into its sample)
    meetings: list[InquiryMeeting]  # coming to the villager's village
    notifications: list[Any]


def _confirmed_at(item: RectificationItem) -> str:
    """The page where the villager who raised the item confirms it: a promise answering their
    public question is confirmed on the question's page."""
    kind, pk = source_of(item.source_ref)
    if kind == "inquiries.Inquiry" and row_id(pk) is not None:
        return reverse("inquiries:inquiry-detail", args=[row_id(pk)])
    return reverse("portal:mine")


def _may_answer(survey: Survey, resident: Any) -> bool:
    """Only the surveys this villager may answer: drawn for it, and asking about their place."""
    if resident is None:
        return False
    try:
        eligible_targets(survey, resident)
    except ValidationError:
        return False
    return True


def villager_home(user: User, now: datetime.datetime | None = None) -> VillagerHome:
    now = now or timezone.now()
    today = timezone.localdate(now)
    petitions = list(own_petitions(user).select_related("region").order_by("-received_on", "-pk"))
    resident = user.resident
    invited = (
        set(Invitation.objects.filter(resident=resident).values_list("survey_id", flat=True))
        if resident is not None
        else set()
    )
    open_surveys = (
        Survey.objects.filter(
            launched_at__isnull=False,
            closed_at__isnull=True,
            opens_on__lte=today,
            closes_on__gte=today,
        )
        .filter(~Q(kind=SurveyKind.SOCIAL) | Q(pk__in=invited))  # the yearly one: if drawn
        .order_by("closes_on", "pk")
    )
    return VillagerHome(
        petitions=[(p, deadline_of(p)) for p in petitions],
        to_rate=[p for p in petitions if p.answered_on is not None and p.satisfied is None],
        to_confirm=[
            (item, _confirmed_at(item))
            for item in RectificationItem.objects.filter(
                raised_by=user,
                confirmation=Confirmation.PENDING,
                feedback_on__isnull=False,
            )
            .exclude(status=RectificationStatus.CLOSED_OUT)
            .order_by("deadline", "pk")
        ],
        inquiries=list(own_inquiries(resident).select_related("unit").order_by("-pk")[:20]),
        surveys=[(s, s.pk in invited) for s in open_surveys if _may_answer(s, resident)],
        meetings=list(
            InquiryMeeting.objects.filter(
                village_id=user.region_id, status=MeetingStatus.SCHEDULED, starts_at__gte=now
            ).order_by("starts_at")
        ),
        notifications=list(user.notifications.filter(read_at__isnull=True)[:10]),
    )
