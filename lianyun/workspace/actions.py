"""Setting a county up: its towns and villages from the statistical code table (统计用区划代码),
the units every level has, and the county departments. What an IT operator runs once on a new
installation (docs/operations.md), and again when the table changes (new names are taken,
nothing is ever deleted).

The file has two columns, 统计用区划代码 and 名称 (or 代码 / code and name), in UTF-8 or GBK
CSV or XLSX, read by the payout importer's rules. Levels and forms come from the code itself:
6 digits of county, 3 of town (000-099 街道, 100-199 镇, 200-299 乡), 3 of village
(001-199 社区, 200-399 村). All or nothing: any bad row and nothing is written."""

from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from lianyun.core.cli import LocalizedError
from lianyun.ledger.importer import read_rows
from lianyun.ledger.xlsx import check_zip
from lianyun.regions.codes import county_prefix, parent_code, town_number, village_number
from lianyun.regions.models import Region, RegionForm, RegionKind, Unit, UnitKind

CODE_HEADERS = ("统计用区划代码", "区划代码", "代码", "code")
NAME_HEADERS = ("名称", "name")


class RegionFileRefused(LocalizedError):
    """Nothing was written; the message lists every problem, each in the reader's language."""

    def __init__(self, problems: list[LocalizedError]) -> None:
        self.problems = problems
        super().__init__("")

    def render(self) -> str:
        return "\n".join(problem.render() for problem in getattr(self, "problems", []))


@dataclass
class RegionImport:
    created: int = 0
    renamed: int = 0
    units: int = 0


def _kind_and_form(code: str) -> tuple[RegionKind, RegionForm] | None:
    town, village = town_number(code), village_number(code)
    if town == 0 and village == 0:
        return RegionKind.COUNTY, RegionForm.COUNTY
    if village == 0:
        if town < 100:
            return RegionKind.TOWN, RegionForm.SUBDISTRICT
        return RegionKind.TOWN, RegionForm.TOWN if town < 200 else RegionForm.TOWNSHIP
    if 1 <= village < 200:
        return RegionKind.VILLAGE, RegionForm.COMMUNITY
    if 200 <= village < 400:
        return RegionKind.VILLAGE, RegionForm.VILLAGE
    return None


class Row(NamedTuple):
    number: int
    code: str
    name: str
    kind: RegionKind
    form: RegionForm


LEVEL = {RegionKind.COUNTY: 0, RegionKind.TOWN: 1, RegionKind.VILLAGE: 2}


def _rows(data: bytes) -> tuple[list[Row], list[LocalizedError]]:
    if data.startswith(b"PK\x03\x04"):
        check_zip(data)
    _encoding, rows = read_rows(data)
    header = [h.strip().lstrip("\ufeff").lower() for h in next(rows, None) or []]
    code_at = next((header.index(h) for h in CODE_HEADERS if h in header), None)
    name_at = next((header.index(h) for h in NAME_HEADERS if h in header), None)
    if code_at is None or name_at is None:
        raise RegionFileRefused(
            [
                LocalizedError(
                    _("Unknown column layout. Expected: %(expected)s."),
                    {"expected": f"{CODE_HEADERS[0]}、{NAME_HEADERS[0]}"},
                )
            ]
        )
    out: list[Row] = []
    problems: list[LocalizedError] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        code = row[code_at].strip() if code_at < len(row) else ""
        name = row[name_at].strip() if name_at < len(row) else ""
        twelve_digits = len(code) == 12 and code.isascii() and code.isdigit()
        level = _kind_and_form(code) if twelve_digits else None
        if not twelve_digits:
            problems.append(
                LocalizedError(
                    _("Row %(row)d: %(code)s is not a 12-digit code."),
                    {"row": number, "code": code},
                )
            )
        elif level is None:
            problems.append(
                LocalizedError(
                    _("Row %(row)d: %(code)s is neither a county, a town nor a village."),
                    {"row": number, "code": code},
                )
            )
        elif not name or len(name) > 64:
            problems.append(
                LocalizedError(
                    _("Row %(row)d: the name is missing or longer than 64 characters."),
                    {"row": number},
                )
            )
        else:
            out.append(Row(number, code, name, *level))
    return out, problems


