"""Writes on leads and rectification items. Each action owns its transaction and audit row."""

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.cases.models import (
    PARTY_LEVELS,
    STATE_LEVELS,
    VILLAGE_CADRE_STATE_LEVELS,
    Confirmation,
    Disposition,
    Evidence,
    Lead,
    LeadStatus,
    Milestone,
    Outcome,
    OutcomeKind,
    RectificationItem,
    RectificationStatus,
    SourceKind,
)
from lianyun.core import audit
from lianyun.core.clock import moment_of
from lianyun.core.deadline_rules import RULES
from lianyun.core.deadlines import compute_deadline
from lianyun.core.filestore import delete_files, save_files
from lianyun.core.uploads import check_upload
from lianyun.people.models import Resident
from lianyun.people.queries import is_village_cadre
from lianyun.publications.actions import publish
from lianyun.publications.models import EntryKind
from lianyun.regions.models import Region, Unit


def _audit(action: str, actor: User | None, obj: Lead | RectificationItem, **detail: Any) -> None:
    audit.record(
        action=action, actor=actor, object_type=obj._meta.label, object_id=obj.pk, detail=detail
    )


@transaction.atomic
def open_lead(
    *,
    source_kind: SourceKind,
    source_ref: str,
    region: Region,
    handling_unit: Unit,
    summary: str,
    subject_unit: Unit | None = None,
    subjects: list[Resident] | None = None,
    amount_involved: Decimal = Decimal("0"),
    actor: User | None = None,
    today: datetime.date | None = None,
) -> Lead:
    lead = Lead.objects.create(
        created_at=moment_of(today),
        source_kind=source_kind,
        source_ref=source_ref,
        region=region,
        handling_unit=handling_unit,
        summary=summary[:200],
        subject_unit=subject_unit,
        amount_involved=amount_involved,
    )
    if subjects:
        lead.subjects.set(subjects)
    _audit("open:lead", actor, lead, source=source_ref)
    return lead


@transaction.atomic
def dispose_lead(
    *,
    lead: Lead,
    disposition: str,
    reason: str,
    actor: User | None,
    review_on: datetime.date | None = None,
    amount_involved: Decimal | None = None,
    today: datetime.date | None = None,
) -> Lead:
    """Record one of the four dispositions (规则 art. 17) after collective study."""
    today = today or timezone.localdate()
    if lead.status != LeadStatus.OPEN:
        raise ValidationError(_("This lead has already been disposed of."))
    if disposition not in Disposition.values:
        raise ValidationError(_("Choose one of the four dispositions."))
    if not reason.strip():
        raise ValidationError(_("A disposition needs its reason."))
    if disposition == Disposition.SHELVE and (review_on is None or review_on <= today):
        raise ValidationError(_("A shelved lead needs a re-review date in the future."))
    if amount_involved is not None:
        if amount_involved < 0:
            raise ValidationError(_("An amount cannot be negative."))
        lead.amount_involved = amount_involved
    lead.disposition = disposition
    lead.disposition_reason = reason.strip()
    lead.disposed_on = today
    lead.review_on = review_on if disposition == Disposition.SHELVE else None
    lead.reply_due = (
        compute_deadline(RULES["letter_reply"], today).due
        if disposition == Disposition.TALK_OR_LETTER
        else None
    )
    if disposition == Disposition.CLOSE:
        lead.status = LeadStatus.CONCLUDED
        lead.conclusion = lead.disposition_reason
        lead.concluded_on = today
    else:
        lead.status = LeadStatus.DISPOSED
    lead.save()
    _audit("dispose:lead", actor, lead, disposition=disposition)
    return lead


