"""Who may see a person's payouts: the person, proven by name, ID number and a second factor.

An ID number is not a secret (docs/security.md threat 2), so it never suffices. Unknown person,
wrong name and wrong second factor take the same work and give the same answer. Failures count
per person looked up and client (lianyun.core.limits.client_key), so a stranger who knows an ID
number blocks only themselves, never the person; every answer counts toward the client's
ceiling, which is high enough for a village behind one address.
"""

import base64
import binascii
import hmac
import secrets
import time
from collections.abc import Mapping

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404

from lianyun.core import crypto, limits
from lianyun.core.access import Actor
from lianyun.core.idnumbers import normalise
from lianyun.core.roles import Role
from lianyun.ledger.models import ColumnMapping, PayoutUpload, UploadStatus
from lianyun.people.models import Resident, card_number_index, id_number_index
from lianyun.people.queries import resident_for_proof
from lianyun.regions.access import access_region
from lianyun.regions.models import Region, RegionKind

VERIFIED = "lianyun_lookup"  # the cookie
VERIFIED_CONTEXT = "ledger.lookup.verified"


def _client_spent(client: str) -> bool:
    """Every answer counts toward the client's ceiling; True once it has none left."""
    return limits.spend("lookup_per_client", client)


def _named(target: str, name: str) -> tuple[Resident | None, bool]:
    """The person with this ID index, and whether the name matches (same work either way)."""
    resident = resident_for_proof(target)
    name_ok = hmac.compare_digest(
        (resident.name if resident else "").encode(), name.strip().encode()
    )
    return resident, name_ok


def verify_lookup(*, name: str, id_number: str, card_number: str, client: str) -> Resident | None:
    """The resident if all three match and no limit is reached; else None, always alike."""
    number = normalise(id_number)
    target = id_number_index(number)
    card_index = card_number_index("".join(card_number.split()).upper())
    if _client_spent(client):
        return None
    if limits.is_blocked("lookup_failures_per_target_client", f"{client}|{target}"):
        return None
    resident, name_ok = _named(target, name)
    expected_card = (resident.card_number_index if resident else None) or "0" * len(card_index)
    card_ok = hmac.compare_digest(expected_card, card_index)
    if resident is not None and card_ok and name_ok:
        return resident
    limits.record_failure("lookup_failures_per_target_client", f"{client}|{target}")
    return None


CHALLENGE = "lianyun_lookup_code"
CODE_CONTEXT = "ledger.lookup_code"


def _match(name: str, id_number: str, client: str) -> Resident | None:
    """The resident with a phone on file if name and ID match and no limit is reached. Only
    then is a code texted, and only then does it count: a wrong name uses up nothing of the
    person's allowance and texts nobody."""
    target = id_number_index(normalise(id_number))
    if _client_spent(client):
        return None
    resident, name_ok = _named(target, name)
    if resident is None or not name_ok or resident.phone_encrypted is None:
        return None
    pair = f"{client}|{target}"
    if limits.is_blocked("lookup_codes_per_target_client", pair) or limits.is_blocked(
        "lookup_codes_per_target", target
    ):
        return None
    limits.record_failure("lookup_codes_per_target_client", pair)
    limits.record_failure("lookup_codes_per_target", target)
    return resident


def start_code_challenge(
    session: object, *, name: str, id_number: str, client: str
) -> tuple[Resident | None, str]:
    """Second factor by text: a 6-digit code for the phone on file. (resident, code)

    The browser keeps only a keyed hash of the code. Whether or not the details match a person
    with a phone, the session gets a challenge and the page says the same thing; only a real
    person's phone receives a code.
    """
    resident = _match(name, id_number, client)
    code = f"{secrets.randbelow(10**6):06d}"
    session[CHALLENGE] = {  # type: ignore[index]
        "index": resident.id_number_index if resident else "",
        "hash": crypto.blind_index(code, context=CODE_CONTEXT),
        "until": time.time() + settings.LIANYUN_LOOKUP_CODE_MINUTES * 60,
        "tries": 0,
    }
    return resident, code


