import datetime

from django.core.management.base import BaseCommand, CommandParser

from lianyun.cases.actions import reopen_overdue
from lianyun.core.once import forget_old
from lianyun.inquiries.actions import escalate_overdue as escalate_inquiries
from lianyun.ledger.partitions import drop_abandoned_loads
from lianyun.petitions.actions import (
    close_lapsed_petitions,
    escalate_overdue,
    purge_expired_petitions,
)
from lianyun.publications.actions import anchor_audit_log
from lianyun.surveys.actions import close_due as close_surveys


class Command(BaseCommand):
    help = (
        "The day's housekeeping: close answers nobody appealed, escalate late petitions and "
        "late answers to public questions, reopen overdue rectification items, purge cases "
        "past their retention, close surveys after their last day, drop one-time submission keys older than two "
        "days, publish the audit log's head into the publication record, drop the tables of "
        "month loads no import will attach. The task queue runs it nightly."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args: object, **options: object) -> None:
        today = options["today"]
        assert today is None or isinstance(today, datetime.date)  # noqa: S101 - argparse type
        closed = close_lapsed_petitions(today=today)
        escalated = escalate_overdue(today=today)
        questions = escalate_inquiries(today=today)
        reopened = reopen_overdue(today=today)
        purged = purge_expired_petitions(today=today)
        surveys = close_surveys(today=today)
        keys = forget_old()
        anchor = anchor_audit_log()
        loads = drop_abandoned_loads()
        self.stdout.write(
            f"closed {closed} petitions, escalated {escalated} petitions and {questions} questions, "
            f"reopened {reopened} items, purged {purged} petitions, closed {surveys} surveys, "
            f"dropped {keys} used submission keys and {loads} abandoned month loads, "
            + (f"published the audit log's head as entry {anchor.index}" if anchor else "")
            + ("" if anchor else "the audit log's head had not moved")
        )
