"""Reading a payout file from the payment platform: encoding, columns, and every row checked.

Pure reading and checking; writing is in actions.py. The encoding is detected, never guessed
silently: UTF-8 (with or without BOM) first, then GB18030 (which contains GBK); the summary
says which. Columns may be the Chinese headers or the 人社 field codes (DOMAIN.md §5.2); both
map to one canonical schema. Each bad row becomes a RowError with its row number, column,
value and reason in the user's language.
"""

import csv
import datetime
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.core import crypto
from lianyun.core.cli import LocalizedError
from lianyun.core.idnumbers import validate_id_number
from lianyun.core.masking import mask_id_number
from lianyun.people.models import id_number_index
from lianyun.policies.models import SubsidyItem
from lianyun.regions.models import Region, RegionKind

# Canonical field ← every header the platform or a department may use for it.
HEADERS: dict[str, tuple[str, ...]] = {
    "serial": ("业务流水号", "流水号", "chb010"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "社会保障号码", "aac002"),
    "name": ("姓名", "aac003"),
    "item": ("补贴项目", "补贴项目名称", "chi031", "chi031_desc"),
    "period": ("发放期号", "期号", "aae209"),
    "amount": ("金额", "发放金额", "金额(元)", "金额（元）", "aae019"),
    "paid_on": ("发放时间", "实发时间", "chb204"),
    "town": ("乡镇", "chb017"),
    "village": ("村", "村(社区)", "村（社区）", "chb018"),
    "village_code": ("村代码", "区划代码"),
    "card_number": ("社保卡号", "aaz500"),
    "bank_account": ("银行账号", "银行卡号", "aac203", "aae010"),
    "status": ("业务状态", "状态", "chb01e"),
    "failure_reason": ("失败原因", "chb203"),
    "department": ("主管部门", "chi037", "chi011"),
    "handled_on": ("经办时间", "aae036"),
    "category": ("保障类别", "低保类别", "类别"),  # e.g. 一类/二类/三类 for 低保
}
REQUIRED = ("id_number", "name", "item", "period", "amount")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
MAX_ROWS = 5_000_000


class ImportRefused(LocalizedError):
    """The whole file is refused (encoding, layout); nothing was written."""


