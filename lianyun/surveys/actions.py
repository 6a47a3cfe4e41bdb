"""Writes for 民意测评. A refusal is a ValidationError in the user's language and writes
nothing; each action owns its transaction.

Answering writes no audit row, log line or time: the secrecy of the answer depends on there
being nothing that says when a person answered beyond the day their answer keeps.
"""

import base64
import datetime
import json
import random
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.accounts.models import User
from lianyun.cases.models import RectificationItem, RectificationStatus
from lianyun.core import audit, crypto
from lianyun.core.sms import send_text
from lianyun.inquiries.models import InquiryMeeting, MeetingStatus
from lianyun.people.models import Post, Resident
from lianyun.regions.codes import county_code, town_code
from lianyun.regions.models import Region, RegionKind, Unit
from lianyun.regions.queries import county_of
from lianyun.surveys import catalogue
from lianyun.surveys.models import (
    POOL_CONTEXT,
    TOKEN_CONTEXT,
    Answer,
    BallotToken,
    Channel,
    Invitation,
    Participation,
    PendingBallot,
    Question,
    QuestionKind,
    Response,
    SampleDraw,
    Survey,
    SurveyKind,
    Target,
    TargetKind,
    TextStatus,
    TokenSheet,
)

MAX_TEXT = 1000
MAX_SHEET = 50
# What a second answer learns: this, and nothing more.
ALREADY = gettext_lazy("This survey has already been answered with this ballot or by you.")
BAD_TOKEN = gettext_lazy("This ballot code is not valid for this survey.")

AnswerSet = dict[int, dict[int, Any]]  # target id → question id → score, choice(s) or text


def _audit(action: str, actor: User | None, obj: Any, **detail: Any) -> None:
    audit.record(
        action=action, actor=actor, object_type=obj._meta.label, object_id=obj.pk, detail=detail
    )


def _require_draft(survey: Survey) -> None:
    if survey.launched_at is not None:
        raise ValidationError(_("A launched survey cannot be changed."))


# --- building a survey ------------------------------------------------------------------------


@transaction.atomic
def create_survey(
    *,
    actor: User,
    county: Region,
    kind: str,
    title: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    description: str = "",
    year: int | None = None,
    invited_only: bool | None = None,
    min_answers: int | None = None,
    now: datetime.datetime | None = None,
) -> Survey:
    """A draft survey. The social evaluation survey comes with its 12 indicators and every town
    of the county as a target; other kinds start empty."""
    now = now or timezone.now()
    if county.kind != RegionKind.COUNTY:
        raise ValidationError(_("A survey belongs to a county."))
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("A survey cannot close before it opens.")})
    if kind == SurveyKind.SOCIAL:
        if year is None:
            raise ValidationError({"year": _("The social evaluation survey names its year.")})
        if Survey.objects.filter(county=county, kind=SurveyKind.SOCIAL, year=year).exists():
            raise ValidationError(
                {
                    "year": _("The county already has a social evaluation survey for %(year)s.")
                    % {"year": year}
                }
            )
    survey = Survey.objects.create(
        county=county,
        kind=kind,
        title=title.strip(),
        description=description.strip(),
        year=year,
        opens_on=opens_on,
        closes_on=closes_on,
        invited_only=kind == SurveyKind.SOCIAL if invited_only is None else invited_only,
        min_answers=min_answers or settings.LIANYUN_SURVEY_MIN_ANSWERS,
        created_by=actor,
        created_at=now,
    )
    if kind == SurveyKind.SOCIAL:
        with translation.override("zh-hans"):
            Question.objects.bulk_create(
                Question(
                    survey=survey,
                    position=position,
                    kind=QuestionKind.SCALE,
                    text=str(text),
                    indicator=code,
                )
                for position, (code, text) in enumerate(catalogue.INDICATORS.items(), start=1)
            )
        Target.objects.bulk_create(
            Target(survey=survey, kind=TargetKind.TOWN, area=town, label=town.name)
            for town in Region.objects.filter(parent=county, kind=RegionKind.TOWN)
        )
    _audit("survey.created", actor, survey, kind=kind)
    return survey


def _choices(kind: str, raw: list[str]) -> list[str]:
    choices = [c.strip() for c in raw if c.strip()]
    if kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        if len(choices) < 2 or len(set(choices)) != len(choices):
            raise ValidationError(
                {"choices": _("A choice question needs at least two different choices.")}
            )
        return choices
    return []


