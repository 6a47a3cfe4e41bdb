"""Writes for 云端话廉. A refusal is a ValidationError in the user's language and writes nothing.

Attendance is the server's count: each report from an open talk page adds the time since the
last report, at most `HEARTBEAT_MAX_SECONDS`, so a page left open counts and a forged burst of
reports does not.
"""

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.accounts.queries import in_audience as audience
from lianyun.cases.actions import register_rectification
from lianyun.cases.models import SourceKind, source_ref
from lianyun.core import audit
from lianyun.core.filestore import save_files
from lianyun.core.roles import Role
from lianyun.core.uploads import CheckedFile
from lianyun.people.access import recusal_filter
from lianyun.people.queries import current_unit_ids
from lianyun.regions.models import Unit
from lianyun.talks.models import (
    Attendance,
    QuestionStatus,
    Recording,
    Registration,
    ReminderTalk,
    Talk,
    TalkQuestion,
)

ORGANISER_ROLES = {Role.COUNTY_COMMISSION, Role.TOWN_COMMISSION}
HEARTBEAT_SECONDS = 30
HEARTBEAT_MAX_SECONDS = 60


def _audit(action: str, actor: User | None, obj: Any, **detail: Any) -> None:
    audit.record(
        action=action, actor=actor, object_type=obj._meta.label, object_id=obj.pk, detail=detail
    )


def in_audience(talk: Talk, user: Any) -> bool:
    return (
        getattr(user, "is_authenticated", False)
        and user.is_official
        and audience(
            user, talk.roles, talk.regions.all(), set(talk.units.values_list("pk", flat=True))
        )
    )


def ends_at(talk: Talk) -> datetime.datetime:
    return talk.starts_at + datetime.timedelta(minutes=talk.duration)


@transaction.atomic
def create_talk(
    *,
    actor: User,
    title: str,
    kind: str,
    speaker: str,
    starts_at: datetime.datetime,
    duration: int,
    min_minutes: int,
    description: str = "",
    live_url: str = "",
    roles: list[str] | None = None,
    regions: list[Any] | None = None,
    units: list[Any] | None = None,
    recording: CheckedFile | None = None,
    public: bool = False,
    now: datetime.datetime | None = None,
) -> Talk:
    now = now or timezone.now()
    if actor.role not in ORGANISER_ROLES:
        raise ValidationError(_("Only a commission organises integrity talks."))
    if not title.strip() or not speaker.strip():
        raise ValidationError(_("Give the talk a title and a speaker."))
    if duration < 1 or not 1 <= min_minutes <= duration:
        raise ValidationError(
            {
                "min_minutes": _(
                    "The minutes that count as attended must be within the talk's length."
                )
            }
        )
    if live_url and not live_url.startswith(("http://", "https://")):
        raise ValidationError({"live_url": _("The live link must be an http(s) address.")})
    if recording is not None and not recording.content_type.startswith(("audio/", "video/")):
        raise ValidationError({"recording": _("The recording must be sound or video.")})
    talk = Talk.objects.create(
        title=title.strip(),
        kind=kind,
        speaker=speaker.strip(),
        description=description.strip(),
        starts_at=starts_at,
        duration=duration,
        min_minutes=min_minutes,
        live_url=live_url,
        roles=sorted(roles or []),
        public=public,
        created_by=actor,
        created_at=now,
    )
    talk.regions.set(regions or [])
    talk.units.set(units or [])
    if recording is not None:
        save_files(Recording, [recording], talk=talk)
    _audit("talks.talk_created", actor, talk)
    return talk


def register(*, talk: Talk, user: User, now: datetime.datetime | None = None) -> Registration:
    now = now or timezone.now()
    if not in_audience(talk, user):
        raise ValidationError(_("This talk is not for you."))
    if now > ends_at(talk):
        raise ValidationError(_("This talk is over."))
    registration, _made = Registration.objects.get_or_create(
        talk=talk, user=user, defaults={"registered_at": now}
    )
    return registration


@transaction.atomic
def heartbeat(*, talk: Talk, user: User, now: datetime.datetime | None = None) -> Attendance:
    """The talk's page is open and in view: count the time since the last report."""
    now = now or timezone.now()
    if not in_audience(talk, user):
        raise ValidationError(_("This talk is not for you."))
    has_recording = Recording.objects.filter(talk=talk).exists()
    if now < talk.starts_at or (now > ends_at(talk) and not has_recording):
        raise ValidationError(_("The talk is not on now."))
    row, made = Attendance.objects.select_for_update().get_or_create(
        talk=talk, user=user, defaults={"first_at": now, "last_at": now}
    )
    if not made:
        gap = (now - row.last_at).total_seconds()
        row.seconds += int(max(0, min(gap, HEARTBEAT_MAX_SECONDS)))
        row.last_at = now
    if row.attended_at is None and row.seconds >= talk.min_minutes * 60:
        row.attended_at = now
    row.save()
    return row


