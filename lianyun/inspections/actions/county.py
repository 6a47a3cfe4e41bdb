"""What the county commission sets: the assessment's weights and the visits' checklists."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.core import audit
from lianyun.core.roles import Role
from lianyun.inspections.actions._common import _audit
from lianyun.inspections.models import (
    DEFAULT_WEIGHTS,
    AssessmentWeight,
    ChecklistItem,
    Indicator,
    VisitKind,
    WeightChange,
)


@transaction.atomic
def set_weight(
    *, indicator: str, weight: int, reason: str, actor: User, now: datetime.datetime | None = None
) -> AssessmentWeight:
    """The county changes an indicator's weight, with its reason; the change is kept."""
    if actor.role != Role.COUNTY_COMMISSION:
        raise ValidationError(_("Only the county commission sets the assessment's weights."))
    if indicator not in Indicator.values:
        raise ValidationError(_("Unknown indicator."))
    if not 0 <= weight <= 100:
        raise ValidationError(_("A weight is a whole number from 0 to 100."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the change."))
    current, _created = AssessmentWeight.objects.select_for_update().get_or_create(
        indicator=indicator, defaults={"weight": DEFAULT_WEIGHTS[Indicator(indicator)]}
    )
    WeightChange.objects.create(
        indicator=indicator,
        old=current.weight,
        new=weight,
        reason=reason.strip(),
        changed_at=now or timezone.now(),
        changed_by=actor,
    )
    old = current.weight
    current.weight = weight
    current.save()
    audit.record(
        action="set:assessment_weight",
        actor=actor,
        object_type="inspections.AssessmentWeight",
        object_id=indicator,
        detail={"indicator": indicator, "old": old, "new": weight},
    )
    return current


@transaction.atomic
def add_checklist_item(*, kind: str, text: str, actor: User) -> ChecklistItem:
    """The county adds a point to a kind of visit's checklist."""
    if actor.role != Role.COUNTY_COMMISSION:
        raise ValidationError(_("Only the county commission edits the checklists."))
    if kind not in VisitKind.values:
        raise ValidationError(_("Choose the kind of visit."))
    if not text.strip():
        raise ValidationError(_("Write what to check."))
    last = ChecklistItem.objects.filter(kind=kind).order_by("-order").first()
    item = ChecklistItem.objects.create(
        kind=kind, text=text.strip()[:200], order=(last.order + 1) if last else 1
    )
    _audit("add:checklist", actor, item, kind=kind)
    return item


@transaction.atomic
def retire_checklist_item(*, item: ChecklistItem, actor: User) -> ChecklistItem:
    """A point no longer asked; visits that answered it keep their answers."""
    if actor.role != Role.COUNTY_COMMISSION:
        raise ValidationError(_("Only the county commission edits the checklists."))
    item.active = False
    item.save(update_fields=["active"])
    _audit("retire:checklist", actor, item)
    return item
