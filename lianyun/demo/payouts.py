"""Three months of one-card payouts for the demo county, written as the platform's GBK CSV
and imported through the real importer, so the demo exercises the same path as production."""

import datetime
import random
from decimal import Decimal

from lianyun.core import crypto
from lianyun.ledger.actions import ImportSummary, import_payouts
from lianyun.people.models import BANK_CONTEXT, ID_CONTEXT, Resident

HEADER = [
    "业务流水号",
    "身份证号",
    "姓名",
    "补贴项目",
    "发放期号",
    "金额",
    "发放时间",
    "村代码",
    "银行账号",
    "业务状态",
    "失败原因",
    "保障类别",
]


# 低保 households by category: the amount follows the category in the demo.
CATEGORIES = {"538.00": "一类", "460.00": "二类", "380.00": "三类"}


def _months(today: datetime.date, count: int) -> list[datetime.date]:
    first = today.replace(day=1)
    months = []
    for _ in range(count):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return sorted(months)


def _age(born: datetime.date, on: datetime.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _month_end(first: datetime.date) -> datetime.date:
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(
        days=1
    )


def demo_payout_file(rng: random.Random, today: datetime.date, months: int = 3) -> bytes:
    """The last `months` finished months. Who is paid 高龄津贴 is decided by age at the end of
    the last finished month and then at each month's end: the generator counts ages in whole
    months from the first of this month, so the same people are paid on any day."""
    last_end = today.replace(day=1) - datetime.timedelta(days=1)
    lines = [",".join(HEADER)]
    serial = 0
    residents = Resident.objects.select_related("village", "household").order_by("pk")
    for resident in residents.iterator(chunk_size=2000):
        age = _age(resident.birth_date, last_end)
        items: list[tuple[str, Decimal]] = []
        if age >= 80:
            items.append(("高龄津贴", Decimal("50.00") if age < 90 else Decimal("100.00")))
        if resident.household and resident.household.head_id == resident.pk and rng.random() < 0.06:
            items.append(("低保金", Decimal(rng.choice(["380.00", "460.00", "538.00"]))))
        if not items:
            continue
        number = crypto.decrypt(resident.id_number_encrypted, context=ID_CONTEXT)
        account = (
            crypto.decrypt(resident.bank_account_encrypted, context=BANK_CONTEXT)
            if resident.bank_account_encrypted
            else ""
        )
        for month in _months(today, months):
            for item, amount in items:
                # 高龄津贴 from the month a person is 80 at its end (as the rules check).
                if item == "高龄津贴" and _age(resident.birth_date, _month_end(month)) < 80:
                    continue
                serial += 1
                failed = rng.random() < 0.01
                lines.append(
                    ",".join(
                        [
                            f"PC{month:%Y%m}{serial:07d}",
                            number,
                            resident.name,
                            item,
                            f"{month:%Y%m}",
                            str(amount),
                            f"{month:%Y-%m}-15",
                            resident.village.code,
                            account,
                            "失败" if failed else "成功",
                            "账户已注销" if failed else "",
                            CATEGORIES.get(str(amount), "") if item == "低保金" else "",
                        ]
                    )
                )
    return ("\r\n".join(lines) + "\r\n").encode("gbk", errors="strict")


def load_demo_payouts(rng: random.Random, today: datetime.date) -> tuple[ImportSummary, bytes]:
    """The platform's file for the demo months, imported; and the file itself."""
    data = demo_payout_file(rng, today)
    return import_payouts(data=data, source="cli", label="demo-payouts.csv"), data
