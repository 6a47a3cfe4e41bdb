"""A year of 村居巡检 for the demo county: two groups in every town covering its villages,
two visits a month each, a finding now and then (reviewed and routed), the groups' monthly
reports signed (some late) and every town's summaries sent.

Visits and reports are written in bulk with the figures the real compiler computes, so that a
county-size demo loads in seconds; findings go through the real actions. The demo `inspector`
account leads the first group of its town, whose villages have a month of expenditures to
sample.
"""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from lianyun.accounts.models import User
from lianyun.cases.actions import publish_feedback, record_milestone
from lianyun.cases.models import RectificationItem
from lianyun.core.roles import Role
from lianyun.demo.generator import DemoCounty, quiet_official
from lianyun.inspections import actions
from lianyun.inspections.actions import reports
from lianyun.inspections.models import (
    Expenditure,
    InspectionGroup,
    Membership,
    MonthlyReport,
    TownSummary,
    Visit,
    VisitKind,
)
from lianyun.regions.models import Region
from lianyun.regions.queries import commission_of

GROUPS_PER_TOWN = 2
VISITS_PER_MONTH = 2
FINDINGS = [
    ("living", "村道边沟堵塞，雨天积水进户。"),
    ("living", "2户高龄老人高龄津贴未按时到账。"),
    ("conduct", "村委会工作日上午无人值守。"),
    ("corruption", "报账单据中劳务费签名与本人不符。"),
]
NOTES = {
    VisitKind.DOCUMENT_REVIEW: "查阅会议记录和四议两公开资料。",
    VisitKind.ACCOUNT_CHECK: "核对当月报账单据与一卡通发放记录。",
    VisitKind.MEETING_ATTENDANCE: "列席村两委会议。",
    VisitKind.HOUSEHOLD_VISIT: "走访低保户和高龄老人。",
}


def _months(today: datetime.date, count: int) -> list[str]:
    """The last `count` finished months, oldest first."""
    months = []
    day = today.replace(day=1)
    for _ in range(count):
        day = (day - datetime.timedelta(days=1)).replace(day=1)
        months.append(day.strftime("%Y-%m"))
    return list(reversed(months))


def _member(rng: random.Random, town: Region, n: int) -> User:
    """A demo inspector who never signs in: no usable password (hashing one for every member
    would take seconds), and a second factor like every official."""
    user = quiet_official(
        rng,
        username=f"insp-{town.code}-{n}",
        role=Role.INSPECTOR,
        region=town,
        display_name=f"{town.name}巡检员{n}",
    )
    user.save()
    return user


def seed_inspections(
    made: DemoCounty, rng: random.Random, accounts: dict[str, User], today: datetime.date
) -> int:
    """Returns how many visits were logged."""
    months = _months(today, 12)
    formed_on = datetime.date.fromisoformat(months[0] + "-01")
    reviewer = accounts["county"]
    visits: list[Visit] = []
    groups: list[InspectionGroup] = []
    for _code, town in sorted(made.towns.items()):
        commission = commission_of(town)
        if commission is None:
            continue
        villages = sorted(
            (v for v in made.villages.values() if v.parent_id == town.pk), key=lambda v: v.code
        )
        for g in range(GROUPS_PER_TOWN):
            group = InspectionGroup.objects.create(
                town=town,
                commission=commission,
                name=f"{town.name}第{'一二三'[g]}巡检组",
                formed_on=formed_on,
            )
            covered = villages[g::GROUPS_PER_TOWN]
            group.villages.set(covered)
            leader = (
                accounts["inspector"]
                if g == 0 and accounts["inspector"].region_id == town.pk
                else _member(rng, town, 2 * g + 1)
            )
            Membership.objects.create(group=group, user=leader, is_leader=True)
            Membership.objects.create(group=group, user=_member(rng, town, 2 * g + 2))
            groups.append(group)
            if not covered:
                continue
            for month in [*months, today.strftime("%Y-%m")]:
                first = datetime.date.fromisoformat(month + "-01")
                for _n in range(VISITS_PER_MONTH):
                    # Every draw is made before a visit still to come this month is left out,
                    # so the months before are the same on any day.
                    day = first + datetime.timedelta(days=rng.randint(0, 27))
                    kind = rng.choice(VisitKind.values)
                    village = rng.choice(covered)
                    minutes = rng.choice([45, 60, 90, 120])
                    if day >= today:
                        continue  # logged at five in the afternoon: today's are still to come
                    visits.append(
                        Visit(
                            group=group,
                            village=village,
                            kind=kind,
                            visited_on=day,
                            minutes=minutes,
                            people_met="村干部、群众代表",
                            notes=NOTES[VisitKind(kind)],
                            recorded_by=leader,
                            recorded_at=timezone.make_aware(
                                datetime.datetime.combine(day, datetime.time(17))
                            ),
                        )
                    )
            if town.pk == accounts["inspector"].region_id and g == 0:
                _expenditures(rng, covered, months[-1])
    Visit.objects.bulk_create(visits, batch_size=1000)
    _findings(rng, groups, reviewer, today)
    _reports(rng, groups, months)
    _summaries(rng, sorted(made.towns.values(), key=lambda t: t.code), months, reviewer)
    return len(visits)


