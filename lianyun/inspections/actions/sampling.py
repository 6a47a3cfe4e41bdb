"""Account checks: a reproducible sample of a village's payouts and expenditures, each checked
by hand; the village cadre's expenditure record."""

import datetime
import random
import secrets
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lianyun.accounts.models import User
from lianyun.core.masking import mask_name
from lianyun.inspections.actions._common import _audit
from lianyun.inspections.models import (
    Expenditure,
    Membership,
    SampleItem,
    SampleSource,
    Visit,
    VisitKind,
)
from lianyun.ledger.models import Payout
from lianyun.regions.models import Region

SAMPLE_SIZE = 10  # of each source


def _month_bounds(month: str) -> tuple[datetime.date, datetime.date]:
    try:
        first = datetime.date.fromisoformat(f"{month}-01")
    except ValueError:
        raise ValidationError(_("Give the month as YYYY-MM.")) from None
    following = (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return first, following - datetime.timedelta(days=1)


def sample_picks(
    village: Region, month: str, seed: str, size: int = SAMPLE_SIZE
) -> list[tuple[str, int]]:
    """Which records a seed picks: the same village, month and seed always pick the same ones,
    so anyone can redraw a sample and see that nobody chose it by hand."""
    first, last = _month_bounds(month)
    payouts = list(
        Payout.objects.filter(village=village, period=month)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    spent = list(
        Expenditure.objects.filter(village=village, spent_on__range=(first, last))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rng = random.Random(f"{seed}:{village.code}:{month}")  # noqa: S311 - reproducible, not secret
    picks = [(SampleSource.PAYOUT.value, pk) for pk in rng.sample(payouts, min(size, len(payouts)))]
    picks += [
        (SampleSource.EXPENDITURE.value, pk) for pk in rng.sample(spent, min(size, len(spent)))
    ]
    return sorted(picks)


@transaction.atomic
def draw_sample(
    *, visit: Visit, month: str, actor: User, seed: str = "", size: int = SAMPLE_SIZE
) -> list[SampleItem]:
    """An account check draws its sample of the village's payouts and expenditures of a month."""
    if visit.kind != VisitKind.ACCOUNT_CHECK:
        raise ValidationError(_("Only an account check draws a sample."))
    if not Membership.objects.filter(group=visit.group, user=actor).exists():
        raise ValidationError(_("Only the group's members log its visits."))
    if visit.sample_seed:
        raise ValidationError(_("This visit's sample is already drawn."))
    seed = seed or secrets.token_hex(8)
    picks = sample_picks(visit.village, month, seed, size)
    if not picks:
        raise ValidationError(
            _("Nothing was recorded for %(village)s in %(month)s: there is nothing to sample.")
            % {"village": visit.village.name, "month": month}
        )
    payouts = Payout.objects.select_related("item").in_bulk(
        [pk for source, pk in picks if source == SampleSource.PAYOUT]
    )
    spent = Expenditure.objects.in_bulk(
        [pk for source, pk in picks if source == SampleSource.EXPENDITURE]
    )
    items = []
    for source, pk in picks:
        if source == SampleSource.PAYOUT:
            payout = payouts[pk]
            label = f"{payout.item.name} {payout.period} {mask_name(payout.name)}"
            amount = payout.amount
        else:
            expense = spent[pk]
            label = f"{expense.spent_on} {expense.payee} {expense.purpose} {expense.voucher}"
            amount = expense.amount
        items.append(
            SampleItem.objects.create(
                visit=visit, source=source, record_id=pk, label=label[:200], amount=amount
            )
        )
    visit.sample_month = month
    visit.sample_seed = seed
    visit.save(update_fields=["sample_month", "sample_seed"])
    _audit("sample:visit", actor, visit, month=month, seed=seed, size=len(items))
    return items


@transaction.atomic
def check_sample_item(
    *,
    item: SampleItem,
    verified: bool,
    actor: User,
    note: str = "",
    now: datetime.datetime | None = None,
) -> SampleItem:
    """The inspector marks a sampled record as matching its voucher or not (with a note)."""
    if not Membership.objects.filter(group=item.visit.group, user=actor).exists():
        raise ValidationError(_("Only the group's members log its visits."))
    if not verified and not note.strip():
        raise ValidationError(_("Say what does not match."))
    item.verified = verified
    item.note = note.strip()
    item.checked_at = now or timezone.now()
    item.save()
    _audit("check:sample", actor, item.visit, item=item.pk, verified=verified)
    return item


def record_expenditure(
    *,
    village: Region,
    spent_on: datetime.date,
    amount: Decimal,
    payee: str,
    purpose: str,
    voucher: str = "",
) -> Expenditure:
    if amount <= 0:
        raise ValidationError(_("An amount must be more than zero."))
    if spent_on > timezone.localdate():
        raise ValidationError(_("An expenditure cannot be dated in the future."))
    if not payee.strip() or not purpose.strip():
        raise ValidationError(_("Give the payee and the purpose."))
    return Expenditure.objects.create(
        village=village,
        spent_on=spent_on,
        amount=amount,
        payee=payee,
        purpose=purpose,
        voucher=voucher,
    )
