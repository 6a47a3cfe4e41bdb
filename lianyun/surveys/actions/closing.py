"""Closing a survey when it is due, and moderating its free texts."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.surveys.actions._common import _audit
from lianyun.surveys.actions.answering import _mix
from lianyun.surveys.models import Answer, Survey, TextStatus


@transaction.atomic
def close(survey: Survey, *, now: datetime.datetime | None = None) -> bool:
    """After its last day, the pool empties and the survey's results may show."""
    now = now or timezone.now()
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if (
        locked.launched_at is None
        or locked.closed_at is not None
        or locked.closes_on >= timezone.localdate(now)
    ):
        return False
    _mix(locked, final=True)
    locked.closed_at = now
    locked.save(update_fields=["closed_at"])
    survey.closed_at = now
    _audit("survey.closed", None, locked)
    return True


def close_due(today: datetime.date | None = None) -> int:
    """Close every survey whose last day has passed (nightly, and `lianyun daily`)."""
    now = (
        timezone.make_aware(datetime.datetime.combine(today, datetime.time(0, 5)))
        if today
        else timezone.now()
    )
    due = Survey.objects.filter(
        launched_at__isnull=False, closed_at__isnull=True, closes_on__lt=timezone.localdate(now)
    )
    return sum(close(survey, now=now) for survey in due)


@transaction.atomic
def moderate(*, answer: Answer, actor: User, approve: bool) -> None:
    if answer.text_status != TextStatus.PENDING:
        raise ValidationError(_("This text was already moderated."))
    answer.text_status = TextStatus.APPROVED if approve else TextStatus.REJECTED
    answer.save(update_fields=["text_status"])
    _audit("survey.text_moderated", actor, answer.response.survey, approved=approve)
