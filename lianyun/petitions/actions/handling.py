"""Handling a petition: accept, forward, refuse, extend, answer; the petitioner's appeal,
rating and messages; assignment."""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.cases.actions import open_lead
from lianyun.cases.models import LeadStatus, SourceKind, source_ref
from lianyun.core import crypto
from lianyun.core.deadline_rules import RULES
from lianyun.core.deadlines import Extension, PeriodUnit, compute_deadline
from lianyun.people.models import Resident
from lianyun.petitions.access import visible_petitions
from lianyun.petitions.actions._common import (
    MAX_DESCRIPTION,
    MAX_EXTENSION_DAYS,
    _audit,
    _event,
    _require,
    _require_reason,
    _start_clock,
    _stop_clock,
)
from lianyun.petitions.actions.filing import route
from lianyun.petitions.actions.notifications import _queue_text, notify_handlers
from lianyun.petitions.models import (
    MESSAGE_CONTEXT,
    Decision,
    EventKind,
    Petition,
    PetitionKind,
    PetitionMessage,
    PetitionStatus,
)
from lianyun.regions.models import Unit


@transaction.atomic
def accept_petition(
    *, petition: Petition, actor: User | None, today: datetime.date | None = None
) -> Petition:
    """受理: the 60-day clock starts; an accusation becomes a lead of the handling commission."""
    _require(petition, PetitionStatus.REGISTERED)
    today = today or timezone.localdate()
    petition.status = PetitionStatus.ACCEPTED
    _start_clock(petition, "petition_conclusion", today)
    # Read afresh: the instance may hold the first petition as it was before its acceptance.
    root = (
        Petition.objects.filter(pk=petition.repeat_of_id).first() if petition.repeat_of_id else None
    )
    if petition.kind == PetitionKind.ACCUSATION and root is not None and root.lead is not None:
        petition.lead = root.lead
    elif petition.kind == PetitionKind.ACCUSATION and petition.lead is None:
        petition.lead = open_lead(
            source_kind=SourceKind.PETITION,
            source_ref=source_ref(petition),
            region=petition.region,
            handling_unit=petition.handling_unit,
            summary=petition.subject_text
            or str(petition.subject_unit or petition.subject_person or ""),
            subject_unit=petition.subject_unit,
            subjects=[petition.subject_person] if petition.subject_person else [],
            actor=actor,
            today=today,
        )
    petition.save()
    _event(petition, EventKind.ACCEPTED, actor)
    if not petition.is_anonymous:
        _event(
            petition,
            EventKind.NOTICE,
            actor,
            _("Your petition was accepted on %(date)s.") % {"date": today},
        )
    _audit("accept:petition", actor, petition)
    _queue_text(petition, "accepted")
    return petition


@transaction.atomic
def forward_petition(
    *,
    petition: Petition,
    to_unit: Unit,
    reason: str,
    actor: User | None,
    today: datetime.date | None = None,
) -> Petition:
    """转办: to another commission, which must accept or pass it on within 5 working days."""
    _require(petition, PetitionStatus.REGISTERED)
    reason = _require_reason(reason)
    if to_unit.pk == petition.handling_unit_id:
        raise ValidationError(_("Forward it to another unit."))
    today = today or timezone.localdate()
    petition.handling_unit = to_unit
    _start_clock(petition, "accusation_forward", today)
    petition.save()
    _event(
        petition,
        EventKind.FORWARDED,
        actor,
        _("Forwarded to %(unit)s: %(reason)s") % {"unit": to_unit.name, "reason": reason},
    )
    _audit("forward:petition", actor, petition, to_unit=to_unit.pk)
    notify_handlers(petition)
    return petition


