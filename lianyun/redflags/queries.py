"""Reading the flags: the queue, and the correlation of flags and money at stake with
complaints (petitions, inquiry-meeting demands, inspection findings) per village, per
responsible official and per town × item."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from lianyun.core.access import Actor
from lianyun.inquiries.models import Demand
from lianyun.inspections.models import Finding
from lianyun.ledger.models import Payout
from lianyun.petitions.access import visible_petitions
from lianyun.redflags.models import Flag, FlagStatus
from lianyun.regions.models import Region

LIVE = [FlagStatus.OPEN, FlagStatus.ASKED, FlagStatus.CONFIRMED]  # dismissed ones do not count


@dataclass
class VillageRisk:
    village: Region
    flags: int = 0
    stake: Decimal = Decimal(0)
    petitions: int = 0
    demands: int = 0
    findings: int = 0
    officials: set[str] = field(default_factory=set)

    @property
    def complaints(self) -> int:
        return self.petitions + self.demands + self.findings


def _period(start: datetime.date, end: datetime.date) -> tuple[str, str]:
    return f"{start:%Y-%m}", f"{end:%Y-%m}"


def risk_list(
    user: Actor, flags: QuerySet[Flag], start: datetime.date, end: datetime.date
) -> list[VillageRisk]:
    """Villages ranked by money at stake, then flags, with the complaints of the same period
    beside them (petitions as this user may see them)."""
    first, last = _period(start, end)
    rows: dict[int, VillageRisk] = {}
    live = flags.filter(status__in=LIVE, period__gte=first, period__lte=last).select_related(
        "village__parent"
    )
    for flag in live:
        row = rows.setdefault(flag.village_id, VillageRisk(flag.village))
        row.flags += 1
        row.stake += flag.stake
        row.officials.update(flag.officials)
    ids = list(rows)
    for region_id, n in (
        visible_petitions(user)
        .filter(region_id__in=ids, received_on__range=(start, end))
        .order_by()
        .values_list("region_id")
        .annotate(n=Count("id"))
    ):
        rows[region_id].petitions = n
    for region_id, n in (
        Demand.objects.filter(
            meeting__village_id__in=ids, meeting__starts_at__date__range=(start, end)
        )
        .order_by()
        .values_list("meeting__village_id")
        .annotate(n=Count("id"))
    ):
        rows[region_id].demands = n
    for region_id, n in (
        Finding.objects.filter(village_id__in=ids, visit__visited_on__range=(start, end))
        .order_by()
        .values_list("village_id")
        .annotate(n=Count("id"))
    ):
        rows[region_id].findings = n
    return sorted(rows.values(), key=lambda r: (-r.stake, -r.flags, -r.complaints, r.village.code))


@dataclass
class OfficialRisk:
    official: str
    villages: set[str] = field(default_factory=set)
    flags: int = 0
    stake: Decimal = Decimal(0)


def official_risks(villages: list[VillageRisk]) -> list[OfficialRisk]:
    """The responsible officials (the village's cadres in office when flagged), ranked."""
    rows: dict[str, OfficialRisk] = {}
    for v in villages:
        for name in v.officials:
            row = rows.setdefault(
                f"{name}（{v.village.name}）", OfficialRisk(f"{name}（{v.village.name}）")
            )
            row.villages.add(v.village.name)
            row.flags += v.flags
            row.stake += v.stake
    return sorted(rows.values(), key=lambda r: (-r.stake, -r.flags, r.official))


@dataclass
class Heat:
    towns: list[Region]
    items: list[tuple[str, str]]  # (code, name); "" for flags on no single item
    cells: dict[tuple[int, str], tuple[int, Decimal]]
    top: Decimal

    @property
    def rows(self) -> list[tuple[Region, list[tuple[str, int, Decimal, int]]]]:
        """Per town, per item: (item code, flags, stake, shade 0–9 by stake)."""
        out = []
        for town in self.towns:
            cells = []
            for code, _name in self.items:
                n, stake = self.cells.get((town.pk, code), (0, Decimal(0)))
                shade = min(9, int(10 * stake / self.top)) if self.top and n else 0
                cells.append((code, n, stake, shade))
            out.append((town, cells))
        return out


def heat(flags: QuerySet[Flag], start: datetime.date, end: datetime.date) -> Heat:
    first, last = _period(start, end)
    cells: dict[tuple[int, str], tuple[int, Decimal]] = {}
    towns: dict[int, Region] = {}
    items: dict[str, str] = {}
    grouped = (
        flags.filter(status__in=LIVE, period__gte=first, period__lte=last)
        .order_by()
        .values("village__parent_id", "item__code", "item__name")
        .annotate(n=Count("id"), stake=Sum("stake"))
    )
    for row in grouped:
        key = (row["village__parent_id"], row["item__code"] or "")
        cells[key] = (row["n"], row["stake"] or Decimal(0))
        items[row["item__code"] or ""] = row["item__name"] or ""
    towns = {t.pk: t for t in Region.objects.filter(pk__in={k[0] for k in cells})}
    top = max((stake for _n, stake in cells.values()), default=Decimal(0))
    return Heat(sorted(towns.values(), key=lambda t: t.code), sorted(items.items()), cells, top)


def by_rule(flags: QuerySet[Flag]) -> dict[str, tuple[int, Decimal]]:
    out: dict[str, tuple[int, Decimal]] = defaultdict(lambda: (0, Decimal(0)))
    for row in flags.order_by().values("rule").annotate(n=Count("id"), stake=Sum("stake")):
        out[row["rule"]] = (row["n"], row["stake"] or Decimal(0))
    return dict(out)


def flags_listed(
    flags: QuerySet[Flag], *, status: str, rule: str, town: str, item: str
) -> QuerySet[Flag]:
    """The review queue as filtered on its page, largest stake first. Each filter applies
    only when given: a status, a rule, a town's code, an item's code ("-" for none)."""
    flags = flags.select_related("village__parent", "item")
    if status:
        flags = flags.filter(status=status)
    if rule:
        flags = flags.filter(rule=rule)
    if town:
        flags = flags.filter(village__parent__code=town)
    if item == "-":
        flags = flags.filter(item__isnull=True)
    elif item:
        flags = flags.filter(item__code=item)
    return flags.order_by("-stake", "pk")


def with_status(flags: QuerySet[Flag], status: str) -> QuerySet[Flag]:
    return flags.filter(status=status)


def flag_payouts(flag: Flag) -> QuerySet[Payout]:
    return flag.payouts.select_related("item", "village", "batch").order_by("period", "pk")