@transaction.atomic
def record_outcome(
    *,
    lead: Lead,
    kind: str,
    actor: User,
    person: Resident | None = None,
    level: str = "",
    amount: Decimal = Decimal("0"),
    households: int = 0,
    note: str = "",
    today: datetime.date | None = None,
) -> Outcome:
    if lead.status == LeadStatus.OPEN:
        raise ValidationError(_("Dispose of the lead before recording outcomes."))
    if kind not in OutcomeKind.values:
        raise ValidationError(_("Unknown outcome."))
    if amount < 0:
        raise ValidationError(_("An amount cannot be negative."))
    if kind in (OutcomeKind.PARTY_SANCTION, OutcomeKind.STATE_SANCTION) and person is None:
        raise ValidationError(_("A sanction names the person sanctioned."))
    if kind == OutcomeKind.PARTY_SANCTION and level not in PARTY_LEVELS:
        raise ValidationError(_("Choose a party sanction."))
    if kind == OutcomeKind.STATE_SANCTION:
        if level not in STATE_LEVELS:
            raise ValidationError(_("Choose a state sanction."))
        if (
            person is not None
            and is_village_cadre(person)
            and level not in VILLAGE_CADRE_STATE_LEVELS
        ):
            raise ValidationError(
                _(
                    "A village cadre may only be given a warning, a demerit or a major demerit "
                    "(Public Servant Sanctions Law art. 22)."
                )
            )
    if kind in (OutcomeKind.FUNDS_RECOVERED, OutcomeKind.FUNDS_RETURNED) and amount <= 0:
        raise ValidationError(_("Give the amount of money."))
    outcome = Outcome.objects.create(
        lead=lead,
        kind=kind,
        person=person,
        level=level,
        amount=amount,
        households=households,
        note=note,
        recorded_on=today or timezone.localdate(),
        recorded_by=actor,
    )
    _audit("record:outcome", actor, lead, kind=kind, level=level, amount=str(amount))
    return outcome


@transaction.atomic
def conclude_lead(
    *, lead: Lead, conclusion: str, actor: User | None, today: datetime.date | None = None
) -> Lead:
    if lead.status != LeadStatus.DISPOSED:
        raise ValidationError(_("Only a lead being handled can be concluded."))
    if not conclusion.strip():
        raise ValidationError(_("A conclusion needs its text."))
    lead.status = LeadStatus.CONCLUDED
    lead.conclusion = conclusion.strip()
    lead.concluded_on = today or timezone.localdate()
    lead.save()
    _audit("conclude:lead", actor, lead)
    return lead


# --- rectification -----------------------------------------------------------------------


@transaction.atomic
def register_rectification(
    *,
    source_kind: SourceKind,
    source_ref: str,
    region: Region,
    title: str,
    owner_unit: Unit,
    responsible: str,
    deadline: datetime.date,
    actor: User | None,
    measures: str = "",
    raised_by: Any = None,
    needs_confirmation: bool = False,
    is_public: bool = True,
    confidential: bool = False,
    subject_person: Resident | None = None,
    subject_unit: Unit | None = None,
    today: datetime.date | None = None,
) -> RectificationItem:
    """挂号: put a problem on the list with its owner and deadline.

    The villager who raised it confirms before it is closed out: by account (`raised_by`) or,
    for a petition, through its receipt (`needs_confirmation`).
    """
    today = today or timezone.localdate()
    if not title.strip():
        raise ValidationError(_("Describe the problem to put right."))
    if not responsible.strip():
        raise ValidationError(_("Name the person responsible."))
    if deadline < today:
        raise ValidationError(_("The deadline cannot be in the past."))
    item = RectificationItem.objects.create(
        created_at=moment_of(today),
        source_kind=source_kind,
        source_ref=source_ref,
        region=region,
        title=title.strip(),
        measures=measures,
        owner_unit=owner_unit,
        responsible=responsible.strip(),
        deadline=deadline,
        raised_by=raised_by,
        is_public=is_public and not confidential,
        confidential=confidential,
        subject_person=subject_person,
        subject_unit=subject_unit,
        confirmation=(
            Confirmation.PENDING
            if raised_by is not None or needs_confirmation
            else Confirmation.NOT_NEEDED
        ),
    )
    _audit("register:rectification", actor, item)
    return item


@transaction.atomic
def record_milestone(
    *,
    item: RectificationItem,
    progress: int,
    note: str,
    actor: User,
    files: list[UploadedFile] | None = None,
    today: datetime.date | None = None,
) -> Milestone:
    """Progress with a dated note and, where there is some, evidence (photos, documents)."""
    if item.status == RectificationStatus.CLOSED_OUT:
        raise ValidationError(_("This item is closed out."))
    if not 0 <= progress <= 100:
        raise ValidationError(_("Progress is a percentage from 0 to 100."))
    if progress < item.progress:
        raise ValidationError(_("Progress cannot go back; explain a setback in the note."))
    if not note.strip():
        raise ValidationError(_("Say what was done."))
    if len(files or []) > settings.LIANYUN_UPLOAD_MAX_FILES:
        raise ValidationError(
            _("At most %(count)d files.") % {"count": settings.LIANYUN_UPLOAD_MAX_FILES}
        )
    checked = [check_upload(upload) for upload in files or []]
    milestone = Milestone.objects.create(
        item=item,
        on=today or timezone.localdate(),
        progress=progress,
        note=note.strip(),
        recorded_by=actor,
    )
    item.progress = progress
    item.save(update_fields=["progress"])
    _audit("record:milestone", actor, item, progress=progress)
    save_files(Evidence, checked, milestone=milestone)
    return milestone


