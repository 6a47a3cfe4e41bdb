"""Who may see which petition. Recusal is decided here and nowhere else.

A handler is a commission official (town or county) whose scope holds the petition's region
and whose level handles it. Nobody sees a petition about themselves, about their declared
relatives (or someone who declared them), about a unit they hold a post in, or about anyone
who holds a post in one of their units (docs/security.md threat 1). "Not allowed" and "missing"
answer alike.
"""

import base64
import time
from collections.abc import Mapping

from django.contrib.sessions.backends.base import SessionBase
from django.db.models import QuerySet
from django.http import Http404

from lianyun.cases.models import RectificationItem, SourceKind, source_ref
from lianyun.core import crypto, limits
from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.ledger.access import verified_index
from lianyun.ledger.models import Payout
from lianyun.people.access import recusal_filter
from lianyun.petitions import receipts
from lianyun.petitions.models import OPEN_STATUSES, IdentityRequest, IdentityRequestStatus, Petition
from lianyun.regions.access import scope_of

HANDLER_ROLES = {Role.TOWN_COMMISSION, Role.COUNTY_COMMISSION}


def visible_petitions(user: Actor) -> QuerySet[Petition]:
    """Every petition this user may see: the base of queues, counts and badges."""
    if not user.is_authenticated or user.role not in HANDLER_ROLES | {Role.CUSTODIAN}:
        return Petition.objects.none()
    scope = scope_of(user)
    petitions = Petition.objects.filter(region__code__startswith=scope.scope_prefix)
    if user.role == Role.CUSTODIAN:
        # A custodian sees a petition only to decide a request to unmask its petitioner.
        petitions = petitions.filter(identity_requests__isnull=False).distinct()
    if user.role == Role.TOWN_COMMISSION:
        petitions = petitions.filter(handling_unit__region=scope)
    return petitions.exclude(
        recusal_filter(
            user, person_field="subject_person_id", unit_field="subject_unit_id", named=""
        )
    )


def require_handler(user: Actor) -> None:
    """Queues and case pages are for commission officials only."""
    if not user.is_authenticated or user.role not in HANDLER_ROLES:
        raise Http404


def require_custodian(user: Actor) -> None:
    if not user.is_authenticated or user.role != Role.CUSTODIAN:
        raise Http404


def access_petition(user: Actor, petition_id: int, *, for_write: bool = False) -> Petition:
    if for_write and user.role not in HANDLER_ROLES:
        raise Http404
    petition = (
        visible_petitions(user)
        .select_related("region", "handling_unit", "subject_unit", "subject_person", "lead")
        .filter(pk=petition_id)
        .first()
    )
    if petition is None:
        raise Http404
    return petition


def access_identity_request(user: Actor, request_id: int) -> IdentityRequest:
    """Only a custodian decides, and only for petitions the custodian is not recused from."""
    if not user.is_authenticated or user.role != Role.CUSTODIAN:
        raise Http404
    request = (
        IdentityRequest.objects.filter(
            pk=request_id,
            status=IdentityRequestStatus.PENDING,
            petition__in=visible_petitions(user),
        )
        .select_related("petition")
        .first()
    )
    if request is None:
        raise Http404
    return request


def petition_by_receipt(text: str, *, client: str) -> Petition | None:
    """The petition a receipt opens, within the guessing limits.

    An unknown locator and a wrong secret cost the same (an HMAC and a comparison) and answer
    the same: None. A failure counts against the client (its network address: web and API
    alike, and nothing the client can reset) for that receipt, and toward the client's
    ceiling; never against the receipt for everyone, so nobody can lock its owner out. The
    secret has 100 random bits: no number of clients comes near guessing it.
    """
    if limits.is_blocked("receipt_per_client", client):
        return None
    receipt = receipts.parse_receipt(text)
    if receipt is None:
        limits.record_failure("receipt_per_client", client)
        return None
    pair = f"{client}|{receipt.locator}"
    if limits.is_blocked("receipt_per_target_client", pair):
        return None
    petition = Petition.objects.filter(receipt_locator=receipt.locator).first()
    matches = receipts.secret_matches(receipt.secret, petition.receipt_hash if petition else None)
    if petition is not None and matches:  # the same work above, found or not
        if receipts.is_legacy(petition.receipt_hash):
            petition.receipt_hash = receipts.hash_secret(receipt.secret)
            Petition.objects.filter(pk=petition.pk).update(receipt_hash=petition.receipt_hash)
        return petition
    limits.record_failure("receipt_per_client", client)
    limits.record_failure("receipt_per_target_client", pair)
    return None


