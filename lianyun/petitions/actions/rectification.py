"""Rectification items a petition opens, public or confidential."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.cases.actions import register_rectification
from lianyun.cases.models import RectificationItem, SourceKind, source_ref
from lianyun.petitions.actions._common import _event
from lianyun.petitions.models import EventKind, Petition, PetitionKind, PetitionStatus
from lianyun.regions.models import Unit


@transaction.atomic
def register_petition_rectification(
    *,
    petition: Petition,
    title: str,
    owner_unit: Unit,
    responsible: str,
    deadline: datetime.date,
    actor: User | None,
    measures: str = "",
) -> RectificationItem:
    """A problem a petition raised goes on the rectification list; the petitioner confirms it.

    Items from accusations are never public: a public list would tell the accused.
    """
    if petition.status in (PetitionStatus.REGISTERED, PetitionStatus.NOT_ACCEPTED):
        raise ValidationError(_("Accept the petition before putting its problem on the list."))
    item = register_rectification(
        source_kind=SourceKind.PETITION,
        source_ref=source_ref(petition),
        region=petition.region,
        title=title,
        owner_unit=owner_unit,
        responsible=responsible,
        deadline=deadline,
        measures=measures,
        actor=actor,
        needs_confirmation=True,
        confidential=petition.kind == PetitionKind.ACCUSATION,
        subject_person=petition.subject_person,
        subject_unit=petition.subject_unit,
    )
    _event(petition, EventKind.RECTIFICATION, actor, item.title)
    return item


def rectifications_of(petition: Petition) -> QuerySet[RectificationItem]:
    return RectificationItem.objects.filter(
        source_kind=SourceKind.PETITION, source_ref=source_ref(petition)
    )
