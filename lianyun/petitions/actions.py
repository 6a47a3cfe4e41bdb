"""Every state change of a petition, each with its statutory clock, event and audit row.

The petitioner-facing actions take no actor (anonymous) or the petitioner's account, and
record nothing about the network: no IP address, no user agent (docs/security.md S4).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.accounts.actions import notify
from lianyun.accounts.models import User
from lianyun.cases.actions import delete_items, open_lead, register_rectification
from lianyun.cases.models import LeadStatus, RectificationItem, SourceKind, source_ref
from lianyun.core import audit, crypto
from lianyun.core.deadline_rules import RULES
from lianyun.core.deadlines import Extension, PeriodUnit, compute_deadline
from lianyun.core.filestore import delete_files, save_files, sweep_orphans
from lianyun.core.idnumbers import validate_id_number
from lianyun.core.phones import normalise_phone
from lianyun.core.sms import send_text
from lianyun.core.uploads import CheckedFile, check_upload
from lianyun.ledger.models import Payout
from lianyun.people.models import Resident
from lianyun.people.queries import current_unit_ids, named_in
from lianyun.petitions import receipts
from lianyun.petitions.access import HANDLER_ROLES, visible_petitions
from lianyun.petitions.models import (
    DESCRIPTION_CONTEXT,
    MESSAGE_CONTEXT,
    OPEN_STATUSES,
    REPORTER_ID_CONTEXT,
    REPORTER_NAME_CONTEXT,
    REPORTER_PHONE_CONTEXT,
    Attachment,
    Decision,
    EventKind,
    IdentityRequest,
    IdentityRequestStatus,
    Petition,
    PetitionEvent,
    PetitionKind,
    PetitionMessage,
    PetitionStatus,
)
from lianyun.petitions.queries import VERY_OVERDUE_DAYS
from lianyun.regions.codes import county_code, town_code
from lianyun.regions.models import Region, RegionKind, Unit
from lianyun.regions.queries import commission_of, county_commission

MIN_DESCRIPTION = 10
MAX_DESCRIPTION = 5000
MAX_EXTENSION_DAYS = 30


@dataclass(frozen=True)
class Submitted:
    petition: Petition
    receipt: receipts.Receipt  # shown once, never stored in clear


def _event(
    petition: Petition,
    kind: EventKind,
    actor: User | None = None,
    note: str = "",
    *,
    visible: bool = True,
) -> None:
    PetitionEvent.objects.create(
        petition=petition,
        at=timezone.now(),
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note,
        visible_to_petitioner=visible,
    )


def _audit(action: str, actor: User | None, petition: Petition, **detail: Any) -> None:
    audit.record(
        action=action,
        actor=actor,
        object_type="petitions.Petition",
        object_id=petition.pk,
        detail=detail,
    )


def _start_clock(petition: Petition, rule: str, start: datetime.date) -> None:
    petition.clock_rule = rule
    petition.clock_start = start
    petition.clock_extension_days = 0
    petition.due_on = compute_deadline(RULES[rule], start).due


def _stop_clock(petition: Petition) -> None:
    petition.clock_rule = ""
    petition.clock_start = None
    petition.due_on = None


def route(region: Region, subject_person: Resident | None, named: Iterable[Resident] = ()) -> Unit:
    """The town's commission, or the county's when the subject, or anyone the text names, sits
    in the town commission (a report about a commission's own people goes one level up)."""
    unit = commission_of(region)
    if unit is None:
        raise ValidationError(_("No commission handles this region yet."))
    about = [*([subject_person] if subject_person is not None else []), *named]
    if any(unit.pk in current_unit_ids(person) for person in about):
        higher = unit.parent or county_commission()
        if higher is not None:
            return higher
    return unit


def _matter_key(kind: str, reporter_ref: str, subject_ref: str) -> str:
    return crypto.blind_index(f"{kind}|{reporter_ref}|{subject_ref}", context="petitions.matter")


@transaction.atomic
def submit_petition(
    *,
    kind: str,
    region: Region,
    description: str,
    anonymous: bool,
    subject_unit: Unit | None = None,
    subject_person: Resident | None = None,
    subject_text: str = "",
    reporter_name: str = "",
    reporter_phone: str = "",
    reporter_id_number: str = "",
    account: Any = None,
    earlier_receipt: str = "",
    files: list[UploadedFile] | None = None,
    today: datetime.date | None = None,
) -> Submitted:
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if kind not in PetitionKind.values:
        errors["kind"] = _("Choose what kind of matter this is.")
    if region.kind == RegionKind.COUNTY:
        errors["region"] = _("Choose the town or village where it happened.")
    text = description.strip()
    if len(text) < MIN_DESCRIPTION:
        errors["description"] = _("Describe the matter in at least %(count)d characters.") % {
            "count": MIN_DESCRIPTION
        }
    elif len(text) > MAX_DESCRIPTION:
        errors["description"] = _("Keep the description under %(count)d characters.") % {
            "count": MAX_DESCRIPTION
        }
    if (
        sum(x is not None and x != "" for x in (subject_unit, subject_person, subject_text.strip()))
        > 1
    ):
        errors["subject_text"] = _("Name one subject: a unit, an official, or a description.")
    if kind == PetitionKind.ACCUSATION and not (
        subject_unit or subject_person or subject_text.strip()
    ):
        errors["subject_text"] = _("Say whom the accusation is about.")
    reporter_ref = ""
    if not anonymous:
        if not reporter_name.strip():
            errors["reporter_name"] = _("A named petition needs your name.")
        try:
            reporter_phone = normalise_phone(reporter_phone)
        except ValidationError as error:
            errors["reporter_phone"] = " ".join(error.messages)
        try:
            reporter_id_number = validate_id_number(reporter_id_number)
            reporter_ref = crypto.blind_index(reporter_id_number, context=REPORTER_ID_CONTEXT)
        except ValidationError as error:
            errors["reporter_id_number"] = " ".join(error.messages)
    earlier = None
    if earlier_receipt.strip():
        parsed = receipts.parse_receipt(earlier_receipt)
        earlier = (
            Petition.objects.filter(receipt_locator=parsed.locator).first() if parsed else None
        )
        if (
            parsed is None
            or earlier is None
            or not receipts.secret_matches(parsed.secret, earlier.receipt_hash)
        ):
            errors["earlier_receipt"] = _("That receipt does not match a petition.")
        elif anonymous:
            reporter_ref = "receipt:" + earlier.receipt_locator
    checked: list[CheckedFile] = []
    if len(files or []) > settings.LIANYUN_UPLOAD_MAX_FILES:
        errors["attachments"] = _("At most %(count)d files.") % {
            "count": settings.LIANYUN_UPLOAD_MAX_FILES
        }
    else:
        try:
            checked = [check_upload(upload) for upload in files or []]
        except ValidationError as error:
            errors["attachments"] = " ".join(error.messages)
    if errors:
        raise ValidationError(errors)

    subject_ref = (
        f"person:{subject_person.pk}"
        if subject_person
        else f"unit:{subject_unit.pk}"
        if subject_unit
        else f"text:{subject_text.strip()}@{region.code}"
    )
    receipt = receipts.new_receipt()
    while Petition.objects.filter(receipt_locator=receipt.locator).exists():
        receipt = receipts.new_receipt()
    matter_key = _matter_key(kind, reporter_ref, subject_ref) if reporter_ref else ""
    repeat_of: Petition | None = None
    if earlier is not None:
        # The petitioner says this is the matter of an earlier petition: link to its root.
        repeat_of = earlier.repeat_of or earlier
    elif matter_key:
        repeat_of = (
            Petition.objects.filter(matter_key=matter_key, repeat_of__isnull=True)
            .order_by("pk")
            .first()
        )
    named_ids, named_unit_ids = named_in(f"{subject_text}\n{text}", on=today)
    named = list(Resident.objects.filter(pk__in=named_ids))
    petition = Petition(
        kind=kind,
        region=region,
        handling_unit=route(region, subject_person, named),
        subject_to_confirm=bool(named or named_unit_ids) and not (subject_person or subject_unit),
        subject_unit=subject_unit,
        subject_person=subject_person,
        subject_text=subject_text.strip()[:100],
        description_encrypted=crypto.encrypt(text, context=DESCRIPTION_CONTEXT),
        is_anonymous=anonymous,
        reporter_account=account if getattr(account, "pk", None) else None,
        receipt_locator=receipt.locator,
        receipt_hash=receipts.hash_secret(receipt.secret),
        matter_key=matter_key,
        repeat_of=repeat_of,
        received_on=today,
    )
    if not anonymous:
        petition.reporter_name_encrypted = crypto.encrypt(
            reporter_name.strip(), context=REPORTER_NAME_CONTEXT
        )
        petition.reporter_phone_encrypted = crypto.encrypt(
            reporter_phone, context=REPORTER_PHONE_CONTEXT
        )
        petition.reporter_id_encrypted = crypto.encrypt(
            reporter_id_number, context=REPORTER_ID_CONTEXT
        )
        petition.reporter_index = reporter_ref
    _start_clock(petition, "petition_disposal", today)
    if kind == PetitionKind.ACCUSATION and not anonymous:
        petition.notice_due = compute_deadline(RULES["accusation_named_notice"], today).due
    petition.save()
    petition.named_people.set(named)
    petition.named_units.set(named_unit_ids)
    _event(petition, EventKind.REGISTERED)
    if repeat_of is not None:
        _event(repeat_of, EventKind.REPEAT, note=petition.number, visible=False)
    # No actor and no network data: the audit row says only that a petition arrived.
    _audit("submit:petition", None, petition, kind=kind, anonymous=anonymous)
    save_files(
        Attachment, checked, petition=petition
    )  # last: little can fail after the files exist
    notify_handlers(petition)
    return Submitted(petition=petition, receipt=receipt)


def _require(petition: Petition, *statuses: PetitionStatus) -> None:
    if petition.status not in statuses:
        raise ValidationError(
            _("This cannot be done while the petition is %(status)s.")
            % {"status": petition.get_status_display()}
        )


def _require_reason(reason: str) -> str:
    if not reason.strip():
        raise ValidationError(_("Give the reason; the petitioner will read it."))
    return reason.strip()


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
def close_lapsed_petitions(*, today: datetime.date | None = None) -> int:
    """Answers nobody appealed within 30 days become closed."""
    today = today or timezone.localdate()
    lapsed = Petition.objects.select_for_update().filter(
        status__in=[PetitionStatus.ANSWERED, PetitionStatus.REVIEW_ANSWERED], due_on__lt=today
    )
    count = 0
    for petition in lapsed:
        petition.status = PetitionStatus.CLOSED
        petition.ended_on = today
        _stop_clock(petition)
        petition.save()
        _event(petition, EventKind.CLOSED)
        count += 1
    return count


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


def read_description(petition: Petition) -> str:
    return crypto.decrypt(petition.description_encrypted, context=DESCRIPTION_CONTEXT)


def read_message(message: PetitionMessage) -> str:
    return crypto.decrypt(message.body_encrypted, context=MESSAGE_CONTEXT)


# --- the named petitioner's identity ---------------------------------------------------------


@transaction.atomic
def request_identity(*, petition: Petition, actor: User, reason: str) -> IdentityRequest:
    if petition.is_anonymous:
        raise ValidationError(_("This petition is anonymous: there is no identity to request."))
    reason = _require_reason(reason)
    request = IdentityRequest.objects.create(petition=petition, requested_by=actor, reason=reason)
    _audit("request:identity", actor, petition)
    return request


@transaction.atomic
def decide_identity_request(
    *, request: IdentityRequest, approve: bool, actor: User
) -> IdentityRequest:
    if request.status != IdentityRequestStatus.PENDING:
        raise ValidationError(_("This request has already been decided."))
    if request.requested_by_id == actor.pk:
        raise ValidationError(_("Nobody approves their own request."))
    request.status = IdentityRequestStatus.APPROVED if approve else IdentityRequestStatus.REFUSED
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save()
    _audit("decide:identity", actor, request.petition, approved=approve)
    return request


@dataclass(frozen=True)
class ReporterIdentity:
    name: str
    phone: str
    id_number: str


@transaction.atomic
def reveal_reporter(*, petition: Petition, actor: User | None) -> ReporterIdentity:
    """Decrypt a named petitioner's identity for a handler whose request a custodian approved.

    Every view writes one audit row and one event the petitioner can see.
    """
    approved = IdentityRequest.objects.filter(
        petition=petition, requested_by=actor, status=IdentityRequestStatus.APPROVED
    ).exists()
    if not approved:
        raise ValidationError(_("A custodian has not approved your request to see this identity."))
    identity = ReporterIdentity(
        name=crypto.decrypt(petition.reporter_name_encrypted or b"", context=REPORTER_NAME_CONTEXT),
        phone=crypto.decrypt(
            petition.reporter_phone_encrypted or b"", context=REPORTER_PHONE_CONTEXT
        ),
        id_number=crypto.decrypt(
            petition.reporter_id_encrypted or b"", context=REPORTER_ID_CONTEXT
        ),
    )
    audit.record(
        action="read:reporter_identity",
        actor=actor,
        object_type="petitions.Petition",
        object_id=petition.pk,
        purpose="approved identity request",
    )
    _event(
        petition,
        EventKind.IDENTITY_VIEWED,
        actor,
        _("A handler viewed your identity with a custodian's approval."),
    )
    return identity


@transaction.atomic
def register_petition_rectification(
    *,
    petition: Petition,
    title: str,
    owner_unit: Unit,
    responsible: str,
    deadline: datetime.date,
    actor: User | None,
    measures: str = "",
) -> RectificationItem:
    """A problem a petition raised goes on the rectification list; the petitioner confirms it.

    Items from accusations are never public: a public list would tell the accused.
    """
    if petition.status in (PetitionStatus.REGISTERED, PetitionStatus.NOT_ACCEPTED):
        raise ValidationError(_("Accept the petition before putting its problem on the list."))
    item = register_rectification(
        source_kind=SourceKind.PETITION,
        source_ref=source_ref(petition),
        region=petition.region,
        title=title,
        owner_unit=owner_unit,
        responsible=responsible,
        deadline=deadline,
        measures=measures,
        actor=actor,
        needs_confirmation=True,
        confidential=petition.kind == PetitionKind.ACCUSATION,
        subject_person=petition.subject_person,
        subject_unit=petition.subject_unit,
    )
    _event(petition, EventKind.RECTIFICATION, actor, item.title)
    return item


def rectifications_of(petition: Petition) -> QuerySet[RectificationItem]:
    return RectificationItem.objects.filter(
        source_kind=SourceKind.PETITION, source_ref=source_ref(petition)
    )


@transaction.atomic
def purge_expired_petitions(*, today: datetime.date | None = None) -> int:
    """Delete ended petitions past their retention, with everything that names the petitioner.

    Goes: the petition, its events, messages, identity requests, attachments (rows and files)
    and its confidential rectification items. Stays: the lead (the commission's record, which
    names no petitioner), public rectification items, and audit rows (ids only).
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.LIANYUN_RETENTION_DAYS["petition"])
    expired = list(Petition.objects.filter(ended_on__lt=cutoff).values_list("pk", flat=True))
    names = list(
        Attachment.objects.filter(petition_id__in=expired).values_list("stored_name", flat=True)
    )
    refs = [source_ref(Petition(pk=pk)) for pk in expired]
    confidential = RectificationItem.objects.filter(
        source_kind=SourceKind.PETITION, source_ref__in=refs, confidential=True
    )
    delete_items(confidential)
    Petition.objects.filter(repeat_of_id__in=expired).update(repeat_of=None)
    Petition.objects.filter(pk__in=expired).delete()
    transaction.on_commit(lambda: delete_files(names))
    transaction.on_commit(_sweep_orphan_files)
    if expired:
        audit.record(action="purge:petitions", detail={"count": len(expired)})
    return len(expired)


def _sweep_orphan_files() -> None:
    sweep_orphans("attachments", set(Attachment.objects.values_list("stored_name", flat=True)))


# --- notifications ------------------------------------------------------------------------

SMS_TEXTS = {
    "accepted": gettext_lazy(
        "[Lianyun] Your petition %(number)s was accepted. Follow it with your receipt."
    ),
    "answered": gettext_lazy(
        "[Lianyun] Your petition %(number)s has been answered. Read the answer with your receipt."
    ),
}


def text_petitioner(*, petition_id: int, event: str) -> None:
    """Text a named petitioner that something happened (never what: the receipt shows that)."""
    petition = Petition.objects.filter(pk=petition_id, is_anonymous=False).first()
    if petition is None or petition.reporter_phone_encrypted is None:
        return
    phone = crypto.decrypt(petition.reporter_phone_encrypted, context=REPORTER_PHONE_CONTEXT)
    with translation.override("zh-hans"):
        text = str(SMS_TEXTS[event]) % {"number": petition.number}
    send_text(phone, text)


def _queue_text(petition: Petition, event: str) -> None:
    if petition.is_anonymous:
        return
    from lianyun.petitions.tasks import text_petitioner as task

    transaction.on_commit(lambda: task(petition.pk, event))


def notify_handlers(petition: Petition, *, county_only: bool = False) -> int:
    """Tell every official who may see this petition that it waits; recusal decides who."""
    regions = [county_code(petition.region.code)]
    if not county_only:
        regions.append(town_code(petition.region.code))
    candidates = User.objects.filter(
        role__in=HANDLER_ROLES, is_active=True, region__code__in=regions
    )
    url = reverse("petitions:petition-detail", args=[petition.pk])
    told = 0
    for user in candidates:
        if visible_petitions(user).filter(pk=petition.pk).exists():
            with translation.override("zh-hans"):
                notify(
                    user=user,
                    text=_("Petition %(number)s waits for you.") % {"number": petition.number},
                    url=url,
                )
            told += 1
    return told


@transaction.atomic
def escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Petitions more than 15 days late are reported once to the county commission."""
    today = today or timezone.localdate()
    late = (
        Petition.objects.select_for_update()
        .filter(
            status__in=OPEN_STATUSES,
            escalated_on__isnull=True,
            due_on__lt=today - datetime.timedelta(days=VERY_OVERDUE_DAYS),
        )
        .select_related("region")
    )
    count = 0
    for petition in late:
        petition.escalated_on = today
        petition.save(update_fields=["escalated_on"])
        _event(petition, EventKind.ESCALATED, visible=False)
        notify_handlers(petition, county_only=True)
        count += 1
    return count


def daily_housekeeping() -> None:
    from lianyun.cases.actions import reopen_overdue

    close_lapsed_petitions()
    escalate_overdue()
    reopen_overdue()
    purge_expired_petitions()


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


def dispute_payout(*, payout: Payout, reason: str, account: Any = None) -> Submitted:
    """有异议: a villager says a payout of theirs is wrong; it becomes a request to the town."""
    reason = _require_reason(reason)
    details = _(
        "Payout disputed: %(item)s, period %(period)s, %(amount)s yuan, status %(status)s."
    ) % {
        "item": payout.item.name,
        "period": payout.period,
        "amount": payout.amount,
        "status": payout.get_status_display(),
    }
    submitted = submit_petition(
        kind=PetitionKind.REQUEST,
        region=payout.village,
        anonymous=True,
        subject_text=f"{payout.item.name} {payout.period}",
        description=f"{reason}\n\n{details}",
        account=account,  # a signed-in villager finds it under 我的
    )
    submitted.petition.payout = payout
    submitted.petition.save(update_fields=["payout"])
    return submitted
