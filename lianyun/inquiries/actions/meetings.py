"""群众来问廉 meetings: scheduled with their notice, recorded on a phone (statements, votes,
demands), their result published; each demand followed to its confirmation."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.cases.actions import (
    confirm_rectification,
    open_lead,
    publish_feedback,
    register_rectification,
)
from lianyun.cases.models import SourceKind, source_ref
from lianyun.core.roles import Role
from lianyun.inquiries.actions._common import _audit, _now, _text
from lianyun.inquiries.actions.notifications import _notify_roles
from lianyun.inquiries.models import Category, Demand, InquiryMeeting, MeetingStatus, Questioned
from lianyun.inquiries.queries import meeting_result_payload
from lianyun.people.models import Post
from lianyun.publications.actions import publish
from lianyun.publications.models import EntryKind
from lianyun.regions.models import Region, RegionKind
from lianyun.regions.queries import commission_of, town_of


@transaction.atomic
def schedule_meeting(
    *,
    village: Region,
    starts_at: datetime.datetime,
    place: str,
    panel_size: int,
    officials: list[Post],
    actor: User,
    panel: str = "",
    observers: str = "",
    threshold: int | None = None,
    now: datetime.datetime | None = None,
) -> InquiryMeeting:
    """A town commission schedules a meeting and publishes its notice."""
    now = _now(now)
    if village.kind != RegionKind.VILLAGE:
        raise ValidationError(_("Choose a village or community."))
    town = town_of(village)
    organiser = commission_of(village)
    if town is None or organiser is None:
        raise ValidationError(_("This village has no town commission to organise it."))
    if starts_at < now:
        raise ValidationError(_("A meeting cannot be scheduled in the past."))
    if panel_size < 1:
        raise ValidationError(_("The satisfaction panel needs at least one member."))
    threshold = settings.LIANYUN_MEETING_THRESHOLD if threshold is None else threshold
    if not 1 <= threshold <= 100:
        raise ValidationError(_("The satisfaction threshold is a percentage from 1 to 100."))
    if not officials:
        raise ValidationError(_("Name at least one official to be questioned."))
    day = timezone.localdate(starts_at)
    for post in officials:
        if not post.is_current(day) or not town.contains(post.unit.region):
            raise ValidationError(
                _("%(name)s does not hold a post in this town on that day.")
                % {"name": post.holder.name}
            )
    meeting = InquiryMeeting.objects.create(
        village=village,
        organiser=organiser,
        starts_at=starts_at,
        place=_text(place, _("Say where the meeting takes place.")),
        panel_size=panel_size,
        panel=panel.strip(),
        observers=observers.strip(),
        threshold=threshold,
        scheduled_at=now,
        scheduled_by=actor,
    )
    for post in officials:
        Questioned.objects.get_or_create(
            meeting=meeting,
            person=post.holder,
            defaults={"unit": post.unit, "title": f"{post.unit.name} {post.title}"},
        )
    entry = publish(
        kind=EntryKind.MEETING_NOTICE,
        subject=village.code,
        title=_("Inquiry meeting at %(village)s") % {"village": village.name},
        actor=actor,
        payload={
            "kind": "meeting_notice",
            "meeting": meeting.pk,
            "village": village.code,
            "village_name": village.name,
            "starts_at": timezone.localtime(starts_at).isoformat(),
            "place": meeting.place,
            "officials": [q.title + " " + q.person.name for q in meeting.officials.all()],
            "panel_size": panel_size,
            "threshold": threshold,
        },
    )
    meeting.notice_entry = entry.index
    meeting.save(update_fields=["notice_entry"])
    _audit("schedule:meeting", actor, meeting)
    return meeting


def _start_recording(meeting: InquiryMeeting, now: datetime.datetime) -> None:
    if meeting.result_entry is not None:
        raise ValidationError(_("This meeting's result is published; it can no longer change."))
    if timezone.localdate(meeting.starts_at) > timezone.localdate(now):
        raise ValidationError(_("The meeting has not taken place yet."))
    if meeting.status == MeetingStatus.SCHEDULED:
        meeting.status = MeetingStatus.HELD
        meeting.held_on = timezone.localdate(meeting.starts_at)
        meeting.save(update_fields=["status", "held_on"])


@transaction.atomic
def record_statement(
    *,
    questioned: Questioned,
    statement: str,
    actor: User | None,
    now: datetime.datetime | None = None,
) -> Questioned:
    _start_recording(questioned.meeting, _now(now))
    questioned.statement = _text(statement, _("Write down what the official said."))
    questioned.save(update_fields=["statement"])
    _audit("statement:meeting", actor, questioned.meeting, official=questioned.pk)
    return questioned


@transaction.atomic
def record_vote(
    *,
    questioned: Questioned,
    satisfied: int,
    basic: int,
    unsatisfied: int,
    actor: User | None,
    now: datetime.datetime | None = None,
) -> Questioned:
    """The panel's vote on one official, entered once; below the threshold flags the official."""
    now = _now(now)
    meeting = questioned.meeting
    _start_recording(meeting, now)
    questioned = Questioned.objects.select_for_update().get(pk=questioned.pk)
    if questioned.voted_at is not None:
        raise ValidationError(_("The panel's vote on this official is already recorded."))
    if min(satisfied, basic, unsatisfied) < 0:
        raise ValidationError(_("A vote count cannot be negative."))
    cast = satisfied + basic + unsatisfied
    if cast == 0:
        raise ValidationError(_("Enter the panel's votes."))
    if cast > meeting.panel_size:
        raise ValidationError(
            _("%(cast)d votes is more than the panel's %(size)d members.")
            % {"cast": cast, "size": meeting.panel_size}
        )
    questioned.votes_satisfied = satisfied
    questioned.votes_basic = basic
    questioned.votes_unsatisfied = unsatisfied
    questioned.voted_at = now
    questioned.flagged = 100 * (satisfied + basic) < meeting.threshold * cast
    questioned.save()
    _audit(
        "vote:meeting",
        actor,
        meeting,
        official=questioned.pk,
        votes=[satisfied, basic, unsatisfied],
        flagged=questioned.flagged,
    )
    if questioned.flagged:
        _notify_roles(
            [Role.TOWN_COMMISSION, Role.COUNTY_COMMISSION],
            meeting.organiser.region.code,
            _("An official fell below the satisfaction threshold at an inquiry meeting."),
            reverse("inquiries:meeting-record", args=[meeting.pk]),
        )
    return questioned