def import_regions(data: bytes, *, departments: list[str] | None = None) -> RegionImport:
    """Towns and villages of one county, their standard units, and the named departments."""
    rows, problems = _rows(data)
    existing = {r.code: r for r in Region.objects.all()}
    seen: dict[str, int] = {}
    counties = {county_prefix(code) for code, r in existing.items() if r.kind == RegionKind.COUNTY}
    for row in rows:
        if row.code in seen:
            problems.append(
                LocalizedError(
                    _("Row %(row)d: %(code)s already appears on row %(first)d."),
                    {"row": row.number, "code": row.code, "first": seen[row.code]},
                )
            )
        seen[row.code] = row.number
        if row.kind == RegionKind.COUNTY:
            counties.add(county_prefix(row.code))
    if len(counties) != 1:
        problems.append(
            LocalizedError(_("The file and the installation must name exactly one county."))
        )
    codes = set(seen) | set(existing)
    for row in rows:
        above = parent_code(row.code)
        if above is not None and above not in codes:
            problems.append(
                LocalizedError(
                    _("Row %(row)d: %(code)s has no %(parent)s above it."),
                    {"row": row.number, "code": row.code, "parent": above},
                )
            )
    if problems:
        raise RegionFileRefused(problems)
    result = RegionImport()
    with transaction.atomic():
        regions = dict(existing)
        # Counties, then towns, then villages: each parent exists before its children.
        for _number, code, name, kind, form in sorted(rows, key=lambda r: LEVEL[r.kind]):
            found = regions.get(code)
            if found is None:
                above = parent_code(code)
                regions[code] = Region.objects.create(
                    code=code,
                    name=name,
                    kind=kind,
                    form=form,
                    parent=regions[above] if above else None,
                )
                result.created += 1
            elif found.name != name:
                found.name = name
                found.save(update_fields=["name"])
                result.renamed += 1
        result.units = _standard_units(list(regions.values()), departments or [])
    return result


def _standard_units(regions: list[Region], departments: list[str]) -> int:
    """The units each level has, made where missing: the county commission and departments,
    each town's commission and party committee, each village's committee and its affairs
    supervision committee. Names follow the region's current name; nothing is renamed."""
    wanted: list[tuple[Region, str, str]] = []
    county = next(r for r in regions if r.kind == RegionKind.COUNTY)
    wanted.append(
        (county, f"中共{county.name}纪律检查委员会 {county.name}监察委员会", UnitKind.COMMISSION)
    )
    wanted += [(county, name.strip(), UnitKind.DEPARTMENT) for name in departments if name.strip()]
    for region in regions:
        if region.kind == RegionKind.TOWN:
            wanted.append((region, f"{region.name}纪律检查委员会", UnitKind.COMMISSION))
            wanted.append((region, f"中共{region.name}委员会", UnitKind.PARTY_COMMITTEE))
        elif region.kind == RegionKind.VILLAGE:
            community = region.form == RegionForm.COMMUNITY
            committee = "居民委员会" if community else "村民委员会"
            supervision = "居务监督委员会" if community else "村务监督委员会"
            wanted.append((region, f"{region.name}{committee}", UnitKind.VILLAGE_COMMITTEE))
            wanted.append((region, f"{region.name}{supervision}", UnitKind.VILLAGE_SUPERVISION))
    have = set(Unit.objects.values_list("region_id", "name"))
    commission = Unit.objects.filter(region=county, kind=UnitKind.COMMISSION).first()
    made = 0
    for region, name, kind in wanted:
        if (region.pk, name) in have:
            continue
        unit = Unit.objects.create(
            name=name,
            kind=kind,
            region=region,
            parent=commission if kind == UnitKind.COMMISSION and region != county else None,
        )
        if kind == UnitKind.COMMISSION and region == county:
            commission = unit
        made += 1
    return made
