"""Online questions (阳光问廉): asked by a verified villager, screened by the county
commission, answered by the unit with commitments, rated by the asker."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.cases.actions import register_rectification
from lianyun.cases.models import SourceKind, source_ref
from lianyun.core.deadlines import compute_deadline
from lianyun.core.roles import Role
from lianyun.inquiries.actions._common import _audit, _lock, _now, _text, answer_rule, screen_rule
from lianyun.inquiries.actions.notifications import (
    _notify_addressees,
    _notify_commission,
    _notify_roles,
    _queue_text,
)
from lianyun.inquiries.models import (
    OPEN_FOR_ANSWER,
    Answer,
    Category,
    Commitment,
    Inquiry,
    InquiryStatus,
)
from lianyun.people.models import Post, Resident
from lianyun.publications.actions import publish
from lianyun.publications.models import EntryKind
from lianyun.regions.codes import county_code, county_prefix
from lianyun.regions.models import Unit


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
