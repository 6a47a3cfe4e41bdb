"""Talks are for the officials of their audience and their organisers; a reminder talk and an
integrity record are for the commission over the official and the official (the record: the
commission only), never for anyone the recusal rule keeps off the official. Others get 404."""

from django.db.models import QuerySet
from django.http import Http404

from lianyun.accounts.models import User
from lianyun.core.access import Actor
from lianyun.core.roles import Role
from lianyun.people.access import recusal_filter
from lianyun.talks.actions import ORGANISER_ROLES, in_audience
from lianyun.talks.models import ReminderTalk, Talk, TalkQuestion


def require_official(user: Actor) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_official:
        raise Http404


def require_organiser(user: Actor) -> None:
    if not getattr(user, "is_authenticated", False) or user.role not in ORGANISER_ROLES:
        raise Http404


def may_organise(user: Actor, talk: Talk) -> bool:
    """Its organiser, and the county commission over every talk."""
    return getattr(user, "is_authenticated", False) and (
        talk.created_by_id == user.pk or user.role == Role.COUNTY_COMMISSION
    )


def talk_for(user: Actor, pk: int) -> Talk:
    require_official(user)
    talk = Talk.objects.filter(pk=pk).first()
    if talk is None or not (in_audience(talk, user) or may_organise(user, talk)):
        raise Http404
    return talk


def seen_talk(user: Actor, pk: int) -> Talk:
    """A talk as this visitor may open it: an official in its audience or organising it, or
    anyone when it is public."""
    talk = Talk.objects.filter(pk=pk).first()
    if talk is None:
        raise Http404
    if talk.public:
        return talk
    return talk_for(user, pk)


def public_talks() -> QuerySet[Talk]:
    return Talk.objects.filter(public=True)


def organised_talk(user: Actor, pk: int) -> Talk:
    talk = talk_for(user, pk)
    if not may_organise(user, talk):
        raise Http404
    return talk


def organised_question(user: Actor, pk: int) -> TalkQuestion:
    question = TalkQuestion.objects.select_related("talk").filter(pk=pk).first()
    if question is None or not may_organise(user, question.talk):
        raise Http404
    return question


def officials_in_scope(user: Actor) -> QuerySet[User]:
    """The officials a commission account keeps records on: inside its area, minus those the
    recusal rule keeps it off (itself, relatives, colleagues)."""
    require_organiser(user)
    if user.region is None:
        raise Http404
    officials = (
        User.objects.filter(is_active=True)
        .exclude(role=Role.VILLAGER)
        .select_related("region", "unit", "resident")
    )
    officials = officials.filter(region__code__startswith=user.region.scope_prefix)
    return officials.exclude(
        recusal_filter(user, person_field="resident", unit_field="unit")
    ).exclude(pk=user.pk)


def official_for(user: Actor, pk: int) -> User:
    official = officials_in_scope(user).filter(pk=pk).first()
    if official is None:
        raise Http404
    return official


def visible_reminders(user: Actor) -> QuerySet[ReminderTalk]:
    """An official's own reminder talks; for a commission, those with officials in its scope."""
    require_official(user)
    mine = ReminderTalk.objects.filter(official_id=user.pk)
    if user.role not in ORGANISER_ROLES:
        return mine
    scoped = ReminderTalk.objects.filter(official__in=officials_in_scope(user))
    return (mine | scoped).distinct()


def reminder_for(user: Actor, pk: int) -> ReminderTalk:
    talk = visible_reminders(user).select_related("official", "recorded_by").filter(pk=pk).first()
    if talk is None:
        raise Http404
    return talk
