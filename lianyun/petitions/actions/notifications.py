"""Texts to the petitioner and notices to the handlers."""

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.accounts.actions import notify
from lianyun.accounts.models import User
from lianyun.core import crypto
from lianyun.core.sms import send_text
from lianyun.petitions.access import HANDLER_ROLES, visible_petitions
from lianyun.petitions.models import REPORTER_PHONE_CONTEXT, Petition
from lianyun.regions.codes import county_code, town_code

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