def _expenditures(rng: random.Random, villages: list[Region], month: str) -> None:
    first = datetime.date.fromisoformat(month + "-01")
    Expenditure.objects.bulk_create(
        Expenditure(
            village=village,
            spent_on=first + datetime.timedelta(days=n),
            amount=Decimal(rng.randrange(200, 5000)),
            payee=rng.choice(["砂石场", "施工队", "文具店", "电力所"]),
            purpose=rng.choice(["村道维修", "办公用品", "电费", "水渠清淤"]),
            voucher=f"記-{n + 1:03d}",
        )
        for village in villages
        for n in range(12)
    )


def _findings(
    rng: random.Random, groups: list[InspectionGroup], reviewer: User, today: datetime.date
) -> None:
    """About one finding per group per half year, reviewed by the county for the demo."""
    this_month = today.replace(day=1)
    now = timezone.now()
    for group in groups:
        chosen = list(
            group.visits.filter(visited_on__lt=this_month).order_by("visited_on", "pk")[::6]
        )
        leader = group.members.get(is_leader=True).user
        for visit in chosen[:2]:
            finding_class, summary = rng.choice(FINDINGS)
            # Raised on the evening of the visit, reviewed by the county two days later: the
            # item it puts on the list is dated then, not on the day the demo was loaded.
            raised = visit.recorded_at + datetime.timedelta(hours=1)
            finding = actions.raise_finding(
                visit=visit,
                village=visit.village,
                finding_class=finding_class,
                summary=summary,
                actor=leader,
                now=raised,
            )
            if rng.random() < 0.8:
                reviewed = min(raised + datetime.timedelta(days=2), now)
                actions.review_finding(
                    finding=finding,
                    accept=True,
                    actor=reviewer,
                    responsible="村委会主任",
                    deadline=timezone.localdate(reviewed)
                    + datetime.timedelta(days=rng.randint(10, 60)),
                    now=reviewed,
                )
                _put_right(rng, finding.item, leader, today)


def _put_right(
    rng: random.Random, item: RectificationItem | None, actor: User, today: datetime.date
) -> None:
    """The village works on a finding's item: most close out by the deadline, some late, some
    are still open. Both draws are made whatever the day, so earlier items fare the same."""
    if item is None:
        return
    fate = rng.random()
    margin = rng.randint(1, 8)
    if fate < 0.7:
        done = item.deadline - datetime.timedelta(days=margin)
    elif fate < 0.85:
        done = item.deadline + datetime.timedelta(days=margin)
    else:
        return  # still open: the county's sweep reopens it once the deadline passes
    started = item.created_at.date() + datetime.timedelta(days=3)
    if done >= today or done <= started:
        return  # not finished yet on the day the demo is loaded
    record_milestone(item=item, progress=50, note="已组织整改。", actor=actor, today=started)
    record_milestone(item=item, progress=100, note="整改完成。", actor=actor, today=done)
    publish_feedback(item=item, feedback="已整改到位，欢迎群众监督。", actor=actor, today=done)


def _reports(rng: random.Random, groups: list[InspectionGroup], months: list[str]) -> None:
    """Signed around the 5th of the next month; last month's not after this hour."""
    latest = timezone.now() - datetime.timedelta(hours=1)
    rows = []
    for group in groups:
        leader = group.members.get(is_leader=True).user
        for month in months:
            due = reports._due(month, 5)
            signed = min(
                latest,
                timezone.make_aware(
                    datetime.datetime.combine(
                        due - datetime.timedelta(days=rng.randint(-3, 4)), datetime.time(16)
                    )
                ),
            )
            rows.append(
                MonthlyReport(
                    group=group,
                    month=month,
                    due_on=due,
                    figures=actions.report_figures(group, month),
                    compiled_at=signed,
                    comment="本月巡检按计划完成。",
                    signed_at=signed,
                    signed_by=leader,
                )
            )
    MonthlyReport.objects.bulk_create(rows, batch_size=500)


def _summaries(rng: random.Random, towns: list[Region], months: list[str], county: User) -> None:
    """Sent around the 10th of the next month; last month's not after this hour."""
    latest = timezone.now() - datetime.timedelta(hours=1)
    rows = []
    for town in towns:
        for month in months:
            due = reports._due(month, 10)
            sent = min(
                latest,
                timezone.make_aware(
                    datetime.datetime.combine(
                        due - datetime.timedelta(days=rng.randint(-2, 5)), datetime.time(10)
                    )
                ),
            )
            rows.append(
                TownSummary(
                    town=town,
                    month=month,
                    due_on=due,
                    figures=actions.summary_figures(town, month),
                    compiled_at=sent,
                    comment="各巡检组按期报告。",
                    sent_at=sent,
                    sent_by=county,
                )
            )
    TownSummary.objects.bulk_create(rows, batch_size=500)
