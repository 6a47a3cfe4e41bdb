"""The sample: each town's quota by population, drawn by a seed that redraws the same
residents; the texts inviting them, the interviewer's telephone number."""

import datetime
import random
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.accounts.models import User
from lianyun.core import audit
from lianyun.core.sms import send_text
from lianyun.people.models import Resident
from lianyun.regions.models import Region, RegionKind
from lianyun.surveys.actions._common import _audit
from lianyun.surveys.models import Invitation, SampleDraw, Survey


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
