"""Who takes exams and who reads their results. Outsiders get 404, as for a missing page."""

from django.http import Http404

from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.exams.actions import in_cohort
from lianyun.exams.models import Attempt, Exam

# The county commission sets exams and reads everyone's results.
MANAGER_ROLES = {Role.COUNTY_COMMISSION}


def require_official(user: Actor) -> None:
    if not user.is_authenticated or not user.is_official:
        raise Http404


def own_attempt(user: Actor, pk: int) -> Attempt:
    """An attempt, to the official who made it and nobody else."""
    require_official(user)
    attempt = Attempt.objects.select_related("exam").filter(pk=pk, user_id=user.pk).first()
    if attempt is None:
        raise Http404
    return attempt


def require_manager(user: Actor) -> None:
    if not user.is_authenticated or user.role not in MANAGER_ROLES:
        raise Http404


def assigned_exam(user: Actor, pk: int) -> Exam:
    """An exam, to the officials of its cohort; to others it is missing."""
    require_official(user)
    exam = Exam.objects.filter(pk=pk).first()
    if exam is None or not in_cohort(exam, user):  # type: ignore[arg-type]
        raise Http404
    return exam


def managed_exam(user: Actor, pk: int) -> Exam:
    require_manager(user)
    exam = Exam.objects.filter(pk=pk).first()
    if exam is None:
        raise Http404
    return exam
