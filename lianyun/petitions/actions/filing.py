"""Filing: a petition from the form, the API or a disputed payout, routed to the commission
that handles it, with its receipt shown once."""

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.core import crypto
from lianyun.core.deadline_rules import RULES
from lianyun.core.deadlines import compute_deadline
from lianyun.core.filestore import save_files
from lianyun.core.idnumbers import validate_id_number
from lianyun.core.phones import normalise_phone
from lianyun.core.uploads import CheckedFile, check_upload
from lianyun.ledger.models import Payout
from lianyun.people.models import Resident
from lianyun.people.queries import current_unit_ids, named_in
from lianyun.petitions import receipts
from lianyun.petitions.actions._common import (
    MAX_DESCRIPTION,
    MIN_DESCRIPTION,
    Submitted,
    _audit,
    _event,
    _require_reason,
    _start_clock,
)
from lianyun.petitions.actions.notifications import notify_handlers
from lianyun.petitions.models import (
    DESCRIPTION_CONTEXT,
    REPORTER_ID_CONTEXT,
    REPORTER_NAME_CONTEXT,
    REPORTER_PHONE_CONTEXT,
    Attachment,
    EventKind,
    Petition,
    PetitionKind,
)
from lianyun.regions.models import Region, RegionKind, Unit
from lianyun.regions.queries import commission_of, county_commission


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