@transaction.atomic
def add_question(
    *,
    survey: Survey,
    actor: User,
    kind: str,
    text: str,
    choices: list[str] | None = None,
    required: bool = True,
    show_if: Question | None = None,
    show_if_choice: str = "",
    indicator: str = "",
) -> Question:
    _require_draft(survey)
    if kind not in QuestionKind.values:
        raise ValidationError({"kind": _("Choose a question type.")})
    if not text.strip():
        raise ValidationError({"text": _("Write the question.")})
    cleaned = _choices(kind, choices or [])
    if show_if is not None:
        if show_if.survey_id != survey.pk or show_if.kind not in (
            QuestionKind.SINGLE,
            QuestionKind.MULTIPLE,
        ):
            raise ValidationError(
                {"show_if": _("A question can depend only on an earlier choice question.")}
            )
        if show_if_choice not in show_if.choices:
            raise ValidationError(
                {
                    "show_if_choice": _("Pick one of that question's choices: %(choices)s")
                    % {"choices": " / ".join(show_if.choices)}
                }
            )
    last = survey.questions.order_by("-position").values_list("position", flat=True).first() or 0
    question = Question.objects.create(
        survey=survey,
        position=last + 1,
        kind=kind,
        text=text.strip(),
        choices=cleaned,
        required=required and kind != QuestionKind.TEXT,
        show_if=show_if,
        show_if_choice=show_if_choice if show_if else "",
        indicator=indicator,
    )
    _audit("survey.question_added", actor, survey, question=question.pk)
    return question


@transaction.atomic
def remove_question(*, question: Question, actor: User) -> None:
    _require_draft(question.survey)
    if Question.objects.filter(show_if=question).exists():
        raise ValidationError(_("Another question depends on this one; remove that one first."))
    _audit("survey.question_removed", actor, question.survey, question=question.pk)
    question.delete()


def official_post(person: Resident, on: datetime.date) -> Post | None:
    return (
        Post.objects.select_related("unit__region")
        .filter(holder=person, start__lte=on)
        .exclude(end__lt=on)
        .first()
    )


@transaction.atomic
def add_target(
    *,
    survey: Survey,
    actor: User,
    kind: str,
    town: Region | None = None,
    unit: Unit | None = None,
    official: Resident | None = None,
    item: RectificationItem | None = None,
) -> Target:
    """A target and the area whose villagers rate it: a town's own villages; a unit's region;
    the region of the post a named official holds; the village of a rectification item."""
    _require_draft(survey)
    county = survey.county
    if kind == TargetKind.TOWN and town is not None and town.kind == RegionKind.TOWN:
        area, label = town, town.name
    elif kind == TargetKind.UNIT and unit is not None:
        area, label = unit.region, unit.name
    elif kind == TargetKind.OFFICIAL and official is not None:
        post = official_post(official, survey.opens_on)
        if post is None:
            raise ValidationError(
                {"official": _("This person holds no post on the day the survey opens.")}
            )
        area, label = post.unit.region, f"{post.unit.name} {post.title} {official.name}"
        unit = post.unit
    elif kind == TargetKind.ITEM and item is not None:
        area, label = item.region, f"{item.title}"
    else:
        raise ValidationError(_("Choose what is rated."))
    if not county.contains(area):
        raise ValidationError(_("The target is outside the survey's county."))
    target = Target.objects.create(
        survey=survey, kind=kind, area=area, unit=unit, official=official, item=item, label=label
    )
    _audit("survey.target_added", actor, survey, target=target.pk)
    return target


@transaction.atomic
def remove_target(*, target: Target, actor: User) -> None:
    _require_draft(target.survey)
    _audit("survey.target_removed", actor, target.survey, target=target.pk)
    target.delete()


