"""Writes on the policy catalogue: import a catalogue file, edit an item (keeping versions)."""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
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
            if (
                isinstance(amount, bool)
                or not cleaned["amount"].is_finite()
                or cleaned["amount"] < 0
                or int(cleaned["amount"].as_tuple().exponent) < -2
            ):
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
        elif not isinstance(value, datetime.date):
            errors[field] = _("%(value)s is not a date YYYY-MM-DD.") % {"value": value}
    if not cleaned.get("effective_from") and "effective_from" not in errors:
        errors["effective_from"] = _("Give the date it takes effect.")
    start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
    if isinstance(start, datetime.date) and isinstance(end, datetime.date) and end < start:
        errors["effective_to"] = _("It cannot end before it takes effect.")
    for field in ("standard", "eligibility", "how_to_apply", "legal_basis"):
        if not str(values.get(field) or "").strip():
            errors[field] = _("This cannot be empty.")
    for field in (
        "standard",
        "amount_unit",
        "eligibility",
        "how_to_apply",
        "legal_basis",
        "aliases",
    ):
        if not isinstance(values.get(field) or "", str):
            errors[field] = _("This must be text.")
    if isinstance(values.get("aliases"), str) and len(values["aliases"]) > 200:
        errors["aliases"] = _("Other names fit in 200 characters.")
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def update_item(*, item: SubsidyItem, changes: dict[str, Any], actor: User | None) -> SubsidyItem:
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
def import_catalogue(data: Any, *, actor: User | None = None) -> ImportResult:
    """Categories and items from a catalogue file; all or nothing.

    An item is matched to an existing one by its name or any alias (a department's file may
    say 低保金 for 城乡最低生活保障金); a match is edited (a new version), else it is created.
    """
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise CatalogueError(_("The file must hold an object with a list of items."))
    categories = data.get("categories", [])
    if not isinstance(categories, list) or not all(
        isinstance(c, dict)
        and isinstance(c.get("code"), str)
        and c["code"].strip()
        and isinstance(c.get("name"), str)
        and c["name"].strip()
        and isinstance(c.get("name_en", ""), str)
        and isinstance(c.get("order", 0), int)
        and not isinstance(c.get("order", 0), bool)
        for c in categories
    ):
        raise CatalogueError(
            _("Each category needs a code and a name (text) and may have a whole-number order.")
        )
    if not all(isinstance(raw, dict) for raw in data["items"]):
        raise CatalogueError(_("Each item must be an object with its fields."))
    for category in categories:
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
        name = raw.get("name") if isinstance(raw.get("name"), str) else ""
        name = name.strip()
        where = f"{number} {name}"
        code = raw.get("code") if isinstance(raw.get("code"), str) else ""
        category_code, department_name = raw.get("category"), raw.get("department")
        category = (
            PolicyCategory.objects.filter(code=category_code).first()
            if isinstance(category_code, str)
            else None
        )
        department = (
            Unit.objects.filter(name=department_name, kind=UnitKind.DEPARTMENT).first()
            if isinstance(department_name, str)
            else None
        )
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
        cleaned.update(category=category, department=department, name=name, code=code)
        existing = (find_item(name) if name else None) or (
            SubsidyItem.objects.filter(code=code).first() if code else None
        )
        if existing is None and not code.strip():
            problems.append(_("item %(where)s: a new item needs a code") % {"where": where})
            continue
        plans.append((existing, cleaned))
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
