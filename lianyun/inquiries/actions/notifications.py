"""Notices to the addressees and the commission, and texts to the asker."""

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from lianyun.accounts.actions import notify
from lianyun.accounts.models import User
from lianyun.core.roles import Role
from lianyun.core.sms import send_text
from lianyun.inquiries.models import Inquiry
from lianyun.people.models import Post
from lianyun.regions.queries import commission_of


def _notify_roles(roles: list[str], region_code: str, text: str, url: str) -> None:
    for user in User.objects.filter(role__in=roles, is_active=True, region__code=region_code):
        notify(user=user, text=text, url=url)


def _notify_addressees(inquiry: Inquiry, text: str) -> None:
    today = timezone.localdate()
    holders = Post.objects.filter(unit=inquiry.unit, start__lte=today).exclude(end__lt=today)
    people = set(holders.values_list("holder_id", flat=True))
    if inquiry.official_id:
        people.add(inquiry.official_id)
    url = reverse("inquiries:inquiry-answering")
    for user in User.objects.filter(is_active=True).filter(
        Q(unit=inquiry.unit) | Q(resident_id__in=people)
    ):
        if user.is_official:
            notify(user=user, text=text, url=url)


def _notify_commission(inquiry: Inquiry, text: str) -> None:
    commission = commission_of(inquiry.unit.region)
    if commission is None:
        return
    _notify_roles(
        [Role.TOWN_COMMISSION, Role.COUNTY_COMMISSION],
        commission.region.code,
        text,
        reverse("inquiries:inquiry-referred"),
    )


SMS_TEXTS = {
    "published": gettext_lazy("【廉韵】Your public question %(number)s has been published."),
    "rejected": gettext_lazy(
        "【廉韵】Your public question %(number)s was not published; the page says why."
    ),
    "answered": gettext_lazy("【廉韵】Your public question %(number)s has an answer."),
}


def text_asker(*, inquiry_id: int, event: str) -> None:
    """Text the asker that something happened (never what), to the phone on file."""
    inquiry = Inquiry.objects.select_related("asker").filter(pk=inquiry_id).first()
    if inquiry is None or inquiry.asker.phone_encrypted is None:
        return
    with translation.override("zh-hans"):
        text = str(SMS_TEXTS[event]) % {"number": f"Q{inquiry.pk}"}
    send_text(inquiry.asker.phone(), text)


def _queue_text(inquiry: Inquiry, event: str) -> None:
    from lianyun.inquiries.tasks import text_asker as task

    transaction.on_commit(lambda: task(inquiry.pk, event))
