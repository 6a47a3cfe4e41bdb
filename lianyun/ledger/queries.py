"""Reads over the ledger."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from lianyun.ledger.models import Payout


@dataclass(frozen=True)
class YearStatement:
    year: int
    payouts: list[Payout]
    total: Decimal


def statement(index: str, year: int) -> YearStatement:
    """A person's payouts in a year, by period, with the year's total (paid ones only)."""
    payouts = list(
        Payout.objects.filter(id_number_index=index, period__startswith=f"{year}-")
        .select_related("item", "item__department")
        .order_by("period", "item__name")
    )
    total = sum((p.amount for p in payouts if p.status == "paid"), Decimal("0"))
    return YearStatement(year=year, payouts=payouts, total=total)


def payouts_of(index: str) -> QuerySet[Payout]:
    return Payout.objects.filter(id_number_index=index)
