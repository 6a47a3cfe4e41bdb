"""What the petition actions share: limits, the event and audit rows, the statutory clock."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.core import audit, crypto
from lianyun.core.deadline_rules import RULES
from lianyun.core.deadlines import compute_deadline
from lianyun.petitions import receipts
from lianyun.petitions.models import (
    DESCRIPTION_CONTEXT,
    MESSAGE_CONTEXT,
    EventKind,
    Petition,
    PetitionEvent,
    PetitionMessage,
    PetitionStatus,
)

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


def read_description(petition: Petition) -> str:
    return crypto.decrypt(petition.description_encrypted, context=DESCRIPTION_CONTEXT)


def read_message(message: PetitionMessage) -> str:
    return crypto.decrypt(message.body_encrypted, context=MESSAGE_CONTEXT)
