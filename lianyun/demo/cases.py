"""A few months of petitions, leads and rectification items for the demo county.

Made through the same actions as real work, dated in the weeks before the load, so that the
queues, counters, public lists and statistics have something to show. Includes an anonymous
accusation about the demo village cadre's own post, which that account must never see.
"""

import datetime
import random
from decimal import Decimal

from lianyun.accounts.models import User
from lianyun.cases.actions import (
    dispose_lead,
    record_milestone,
    record_outcome,
    register_rectification,
)
from lianyun.cases.models import Disposition, OutcomeKind, SanctionLevel, SourceKind
from lianyun.demo.generator import DemoCounty
from lianyun.people.models import Resident
from lianyun.petitions import actions
from lianyun.petitions.models import Decision, PetitionKind
from lianyun.regions.models import Unit, UnitKind

SUGGESTIONS = [
    "希望在村道上安装太阳能路灯。",
    "建议公开村集体经济收益的使用情况。",
    "建议每季度在公开栏公布低保名单。",
]
REQUESTS = [
    "村道塌方三个月无人修理，请尽快处理。",
    "危房改造补助申请半年没有答复。",
    "耕地地力保护补贴少发了两亩的钱。",
]
ACCUSATIONS = [
    "村干部优亲厚友，把低保给了自己的亲戚。",
    "村会计挪用修路款，至今没有公示账目。",
    "村干部代管村民的一卡通，补贴没有发到本人手里。",
]


def seed_cases(
    made: DemoCounty, rng: random.Random, accounts: dict[str, User], today: datetime.date
) -> None:
    town_handler = accounts["town"]
    county_handler = accounts["county"]
    villages = sorted(made.villages.values(), key=lambda v: v.code)

    def day(days_ago: int) -> datetime.date:
        return today - datetime.timedelta(days=days_ago)

    # Across the county: suggestions and requests, some answered.
    for n, village in enumerate(rng.sample(villages, k=min(18, len(villages)))):
        kind = PetitionKind.SUGGESTION if n % 2 else PetitionKind.REQUEST
        text = rng.choice(SUGGESTIONS if kind == PetitionKind.SUGGESTION else REQUESTS)
        petition = actions.submit_petition(
            kind=kind,
            region=village,
            anonymous=True,
            subject_text="村委会",
            description=text,
            today=day(rng.randint(20, 80)),
        ).petition
        if n % 3 == 0:
            continue
        handler = town_handler if village.code.startswith("511923103") else county_handler
        actions.accept_petition(
            petition=petition,
            actor=handler,
            today=petition.received_on + datetime.timedelta(days=3),
        )
        if n % 3 == 1:
            actions.answer_petition(
                petition=petition,
                decision=Decision.SUPPORT,
                actor=handler,
                answer="已交村委会办理，限期整改。",
                today=petition.received_on + datetime.timedelta(days=20),
            )

    # In 佛楼镇: accusations, one of them about 三官寨村's own secretary.
    secretary = Resident.objects.get(pk=made.village_secretary["511923103201"])
    sanguanzhai = made.villages["511923103201"]
    about_secretary = actions.submit_petition(
        kind=PetitionKind.ACCUSATION,
        region=sanguanzhai,
        anonymous=True,
        subject_person=secretary,
        description=ACCUSATIONS[0],
        today=day(40),
    ).petition
    actions.accept_petition(petition=about_secretary, actor=town_handler, today=day(38))
    assert about_secretary.lead is not None  # noqa: S101 - accept opens it
    dispose_lead(
        lead=about_secretary.lead,
        disposition=Disposition.PRELIMINARY_CHECK,
        reason="经镇纪委集体研究，予以初步核实。",
        actor=town_handler,
        today=day(35),
    )
    record_outcome(
        lead=about_secretary.lead,
        kind=OutcomeKind.STATE_SANCTION,
        person=secretary,
        level=SanctionLevel.WARNING,
        actor=town_handler,
        today=day(10),
    )
    record_outcome(
        lead=about_secretary.lead,
        kind=OutcomeKind.FUNDS_RETURNED,
        amount=Decimal("4680.00"),
        households=3,
        actor=town_handler,
        today=day(10),
    )
    actions.answer_petition(
        petition=about_secretary,
        decision=Decision.SUPPORT,
        actor=town_handler,
        answer="经核查，反映问题属实，已清退资金并依规处理相关人员。",
        today=day(8),
    )
    for text in ACCUSATIONS[1:]:
        village = rng.choice([v for v in villages if v.code.startswith("511923103")])
        actions.submit_petition(
            kind=PetitionKind.ACCUSATION,
            region=village,
            anonymous=True,
            subject_text="村委会会计",
            description=text,
            today=day(rng.randint(2, 12)),
        )

    # The article's first 群众来问廉 meeting: 龙堂村's road compensation, on the list.
    longtang = made.villages["511923126201"]
    committee = Unit.objects.get(region=longtang, kind=UnitKind.VILLAGE_COMMITTEE)
    item = register_rectification(
        source_kind=SourceKind.INQUIRY_MEETING,
        source_ref="demo:longtang-meeting",
        region=longtang,
        title="兑现道路建设土地征拆费、青苗补偿费",
        owner_unit=committee,
        responsible="村委会主任",
        deadline=day(-45),
        actor=county_handler,
        today=day(60),
    )
    record_milestone(
        item=item, progress=40, note="已核清应兑现农户和金额。", actor=county_handler, today=day(45)
    )
    record_milestone(
        item=item, progress=70, note="首批补偿款已发放到户。", actor=county_handler, today=day(15)
    )
