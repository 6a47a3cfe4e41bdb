"""大数据比对 for the demo county: the registries a county would receive (deaths from the
police and funeral homes, the public payroll, the village cadres and their declared relatives,
the household register, the 低保 separate filings), written as GBK CSV and read by the registry
importer; a second payout batch from the platform with the problems counties actually find
planted in it (docs/domain.md §1.3); then the cross-checks run, and the commission has begun its
review: one flag confirmed into a lead, one dismissed, one village asked to explain.

What is planted: four recipients who died in the first month and were paid on; three 低保
recipients on the public payroll; relatives of village cadres paid 低保 or 临时救助 in the
cadre's village with no separate filing (and one with a filing, which is not flagged); a month
paid twice; five households' 临时救助 of one village into one account; 高龄津贴 above the standard and
to someone far too young; 临时救助 paid short of the approved amount, and paid late.
"""

import datetime
import random
from decimal import Decimal

from lianyun.accounts.models import User
from lianyun.core import crypto
from lianyun.demo.generator import DemoCounty
from lianyun.ledger.actions import import_payouts
from lianyun.ledger.models import Payout
from lianyun.people.models import ID_CONTEXT, Post, Relative, Resident
from lianyun.policies.models import SubsidyItem
from lianyun.redflags import actions
from lianyun.redflags.models import Flag, RegistryKind

DEMO_TOWN = "511923103"  # 佛楼镇, whose commission signs in as the demo's "town"
HEADER = (
    "业务流水号,身份证号,姓名,补贴项目,发放期号,金额,应发金额,发放时间,审批日期,村代码,银行账号"
)


def _id(resident: Resident) -> str:
    return crypto.decrypt(resident.id_number_encrypted, context=ID_CONTEXT)


def _csv(header: str, rows: list[str]) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("gbk")


def _registry(kind: str, header: str, rows: list[str], user: User) -> None:
    summary = actions.import_registry(
        kind=kind, data=_csv(header, rows), label=f"demo-{kind}.csv", actor=user
    )
    if summary.errors:
        raise RuntimeError(f"demo registry {kind}: {summary.errors[:3]}")


def _registries(rng: random.Random, months: list[str], county: User) -> dict[str, list[Resident]]:
    """The registries, and who in them the planted payouts are about."""
    paid = Payout.objects.filter(status="paid", resident__isnull=False)
    dibao = list(
        Resident.objects.filter(pk__in=paid.filter(item__code="dibao").values("resident_id"))
        .select_related("village")
        .order_by("pk")
    )
    elders = list(
        Resident.objects.filter(
            pk__in=paid.filter(item__code="old_age_allowance").values("resident_id")
        )
        .select_related("village")
        .order_by("pk")
    )
    others = [r for r in dibao if r not in elders]
    # One of the dead lived in the demo town, whose commission confirms the flag.
    local = [r for r in elders if r.village.code.startswith(DEMO_TOWN)]
    first = rng.sample(local, 1) if local else []
    dead = first + rng.sample(
        [r for r in elders if r not in first], min(2, len(elders)) - len(first)
    )
    dead += rng.sample(others, min(2, len(others)))
    rest = [r for r in dibao if r not in dead]
    employees = rng.sample(rest, min(3, len(rest)))
    died = datetime.date.fromisoformat(months[0] + "-10")
    _registry(
        RegistryKind.DEATHS,
        "身份证号,姓名,死亡日期",
        [f"{_id(r)},{r.name},{died}" for r in dead],
        county,
    )
    _registry(
        RegistryKind.PUBLIC_EMPLOYEES,
        "身份证号,姓名,单位,起始日期,终止日期",
        [
            f"{_id(r)},{r.name},{rng.choice(['镇中心校', '县人民医院', '镇卫生院'])},2012-09-01,"
            for r in employees
        ],
        county,
    )
    posts = list(
        Post.objects.filter(unit__kind="village_committee").select_related(
            "holder__village", "unit"
        )
    )
    _registry(
        RegistryKind.CADRES,
        "身份证号,姓名,村代码,职务,起始日期,终止日期",
        [
            f"{_id(p.holder)},{p.holder.name},{p.unit.region.code},{p.title[:32]},{p.start},{p.end or ''}"
            for p in posts
            if p.unit.region.kind == "village"
        ],
        county,
    )
    relatives = list(Relative.objects.select_related("cadre", "relative__village"))
    _registry(
        RegistryKind.RELATIVES,
        "干部身份证号,亲属身份证号,关系",
        [f"{_id(r.cadre)},{_id(r.relative)},{r.get_relation_display()}" for r in relatives],
        county,
    )
    members = Resident.objects.filter(household__head__isnull=False)
    heads = {r.pk: r for r in Resident.objects.filter(pk__in=members.values("household__head_id"))}
    _registry(
        RegistryKind.HOUSEHOLDS,
        "户主身份证号,成员身份证号,关系",
        [
            f"{_id(heads[m.household.head_id])},{_id(m)},家庭成员"
            for m in members.select_related("household")
            if m.household and m.household.head_id != m.pk and m.household.head_id in heads
        ],
        county,
    )
    kin = [r.relative for r in relatives if r.relative.village_id == r.cadre.village_id]
    kin = rng.sample(kin, min(4, len(kin)))
    # Most cadres and relatives on 低保 in their own village were filed separately, as the
    # rules require; a few were not. The last of the planted 临时救助 relatives was filed too.
    close = {p.holder_id for p in posts} | {
        r.relative_id for r in relatives if r.relative.village_id == r.cadre.village_id
    }
    filed = [r for r in dibao if r.pk in close and rng.random() < 0.85]
    rows = [f"{_id(r)},低保金,2021-06-01" for r in filed]
    if kin:
        rows.append(f"{_id(kin[-1])},临时救助金,2024-03-01")
    _registry(RegistryKind.SEPARATE_FILINGS, "身份证号,补贴项目,备案日期", rows, county)
    return {"dead": dead, "employees": employees, "kin": kin, "dibao": dibao, "elders": elders}