@transaction.atomic
def confirm_subject(*, petition: Petition, person: Resident | None, actor: User | None) -> Petition:
    """A commission says whom a petition that named officials in its own words is about: one of
    the people it named, or none of them. The named stay recused either way. If the subject
    sits in the handling commission, the petition goes one level up."""
    if not petition.subject_to_confirm:
        raise ValidationError(_("This petition's subject is already settled."))
    if person is not None and not petition.named_people.filter(pk=person.pk).exists():
        raise ValidationError(_("Choose one of the people the petition names."))
    petition.subject_person = person
    petition.subject_to_confirm = False
    handler = route(petition.region, person, petition.named_people.all())
    moved = handler.pk != petition.handling_unit_id
    petition.handling_unit = handler
    petition.save()
    note = _("Moved to %(unit)s.") % {"unit": handler.name} if moved else ""
    _event(petition, EventKind.SUBJECT_CONFIRMED, actor, note, visible=False)
    _audit("confirm:subject", actor, petition, person=person.pk if person else None)
    if moved:
        notify_handlers(petition)
    return petition


@transaction.atomic
def refuse_petition(*, petition: Petition, reason: str, actor: User | None) -> Petition:
    """不予受理, with the reason and where to turn instead."""
    _require(petition, PetitionStatus.REGISTERED)
    reason = _require_reason(reason)
    petition.status = PetitionStatus.NOT_ACCEPTED
    petition.answer = reason
    petition.ended_on = timezone.localdate()
    _stop_clock(petition)
    petition.save()
    _event(petition, EventKind.NOT_ACCEPTED, actor, reason)
    _audit("refuse:petition", actor, petition)
    return petition


@transaction.atomic
def extend_petition(*, petition: Petition, days: int, reason: str, actor: User | None) -> Petition:
    """Once, by at most 30 days, approved with a reason the petitioner sees (art. 34)."""
    _require(petition, PetitionStatus.ACCEPTED)
    reason = _require_reason(reason)
    if petition.clock_extension_days:
        raise ValidationError(_("The time limit can be extended only once."))
    if not 0 < days <= MAX_EXTENSION_DAYS:
        raise ValidationError(
            _("An extension is 1 to %(max)d days (Petition Work Regulations art. 34).")
            % {"max": MAX_EXTENSION_DAYS}
        )
    assert petition.clock_start is not None  # noqa: S101 - accepted petitions have a clock
    petition.clock_extension_days = days
    petition.due_on = compute_deadline(
        RULES[petition.clock_rule],
        petition.clock_start,
        [Extension(days, PeriodUnit.DAYS, reason)],
    ).due
    petition.save()
    _event(petition, EventKind.EXTENDED, actor, reason)
    _audit("extend:petition", actor, petition, days=days)
    return petition


_ANSWER_STEPS = {
    PetitionStatus.ACCEPTED: (PetitionStatus.ANSWERED, EventKind.ANSWERED, "review_request"),
    PetitionStatus.REVIEW_REQUESTED: (
        PetitionStatus.REVIEW_ANSWERED,
        EventKind.REVIEW_ANSWERED,
        "recheck_request",
    ),
    PetitionStatus.RECHECK_REQUESTED: (PetitionStatus.FINAL, EventKind.RECHECK_ANSWERED, ""),
}


@transaction.atomic
def answer_petition(
    *,
    petition: Petition,
    decision: str,
    answer: str,
    actor: User | None,
    today: datetime.date | None = None,
) -> Petition:
    """The written answer (意见书): support, explain or not support, with its reasons.

    The same action answers a review (复查) and a recheck (复核); after a recheck the matter is
    final. An accusation is answered only once its lead has been disposed of.
    """
    _require(petition, *_ANSWER_STEPS)
    if decision not in Decision.values:
        raise ValidationError(_("Choose the decision: supported, explained or not supported."))
    answer = _require_reason(answer)
    if petition.lead is not None and petition.lead.status == LeadStatus.OPEN:
        raise ValidationError(_("Dispose of the lead before answering the accusation."))
    today = today or timezone.localdate()
    status, event, next_rule = _ANSWER_STEPS[PetitionStatus(petition.status)]
    petition.status = status
    petition.decision = decision
    petition.answer = answer
    petition.answered_on = today
    if next_rule:
        _start_clock(petition, next_rule, today)
    else:
        _stop_clock(petition)
        petition.ended_on = today
    petition.save()
    _event(petition, event, actor, f"{Decision(decision).label}: {answer}")
    _audit("answer:petition", actor, petition, decision=decision, status=status)
    _queue_text(petition, "answered")
    return petition


