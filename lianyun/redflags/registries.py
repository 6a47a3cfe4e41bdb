"""Reading a reference registry file: the payout importer's rules (encoding detected, never
guessed; XLSX checked before it is opened; Chinese headers), a schema per kind, and every row
checked. Pure reading; actions.import_registry writes."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.core.idnumbers import quick_id_number, validate_id_number
from lianyun.core.masking import mask_id_number
from lianyun.ledger.importer import ImportRefused, RowError, read_rows
from lianyun.ledger.xlsx import check_zip
from lianyun.people.models import id_number_index
from lianyun.policies.models import SubsidyItem
from lianyun.redflags.models import RegistryKind
from lianyun.regions.models import Region, RegionKind

# Per kind: canonical field → (the header as published, other headers accepted), required?
ID, DATE, TEXT, VILLAGE, ITEM, OPTIONAL_DATE = "id", "date", "text", "village", "item", "date?"
SCHEMAS: dict[str, list[tuple[str, tuple[str, ...], str]]] = {
    RegistryKind.HOUSEHOLDS: [
        ("head", ("户主身份证号", "户主身份证号码"), ID),
        ("member", ("成员身份证号", "成员身份证号码"), ID),
        ("relation", ("关系", "与户主关系"), TEXT),
    ],
    RegistryKind.DEATHS: [
        ("id", ("身份证号", "身份证号码"), ID),
        ("name", ("姓名",), TEXT),
        ("died_on", ("死亡日期", "注销日期"), DATE),
    ],
    RegistryKind.PUBLIC_EMPLOYEES: [
        ("id", ("身份证号", "身份证号码"), ID),
        ("name", ("姓名",), TEXT),
        ("unit", ("单位", "工作单位"), TEXT),
        ("start", ("起始日期", "入职日期"), DATE),
        ("end", ("终止日期", "离职日期"), OPTIONAL_DATE),
    ],
    RegistryKind.CADRES: [
        ("id", ("身份证号", "身份证号码"), ID),
        ("name", ("姓名",), TEXT),
        ("village", ("村代码", "区划代码"), VILLAGE),
        ("title", ("职务",), TEXT),
        ("start", ("起始日期", "任职日期"), DATE),
        ("end", ("终止日期", "离任日期"), OPTIONAL_DATE),
    ],
    RegistryKind.RELATIVES: [
        ("cadre", ("干部身份证号",), ID),
        ("relative", ("亲属身份证号",), ID),
        ("relation", ("关系",), TEXT),
    ],
    RegistryKind.SEPARATE_FILINGS: [
        ("id", ("身份证号", "身份证号码"), ID),
        ("item", ("补贴项目",), ITEM),
        ("filed_on", ("备案日期",), DATE),
    ],
}


@dataclass
class Parsed:
    encoding: str
    rows_read: int
    rows: list[dict[str, Any]]
    errors: list[RowError]


def _date(text: str) -> datetime.date:
    text = text.strip()[:10].replace("/", "-")
    if len(text) == 8 and text.isdigit():
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return datetime.date.fromisoformat(text)


def parse(kind: str, data: bytes) -> Parsed:
    """Every row of the file as clean values (ID numbers as their index and masked form), or
    the file refused (encoding, layout) with nothing read."""
    schema = SCHEMAS.get(kind)
    if schema is None:
        raise ImportRefused(
            gettext_lazy("Unknown registry %(kind)s; one of %(kinds)s."),
            {"kind": kind, "kinds": ", ".join(RegistryKind.values)},
        )
    if data.startswith(b"PK\x03\x04"):
        check_zip(data)
    encoding, rows = read_rows(data)
    header = next(rows, None) or []
    names = [h.strip().lstrip("\ufeff") for h in header]
    positions: dict[str, int] = {}
    for field, headers, _kind in schema:
        found = next((names.index(h) for h in headers if h in names), None)
        if found is None:
            raise ImportRefused(
                gettext_lazy(
                    "Unknown column layout: %(missing)s not found. Expected: %(expected)s."
                ),
                {"missing": headers[0], "expected": "、".join(h[0] for _f, h, _k in schema)},
            )
        positions[field] = found
    villages = (
        dict(Region.objects.filter(kind=RegionKind.VILLAGE).values_list("code", "pk"))
        if kind == RegistryKind.CADRES
        else {}
    )
    items: dict[str, int] = {}
    if kind == RegistryKind.SEPARATE_FILINGS:
        for item in SubsidyItem.objects.all():
            items[item.name] = item.pk
            for alias in item.alias_list:
                items.setdefault(alias, item.pk)
    parsed = Parsed(encoding, 0, [], [])
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        parsed.rows_read += 1
        clean: dict[str, Any] = {}
        bad: list[RowError] = []
        for field, headers, kind_of in schema:
            raw = row[positions[field]].strip() if positions[field] < len(row) else ""
            try:
                clean.update(_value(field, kind_of, raw, villages, items))
            except (ValueError, ValidationError) as error:
                reason = (
                    " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
                )
                shown = mask_id_number(raw) if kind_of == ID else raw
                bad.append(RowError(number, headers[0], shown, reason))
        if bad:
            parsed.errors.extend(bad)
        else:
            parsed.rows.append(clean)
    return parsed


def _value(
    field: str, kind: str, raw: str, villages: dict[str, int], items: dict[str, int]
) -> dict[str, Any]:
    if kind == ID:
        number = quick_id_number(raw)
        if number is None:
            validate_id_number(raw)  # raises with the reason
            raise ValueError(_("Not a valid ID number."))
        return {
            f"{field}_index": id_number_index(number),
            f"{field}_masked": mask_id_number(number),
        }
    if kind in (DATE, OPTIONAL_DATE):
        if not raw and kind == OPTIONAL_DATE:
            return {field: None}
        try:
            return {field: _date(raw)}
        except ValueError:
            raise ValueError(_("Not a date.")) from None
    if kind == VILLAGE:
        if raw not in villages:
            raise ValueError(_("Not a village of this county."))
        return {field: villages[raw]}
    if kind == ITEM:
        if raw not in items:
            raise ValueError(_("Not a subsidy item in the catalogue."))
        return {field: items[raw]}
    if not raw or len(raw) > 64:
        raise ValueError(_("Missing or too long."))
    return {field: raw}
