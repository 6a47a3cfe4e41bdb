"""A year of 阳光问廉 for the demo county: public questions to village committees and their
secretaries, and inquiry meetings in every town whose demands go on the rectification list.

Everything is made through the same actions as real work, each step given the time it would
have happened, so that the scoreboard, the meetings' counters and the lists have a year to
show. The demo village (三官寨村) holds one meeting whose first demand was closed out after a
first, unsatisfactory result: the demand a villager follows on a phone.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from lianyun.accounts.models import User
from lianyun.cases.actions import record_milestone
from lianyun.demo.generator import DemoCounty
from lianyun.inquiries import actions
from lianyun.inquiries.actions import CommitmentIn
from lianyun.inquiries.models import Category, Demand, InquiryMeeting
from lianyun.people.models import Post, Resident
from lianyun.regions.models import Region, Unit, UnitKind

DEMO_VILLAGE = "511923103201"
MEETINGS_PER_TOWN = 2
QUESTIONS_PER_TOWN = 2  # 62 for the whole county

DEMANDS = [
    (Category.LAND, "村道征地补偿款还有一部分没有兑现。", "兑现剩余征地补偿款", True),
    (Category.SUBSIDIES, "耕地地力保护补贴面积核算有误，少发了。", "重新核实面积并补发补贴", True),
    (
        Category.ROADS,
        "村道硬化后两个月就出现裂缝，质量有问题。",
        "组织质量检测并督促施工方返修",
        False,
    ),
    (Category.FINANCES, "村集体土地租金收入没有按月公开。", "按月在公开栏公开租金收支", False),
    (Category.CONDUCT, "村干部办事要村民请吃饭。", "", False),
    (Category.SUBSIDIES, "高龄津贴停发了三个月没有人解释。", "查明原因并补发高龄津贴", True),
    (Category.ROADS, "村里的路灯坏了半年没人修。", "修复村道路灯", False),
]
QUESTION_TEXTS = [
    (Category.ROADS, "村道何时硬化", "去年会上说的村道硬化项目，什么时候开工？"),
    (Category.FINANCES, "集体收入怎么用", "村里集体经济收益今年用在了哪些地方？"),
    (Category.SUBSIDIES, "低保评议是否公开", "今年低保评议的结果为什么没有张贴？"),
    (Category.LAND, "流转土地租金何时发", "土地流转租金已经拖欠两个季度了。"),
    (Category.CONDUCT, "村干部工作时间不在岗", "村委会工作日经常没有人，办事找不到人。"),
]
ANSWERS = [
    "经核实，情况属实，已制定整改措施，按期完成后公开反馈。",
    "已调查清楚，具体情况已在村务公开栏公布，欢迎监督。",
    "该事项已列入本年度计划，资金已落实，近期开工。",
]


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _posts(village: Region, on: datetime.date) -> list[Post]:
    return list(
        Post.objects.filter(unit__region=village, start__lte=on)
        .exclude(end__lt=on)
        .select_related("unit", "holder")
        .order_by("pk")[:2]
    )


def _meeting(
    rng: random.Random,
    village: Region,
    held: datetime.date,
    actor: User,
    today: datetime.date,
    *,
    story: bool = False,
) -> InquiryMeeting | None:
    posts = _posts(village, held)
    if not posts:
        return None
    starts = _at(held, 14)
    meeting = actions.schedule_meeting(
        village=village,
        starts_at=starts,
        place=f"{village.name}党群服务中心",
        panel_size=30,
        panel="党员代表10名、群众代表20名",
        observers="县纪委监委观察员1名",
        officials=posts,
        actor=actor,
        now=starts - datetime.timedelta(days=7),
    )
    after = _at(held, 16)
    questioned = list(meeting.officials.all())
    for q in questioned:
        actions.record_statement(
            questioned=q, statement="汇报今年村务、财务和惠民政策落实情况。", actor=actor, now=after
        )
        low = rng.random() < 0.15
        satisfied = rng.randint(6, 12) if low else rng.randint(18, 25)
        basic = rng.randint(2, 30 - satisfied) if not low else rng.randint(2, 5)
        actions.record_vote(
            questioned=q,
            satisfied=satisfied,
            basic=basic,
            unsatisfied=30 - satisfied - basic,
            actor=actor,
            now=after,
        )
    picks = [DEMANDS[0], DEMANDS[6]] if story else rng.sample(DEMANDS, k=rng.randint(1, 3))
    for category, text, promise, money in picks:
        demand = actions.record_demand(
            meeting=meeting,
            raised_by=rng.choice(["王大富", "李秀英", "张国华", "陈玉兰", "刘德明"]),
            category=category,
            text=text,
            answered_by=rng.choice(questioned),
            reply="情况已记录，会后核实办理。",
            promise=promise,
            responsible=posts[0].holder.name if promise else "",
            deadline=held + datetime.timedelta(days=rng.randint(20, 45)) if promise else None,
            misconduct_clue=category == Category.CONDUCT,
            actor=actor,
            now=after,
        )
        _follow_up(rng, demand, money, actor, today, story=story)
    actions.publish_result(meeting=meeting, actor=actor, now=after)
    return meeting


def _follow_up(
    rng: random.Random,
    demand: Demand,
    money: bool,
    actor: User,
    today: datetime.date,
    *,
    story: bool,
) -> None:
    """Work on the item as the weeks went by: most are closed out, some reopened once."""
    item = demand.item
    if item is None:
        return
    done = min(item.deadline - datetime.timedelta(days=rng.randint(0, 10)), today)
    started = item.created_at.date() if story else done - datetime.timedelta(days=10)
    if done <= started or (not story and rng.random() < 0.3):
        return  # still being worked on
    record_milestone(
        item=item, progress=50, note="已制定整改方案并启动。", actor=actor, today=started
    )
    record_milestone(item=item, progress=100, note="整改事项已完成。", actor=actor, today=done)
    funds = Decimal(rng.randrange(12, 120) * 100) if money else Decimal("0")
    actions.demand_feedback(
        demand=demand,
        feedback="已按承诺完成，结果公开。",
        funds_returned=funds,
        actor=actor,
        today=done,
    )
    if story or rng.random() < 0.15:
        # The villagers were not satisfied the first time: 复号, more work, then 销号.
        actions.demand_confirmation(demand=demand, satisfied=False, actor=actor, today=done)
        record_milestone(item=item, progress=100, note="补办遗漏部分。", actor=actor, today=done)
        actions.demand_feedback(
            demand=demand,
            feedback="遗漏部分已补办，全部完成。",
            funds_returned=funds,
            actor=actor,
            today=done,
        )
    actions.demand_confirmation(demand=demand, satisfied=True, actor=actor, today=done)


def _questions(
    rng: random.Random, made: DemoCounty, accounts: dict[str, User], today: datetime.date
) -> None:
    moderator = accounts["county"]
    villages = sorted(made.villages.values(), key=lambda v: v.code)
    for n in range(QUESTIONS_PER_TOWN * len(made.towns)):
        village = rng.choice(villages)
        unit = Unit.objects.filter(region=village, kind=UnitKind.VILLAGE_COMMITTEE).first()
        answerer = User.objects.filter(resident__posts__unit=unit).first() or accounts["town"]
        asker = Resident.objects.filter(village=village).order_by("pk")[rng.randrange(5)]
        if unit is None:
            continue
        asked = _at(today - datetime.timedelta(days=rng.randint(3, 360)), 10)
        secretary = made.village_secretary.get(village.code)
        official = Resident.objects.filter(pk=secretary).first() if n % 2 and secretary else None
        category, title, text = rng.choice(QUESTION_TEXTS)
        inquiry = actions.ask(
            asker=asker,
            unit=unit,
            official=official,
            category=category,
            title=title,
            question=text,
            now=asked,
        )
        screened = asked + datetime.timedelta(days=1)
        if rng.random() < 0.08:
            actions.screen(
                inquiry=inquiry,
                publish_it=False,
                reason="内容含有他人个人信息，请修改后重新提问。",
                actor=moderator,
                now=screened,
            )
            continue
        actions.screen(inquiry=inquiry, publish_it=True, actor=moderator, now=screened)
        delay = rng.choice([1, 2, 3, 4, 6, 9, 12])
        answered = screened + datetime.timedelta(days=delay, hours=rng.randint(0, 6))
        if answered.date() >= today or rng.random() < 0.07:
            continue  # unanswered: overdue ones go to the commission
        deadline = answered.date() + datetime.timedelta(days=30)
        actions.answer(
            inquiry=inquiry,
            text=rng.choice(ANSWERS),
            commitments=[
                CommitmentIn(
                    "按答复事项整改到位", answerer.display_name[:30] or "村委会主任", deadline
                )
            ]
            if rng.random() < 0.4
            else [],
            actor=answerer,
            now=answered,
        )
        if rng.random() < 0.8:
            satisfied = rng.random() < 0.75
            actions.rate(
                inquiry=inquiry, satisfied=satisfied, now=answered + datetime.timedelta(days=1)
            )
    actions.escalate_overdue(today=today)


def seed_inquiries(
    made: DemoCounty, rng: random.Random, accounts: dict[str, User], today: datetime.date
) -> None:
    county_handler = accounts["county"]
    for code, town in sorted(made.towns.items()):
        villages = sorted(
            (v for v in made.villages.values() if v.parent_id == town.pk), key=lambda v: v.code
        )
        chosen = rng.sample(villages, k=min(MEETINGS_PER_TOWN, len(villages)))
        for village in chosen:
            if village.code == DEMO_VILLAGE:
                continue
            held = today - datetime.timedelta(days=rng.randint(20, 360))
            actor = accounts["town"] if code == "511923103000" else county_handler
            _meeting(rng, village, held, actor, today)
    demo_village = made.villages.get(DEMO_VILLAGE)
    if demo_village is not None:
        _meeting(
            rng,
            demo_village,
            today - datetime.timedelta(days=60),
            accounts["town"],
            today,
            story=True,
        )
    _questions(rng, made, accounts, today)
