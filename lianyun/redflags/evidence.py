"""A flag's evidence as a person reads it: each fact named in the reader's language, money in
yuan, a registry by its name, a cadre by name (masked) rather than by the index of an ID number.

The rules store evidence as a small JSON object with stable keys (the export keeps them, for
machines); the page shows it through here. A key the table does not know is shown as it is, so a
new rule is never hidden, and a test walks every rule's keys so none is left unnamed."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from lianyun.core.masking import mask_name
from lianyun.redflags.models import CadreTerm, RegistryKind

YUAN = "yuan"  # a value in fen, shown in yuan
DAYS = "days"
PERCENT = "percent"
REGISTRY = "registry"
CADRE = "cadre"
AGE = "age"

# (rule or "*" for any rule, key) → (label, how the value is shown)
LABELS: dict[tuple[str, str], tuple[str | Promise, str]] = {
    ("*", "registry"): (_("checked against the registry"), REGISTRY),
    ("deceased_paid", "died_on"): (_("date of death in the registry"), ""),
    ("public_employee_paid", "unit"): (_("employer on the public payroll"), ""),
    ("public_employee_paid", "start"): (_("on the payroll since"), ""),
    ("cadre_relative_paid", "cadre_index"): (_("village cadre"), CADRE),
    ("cadre_relative_paid", "title"): (_("the cadre's post"), ""),
    ("cadre_relative_paid", "relation"): (_("relation to the cadre"), ""),
    ("duplicate_payout", "times"): (_("times paid for the same item and period"), ""),
    ("duplicate_payout", "villages"): (_("villages that paid"), ""),
    ("duplicate_payout", "batches"): (_("payout batches"), ""),
    ("shared_account", "account"): (_("account (fingerprint, not the number)"), ""),
    ("shared_account", "persons"): (_("people paid into the account"), ""),
    ("shared_account", "households"): (_("households those people belong to"), ""),
    ("shared_account", "limit"): (_("most people one account may serve"), ""),
    ("over_standard", "standard"): (_("the item's standard per payout"), YUAN),
    ("over_standard", "tolerance"): (_("tolerance above the standard"), PERCENT),
    ("short_paid", "approved"): (_("amount approved"), YUAN),
    ("short_paid", "paid"): (_("amount paid"), YUAN),
    ("late_paid", "since"): (_("approved on (or the period's last day)"), ""),
    ("late_paid", "days_late"): (_("days from then to payment"), DAYS),
    ("late_paid", "limit"): (_("days allowed"), DAYS),
    ("age_ineligible", "age"): (_("age at the end of the period"), AGE),
    ("age_ineligible", "low"): (_("youngest age the item allows"), AGE),
    ("age_ineligible", "high"): (_("oldest age the item allows"), AGE),
}


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


def _shown(how: str, value: Any) -> str:
    if value is None:
        return str(pgettext_lazy("bound", "none"))
    if how == YUAN:
        return _("%(amount)s yuan") % {"amount": f"{Decimal(int(value)) / 100:.2f}"}
    if how == DAYS:
        return _("%(n)s days") % {"n": value}
    if how == PERCENT:
        return f"{value}%"
    if how == AGE:
        return _("%(n)s years old") % {"n": value}
    if how == REGISTRY:
        return str(RegistryKind(value).label) if value in RegistryKind.values else str(value)
    return str(value)


def _cadre(index: str) -> str:
    term = CadreTerm.objects.filter(id_index=index).select_related("village").first()
    if term is None:
        return str(_("not in the cadre registry any more"))
    return f"{mask_name(term.name)} · {term.village.name} {term.title}"


def facts(rule: str, evidence: dict[str, Any]) -> list[Fact]:
    """The evidence in the order the rule wrote it, each fact named and its value readable."""
    out = []
    for key, value in evidence.items():
        label, how = LABELS.get((rule, key)) or LABELS.get(("*", key)) or (key, "")
        shown = _cadre(str(value)) if how == CADRE else _shown(how, value)
        out.append(Fact(str(label), shown))
    return out


def unnamed(rule: str, evidence: dict[str, Any]) -> list[str]:
    """The keys of this evidence the table has no name for (a test keeps this empty)."""
    return [k for k in evidence if (rule, k) not in LABELS and ("*", k) not in LABELS]
