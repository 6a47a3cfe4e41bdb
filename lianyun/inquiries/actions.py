"""Writes for 阳光问廉. Each action owns its transaction and its audit row; a refusal is a
ValidationError in the user's language and writes nothing."""

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.accounts.actions import notify
from lianyun.accounts.models import User
from lianyun.cases.actions import (
    confirm_rectification,
    open_lead,
    publish_feedback,
    register_rectification,
)
from lianyun.cases.models import SourceKind, source_ref
from lianyun.core import audit
from lianyun.core.deadlines import DeadlineRule, PeriodUnit, compute_deadline
from lianyun.core.roles import Role
from lianyun.core.sms import send_text
from lianyun.inquiries.models import (
    OPEN_FOR_ANSWER,
    Answer,
    Category,
    Commitment,
    Demand,
    Inquiry,
    InquiryMeeting,
    InquiryStatus,
    MeetingStatus,
    Questioned,
)
from lianyun.inquiries.queries import meeting_result_payload
from lianyun.people.models import Post, Resident
from lianyun.publications.actions import publish
from lianyun.publications.models import EntryKind
from lianyun.regions.codes import county_code, county_prefix
from lianyun.regions.models import Region, RegionKind, Unit
from lianyun.regions.queries import commission_of, town_of


def screen_rule() -> DeadlineRule:
    return DeadlineRule(
        "inquiry_screen",
        settings.LIANYUN_INQUIRY_SCREEN_DAYS,
        PeriodUnit.WORKING_DAYS,
        gettext_lazy("the county commission's rule for public questions"),
    )


def answer_rule() -> DeadlineRule:
    return DeadlineRule(
        "inquiry_answer",
        settings.LIANYUN_INQUIRY_ANSWER_DAYS,
        PeriodUnit.WORKING_DAYS,
        gettext_lazy("the county commission's rule for public questions"),
    )


def _audit(action: str, actor: User | None, obj: Any, **detail: Any) -> None:
    audit.record(
        action=action, actor=actor, object_type=obj._meta.label, object_id=obj.pk, detail=detail
    )


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _text(value: str, message: str) -> str:
    if not value or not value.strip():
        raise ValidationError(message)
    return value.strip()


def _lock(inquiry: Inquiry) -> None:
    """Lock the row and read it afresh, so that two answers or ratings cannot cross."""
    Inquiry.objects.select_for_update().filter(pk=inquiry.pk).first()
    inquiry.refresh_from_db()


# --- online questions ------------------------------------------------------------------------


def _current_title(person: Resident, unit: Unit, on: datetime.date) -> str | None:
    post = (
        Post.objects.filter(holder=person, unit=unit, start__lte=on)
        .exclude(end__lt=on)
        .order_by("start")
        .first()
    )
    return None if post is None else post.title


@transaction.atomic
def ask(
    *,
    asker: Resident,
    unit: Unit,
    category: str,
    title: str,
    question: str,
    official: Resident | None = None,
    account: Any = None,
    now: datetime.datetime | None = None,
) -> Inquiry:
    """A villager asks in public. It waits for screening before anyone else sees it."""
    now = _now(now)
    today = timezone.localdate(now)
    if not asker.village.code.startswith(county_prefix(unit.region.code)):
        raise ValidationError(_("You can only ask units of your own county."))
    if category not in Category.values:
        raise ValidationError(_("Choose a category."))
    official_title = ""
    if official is not None:
        found = _current_title(official, unit, today)
        if found is None:
            raise ValidationError(_("That official does not hold a post in that unit."))
        official_title = found
    inquiry = Inquiry.objects.create(
        asker=asker,
        asker_account=account,
        unit=unit,
        official=official,
        official_title=official_title,
        category=category,
        title=_text(title, _("Give the question a one-line title.")),
        question=_text(question, _("Write your question.")),
        asked_at=now,
        screen_due=compute_deadline(screen_rule(), today).due,
    )
    _audit("ask:inquiry", account, inquiry)
    _notify_roles(
        [Role.COUNTY_COMMISSION],
        county_code(unit.region.code),
        _("A public question waits for screening."),
        reverse("inquiries:inquiry-screening"),
    )
    return inquiry