def decode(data: bytes) -> tuple[str, str]:
    """(encoding, text). UTF-8 with BOM, UTF-8, then GB18030; GBK is reported when it fits."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return "UTF-8-BOM", data[3:].decode("utf-8")
        except UnicodeDecodeError as error:
            raise ImportRefused(
                gettext_lazy("The file starts as UTF-8 but byte %(offset)d is not UTF-8."),
                {"offset": error.start + 3},
            ) from None
    try:
        return "UTF-8", data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as error:
        raise ImportRefused(
            gettext_lazy(
                "The file is neither UTF-8 nor GBK/GB18030 (byte %(offset)d cannot be read)."
            ),
            {"offset": error.start},
        ) from None
    try:
        text.encode("gbk")
        return "GBK", text
    except UnicodeEncodeError:
        return "GB18030", text


def read_rows(data: bytes) -> tuple[str, Iterator[list[str]]]:
    """(encoding or "XLSX", rows including the header)."""
    if data.startswith(b"PK\x03\x04"):
        from lianyun.ledger.xlsx import read_xlsx

        return "XLSX", read_xlsx(data)
    encoding, text = decode(data)
    return encoding, csv.reader(io.StringIO(text, newline=""))


def map_header(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    lookup = {alias.lower(): field for field, aliases in HEADERS.items() for alias in aliases}
    for position, raw in enumerate(header):
        field = lookup.get(raw.strip().lstrip("\ufeff").lower())
        if field is not None and field not in columns:
            columns[field] = position
    missing = [field for field in REQUIRED if field not in columns]
    if not ("village_code" in columns or ("town" in columns and "village" in columns)):
        missing.append("village_code")
    if missing:
        expected = (
            "、".join(HEADERS[field][0] for field in (*REQUIRED, "village_code"))
            + "（或 乡镇 + 村）"
        )
        raise ImportRefused(
            gettext_lazy(
                "Unknown column layout: %(missing)s not found. Expected columns: %(expected)s; "
                "the 人社 codes (aac002, aac003, chi031, aae209, aae019 …) also work."
            ),
            {"missing": ", ".join(HEADERS[f][0] for f in missing), "expected": expected},
        )
    return columns


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str


@dataclass(frozen=True)
class CleanRow:
    row_key: str
    serial: str | None
    id_number: str
    name: str
    item_id: int
    period: str
    amount: Decimal
    paid_on: datetime.date | None
    village_id: int
    account_last4: str
    status: str
    failure_reason: str
    private_use: bool
    category: str = ""


def _period(value: str) -> str | None:
    match = re.fullmatch(r"(\d{4})-?(\d{2})", value.strip())
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return None
    return f"{year:04d}-{month:02d}"


def _date(value: str) -> datetime.date | None:
    text = value.strip()[:10].replace("/", "-")
    if re.fullmatch(r"\d{8}", text):
        text = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return datetime.date.fromisoformat(text)


def _amount(value: str) -> Decimal | None:
    try:
        amount = Decimal(value.strip().replace(",", ""))
    except InvalidOperation:
        return None
    if amount <= 0 or amount.as_tuple().exponent < -2 or amount >= Decimal("1e10"):  # type: ignore[operator]
        return None
    return amount


FAILED_STATUSES = {"失败", "11", "failed", "发放失败"}


class RowChecker:
    """Checks rows against the catalogue and the region tree, loaded once per import."""

    def __init__(self, columns: dict[str, int], departments: set[int] | None = None) -> None:
        self.columns = columns
        self.items: dict[str, int] = {}
        self.foreign: set[int] = set()  # items of departments the importer may not pay for
        for item in SubsidyItem.objects.all():
            self.items[item.name] = item.pk
            for alias in item.alias_list:
                self.items.setdefault(alias, item.pk)
            if departments is not None and item.department_id not in departments:
                self.foreign.add(item.pk)
        villages = Region.objects.filter(kind=RegionKind.VILLAGE).select_related("parent")
        self.by_code = {v.code: v.pk for v in villages}
        self.by_names = {(v.parent.name if v.parent else "", v.name): v.pk for v in villages}

    def value(self, row: list[str], field: str) -> str:
        position = self.columns.get(field)
        return row[position].strip() if position is not None and position < len(row) else ""

    def check(self, number: int, row: list[str]) -> CleanRow | list[RowError]:
        errors: list[RowError] = []

        def bad(field: str, reason: str, shown: str | None = None) -> None:
            raw = self.value(row, field)
            errors.append(
                RowError(number, HEADERS[field][0], shown if shown is not None else raw, reason)
            )

        try:
            id_number = validate_id_number(self.value(row, "id_number"))
        except ValidationError as error:
            id_number = ""
            bad("id_number", " ".join(error.messages), mask_id_number(self.value(row, "id_number")))
        name = self.value(row, "name")
        if not name or len(name) > 32:
            bad("name", _("The name is missing or too long."))
        item_id = self.items.get(self.value(row, "item"))
        if item_id is None:
            bad("item", _("Not a subsidy item in the catalogue."))
        elif item_id in self.foreign:
            bad("item", _("This item is paid by another department."))
            item_id = None
        period = _period(self.value(row, "period"))
        if period is None:
            bad("period", _("The period is YYYYMM or YYYY-MM."))
        amount = _amount(self.value(row, "amount"))
        if amount is None:
            bad("amount", _("The amount is a positive number with at most 2 decimals."))
        paid_on = None
        if self.value(row, "paid_on"):
            try:
                paid_on = _date(self.value(row, "paid_on"))
            except ValueError:
                bad("paid_on", _("Not a date."))
        code = self.value(row, "village_code")
        village_id = (
            self.by_code.get(code)
            if code
            else self.by_names.get((self.value(row, "town"), self.value(row, "village")))
        )
        if village_id is None:
            bad("village_code" if code else "village", _("Not a village of this county."))
        if errors or item_id is None or period is None or amount is None or village_id is None:
            return errors
        serial = self.value(row, "serial") or None
        status = "failed" if self.value(row, "status").lower() in FAILED_STATUSES else "paid"
        canonical = (
            f"serial:{serial}"
            if serial
            else f"{id_number}|{item_id}|{period}|{amount}|{village_id}"
        )
        account = re.sub(r"\D", "", self.value(row, "bank_account"))
        return CleanRow(
            row_key=crypto.blind_index(canonical, context="ledger.Payout.row"),
            serial=serial,
            id_number=id_number,
            name=name,
            item_id=item_id,
            period=period,
            amount=amount,
            paid_on=paid_on,
            village_id=village_id,
            account_last4=account[-4:],
            status=status,
            failure_reason=self.value(row, "failure_reason")[:100],
            private_use=bool(PRIVATE_USE.search(name)),
            category=self.value(row, "category")[:16],
        )


def index_of(id_number: str) -> str:
    return id_number_index(id_number)
