"""What the 阳光问廉 actions share: the screening and answering deadlines, the audit row."""

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from lianyun.accounts.models import User
from lianyun.core import audit
from lianyun.core.deadlines import DeadlineRule, PeriodUnit
from lianyun.inquiries.models import Inquiry


def screen_rule() -> DeadlineRule:
    return DeadlineRule(
        "inquiry_screen",
        settings.LIANYUN_INQUIRY_SCREEN_DAYS,
        PeriodUnit.WORKING_DAYS,
        gettext_lazy("the county commission's rule for public questions"),
    )


def answer_rule() -> DeadlineRule:
    return DeadlineRule(
        "inquiry_answer",
        settings.LIANYUN_INQUIRY_ANSWER_DAYS,
        PeriodUnit.WORKING_DAYS,
        gettext_lazy("the county commission's rule for public questions"),
    )


def _audit(action: str, actor: User | None, obj: Any, **detail: Any) -> None:
    audit.record(
        action=action, actor=actor, object_type=obj._meta.label, object_id=obj.pk, detail=detail
    )


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _text(value: str, message: str) -> str:
    if not value or not value.strip():
        raise ValidationError(message)
    return value.strip()


def _lock(inquiry: Inquiry) -> None:
    """Lock the row and read it afresh, so that two answers or ratings cannot cross."""
    Inquiry.objects.select_for_update().filter(pk=inquiry.pk).first()
    inquiry.refresh_from_db()