def _batch(
    rng: random.Random,
    months: list[str],
    people: dict[str, list[Resident]],
    today: datetime.date,
) -> bytes:
    """The platform's second batch: 临时救助, a repeated month, and the planted problems."""
    rows: list[str] = []
    n = 0

    def pay(
        r: Resident,
        item: str,
        period: str,
        amount: str,
        *,
        approved: str = "",
        paid: str = "",
        approved_on: str = "",
        account: str = "",
    ) -> None:
        nonlocal n
        n += 1
        rows.append(
            ",".join(
                [
                    f"DX{period.replace('-', '')}{n:06d}",
                    _id(r),
                    r.name,
                    item,
                    period.replace("-", ""),
                    amount,
                    approved or amount,
                    paid or f"{period}-20",
                    approved_on or f"{period}-05",
                    r.village.code,
                    account or f"62170{rng.randrange(10**13):013d}",
                ]
            )
        )

    last = months[-1]
    everyone = list(Resident.objects.select_related("village").order_by("pk"))
    pool = rng.sample(everyone, min(400, len(everyone)))
    # Ordinary 临时救助: approved, paid in full and on time.
    for r in pool[:40]:
        pay(r, "临时救助金", last, rng.choice(["800.00", "1000.00", "1500.00"]))
    # Paid short of the approved amount (截留克扣), and paid late.
    for r in pool[40:43]:
        pay(r, "临时救助金", last, "1200.00", approved="1500.00")
    for r in pool[43:45]:
        month_end = datetime.date.fromisoformat(last + "-01").replace(day=28)
        pay(r, "临时救助金", last, "1000.00", approved_on=months[0] + "-05", paid=str(month_end))
    # Five people of one village, each of another household, paid into one account (a cadre
    # who keeps villagers' cards, 代管).
    village = pool[45].village_id
    households: set[int | None] = set()
    shared: list[Resident] = []
    for r in everyone:
        if r.village_id == village and r.household_id not in households and len(shared) < 5:
            households.add(r.household_id)
            shared.append(r)
    for r in shared:
        pay(r, "临时救助金", last, "600.00", account="6217000088886666001")
    # Relatives of village cadres: 临时救助 in the cadre's village, no separate filing.
    for r in people["kin"]:
        pay(r, "临时救助金", last, "2000.00")
    # A month paid twice: the platform pushed three 低保 records again.
    for r in people["dibao"][:3]:
        amount = (
            Payout.objects.filter(resident=r, item__code="dibao", period=last)
            .values_list("amount", flat=True)
            .first()
        )
        if amount is not None:
            pay(r, "低保金", last, str(amount))
    # 高龄津贴 above the standard, and to someone far too young.
    if people["elders"]:
        pay(people["elders"][0], "高龄津贴", _month_before(months[0]), "300.00")
    young = next((r for r in pool if (today - r.birth_date).days < 60 * 365), None)
    if young is not None:
        pay(young, "高龄津贴", _month_before(months[0]), "100.00")
    return _csv(HEADER, rows)


def _month_before(period: str) -> str:
    first = datetime.date.fromisoformat(period + "-01")
    return f"{(first - datetime.timedelta(days=1)):%Y-%m}"


def seed_redflags(
    made: DemoCounty, rng: random.Random, accounts: dict[str, User], today: datetime.date
) -> int:
    """Returns how many flags the demo's run left."""
    county = accounts["county"]
    SubsidyItem.objects.filter(code="old_age_allowance").update(
        amount=Decimal("100.00"), amount_unit="人·月"
    )
    months = sorted(set(Payout.objects.values_list("period", flat=True)))
    people = _registries(rng, months, county)
    import_payouts(
        data=_batch(rng, months, people, today), source="cli", label="demo-payouts-second.csv"
    )
    summary = actions.crosscheck()
    flags = list(Flag.objects.select_related("village").order_by("-stake", "pk"))
    town = accounts["town"]
    mine = [f for f in flags if f.village.code.startswith(DEMO_TOWN)]
    if mine:
        actions.confirm(flag=mine[0], actor=town)
    dismissable = Flag.objects.filter(rule="late_paid", status="open").order_by("pk").first()
    if dismissable is not None:
        actions.dismiss(
            flag=dismissable, actor=county, reason="财政资金下达延迟，已核实并督促整改。"
        )
    ask = Flag.objects.filter(rule="short_paid", status="open").order_by("pk").first()
    if ask is not None:
        actions.ask_village(
            flag=ask,
            actor=county,
            question="请说明本月临时救助金实发金额少于审批金额的原因，并提供发放凭证。",
            due=today + datetime.timedelta(days=10),
        )
    return summary.flags_new
