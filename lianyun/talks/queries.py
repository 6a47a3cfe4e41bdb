"""Reading 云端话廉: a talk's attendance, and an official's integrity record (廉政档案)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from lianyun.accounts.models import User
from lianyun.cases.models import Lead, Outcome, RectificationItem
from lianyun.core.roles import Role
from lianyun.exams.models import Attempt
from lianyun.inquiries.models import Questioned
from lianyun.talks.actions import in_audience
from lianyun.talks.models import (
    Attendance,
    QuestionStatus,
    Recording,
    Registration,
    ReminderTalk,
    Talk,
    TalkQuestion,
)


@dataclass
class TalkAttendance:
    audience: int
    registered: int
    attended: int
    rows: list[tuple[User, Attendance | None, bool]]


def attendance(talk: Talk) -> TalkAttendance:
    users = (
        User.objects.filter(is_active=True)
        .exclude(role=Role.VILLAGER)
        .select_related("region")
        .order_by("region__code", "username")
    )
    if talk.roles:
        users = users.filter(role__in=talk.roles)
    people = [u for u in users if in_audience(talk, u)]
    seen = {a.user_id: a for a in Attendance.objects.filter(talk=talk)}
    registered = set(Registration.objects.filter(talk=talk).values_list("user_id", flat=True))
    rows = [(u, seen.get(u.pk), u.pk in registered) for u in people]
    return TalkAttendance(
        len(people),
        len(registered),
        sum(1 for a in seen.values() if a.attended_at is not None),
        rows,
    )


@dataclass
class IntegrityRecord:
    official: User
    attempts: list[Attempt] = field(default_factory=list)
    talks: list[Attendance] = field(default_factory=list)
    reminders: list[ReminderTalk] = field(default_factory=list)
    leads: list[Lead] = field(default_factory=list)
    outcomes: list[Outcome] = field(default_factory=list)
    items: list[RectificationItem] = field(default_factory=list)
    meetings: list[Any] = field(default_factory=list)


def integrity_record(official: User) -> IntegrityRecord:
    """Exams taken, talks attended, reminder talks, and the cases and rectifications in which
    the official was the person concerned or responsible."""
    record = IntegrityRecord(official)
    record.attempts = list(
        Attempt.objects.filter(user=official, submitted_at__isnull=False)
        .select_related("exam")
        .order_by("-submitted_at")
    )
    record.talks = list(
        Attendance.objects.filter(user=official, attended_at__isnull=False)
        .select_related("talk")
        .order_by("-attended_at")
    )
    record.reminders = list(
        ReminderTalk.objects.filter(official=official).prefetch_related("items")
    )
    person = official.resident
    if person is not None:
        record.leads = list(Lead.objects.filter(subjects=person).order_by("-created_at"))
        record.outcomes = list(
            Outcome.objects.filter(person=person).select_related("lead").order_by("-recorded_on")
        )
        record.items = list(
            RectificationItem.objects.filter(subject_person=person).order_by("-created_at")
        )
        record.meetings = list(
            Questioned.objects.filter(person=person)
            .select_related("meeting__village")
            .order_by("-meeting__starts_at")
        )
    return record


# --- what the pages read -------------------------------------------------------------------


def talks_of(user: User, organises: Callable[[Talk], bool]) -> list[Talk]:
    """The talks an official is in the audience of, or organises."""
    return [
        t for t in Talk.objects.prefetch_related("regions") if in_audience(t, user) or organises(t)
    ]


def attended_by(user: User) -> set[int]:
    """The talks an official has attended, by id."""
    return set(
        Attendance.objects.filter(user=user, attended_at__isnull=False).values_list(
            "talk_id", flat=True
        )
    )


def unacknowledged(reminders: QuerySet[ReminderTalk], user: User) -> QuerySet[ReminderTalk]:
    """An official's own reminder talks they have not yet acknowledged."""
    return reminders.filter(official=user, acknowledged_at__isnull=True)


def recording_of(talk: Talk) -> Recording | None:
    return Recording.objects.filter(talk=talk).first()


def attendance_of(talk: Talk, user: User) -> Attendance | None:
    return Attendance.objects.filter(talk=talk, user=user).first()


def is_registered(talk: Talk, user: User) -> bool:
    return Registration.objects.filter(talk=talk, user=user).exists()


def shown_questions(talk: Talk) -> QuerySet[TalkQuestion]:
    return talk.questions.filter(status=QuestionStatus.APPROVED)


def pending_questions(talk: Talk) -> QuerySet[TalkQuestion]:
    return talk.questions.filter(status=QuestionStatus.PENDING).select_related("user")


def reminders_listed(reminders: QuerySet[ReminderTalk], count: int = 100) -> list[ReminderTalk]:
    return list(reminders.select_related("official", "official__region")[:count])


def reminder_items(talk: ReminderTalk) -> list[RectificationItem]:
    return list(talk.items.all())


def officials_listed(officials: QuerySet[User], words: str = "", count: int = 100) -> list[User]:
    """Officials by place and name; those whose name, account or place holds the words."""
    if words:
        officials = officials.filter(
            Q(display_name__icontains=words)
            | Q(username__icontains=words)
            | Q(region__name__icontains=words)
        )
    return list(officials.order_by("region__code", "username")[:count])