_APPEALS = {
    PetitionStatus.ANSWERED: (
        PetitionStatus.REVIEW_REQUESTED,
        EventKind.REVIEW_REQUESTED,
        "review_answer",
    ),
    PetitionStatus.REVIEW_ANSWERED: (
        PetitionStatus.RECHECK_REQUESTED,
        EventKind.RECHECK_REQUESTED,
        "recheck_answer",
    ),
}


@transaction.atomic
def appeal_petition(
    *, petition: Petition, reason: str, today: datetime.date | None = None
) -> Petition:
    """The petitioner asks for a review (复查), then a recheck (复核), each within 30 days.

    It goes to the next-higher commission where there is one in the platform.
    """
    _require(petition, *_APPEALS)
    reason = _require_reason(reason)
    today = today or timezone.localdate()
    if petition.due_on is not None and today > petition.due_on:
        raise ValidationError(
            _("The 30 days to ask for this ended on %(date)s.") % {"date": petition.due_on}
        )
    status, event, rule = _APPEALS[PetitionStatus(petition.status)]
    petition.status = status
    higher = petition.handling_unit.parent
    if higher is not None:
        petition.handling_unit = higher
    _start_clock(petition, rule, today)
    petition.save()
    _event(petition, event, None, reason)
    _audit("appeal:petition", None, petition, status=status)
    notify_handlers(petition)
    return petition


@transaction.atomic
def rate_petition(*, petition: Petition, satisfied: bool) -> Petition:
    _require(
        petition,
        PetitionStatus.ANSWERED,
        PetitionStatus.REVIEW_ANSWERED,
        PetitionStatus.FINAL,
        PetitionStatus.CLOSED,
    )
    petition.satisfied = satisfied
    petition.save(update_fields=["satisfied"])
    _event(petition, EventKind.RATED, None, _("satisfied") if satisfied else _("not satisfied"))
    return petition


@transaction.atomic
def post_message(
    *, petition: Petition, body: str, from_petitioner: bool, author: Any = None
) -> PetitionMessage:
    text = body.strip()
    if not text:
        raise ValidationError(_("Write a message."))
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError(
            _("Keep the message under %(count)d characters.") % {"count": MAX_DESCRIPTION}
        )
    message = PetitionMessage.objects.create(
        petition=petition,
        at=timezone.now(),
        from_petitioner=from_petitioner,
        author=None if from_petitioner else author,
        body_encrypted=crypto.encrypt(text, context=MESSAGE_CONTEXT),
    )
    if not from_petitioner:
        _audit("message:petition", author, petition)
    return message


@transaction.atomic
def assign_petitions(*, petitions: list[Petition], assignee: Any, actor: User | None) -> int:
    """Give petitions to one handler, who must be allowed to see each of them (recusal)."""
    allowed = set(
        visible_petitions(assignee)
        .filter(pk__in=[p.pk for p in petitions])
        .values_list("pk", flat=True)
    )
    refused = [p.number for p in petitions if p.pk not in allowed]
    if refused:
        raise ValidationError(
            _("%(name)s may not handle %(numbers)s.")
            % {"name": str(assignee), "numbers": ", ".join(refused)}
        )
    for petition in petitions:
        petition.assignee = assignee
        petition.save(update_fields=["assignee"])
        _event(petition, EventKind.ASSIGNED, actor, str(assignee), visible=False)
        _audit("assign:petition", actor, petition, assignee=assignee.pk)
    return len(petitions)