TRACKED = "lianyun_tracked_petition"


def remember_tracked(session: SessionBase, petition: Petition) -> None:
    session[TRACKED] = petition.pk


RECEIPT = "lianyun_receipt_once"
RECEIPT_SESSION = "lianyun_receipt_session"
RECEIPT_CONTEXT = "petitions.receipt-on-screen"
RECEIPT_MINUTES = 15


def open_for_receipt(session: SessionBase) -> None:
    """Open the session a receipt will be held in when the form that files it is shown, not
    when it is sent. A double tap sends the form twice, and the browser may send the second
    before it has read the first answer's new session cookie: with the session open already,
    both carry the same one, and the second finds the receipt the first put there."""
    session.setdefault(RECEIPT_SESSION, True)


def hold_receipt(session: SessionBase, petition: Petition, receipt: str) -> None:
    """Keep the new receipt for the page that shows it, so that a reload of that page shows it
    again, and the petition as the one this browser follows. Encrypted in the session, dropped
    when the villager moves on to follow the petition or after RECEIPT_MINUTES. Saved at once,
    inside the filing's transaction: a second tap is sent on to the receipt as soon as the
    first commits, before its answer would save it."""
    remember_tracked(session, petition)
    blob = crypto.encrypt(receipt, context=RECEIPT_CONTEXT)
    session[RECEIPT] = [petition.pk, base64.b64encode(blob).decode(), int(time.time())]
    session.save()


def held_receipt(session: object) -> tuple[Petition, str] | None:
    held = session.get(RECEIPT)  # type: ignore[attr-defined]
    if not held or time.time() - held[2] > RECEIPT_MINUTES * 60:
        return None
    petition = Petition.objects.filter(pk=held[0]).first()
    if petition is None:
        return None
    return petition, crypto.decrypt(base64.b64decode(held[1]), context=RECEIPT_CONTEXT)


def drop_receipt(session: object) -> None:
    session.pop(RECEIPT, None)  # type: ignore[attr-defined]


def tracked_petition(session: object) -> Petition | None:
    """The petition this browser opened with its receipt, for as long as the session lasts."""
    petition_id = session.get(TRACKED)  # type: ignore[attr-defined]
    if petition_id is None:
        return None
    return Petition.objects.filter(pk=petition_id).first()


def open_petition_count(user: Actor) -> int:
    """The badge on the workspace: open petitions this user may see, recusal applied."""
    return visible_petitions(user).filter(status__in=OPEN_STATUSES).count()


def access_tracked_rectification(session: object, item_id: int) -> RectificationItem:
    """An item of the petition this browser opened with its receipt; anything else is missing."""
    petition = tracked_petition(session)
    if petition is None:
        raise Http404
    item = RectificationItem.objects.filter(
        pk=item_id, source_kind=SourceKind.PETITION, source_ref=source_ref(petition)
    ).first()
    if item is None:
        raise Http404
    return item


def own_petitions(user: Actor) -> QuerySet[Petition]:
    """Petitions the signed-in person filed under their own name."""
    if not user.is_authenticated:
        return Petition.objects.none()
    return Petition.objects.filter(reporter_account_id=user.pk)


def access_own_petition(user: Actor, petition_id: int) -> Petition:
    petition = own_petitions(user).filter(pk=petition_id).first()
    if petition is None:
        raise Http404
    return petition


def access_own_payout(cookies: Mapping[str, str], payout_id: int) -> Payout:
    """A payout of the person this browser proved to be in the payout lookup."""
    index = verified_index(cookies)
    if index is None:
        raise Http404
    payout = (
        Payout.objects.select_related("item", "village")
        .filter(pk=payout_id, id_number_index=index)
        .first()
    )
    if payout is None:
        raise Http404
    return payout
