"""三务公开 for the demo: 佛楼镇's villages post their notices, a few fall behind, and one
finance notice is corrected, so that the town sees overdue villages and the public a difference."""

import datetime
import random

from lianyun.accounts.models import User
from lianyun.disclosure.actions import post_disclosure
from lianyun.disclosure.models import Disclosure, DisclosureKind
from lianyun.disclosure.queries import previous_period
from lianyun.regions.models import Region, RegionKind

TOWN = "511923103000"  # 佛楼镇
BEHIND = 2  # villages that posted nothing this round

PARTY = (
    "党员发展：本季度确定入党积极分子{n}名。\n"
    "党费收缴：应缴{fee}元，实缴{fee}元。\n"
    "主题党日：开展3次，参加党员共{m}人次。"
)
VILLAGE = (
    "村民代表会议决定：村道硬化{length}米，采用公开比选确定施工方。\n"
    "低保、特困评议结果已在村务公开栏张贴，并报镇人民政府审批。"
)
FINANCE = (
    "本月收入：集体土地租金{rent}元；上级转移支付{transfer}元。\n"
    "本月支出：道路维修{roads}元；误工补贴{labour}元；办公费{office}元。\n"
    "月末结余：{balance}元。"
)


def seed_disclosures(rng: random.Random, cadre: User, today: datetime.date) -> int:
    """Post the demo notices as the demo village cadre's colleagues would; returns how many."""
    villages = list(
        Region.objects.filter(parent__code=TOWN, kind=RegionKind.VILLAGE).order_by("code")
    )
    others = [v.code for v in villages if v.pk != cadre.region_id]
    behind = set(rng.sample(others, min(BEHIND, max(len(others) - 1, 0))))
    posted = 0
    last_month = previous_period(DisclosureKind.FINANCE, today)
    month_before = previous_period(
        DisclosureKind.FINANCE, today.replace(day=1) - datetime.timedelta(days=1)
    )
    quarter = previous_period(DisclosureKind.PARTY, today)
    for village in villages:
        if village.code in behind:
            continue
        for period in (month_before, last_month):
            rent = rng.randrange(8, 30) * 500
            transfer = rng.randrange(20, 60) * 1000
            roads, labour, office = (
                rng.randrange(5, 40) * 100,
                rng.randrange(4, 20) * 100,
                rng.randrange(2, 8) * 100,
            )
            post_disclosure(
                village=village,
                kind=DisclosureKind.FINANCE,
                period=period,
                title=f"{village.name}{period}财务收支公开",
                body=FINANCE.format(
                    rent=rent,
                    transfer=transfer,
                    roads=roads,
                    labour=labour,
                    office=office,
                    balance=rent + transfer - roads - labour - office,
                ),
                actor=cadre,
            )
            posted += 1
        post_disclosure(
            village=village,
            kind=DisclosureKind.PARTY,
            period=quarter,
            title=f"{village.name}{quarter}党务公开",
            body=PARTY.format(
                n=rng.randrange(1, 4), fee=rng.randrange(20, 60) * 24, m=rng.randrange(40, 90)
            ),
            actor=cadre,
        )
        post_disclosure(
            village=village,
            kind=DisclosureKind.VILLAGE,
            period=quarter,
            title=f"{village.name}{quarter}村务公开",
            body=VILLAGE.format(length=rng.randrange(3, 12) * 100),
            actor=cadre,
        )
        posted += 2
    # The cadre's own village corrects last month's finances: a sum was typed wrong.
    own = (
        Disclosure.objects.filter(
            village_id=cadre.region_id, kind=DisclosureKind.FINANCE, period=last_month
        )
        .order_by("pk")
        .first()
    )
    if own is not None:
        lines = own.body.splitlines()
        lines[1] = lines[1] + "（更正：另付村道路灯电费240元）"
        post_disclosure(
            village=own.village,
            kind=own.kind,
            period=own.period,
            title=own.title + "（更正）",
            body="\n".join(lines),
            actor=cadre,
            corrects=own,
        )
        posted += 1
    return posted