@transaction.atomic
def launch(*, survey: Survey, actor: User, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    _require_draft(survey)
    if not survey.questions.exists():
        raise ValidationError(_("Add at least one question before launching."))
    if not survey.targets.exists():
        raise ValidationError(_("Add at least one target before launching."))
    if survey.closes_on < timezone.localdate(now):
        raise ValidationError(_("The closing day has passed; change the dates first."))
    survey.launched_at = now
    survey.save(update_fields=["launched_at"])
    _audit("survey.launched", actor, survey)


@transaction.atomic
def satisfaction_survey(
    *,
    actor: User,
    item: RectificationItem | None = None,
    meeting: InquiryMeeting | None = None,
    days: int = 14,
    now: datetime.datetime | None = None,
) -> Survey:
    """The short satisfaction rating, attached to a closed-out item (rated by its village) or a
    held meeting (each official questioned there, rated by the village), launched at once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if item is not None:
        if item.status != RectificationStatus.CLOSED_OUT:
            raise ValidationError(_("Only a closed-out item is rated."))
        if Survey.objects.filter(item=item).exists():
            raise ValidationError(_("This item already has a satisfaction rating."))
        region, title = item.region, _("Satisfaction: %(title)s") % {"title": item.title}
    elif meeting is not None:
        if meeting.status != MeetingStatus.HELD:
            raise ValidationError(_("Only a meeting that was held is rated."))
        if Survey.objects.filter(meeting=meeting).exists():
            raise ValidationError(_("This meeting already has a satisfaction rating."))
        region = meeting.village
        title = _("Satisfaction: inquiry meeting in %(village)s on %(day)s") % {
            "village": meeting.village.name,
            "day": timezone.localdate(meeting.starts_at).isoformat(),
        }
    else:
        raise ValidationError(_("Choose a closed-out item or a held meeting."))
    county = county_of(region)
    survey = Survey.objects.create(
        county=county,
        kind=SurveyKind.SATISFACTION,
        title=title[:120],
        year=today.year,
        opens_on=today,
        closes_on=today + datetime.timedelta(days=days),
        min_answers=settings.LIANYUN_SURVEY_MIN_ANSWERS,
        item=item,
        meeting=meeting,
        created_by=actor,
        created_at=now,
    )
    with translation.override("zh-hans"):
        made: list[Question] = []
        for position, (kind, text, choices, condition) in enumerate(
            catalogue.SATISFACTION_QUESTIONS, start=1
        ):
            made.append(
                Question.objects.create(
                    survey=survey,
                    position=position,
                    kind=kind,
                    text=str(text),
                    choices=choices,
                    required=kind != QuestionKind.TEXT,
                    show_if=made[condition[0]] if condition else None,
                    show_if_choice=condition[1] if condition else "",
                )
            )
    if item is not None:
        Target.objects.create(
            survey=survey, kind=TargetKind.ITEM, area=item.region, item=item, label=item.title
        )
    elif meeting is not None:
        for questioned in meeting.officials.select_related("person", "unit"):
            Target.objects.create(
                survey=survey,
                kind=TargetKind.OFFICIAL,
                area=meeting.village,
                unit=questioned.unit,
                official=questioned.person,
                label=f"{questioned.unit.name} {questioned.title} {questioned.person.name}",
            )
    survey.launched_at = now
    survey.save(update_fields=["launched_at"])
    _audit("survey.satisfaction_launched", actor, survey)
    return survey


# --- the sample ------------------------------------------------------------------------------


def quota_for(population: int) -> int:
    """The sample a town draws, by its registered population (bands in settings)."""
    for floor, size in settings.LIANYUN_SURVEY_SAMPLE_BANDS:
        if population >= floor:
            return int(size)
    return int(settings.LIANYUN_SURVEY_SAMPLE_BANDS[-1][1])


def _adults(town: Region, on: datetime.date) -> list[int]:
    born_by = (
        on.replace(year=on.year - 18)
        if not (on.month == 2 and on.day == 29)
        else (on.replace(year=on.year - 18, day=28))
    )
    return list(
        Resident.objects.filter(
            village__code__startswith=town.scope_prefix,
            death_date__isnull=True,
            birth_date__lte=born_by,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def sample_picks(survey: Survey, town: Region, seed: str, quota: int) -> list[int]:
    """Who a seed draws: the same survey, town and seed always draw the same residents."""
    adults = _adults(town, survey.opens_on)
    rng = random.Random(f"{seed}:{survey.pk}:{town.code}")  # noqa: S311 - reproducible, not secret
    return sorted(rng.sample(adults, min(quota, len(adults))))


@transaction.atomic
def draw_sample(
    *,
    survey: Survey,
    town: Region,
    actor: User,
    seed: str = "",
    text: bool = False,
    now: datetime.datetime | None = None,
) -> SampleDraw:
    """Draw a town's sample of adult residents to invite, sized by its population."""
    now = now or timezone.now()
    if town.kind != RegionKind.TOWN or not survey.county.contains(town):
        raise ValidationError(_("Draw a sample in one of the survey's towns."))
    if survey.closed_at is not None or survey.closes_on < timezone.localdate(now):
        raise ValidationError(_("This survey is closed."))
    if SampleDraw.objects.filter(survey=survey, town=town).exists():
        raise ValidationError(_("%(town)s's sample is already drawn.") % {"town": town.name})
    population = Resident.objects.filter(
        village__code__startswith=town.scope_prefix, death_date__isnull=True
    ).count()
    quota = quota_for(population)
    seed = seed or secrets.token_hex(8)
    picks = sample_picks(survey, town, seed, quota)
    if not picks:
        raise ValidationError(
            _("%(town)s has no adult residents in the register to draw.") % {"town": town.name}
        )
    draw = SampleDraw.objects.create(
        survey=survey,
        town=town,
        population=population,
        quota=quota,
        seed=seed,
        drawn_at=now,
        drawn_by=actor,
    )
    Invitation.objects.bulk_create(
        Invitation(survey=survey, town=town, resident_id=pk) for pk in picks
    )
    _audit("survey.sample_drawn", actor, survey, town=town.code, seed=seed, drawn=len(picks))
    if text:
        from lianyun.surveys.tasks import text_invited

        transaction.on_commit(lambda: text_invited(survey.pk, town.pk))
    return draw


INVITE_TEXT = gettext_lazy(
    "【廉韵】You have been chosen for the survey “%(title)s”. Answer it on the 廉韵 site before "
    "%(day)s, or an integrity officer may call you. Your answers cannot be traced to you."
)


def text_invited(*, survey_id: int, town_id: int) -> int:
    """Text each invited resident of the town with a phone on file, once."""
    survey = Survey.objects.get(pk=survey_id)
    sent = 0
    invitations = Invitation.objects.select_related("resident").filter(
        survey=survey, town_id=town_id, texted=False, resident__phone_encrypted__isnull=False
    )
    with translation.override("zh-hans"):
        text = str(INVITE_TEXT) % {"title": survey.title, "day": survey.closes_on.isoformat()}
    for invitation in invitations:
        send_text(invitation.resident.phone(), text)
        Invitation.objects.filter(pk=invitation.pk).update(texted=True)
        sent += 1
    return sent


def interview_phone(*, invitation: Invitation, actor: User) -> str:
    """The drawn villager's phone on file, for a telephone interview: each read is audited."""
    resident = invitation.resident
    if resident.phone_encrypted is None:
        return ""
    audit.record(
        action="survey.phone_read",
        actor=actor,
        object_type="people.Resident",
        object_id=resident.pk,
        purpose=f"telephone interview, survey {invitation.survey_id}",
    )
    return resident.phone()


# --- ballot codes ----------------------------------------------------------------------------


def new_code() -> str:
    """80 random bits as 16 letters and digits (base32, no look-alikes to misread)."""
    return base64.b32encode(secrets.token_bytes(10)).decode()


def normalise_code(raw: str) -> str:
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def code_index(code: str) -> str:
    return crypto.blind_index(normalise_code(code), context=TOKEN_CONTEXT)


def show_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def make_sheet(
    *,
    survey: Survey,
    village: Region,
    count: int,
    actor: User,
    now: datetime.datetime | None = None,
) -> TokenSheet:
    now = now or timezone.now()
    if survey.launched_at is None or survey.closed_at is not None:
        raise ValidationError(_("Ballots are printed for a launched survey that is still open."))
    if village.kind != RegionKind.VILLAGE or not any(
        t.area.contains(village) for t in survey.targets.select_related("area")
    ):
        raise ValidationError(
            {"village": _("This survey asks nobody in %(village)s.") % {"village": village.name}}
        )
    if not 1 <= count <= MAX_SHEET:
        raise ValidationError(
            {"count": _("A sheet holds 1 to %(max)s ballots.") % {"max": MAX_SHEET}}
        )
    sheet = TokenSheet.objects.create(
        survey=survey, village=village, count=count, made_by=actor, made_at=now
    )
    tokens = []
    for position in range(1, count + 1):
        code = new_code()
        tokens.append(
            BallotToken(
                sheet=sheet,
                survey=survey,
                village=village,
                code_encrypted=crypto.encrypt(code, context=TOKEN_CONTEXT),
                code_index=code_index(code),
                position=position,
            )
        )
    BallotToken.objects.bulk_create(tokens)
    _audit("survey.sheet_printed", actor, survey, village=village.code, count=count)
    return sheet


def sheet_codes(sheet: TokenSheet) -> list[tuple[BallotToken, str]]:
    return [
        (token, crypto.decrypt(bytes(token.code_encrypted), context=TOKEN_CONTEXT))
        for token in sheet.tokens.all()
    ]


def token_for(survey: Survey, raw: str) -> BallotToken:
    """An unspent ballot of this survey, or a refusal that says no more than it must."""
    code = normalise_code(raw)
    token = (
        BallotToken.objects.select_related("village").filter(code_index=code_index(code)).first()
        if code
        else None
    )
    if token is None or token.survey_id != survey.pk:
        raise ValidationError(BAD_TOKEN)
    if token.used:
        raise ValidationError(ALREADY)
    return token


# --- answering -------------------------------------------------------------------------------


def check_open(survey: Survey, today: datetime.date) -> None:
    if survey.launched_at is None or today < survey.opens_on:
        raise ValidationError(
            _("This survey opens on %(day)s.") % {"day": survey.opens_on.isoformat()}
        )
    if survey.closed_at is not None or today > survey.closes_on:
        raise ValidationError(
            _("This survey closed on %(day)s.") % {"day": survey.closes_on.isoformat()}
        )


def targets_for(survey: Survey, village: Region, person: Resident | None = None) -> list[Target]:
    """The targets a villager of this village rates (never themselves): those whose area is
    the village, its town or its county (their codes are the village's with zeros)."""
    code = village.code
    around = {code, town_code(code), county_code(code)}
    targets = survey.targets.select_related("area").filter(area__code__in=around)
    return [t for t in targets if person is None or t.official_id != person.pk]


def eligible_targets(survey: Survey, resident: Resident) -> list[Target]:
    """What this resident may rate, or a refusal naming why."""
    if (
        survey.invited_only
        and not Invitation.objects.filter(survey=survey, resident=resident).exists()
    ):
        raise ValidationError(
            _(
                "This survey asks a sample of villagers drawn at random, and you were not drawn. "
                "Thank you for your willingness; other surveys are open to everyone."
            )
        )
    targets = targets_for(survey, resident.village, resident)
    if not targets:
        raise ValidationError(_("This survey asks villagers of other places, not of yours."))
    return targets


def _shown(question: Question, given: dict[int, Any]) -> bool:
    if question.show_if_id is None:
        return True
    earlier = given.get(question.show_if_id)
    if isinstance(earlier, list):
        return question.show_if_choice in earlier
    return earlier == question.show_if_choice


def clean_answers(survey: Survey, targets: list[Target], raw: AnswerSet) -> AnswerSet:
    """Every answer inside its scale or choices, every shown required question answered, no
    answer for a target this villager may not rate."""
    allowed = {t.pk for t in targets}
    if not raw or set(raw) - allowed:
        raise ValidationError(_("Answer for the targets shown on this page only."))
    questions = list(survey.questions.all())
    cleaned: AnswerSet = {}
    for target_id, given in raw.items():
        out: dict[int, Any] = {}
        for question in questions:
            value = given.get(question.pk)
            if not _shown(question, out):
                continue
            if value in (None, "", []):
                if question.required:
                    raise ValidationError(
                        _("Question %(n)s needs an answer.") % {"n": question.position}
                    )
                continue
            out[question.pk] = _clean_value(question, value)
        unknown = set(given) - {q.pk for q in questions}
        if unknown:
            raise ValidationError(_("An answer names a question this survey does not ask."))
        if out:
            cleaned[target_id] = out
    if not cleaned:
        raise ValidationError(_("The answers are empty."))
    return cleaned


def _clean_value(question: Question, value: Any) -> Any:
    if question.kind == QuestionKind.SCALE:
        try:
            score = int(value)
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 10 or str(score) != str(value).strip():
            raise ValidationError(
                _("Question %(n)s takes a score from 1 to 10.") % {"n": question.position}
            )
        return score
    if question.kind == QuestionKind.SINGLE:
        if value not in question.choices:
            raise ValidationError(
                _("Question %(n)s: pick one of its choices.") % {"n": question.position}
            )
        return value
    if question.kind == QuestionKind.MULTIPLE:
        values = value if isinstance(value, list) else [value]
        if not values or any(v not in question.choices for v in values):
            raise ValidationError(
                _("Question %(n)s: pick among its choices.") % {"n": question.position}
            )
        return [c for c in question.choices if c in values]
    text = str(value).strip()
    if len(text) > MAX_TEXT:
        raise ValidationError(
            _("Question %(n)s: at most %(max)s characters.")
            % {"n": question.position, "max": MAX_TEXT}
        )
    return text


def submit(
    *,
    survey: Survey,
    answers: AnswerSet,
    channel: str,
    resident: Resident | None = None,
    token_code: str = "",
    entered_by: User | None = None,
    today: datetime.date | None = None,
) -> None:
    """One answer per eligible person (or ballot), even when submissions race: the claim and
    the sealed answer are written in one transaction, on the survey's lock."""
    today = today or timezone.localdate()
    check_open(survey, today)
    if channel in (Channel.PAPER, Channel.PHONE) and entered_by is None:
        raise ValidationError(_("Only an official enters paper and telephone answers."))
    if channel in (Channel.BALLOT, Channel.PAPER):
        token = token_for(survey, token_code)
        targets = targets_for(survey, token.village)
    elif resident is not None:
        token = None
        targets = eligible_targets(survey, resident)
    else:
        raise ValidationError(_("Say who answers: a verified villager or a ballot code."))
    cleaned = clean_answers(survey, targets, answers)
    with transaction.atomic():
        Survey.objects.select_for_update().filter(pk=survey.pk).first()
        if token is not None:
            claimed = BallotToken.objects.filter(pk=token.pk, used=False).update(used=True)
            if not claimed:
                raise ValidationError(ALREADY)
        elif resident is not None:
            try:
                with transaction.atomic():
                    Participation.objects.create(survey=survey, resident=resident)
            except IntegrityError:
                raise ValidationError(ALREADY) from None
        sealed = json.dumps(
            {
                "day": today.isoformat(),
                "channel": channel,
                "answers": {str(t): {str(q): v for q, v in a.items()} for t, a in cleaned.items()},
            },
            ensure_ascii=False,
        )
        PendingBallot.objects.create(
            survey=survey, sealed=crypto.encrypt(sealed, context=POOL_CONTEXT)
        )
        _mix(survey)


def _mix(survey: Survey, *, final: bool = False) -> int:
    """Write answers out of the pool. Once the pool holds 2k, k of them picked at random leave
    in shuffled order; at the close all leave. Every written answer thus sits among at least k
    that were waiting with it, whatever order people answered in. Returns how many left."""
    size = settings.LIANYUN_SURVEY_MIX_SIZE
    pool = list(PendingBallot.objects.filter(survey=survey))
    rng = secrets.SystemRandom()
    if final:
        leaving = pool
    elif len(pool) >= 2 * size:
        leaving = rng.sample(pool, size)
    else:
        return 0
    rng.shuffle(leaving)
    questions = {q.pk: q for q in survey.questions.all()}
    responses, answers = [], []
    for ballot in leaving:
        data = json.loads(crypto.decrypt(bytes(ballot.sealed), context=POOL_CONTEXT))
        day = datetime.date.fromisoformat(data["day"])
        for target_id, given in data["answers"].items():
            response = Response(
                survey=survey, target_id=int(target_id), day=day, channel=data["channel"]
            )
            responses.append(response)
            for question_id, value in given.items():
                question = questions[int(question_id)]
                answers.append(_answer(response, question, value))
    Response.objects.bulk_create(responses)
    Answer.objects.bulk_create(answers)
    PendingBallot.objects.filter(pk__in=[b.pk for b in leaving]).delete()
    return len(leaving)


def _answer(response: Response, question: Question, value: Any) -> Answer:
    if question.kind == QuestionKind.SCALE:
        return Answer(response=response, question=question, score=int(value))
    if question.kind == QuestionKind.SINGLE:
        return Answer(response=response, question=question, choices=[value])
    if question.kind == QuestionKind.MULTIPLE:
        return Answer(response=response, question=question, choices=list(value))
    return Answer(response=response, question=question, text=value, text_status=TextStatus.PENDING)


# --- closing and moderation --------------------------------------------------------------------


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
