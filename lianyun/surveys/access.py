"""Who builds surveys, prints ballots, enters paper and telephone answers and reads what.
Outsiders get 404, as for a missing page. Results are public once a survey has closed."""

import uuid

from django.http import Http404

from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.regions.access import scope_of
from lianyun.regions.models import Region, RegionKind
from lianyun.surveys.models import Answer, Invitation, Question, Survey, Target, TokenSheet

# The county commission builds and launches surveys, draws samples and moderates texts.
MANAGER_ROLES = {Role.COUNTY_COMMISSION}
# Officials in the field print ballot sheets and enter paper and telephone answers.
FIELD_ROLES = {Role.INTEGRITY_OFFICER, Role.TOWN_COMMISSION, Role.COUNTY_COMMISSION}


def is_manager(user: Actor) -> bool:
    return user.is_authenticated and user.role in MANAGER_ROLES


def require_manager(user: Actor) -> Region:
    if not is_manager(user):
        raise Http404
    return scope_of(user)


def managed_survey(user: Actor, pk: int) -> Survey:
    scope = require_manager(user)
    survey = Survey.objects.select_related("county").filter(pk=pk).first()
    if survey is None or not scope.contains(survey.county):
        raise Http404
    return survey


def field_scope(user: Actor) -> Region:
    if not user.is_authenticated or user.role not in FIELD_ROLES:
        raise Http404
    return scope_of(user)


def field_survey(user: Actor, pk: int) -> tuple[Survey, Region]:
    """A launched survey that asks villagers within this official's region."""
    scope = field_scope(user)
    survey = (
        Survey.objects.select_related("county").filter(pk=pk, launched_at__isnull=False).first()
    )
    if survey is None or not concerns(survey, scope):
        raise Http404
    return survey, scope


def concerns(survey: Survey, scope: Region) -> bool:
    """Whether a survey asks villagers within this region (or around it)."""
    return survey.county.contains(scope) and any(
        t.area.contains(scope) or scope.contains(t.area)
        for t in survey.targets.select_related("area")
    )


def public_survey(pk: int) -> Survey:
    survey = (
        Survey.objects.select_related("county").filter(pk=pk, launched_at__isnull=False).first()
    )
    if survey is None:
        raise Http404
    return survey


def moderated_answer(user: Actor, pk: int, answer_id: str) -> Answer:
    """A free text of a survey the county commission manages, named by its (random) id."""
    survey = managed_survey(user, pk)
    try:
        key = uuid.UUID(answer_id)
    except ValueError:
        raise Http404 from None
    answer = Answer.objects.filter(pk=key, response__survey=survey).first()
    if answer is None:
        raise Http404
    return answer


def question_of(survey: Survey, pk: int) -> Question:
    """A question of a survey being built."""
    question = survey.questions.filter(pk=pk).first()
    if question is None:
        raise Http404
    return question


def target_of(survey: Survey, pk: int) -> Target:
    """A target of a survey being built."""
    target = survey.targets.filter(pk=pk).first()
    if target is None:
        raise Http404
    return target


def field_town(scope: Region, code: str) -> Region:
    """A town the official's scope lies in or covers, by its code."""
    town = Region.objects.filter(code=code, kind=RegionKind.TOWN).first()
    if town is None or not (scope.contains(town) or town.contains(scope)):
        raise Http404
    return town


def access_sheet(user: Actor, pk: int) -> TokenSheet:
    """A sheet of ballots, for the officials of its village's area."""
    sheet = TokenSheet.objects.select_related("survey", "village").filter(pk=pk).first()
    if sheet is None:
        raise Http404
    _survey, scope = field_survey(user, sheet.survey_id)
    if not scope.contains(sheet.village):
        raise Http404
    return sheet


def phone_invitation(survey: Survey, scope: Region, pk: int | None) -> Invitation:
    """A drawn resident within the official's scope, for a telephone interview."""
    invitation = (
        Invitation.objects.select_related("resident__village")
        .filter(survey=survey, pk=pk or 0, resident__village__code__startswith=scope.scope_prefix)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation
