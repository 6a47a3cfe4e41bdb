"""The daily round: overdue questions go to the commission."""

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.inquiries.actions._common import _audit
from lianyun.inquiries.actions.notifications import _notify_commission
from lianyun.inquiries.models import Inquiry, InquiryStatus


def escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Questions past their answer date go to the addressee's commission, once."""
    today = today or timezone.localdate()
    late = Inquiry.objects.filter(escalated_at__isnull=True).filter(
        Q(status=InquiryStatus.AWAITING, answer_due__lt=today)
        | Q(status=InquiryStatus.REOPENED, second_due__lt=today)
    )
    count = 0
    for inquiry in late.select_related("unit__region"):
        with transaction.atomic():
            inquiry.escalated_at = timezone.now()
            inquiry.save(update_fields=["escalated_at"])
            _audit("escalate:inquiry", None, inquiry, reason="overdue")
            _notify_commission(inquiry, _("A public question is overdue."))
        count += 1
    return count


def daily_housekeeping(*, today: datetime.date | None = None) -> int:
    return escalate_overdue(today=today)