@transaction.atomic
def screen(
    *,
    inquiry: Inquiry,
    publish_it: bool,
    reason: str = "",
    actor: User | None,
    now: datetime.datetime | None = None,
) -> Inquiry:
    """The county commission's moderator publishes a question or refuses it with a reason."""
    now = _now(now)
    if inquiry.status != InquiryStatus.SCREENING:
        raise ValidationError(_("This question has already been screened."))
    if not publish_it:
        reason = _text(reason, _("Say why the question is not published: the asker will read it."))
    inquiry.screened_at = now
    inquiry.screened_by = actor
    if publish_it:
        inquiry.status = InquiryStatus.AWAITING
        inquiry.published_at = now
        inquiry.answer_due = compute_deadline(answer_rule(), timezone.localdate(now)).due
    else:
        inquiry.status = InquiryStatus.REJECTED
        inquiry.rejection_reason = reason
    inquiry.save()
    _audit("screen:inquiry", actor, inquiry, published=publish_it)
    if publish_it:
        _notify_addressees(inquiry, _("A public question waits for your answer."))
    _queue_text(inquiry, "published" if publish_it else "rejected")
    return inquiry


@dataclass(frozen=True)
class CommitmentIn:
    action: str
    responsible: str
    deadline: datetime.date


@transaction.atomic
def answer(
    *,
    inquiry: Inquiry,
    text: str,
    actor: User,
    commitments: list[CommitmentIn] | None = None,
    stated_date: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> Answer:
    """The addressee answers in public; each commitment becomes a rectification item."""
    now = _now(now)
    today = timezone.localdate(now)
    _lock(inquiry)
    if inquiry.status not in OPEN_FOR_ANSWER:
        raise ValidationError(_("This question is not waiting for an answer."))
    body = _text(text, _("An answer needs its text."))
    for commitment in commitments or []:
        if commitment.deadline < today:
            raise ValidationError(_("The deadline cannot be in the past."))
    round_ = 1 if inquiry.status == InquiryStatus.AWAITING else 2
    reply = Answer.objects.create(
        inquiry=inquiry,
        round=round_,
        text=body,
        answered_at=now,
        answered_by=actor,
        stated_date=stated_date,
    )
    for commitment in commitments or []:
        item = register_rectification(
            source_kind=SourceKind.INQUIRY,
            source_ref=source_ref(inquiry),
            region=inquiry.unit.region,
            title=_text(commitment.action, _("Say what will be done.")),
            owner_unit=inquiry.unit,
            responsible=commitment.responsible,
            deadline=commitment.deadline,
            raised_by=inquiry.asker_account,
            needs_confirmation=True,  # the asker, signed in or proved again, confirms it
            actor=actor,
            today=today,
        )
        Commitment.objects.create(answer=reply, item=item)
    if round_ == 1:
        inquiry.first_answered_at = now
    inquiry.status = InquiryStatus.ANSWERED
    inquiry.save()
    _audit("answer:inquiry", actor, inquiry, round=round_)
    publish(
        kind=EntryKind.INQUIRY_ANSWER,
        subject=inquiry.unit.region.code,
        title=inquiry.title,
        actor=actor,
        payload={
            "kind": "inquiry_answer",
            "inquiry": inquiry.pk,
            "unit": inquiry.unit.name,
            "official": inquiry.official.name if inquiry.official else "",
            "question": inquiry.question,
            "round": round_,
            "answer": body,
            "answered_at": now.isoformat(),
            "commitments": [
                [c.item.title, c.item.responsible, c.item.deadline.isoformat()]
                for c in reply.commitments.select_related("item")
            ],
        },
    )
    _queue_text(inquiry, "answered")
    return reply


@transaction.atomic
def rate(
    *,
    inquiry: Inquiry,
    satisfied: bool,
    actor: User | None = None,
    now: datetime.datetime | None = None,
) -> Inquiry:
    """The asker rates the answer. Unsatisfied once: a second answer; twice: the commission."""
    now = _now(now)
    _lock(inquiry)
    if inquiry.status != InquiryStatus.ANSWERED:
        raise ValidationError(_("There is no answer to rate."))
    inquiry.satisfied = satisfied
    inquiry.rated_at = now
    last_round = inquiry.answers.order_by("-round").values_list("round", flat=True).first()
    if satisfied:
        inquiry.status = InquiryStatus.CLOSED
        inquiry.closed_at = now
    elif last_round == 1:
        inquiry.status = InquiryStatus.REOPENED
        inquiry.second_due = compute_deadline(answer_rule(), timezone.localdate(now)).due
    else:
        inquiry.status = InquiryStatus.REFERRED
        inquiry.escalated_at = inquiry.escalated_at or now
    inquiry.save()
    _audit("rate:inquiry", actor, inquiry, satisfied=satisfied)
    if inquiry.status == InquiryStatus.REOPENED:
        _notify_addressees(inquiry, _("The asker was not satisfied: a second answer is due."))
    elif inquiry.status == InquiryStatus.REFERRED:
        _notify_commission(inquiry, _("A public question goes to the commission."))
    return inquiry


@transaction.atomic
def conclude_referred(
    *, inquiry: Inquiry, note: str, actor: User | None, now: datetime.datetime | None = None
) -> Inquiry:
    """The commission's word on a question that came to it; it is published with the answers."""
    if inquiry.escalated_at is None:
        raise ValidationError(_("This question has not come to the commission."))
    if inquiry.commission_note:
        raise ValidationError(_("The commission has already concluded this question."))
    inquiry.commission_note = _text(note, _("Write the commission's conclusion."))
    if inquiry.status == InquiryStatus.REFERRED:
        inquiry.status = InquiryStatus.CLOSED
        inquiry.closed_at = _now(now)
    inquiry.save()
    _audit("conclude:inquiry", actor, inquiry)
    return inquiry


def escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Questions past their answer date go to the addressee's commission, once."""
    today = today or timezone.localdate()
    late = Inquiry.objects.filter(escalated_at__isnull=True).filter(
        Q(status=InquiryStatus.AWAITING, answer_due__lt=today)
        | Q(status=InquiryStatus.REOPENED, second_due__lt=today)
    )
    count = 0
    for inquiry in late.select_related("unit__region"):
        with transaction.atomic():
            inquiry.escalated_at = timezone.now()
            inquiry.save(update_fields=["escalated_at"])
            _audit("escalate:inquiry", None, inquiry, reason="overdue")
            _notify_commission(inquiry, _("A public question is overdue."))
        count += 1
    return count


# --- notifications ---------------------------------------------------------------------------


def _notify_roles(roles: list[str], region_code: str, text: str, url: str) -> None:
    for user in User.objects.filter(role__in=roles, is_active=True, region__code=region_code):
        notify(user=user, text=text, url=url)


def _notify_addressees(inquiry: Inquiry, text: str) -> None:
    today = timezone.localdate()
    holders = Post.objects.filter(unit=inquiry.unit, start__lte=today).exclude(end__lt=today)
    people = set(holders.values_list("holder_id", flat=True))
    if inquiry.official_id:
        people.add(inquiry.official_id)
    url = reverse("inquiries:inquiry-answering")
    for user in User.objects.filter(is_active=True).filter(
        Q(unit=inquiry.unit) | Q(resident_id__in=people)
    ):
        if user.is_official:
            notify(user=user, text=text, url=url)


def _notify_commission(inquiry: Inquiry, text: str) -> None:
    commission = commission_of(inquiry.unit.region)
    if commission is None:
        return
    _notify_roles(
        [Role.TOWN_COMMISSION, Role.COUNTY_COMMISSION],
        commission.region.code,
        text,
        reverse("inquiries:inquiry-referred"),
    )


SMS_TEXTS = {
    "published": gettext_lazy("【廉韵】Your public question %(number)s has been published."),
    "rejected": gettext_lazy(
        "【廉韵】Your public question %(number)s was not published; the page says why."
    ),
    "answered": gettext_lazy("【廉韵】Your public question %(number)s has an answer."),
}


def text_asker(*, inquiry_id: int, event: str) -> None:
    """Text the asker that something happened (never what), to the phone on file."""
    inquiry = Inquiry.objects.select_related("asker").filter(pk=inquiry_id).first()
    if inquiry is None or inquiry.asker.phone_encrypted is None:
        return
    with translation.override("zh-hans"):
        text = str(SMS_TEXTS[event]) % {"number": f"Q{inquiry.pk}"}
    send_text(inquiry.asker.phone(), text)


def _queue_text(inquiry: Inquiry, event: str) -> None:
    from lianyun.inquiries.tasks import text_asker as task

    transaction.on_commit(lambda: task(inquiry.pk, event))


# --- 群众来问廉 meetings -------------------------------------------------------------------------


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


def daily_housekeeping(*, today: datetime.date | None = None) -> int:
    return escalate_overdue(today=today)