@transaction.atomic
def record_demand(
    *,
    meeting: InquiryMeeting,
    raised_by: str,
    category: str,
    text: str,
    actor: User | None,
    answered_by: Questioned | None = None,
    reply: str = "",
    promise: str = "",
    responsible: str = "",
    deadline: datetime.date | None = None,
    misconduct_clue: bool = False,
    client_key: str = "",
    now: datetime.datetime | None = None,
) -> Demand:
    """One demand raised on the day. A promise with a deadline goes on the rectification list
    (挂号); a clue of misconduct becomes a lead for the town commission. Sent again with the
    same client key, the demand already recorded is returned."""
    now = _now(now)
    today = timezone.localdate(now)
    InquiryMeeting.objects.select_for_update().filter(pk=meeting.pk).first()
    if client_key:
        sent = Demand.objects.filter(meeting=meeting, client_key=client_key).first()
        if sent is not None:
            return sent
    _start_recording(meeting, now)
    if category not in Category.values:
        raise ValidationError(_("Choose a category."))
    if answered_by is not None and answered_by.meeting_id != meeting.pk:
        raise ValidationError(_("That official was not questioned at this meeting."))
    if deadline is not None and deadline < today:
        raise ValidationError(_("The deadline cannot be in the past."))
    if deadline is not None and not promise.strip():
        raise ValidationError(_("Write down what was promised."))
    if promise.strip() and (deadline is None or not responsible.strip()):
        raise ValidationError(_("A promise needs a deadline and the person responsible."))
    number = (
        Demand.objects.filter(meeting=meeting).order_by("-number").values_list("number", flat=True)
    ).first() or 0
    demand = Demand(
        meeting=meeting,
        number=number + 1,
        category=category,
        text=_text(text, _("Write down what was raised.")),
        answered_by=answered_by,
        reply=reply.strip(),
        promise=promise.strip(),
        recorded_at=now,
        recorded_by=actor,
        client_key=client_key[:64],
    )
    demand.set_raised_by(_text(raised_by, _("Write down who raised it.")))
    demand.save()
    if promise.strip() and deadline is not None:
        owner = answered_by.unit if answered_by is not None else meeting.organiser
        demand.item = register_rectification(
            source_kind=SourceKind.INQUIRY_MEETING,
            source_ref=source_ref(demand),
            region=meeting.village,
            title=f"{meeting.village.name}：{demand.promise}"[:200],
            measures=demand.text,
            owner_unit=owner,
            responsible=responsible,
            deadline=deadline,
            needs_confirmation=True,
            actor=actor,
            today=today,
        )
    if misconduct_clue:
        demand.lead = open_lead(
            source_kind=SourceKind.INQUIRY_MEETING,
            source_ref=source_ref(demand),
            region=meeting.village,
            handling_unit=meeting.organiser,
            summary=demand.text,
            subject_unit=answered_by.unit if answered_by is not None else None,
            actor=actor,
            today=today,
        )
    demand.save()
    _audit("demand:meeting", actor, meeting, demand=demand.pk)
    return demand