def verify_code(session: object, code: str) -> Resident | None:
    """The resident whose phone got this code, if it is right, fresh and within its tries."""
    challenge = session.get(CHALLENGE)  # type: ignore[attr-defined]
    if not challenge:
        return None
    challenge["tries"] += 1
    session[CHALLENGE] = challenge  # type: ignore[index]
    given = crypto.blind_index("".join(code.split()), context=CODE_CONTEXT)
    right = hmac.compare_digest(given, challenge["hash"])
    if (
        challenge["tries"] > settings.LIANYUN_LOOKUP_CODE_TRIES
        or challenge["until"] < time.time()
        or not challenge["index"]
        or not right
    ):
        return None
    del session[CHALLENGE]  # type: ignore[attr-defined]
    return Resident.objects.filter(id_number_index=challenge["index"]).first()


def verified_cookie(resident: Resident) -> str:
    """Proof that this browser just proved to be the person, kept in the browser itself:
    AES-GCM over the person's blind index and an expiry, so the lookup writes no session."""
    until = int(time.time()) + settings.LIANYUN_LOOKUP_MINUTES * 60
    sealed = crypto.encrypt(f"{resident.id_number_index}:{until}", context=VERIFIED_CONTEXT)
    return base64.urlsafe_b64encode(sealed).decode()


def verified_index(cookies: Mapping[str, str]) -> str | None:
    """The blind index of the person this browser proved to be, while it lasts."""
    value = cookies.get(VERIFIED, "")
    if not value:
        return None
    try:
        index, until = crypto.decrypt(
            base64.urlsafe_b64decode(value.encode()), context=VERIFIED_CONTEXT
        ).split(":")
    except (ValueError, binascii.Error, crypto.DecryptionError):
        return None
    return index if int(until) >= time.time() else None


PUBLISHERS = {
    Role.VILLAGE_CADRE,
    Role.INTEGRITY_OFFICER,
    Role.TOWN_COMMISSION,
    Role.COUNTY_COMMISSION,
}


def access_board_village(code: str) -> Region:
    """Boards are public: any village of the county."""
    try:
        return Region.objects.select_related("parent").get(code=code, kind=RegionKind.VILLAGE)
    except Region.DoesNotExist:
        raise Http404 from None


def access_board_publisher(user: Actor, code: str) -> Region:
    """Who may put a village's board into the publication chain: its officials and the town's."""
    if not user.is_authenticated or user.role not in PUBLISHERS:
        raise Http404
    village = access_region(user, code)
    if village.kind != RegionKind.VILLAGE:
        raise Http404
    return village


def access_payout_importer(user: Actor) -> set[int] | None:
    """Who may hand over payout files, and whose items: a department its own, the IT operator
    (who runs the payment platform's push account) every department's. Others get 404."""
    if not user.is_authenticated:
        raise Http404
    if user.role == Role.ADMINISTRATOR:
        return None
    unit_id = getattr(user, "unit_id", None)
    if user.role == Role.COUNTY_DEPARTMENT and unit_id is not None:
        return {unit_id}
    raise Http404


def visible_uploads(user: Actor) -> QuerySet[PayoutUpload]:
    """A department sees its own unit's uploads; the IT operator every upload."""
    departments = access_payout_importer(user)
    uploads = PayoutUpload.objects.select_related("uploaded_by", "batch")
    if departments is None:
        return uploads
    return uploads.filter(uploaded_by__unit_id__in=departments)


def visible_mappings(user: Actor) -> QuerySet[ColumnMapping]:
    """The column mappings of the user's department (the IT operator's: those of no unit)."""
    access_payout_importer(user)
    return ColumnMapping.of_unit(getattr(user, "unit_id", None))


def own_mapping(user: Actor, pk: int) -> ColumnMapping | None:
    """One of them, or None (gone already, or another department's)."""
    return visible_mappings(user).filter(pk=pk).first()


def access_waiting_upload(user: Actor, public_id: str) -> PayoutUpload:
    """An upload of the user's department that waits for its columns to be named."""
    upload = access_upload(user, public_id)
    if upload.status != UploadStatus.MAPPING:
        raise Http404
    return upload


def access_upload(user: Actor, public_id: str) -> PayoutUpload:
    upload = visible_uploads(user).filter(public_id=public_id).first()
    if upload is None:
        raise Http404
    return upload
