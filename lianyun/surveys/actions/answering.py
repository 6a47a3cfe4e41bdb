"""Answering: who may answer what, and the answer kept with nothing that says who gave it
or when beyond its day (answers are mixed before they are kept)."""

import datetime
import json
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.core import crypto
from lianyun.people.models import Resident
from lianyun.regions.codes import county_code, town_code
from lianyun.regions.models import Region
from lianyun.surveys.actions._common import ALREADY, MAX_TEXT, AnswerSet
from lianyun.surveys.actions.ballots import token_for
from lianyun.surveys.models import (
    POOL_CONTEXT,
    Answer,
    BallotToken,
    Channel,
    Invitation,
    Participation,
    PendingBallot,
    Question,
    QuestionKind,
    Response,
    Survey,
    Target,
    TextStatus,
)


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