def delete_items(items: QuerySet[RectificationItem]) -> int:
    """Delete items with their milestones and evidence files (after the transaction commits)."""
    names = list(
        Evidence.objects.filter(milestone__item__in=items).values_list("stored_name", flat=True)
    )
    count, _ = items.delete()
    transaction.on_commit(lambda: delete_files(names))
    return count


@transaction.atomic
def publish_feedback(
    *,
    item: RectificationItem,
    feedback: str,
    actor: User | None,
    today: datetime.date | None = None,
) -> RectificationItem:
    """Public feedback on a finished item; it closes out at once if no villager must confirm."""
    if item.progress < 100:
        raise ValidationError(_("Feedback is given when the work is complete (100%)."))
    if not feedback.strip():
        raise ValidationError(_("Write the feedback the public will read."))
    today = today or timezone.localdate()
    item.public_feedback = feedback.strip()
    item.feedback_on = today
    if item.confirmation != Confirmation.NOT_NEEDED:
        item.confirmation = Confirmation.PENDING
    item.save()
    _audit("feedback:rectification", actor, item)
    if item.confirmation == Confirmation.NOT_NEEDED:
        _close_out(item, today, actor)
    return item


@transaction.atomic
def confirm_rectification(
    *,
    item: RectificationItem,
    satisfied: bool,
    actor: User | None,
    today: datetime.date | None = None,
) -> RectificationItem:
    """The villager who raised it confirms (销号) or refuses (复号, back to work)."""
    if not item.feedback_on:
        raise ValidationError(_("There is no feedback to confirm yet."))
    if item.status == RectificationStatus.CLOSED_OUT:
        raise ValidationError(_("This item is closed out."))
    today = today or timezone.localdate()
    if satisfied:
        item.confirmation = Confirmation.SATISFIED
        _close_out(item, today, actor)
    else:
        _reopen(item)
        item.confirmation = Confirmation.UNSATISFIED
        item.save()
        _audit("reopen:rectification", actor, item, reason="unsatisfied")
    return item


def _close_out(item: RectificationItem, today: datetime.date, actor: User | None) -> None:
    """销号; a public item's result goes into the publication chain, where it cannot be rewritten."""
    item.status = RectificationStatus.CLOSED_OUT
    item.closed_on = today
    item.save()
    _audit("close_out:rectification", actor, item)
    if item.is_public:
        publish(
            kind=EntryKind.RECTIFICATION,
            subject=item.region.code,
            title=item.title,
            actor=actor,
            payload={
                "kind": "rectification",
                "region": item.region.code,
                "region_name": item.region.name,
                "title": item.title,
                "owner_unit": item.owner_unit.name,
                "responsible": item.responsible,
                "deadline": item.deadline.isoformat(),
                "closed_on": today.isoformat(),
                "feedback": item.public_feedback,
                "reopened": item.reopen_count,
                "confirmation": item.confirmation,
                "milestones": [[m.on.isoformat(), m.progress] for m in item.milestones.all()],
            },
        )


def _reopen(item: RectificationItem) -> None:
    """复号: back to work; the feedback that did not satisfy is withdrawn (the audit keeps it)."""
    item.status = RectificationStatus.REOPENED
    item.reopen_count += 1
    item.progress = min(item.progress, 90)
    item.feedback_on = None
    item.public_feedback = ""


@transaction.atomic
def reopen_overdue(*, today: datetime.date | None = None) -> int:
    """复号 every open item past its deadline that was not yet reopened for it."""
    today = today or timezone.localdate()
    count = 0
    overdue = RectificationItem.objects.select_for_update().filter(
        deadline__lt=today, status=RectificationStatus.REGISTERED
    )
    for item in overdue:
        _reopen(item)
        item.save()
        _audit("reopen:rectification", None, item, reason="overdue")
        count += 1
    return count
