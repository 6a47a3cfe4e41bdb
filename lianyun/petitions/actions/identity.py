"""A named petitioner's identity: requested by a handler, decided by the custodian, revealed
once approved, each step audited."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.core import audit, crypto
from lianyun.petitions.actions._common import _audit, _event, _require_reason
from lianyun.petitions.models import (
    REPORTER_ID_CONTEXT,
    REPORTER_NAME_CONTEXT,
    REPORTER_PHONE_CONTEXT,
    EventKind,
    IdentityRequest,
    IdentityRequestStatus,
    Petition,
)


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
