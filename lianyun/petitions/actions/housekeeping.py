"""The daily round: lapsed petitions closed, overdue ones escalated, ended ones purged when
their retention ends."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from lianyun.cases.actions import delete_items
from lianyun.cases.models import RectificationItem, SourceKind, source_ref
from lianyun.core import audit
from lianyun.core.filestore import delete_files, sweep_orphans
from lianyun.petitions.actions._common import _event, _stop_clock
from lianyun.petitions.actions.notifications import notify_handlers
from lianyun.petitions.models import OPEN_STATUSES, Attachment, EventKind, Petition, PetitionStatus
from lianyun.petitions.queries import VERY_OVERDUE_DAYS


@transaction.atomic
def close_lapsed_petitions(*, today: datetime.date | None = None) -> int:
    """Answers nobody appealed within 30 days become closed."""
    today = today or timezone.localdate()
    lapsed = Petition.objects.select_for_update().filter(
        status__in=[PetitionStatus.ANSWERED, PetitionStatus.REVIEW_ANSWERED], due_on__lt=today
    )
    count = 0
    for petition in lapsed:
        petition.status = PetitionStatus.CLOSED
        petition.ended_on = today
        _stop_clock(petition)
        petition.save()
        _event(petition, EventKind.CLOSED)
        count += 1
    return count


@transaction.atomic
def purge_expired_petitions(*, today: datetime.date | None = None) -> int:
    """Delete ended petitions past their retention, with everything that names the petitioner.

    Goes: the petition, its events, messages, identity requests, attachments (rows and files)
    and its confidential rectification items. Stays: the lead (the commission's record, which
    names no petitioner), public rectification items, and audit rows (ids only).
    """
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.LIANYUN_RETENTION_DAYS["petition"])
    expired = list(Petition.objects.filter(ended_on__lt=cutoff).values_list("pk", flat=True))
    names = list(
        Attachment.objects.filter(petition_id__in=expired).values_list("stored_name", flat=True)
    )
    refs = [source_ref(Petition(pk=pk)) for pk in expired]
    confidential = RectificationItem.objects.filter(
        source_kind=SourceKind.PETITION, source_ref__in=refs, confidential=True
    )
    delete_items(confidential)
    Petition.objects.filter(repeat_of_id__in=expired).update(repeat_of=None)
    Petition.objects.filter(pk__in=expired).delete()
    transaction.on_commit(lambda: delete_files(names))
    transaction.on_commit(_sweep_orphan_files)
    if expired:
        audit.record(action="purge:petitions", detail={"count": len(expired)})
    return len(expired)


def _sweep_orphan_files() -> None:
    sweep_orphans("attachments", set(Attachment.objects.values_list("stored_name", flat=True)))


@transaction.atomic
def escalate_overdue(*, today: datetime.date | None = None) -> int:
    """Petitions more than 15 days late are reported once to the county commission."""
    today = today or timezone.localdate()
    late = (
        Petition.objects.select_for_update()
        .filter(
            status__in=OPEN_STATUSES,
            escalated_on__isnull=True,
            due_on__lt=today - datetime.timedelta(days=VERY_OVERDUE_DAYS),
        )
        .select_related("region")
    )
    count = 0
    for petition in late:
        petition.escalated_on = today
        petition.save(update_fields=["escalated_on"])
        _event(petition, EventKind.ESCALATED, visible=False)
        notify_handlers(petition, county_only=True)
        count += 1
    return count


def daily_housekeeping() -> None:
    from lianyun.cases.actions import reopen_overdue

    close_lapsed_petitions()
    escalate_overdue()
    reopen_overdue()
    purge_expired_petitions()
