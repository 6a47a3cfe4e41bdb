"""The payment notice (docs/domain.md §1.2, Suining): one text per paid payout."""

from django.utils import timezone

from lianyun.core.sms import send_text
from lianyun.ledger.models import Payout, PayoutStatus
from lianyun.regions.queries import first_county

CHUNK = 20000  # payouts read at a time when texting notices


NOTICE = (
    "【{signature}】{name}您好，您第{period}期{item}已获批准，金额{amount}元，"
    "已发放到尾号为{last4}的社会保障卡，请注意查收。"
)


def payment_notice(payout: Payout, signature: str) -> str:
    return NOTICE.format(
        signature=signature,
        name=payout.name,
        period=payout.period.replace("-", ""),
        item=payout.item.name,
        amount=payout.amount,
        last4=payout.account_last4 or "****",
    )


def text_recipients(*, batch_id: int) -> int:
    """Text every paid recipient of a batch with a phone on file, once; returns how many."""
    county = first_county()
    place = county.name.removesuffix("县").removesuffix("区") if county else ""
    signature = f"{place}一卡通"
    payouts = (
        Payout.objects.filter(
            batch_id=batch_id,
            status=PayoutStatus.PAID,
            texted_at__isnull=True,
            resident__phone_encrypted__isnull=False,
        )
        .select_related("item", "resident")
        .order_by("pk")
    )
    sent = 0
    for payout in payouts.iterator(chunk_size=CHUNK):
        assert payout.resident is not None  # noqa: S101 - filtered above
        send_text(payout.resident.phone(), payment_notice(payout, signature))
        Payout.objects.filter(pk=payout.pk).update(texted_at=timezone.now())
        sent += 1
    return sent