def ask(*, talk: Talk, user: User, text: str, now: datetime.datetime | None = None) -> TalkQuestion:
    if not (in_audience(talk, user) or (talk.public and getattr(user, "is_authenticated", False))):
        raise ValidationError(_("This talk is not for you."))
    if not text.strip():
        raise ValidationError({"text": _("Write your question.")})
    return TalkQuestion.objects.create(
        talk=talk, user=user, text=text.strip()[:500], asked_at=now or timezone.now()
    )


def moderate(
    *, question: TalkQuestion, actor: User, approve: bool, answer: str = ""
) -> TalkQuestion:
    if actor.role not in ORGANISER_ROLES:
        raise ValidationError(_("Only the organisers moderate questions."))
    question.status = QuestionStatus.APPROVED if approve else QuestionStatus.REJECTED
    question.answer = answer.strip() if approve else ""
    question.save(update_fields=["status", "answer"])
    _audit("talks.question_moderated", actor, question, shown=approve)
    return question


def record_minutes(*, talk: Talk, actor: User, minutes: str) -> Talk:
    if actor.role not in ORGANISER_ROLES:
        raise ValidationError(_("Only the organisers keep the minutes."))
    if not minutes.strip():
        raise ValidationError({"minutes": _("The minutes are empty.")})
    talk.minutes = minutes.strip()
    talk.save(update_fields=["minutes"])
    _audit("talks.minutes", actor, talk)
    return talk


def official_unit(official: User) -> Unit | None:
    if official.unit is not None:
        return official.unit
    if official.resident is not None:
        units = sorted(current_unit_ids(official.resident))
        if units:
            return Unit.objects.get(pk=units[0])
    return None


@transaction.atomic
def record_reminder_talk(
    *,
    actor: User,
    official: User,
    held_on: datetime.date,
    topics: str,
    commitments: list[str],
    deadline: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> ReminderTalk:
    """A commission records a reminder talk it held; with a deadline, each commitment becomes a
    rectification item (confidential, like the talk) owned by the official's unit."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if actor.role not in ORGANISER_ROLES:
        raise ValidationError(_("Only a commission records a reminder talk."))
    if not official.is_official:
        raise ValidationError(_("A reminder talk is held with an official."))
    if official.pk == actor.pk:
        raise ValidationError(_("Nobody records a reminder talk with themselves."))
    if (
        actor.region is None
        or official.region is None
        or not actor.region.contains(official.region)
    ):
        raise ValidationError(_("This official is outside your commission's area."))
    if User.objects.filter(pk=official.pk).filter(
        recusal_filter(actor, person_field="resident", unit_field="unit")
    ):
        raise ValidationError(_("You must recuse yourself from matters about this official."))
    if held_on > today:
        raise ValidationError({"held_on": _("A reminder talk is recorded after it is held.")})
    if not topics.strip():
        raise ValidationError({"topics": _("Write what the talk was about.")})
    promised = [c.strip() for c in commitments if c.strip()]
    unit = official_unit(official)
    if deadline is not None and promised and unit is None:
        raise ValidationError(_("This official holds no post: the commitments have no owner."))
    talk = ReminderTalk.objects.create(
        official=official,
        held_on=held_on,
        topics=topics.strip(),
        commitments=promised,
        recorded_by=actor,
        recorded_at=now,
    )
    if deadline is not None and unit is not None:
        talk.items.set(
            register_rectification(
                source_kind=SourceKind.REMINDER_TALK,
                source_ref=source_ref(talk),
                region=official.region,
                title=text[:200],
                owner_unit=unit,
                responsible=str(official),
                deadline=deadline,
                actor=actor,
                confidential=True,
                is_public=False,
                subject_person=official.resident,
                today=today,
            )
            for text in promised
        )
    _audit("talks.reminder_recorded", actor, talk)
    return talk


@transaction.atomic
def acknowledge(
    *, talk: ReminderTalk, user: User, now: datetime.datetime | None = None
) -> ReminderTalk:
    locked = ReminderTalk.objects.select_for_update().get(pk=talk.pk)
    if locked.official_id != user.pk:
        raise ValidationError(_("Only the official talked with acknowledges the talk."))
    if locked.acknowledged_at is not None:
        raise ValidationError(_("You acknowledged this talk already."))
    locked.acknowledged_at = now or timezone.now()
    locked.save(update_fields=["acknowledged_at"])
    _audit("talks.reminder_acknowledged", user, locked)
    return locked