@transaction.atomic
def publish_result(
    *, meeting: InquiryMeeting, actor: User | None, now: datetime.datetime | None = None
) -> InquiryMeeting:
    """The result notice: every vote and every demand with its promise, into the chain."""
    _start_recording(meeting, _now(now))
    officials = list(meeting.officials.select_related("person"))
    if any(q.voted_at is None for q in officials):
        raise ValidationError(_("Record the panel's vote on every official first."))
    entry = publish(
        kind=EntryKind.MEETING_RESULT,
        subject=meeting.village.code,
        title=_("Result of the inquiry meeting at %(village)s") % {"village": meeting.village.name},
        actor=actor,
        payload=meeting_result_payload(meeting),
    )
    meeting.result_entry = entry.index
    meeting.save(update_fields=["result_entry"])
    _audit("result:meeting", actor, meeting)
    return meeting


@transaction.atomic
def demand_feedback(
    *,
    demand: Demand,
    feedback: str,
    funds_returned: Decimal,
    actor: User | None,
    today: datetime.date | None = None,
) -> Demand:
    """The result fed back in public, with any money returned to villagers."""
    if demand.item is None:
        raise ValidationError(_("This demand has nothing on the rectification list."))
    if funds_returned < 0:
        raise ValidationError(_("An amount cannot be negative."))
    publish_feedback(item=demand.item, feedback=feedback, actor=actor, today=today)
    demand.funds_returned = funds_returned
    demand.save(update_fields=["funds_returned"])
    _audit("feedback:demand", actor, demand.meeting, demand=demand.pk, funds=str(funds_returned))
    return demand


@transaction.atomic
def demand_confirmation(
    *, demand: Demand, satisfied: bool, actor: User | None, today: datetime.date | None = None
) -> Demand:
    """The villagers' verdict on the feedback (回访): satisfied → 销号, else 复号."""
    if demand.item is None:
        raise ValidationError(_("This demand has nothing on the rectification list."))
    confirm_rectification(item=demand.item, satisfied=satisfied, actor=actor, today=today)
    _audit("confirm:demand", actor, demand.meeting, demand=demand.pk, satisfied=satisfied)
    return demand
