"""Building a survey while it is a draft: questions, targets, launch; satisfaction ratings."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.cases.models import RectificationItem, RectificationStatus
from lianyun.inquiries.models import InquiryMeeting, MeetingStatus
from lianyun.people.models import Post, Resident
from lianyun.regions.models import Region, RegionKind, Unit
from lianyun.regions.queries import county_of
from lianyun.surveys import catalogue
from lianyun.surveys.actions._common import _audit, _require_draft
from lianyun.surveys.models import Question, QuestionKind, Survey, SurveyKind, Target, TargetKind


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
