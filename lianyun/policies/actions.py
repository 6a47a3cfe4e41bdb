"""Writes on the policy catalogue: import a catalogue file, edit an item (keeping versions)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from lianyun.core import audit
from lianyun.core.cli import LocalizedError
from lianyun.policies.models import Frequency, PolicyCategory, SubsidyItem, SubsidyItemVersion
from lianyun.policies.queries import find_item
from lianyun.regions.models import Unit, UnitKind

EDITABLE = [
    "standard",
    "amount",
    "amount_unit",
    "frequency",
    "eligibility",
    "how_to_apply",
    "legal_basis",
    "effective_from",
    "effective_to",
    "aliases",
]


class CatalogueError(LocalizedError):
    """The catalogue file was refused; the message lists every problem."""


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int


def _snapshot(item: SubsidyItem) -> dict[str, Any]:
    data = model_to_dict(item, fields=["name", "category", "department", *EDITABLE])
    return {
        key: (str(value) if isinstance(value, Decimal | datetime.date) else value)
        for key, value in data.items()
    }


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    """Check and convert one item's editable values; raise ValidationError naming the field."""
    errors: dict[str, str] = {}
    cleaned = dict(values)
    amount = values.get("amount")
    if amount not in (None, ""):
        try:
            cleaned["amount"] = Decimal(str(amount))
            if cleaned["amount"] < 0 or cleaned["amount"].as_tuple().exponent < -2:
                raise InvalidOperation
        except InvalidOperation:
            errors["amount"] = _("An amount is a positive number with at most 2 decimals.")
    else:
        cleaned["amount"] = None
    if values.get("frequency") not in Frequency.values:
        errors["frequency"] = _("Choose how often it is paid.")
    for field in ("effective_from", "effective_to"):
        value = values.get(field)
        if isinstance(value, str) and value:
            try:
                cleaned[field] = datetime.date.fromisoformat(value)
            except ValueError:
                errors[field] = _("%(value)s is not a date YYYY-MM-DD.") % {"value": value}
        elif not value:
            cleaned[field] = None
    if not cleaned.get("effective_from") and "effective_from" not in errors:
        errors["effective_from"] = _("Give the date it takes effect.")
    start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
        errors["effective_to"] = _("It cannot end before it takes effect.")
    for field in ("standard", "eligibility", "how_to_apply", "legal_basis"):
        if not str(values.get(field) or "").strip():
            errors[field] = _("This cannot be empty.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def update_item(*, item: SubsidyItem, changes: dict[str, Any], actor: Any) -> SubsidyItem:
    """Edit an item; the version before the edit is kept with who changed it."""
    values = {field: getattr(item, field) for field in EDITABLE}
    values.update({key: value for key, value in changes.items() if key in EDITABLE})
    cleaned = _clean(
        {
            key: (value.isoformat() if isinstance(value, datetime.date) else value)
            for key, value in values.items()
        }
    )
    SubsidyItemVersion.objects.create(
        item=item,
        version=item.version,
        snapshot=_snapshot(item),
        changed_by=actor if getattr(actor, "pk", None) else None,
    )
    for field in EDITABLE:
        setattr(item, field, cleaned[field])
    item.version += 1
    item.save()
    audit.record(
        action="update:subsidy_item",
        actor=actor,
        object_type="policies.SubsidyItem",
        object_id=item.pk,
        detail={"version": item.version},
    )
    return item


@transaction.atomic
def import_catalogue(data: Any, *, actor: Any = None) -> ImportResult:
    """Categories and items from a catalogue file; all or nothing.

    An item is matched to an existing one by its name or any alias (a department's file may
    say 低保金 for 城乡最低生活保障金); a match is edited (a new version), else it is created.
    """
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise CatalogueError(_("The file must hold an object with a list of items."))
    for category in data.get("categories", []):
        PolicyCategory.objects.update_or_create(
            code=category["code"],
            defaults={
                "name": category["name"],
                "name_en": category.get("name_en", ""),
                "order": category.get("order", 0),
            },
        )
    problems: list[str] = []
    plans: list[tuple[SubsidyItem | None, dict[str, Any]]] = []
    for number, raw in enumerate(data["items"], start=1):
        name = str(raw.get("name", "")).strip()
        where = f"{number} {name}"
        category = PolicyCategory.objects.filter(code=raw.get("category")).first()
        department = Unit.objects.filter(
            name=raw.get("department"), kind=UnitKind.DEPARTMENT
        ).first()
        if not name:
            problems.append(_("item %(where)s: no name") % {"where": where})
        if category is None:
            problems.append(
                _("item %(where)s: unknown category %(code)s")
                % {"where": where, "code": raw.get("category")}
            )
        if department is None:
            problems.append(
                _("item %(where)s: unknown department %(name)s")
                % {"where": where, "name": raw.get("department")}
            )
        try:
            cleaned = _clean(raw)
        except ValidationError as error:
            problems.extend(
                f"item {where}: {field}: {' '.join(msgs)}"
                for field, msgs in error.message_dict.items()
            )
            continue
        cleaned.update(category=category, department=department)
        plans.append(
            (find_item(name) or SubsidyItem.objects.filter(code=raw.get("code")).first(), cleaned)
        )
    if problems:
        raise CatalogueError(
            _("The catalogue was not imported, nothing changed:\n%(problems)s"),
            {"problems": "\n".join(problems)},
        )
    created = updated = 0
    for existing, values in plans:
        if existing is None:
            SubsidyItem.objects.create(
                code=values["code"],
                name=values["name"],
                category=values["category"],
                department=values["department"],
                **{field: values.get(field, "") for field in EDITABLE},
            )
            created += 1
        else:
            update_item(item=existing, changes=values, actor=actor)
            updated += 1
    audit.record(
        action="import:policies", actor=actor, detail={"created": created, "updated": updated}
    )
    return ImportResult(created=created, updated=updated)
