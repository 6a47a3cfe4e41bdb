"""The personal payout lookup's writes: the texted code, and the lookup's own record."""

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from lianyun.core import audit, crypto
from lianyun.core.sms import send_text
from lianyun.people.models import Resident

LOOKUP_CODE_SEAL = "ledger.lookup_code.queued"


def queue_lookup_code(resident: Resident | None, code: str) -> None:
    """Text the code to the phone on file, through the queue, sealed while it waits there."""
    if resident is None:
        return
    from lianyun.ledger.tasks import text_lookup_code

    sealed = crypto.encrypt(code, context=LOOKUP_CODE_SEAL)
    transaction.on_commit(lambda: text_lookup_code(resident.pk, sealed))


def text_lookup_code(*, resident_id: int, sealed: bytes) -> None:
    resident = Resident.objects.filter(pk=resident_id).first()
    if resident is None or not resident.phone():
        return
    code = crypto.decrypt(sealed, context=LOOKUP_CODE_SEAL)
    with translation.override("zh-hans"):
        text = _(
            "[Lianyun] Your payout lookup code is %(code)s, valid for %(minutes)d minutes. "
            "Do not tell anyone."
        ) % {"code": code, "minutes": settings.LIANYUN_LOOKUP_CODE_MINUTES}
    send_text(resident.phone(), text)


def record_lookup(*, resident: Resident | None) -> None:
    """One audit row per personal lookup: whom it found (never the ID number), or nobody."""
    audit.record(
        action="lookup:payouts",
        object_type="people.Resident",
        object_id=resident.pk if resident else "",
        detail={"found": resident is not None},
    )
