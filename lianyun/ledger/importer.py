"""Reading a payout file from the payment platform: encoding, columns, and every row checked.

Pure reading and checking; writing is in actions.py. The encoding is detected, never guessed
silently: UTF-8 (with or without BOM) first, then GB18030 (which contains GBK); the summary
says which. Columns may be the Chinese headers or the 人社 field codes (docs/domain.md §5.2); both
map to one canonical schema. Each bad row becomes a RowError with its row number, column,
value and reason in the user's language.
"""

import codecs
import csv
import datetime
import hashlib
import io
import re
import unicodedata
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Literal, NamedTuple

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lianyun.core.cli import LocalizedError
from lianyun.core.idnumbers import (
    quick_id_number,
    validate_id_number,
)
from lianyun.core.masking import mask_id_number
from lianyun.ledger.values import (
    amount_is_a_date,
    period_is_a_day,
    read_amount,
    read_date,
    read_period,
)
from lianyun.policies.models import SubsidyItem
from lianyun.regions.models import Region, RegionKind

# Canonical field ← every header the platform or a department may use for it: the platform's
# Chinese headers first (the first one is the name errors give), the common variants clerks type,
# then the 人社 field codes. Headers are compared by header_key: full-width brackets, spaces
# inside ("姓  名"), a leading * and case do not count.
HEADERS: dict[str, tuple[str, ...]] = {
    "serial": ("业务流水号", "流水号", "发放流水号", "chb010"),
    "id_number": (
        "身份证号",
        "身份证号码",
        "公民身份号码",
        "公民身份证号码",
        "身份证件号码",
        "证件号码",
        "社会保障号码",
        "领取人身份证号",
        "领取人身份证号码",
        "享受人身份证号码",
        "户主身份证号码",
        "aac002",
    ),
    "name": (
        "姓名",
        "领取人姓名",
        "享受人姓名",
        "补贴对象姓名",
        "补贴对象",
        "收款人姓名",
        "收款人",
        "户主姓名",
        "aac003",
    ),
    "item": (
        "补贴项目",
        "补贴项目名称",
        "项目名称",
        "补贴名称",
        "补贴种类",
        "资金项目",
        "资金名称",
        "chi031",
        "chi031_desc",
    ),
    "period": (
        "发放期号",
        "期号",
        "发放期间",
        "发放期",
        "发放月份",
        "发放年月",
        "所属期",
        "所属年月",
        "所属月份",
        "aae209",
    ),
    "amount": (
        "金额",
        "发放金额",
        "实发金额",
        "实发",
        "补贴金额",
        "发放金额(元)",
        "金额(元)",
        "实发金额(元)",
        "补贴金额(元)",
        "aae019",
    ),
    "paid_on": (
        "发放时间",
        "实发时间",
        "发放日期",
        "实发日期",
        "支付日期",
        "到账日期",
        "打卡日期",
        "chb204",
    ),
    "town": ("乡镇", "乡镇(街道)", "乡(镇)", "乡镇名称", "所在乡镇", "镇(乡)", "chb017"),
    "village": (
        "村",
        "村(社区)",
        "村(居)",
        "村居",
        "村名",
        "村(社区)名称",
        "所在村",
        "所在村(社区)",
        "chb018",
    ),
    "village_code": ("村代码", "区划代码", "村(社区)代码", "行政区划代码"),
    "card_number": ("社保卡号", "社会保障卡号", "社保卡卡号", "aaz500"),
    "bank_account": (
        "银行账号",
        "银行卡号",
        "银行帐号",
        "账号",
        "帐号",
        "卡号",
        "一卡通账号",
        "一卡通卡号",
        "惠民惠农一卡通账号",
        "存折账号",
        "收款账号",
        "aac203",
        "aae010",
    ),
    "status": ("业务状态", "状态", "发放状态", "chb01e"),
    "failure_reason": ("失败原因", "chb203"),
    "department": ("主管部门", "发放部门", "业务主管部门", "chi037", "chi011"),
    "handled_on": ("经办时间", "经办日期", "aae036"),
    "category": ("保障类别", "低保类别", "类别"),  # e.g. 一类/二类/三类 for 低保
    "approved_amount": ("应发金额", "应发", "核定金额", "应发金额(元)", "核定金额(元)"),
    "approved_on": ("审批日期", "批准日期", "审批时间"),
}
REQUIRED = ("id_number", "name", "item", "period", "amount")
PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
MAX_ROWS = 5_000_000


class ImportRefused(LocalizedError):
    """The whole file is refused (encoding, layout); nothing was written."""


BLOCK = 1 << 20
ZIP_MAGIC = b"PK\x03\x04"  # how an XLSX file (a zip archive) starts
Source = bytes | IO[bytes]  # a file's bytes, or the file itself (seekable), read in blocks


def opened(source: Source) -> IO[bytes]:
    return io.BytesIO(source) if isinstance(source, bytes) else source


def sha256_and_lines(source: IO[bytes]) -> tuple[str, int]:
    """The file's SHA-256 (hex) and how many line feeds it holds, read in blocks from the
    start."""
    source.seek(0)
    digest, lines = hashlib.sha256(), 0
    while block := source.read(BLOCK):
        digest.update(block)
        lines += block.count(b"\n")
    return digest.hexdigest(), lines


def _first_bad_byte(source: IO[bytes], codec: str, skip: int = 0) -> int | None:
    """Where the first byte that does not decode is, or None if all of it does; read in blocks,
    so that no copy of the file or its text is kept."""
    decoder = codecs.getincrementaldecoder(codec)()
    source.seek(skip)
    offset = skip  # of the next block
    while True:
        block = source.read(BLOCK)
        pending = len(decoder.getstate()[0])  # bytes the decoder holds from the last block
        try:
            decoder.decode(block, final=not block)
        except UnicodeDecodeError as error:
            return offset - pending + error.start
        if not block:
            return None
        offset += len(block)


def detect_encoding(source: Source) -> tuple[str, str, int]:
    """(name shown, codec, bytes to skip): UTF-8 with BOM, UTF-8, then GB18030, reported as GBK
    when it fits. A file that is none of them is refused with the offset of the bad byte."""
    source = opened(source)
    source.seek(0)
    if source.read(3) == b"\xef\xbb\xbf":
        bad = _first_bad_byte(source, "utf-8", 3)
        if bad is not None:
            raise ImportRefused(
                gettext_lazy("The file starts as UTF-8 but byte %(offset)d is not UTF-8."),
                {"offset": bad},
            )
        return "UTF-8-BOM", "utf-8", 3
    if _first_bad_byte(source, "utf-8") is None:
        return "UTF-8", "utf-8", 0
    bad = _first_bad_byte(source, "gb18030")
    if bad is not None:
        raise ImportRefused(
            gettext_lazy(
                "The file is neither UTF-8 nor GBK/GB18030 (byte %(offset)d cannot be read)."
            ),
            {"offset": bad},
        )
    return (
        ("GBK", "gbk", 0) if _first_bad_byte(source, "gbk") is None else ("GB18030", "gb18030", 0)
    )


def read_rows(source: Source) -> tuple[str, Iterator[list[str]]]:
    """(encoding or "XLSX", rows including the header), read as they are needed. A file is read
    from where it is, in blocks (an XLSX is read whole: calamine needs all of it)."""
    source = opened(source)
    source.seek(0)
    if source.read(4) == ZIP_MAGIC:
        from lianyun.ledger.xlsx import read_xlsx

        source.seek(0)
        return "XLSX", read_xlsx(source.read())
    name, codec, skip = detect_encoding(source)
    source.seek(skip)
    text = io.TextIOWrapper(source, encoding=codec, newline="")
    return name, _rows_then_let_go(text)


def _rows_then_let_go(text: io.TextIOWrapper) -> Generator[list[str]]:
    """The CSV rows; then the text layer lets go of the file without closing it (the caller
    opened it and closes it)."""
    try:
        yield from csv.reader(text)
    finally:
        if not text.closed:  # the caller may have closed the file before this is collected
            text.detach()


SPACES = re.compile(r"\s+")


def header_key(text: str) -> str:
    """A header as it is compared: NFKC (full-width brackets and letters made plain), no
    spaces anywhere, no * or ※ marking a required column, no BOM, lower case."""
    plain = unicodedata.normalize("NFKC", text.lstrip("\ufeff"))
    return SPACES.sub("", plain).strip("*※").lower()


# Each alias's field and rank: where one header row has two columns for a field (姓名 and
# 户主姓名), the one named by the earlier alias is taken.
def _ranked_aliases() -> dict[str, tuple[str, int]]:
    ranked: dict[str, tuple[str, int]] = {}
    for field, aliases in HEADERS.items():
        for rank, alias in enumerate(aliases):
            ranked.setdefault(header_key(alias), (field, rank))
    return ranked


ALIASES = _ranked_aliases()
Mapping = dict[str, str]  # field → the file's header text for it


def column_fields(header: list[str], mapping: Mapping | None = None) -> dict[str, int]:
    """Each field a header row names, by its position: the department's own mapping first,
    then the aliases that ship with the app, the earlier alias first, then the leftmost."""
    own = {header_key(text): (field, -1) for field, text in (mapping or {}).items() if text}
    best: dict[str, tuple[int, int]] = {}  # field → (rank, position)
    for position, raw in enumerate(header):
        key = header_key(raw)
        found = own.get(key) or ALIASES.get(key)
        if found is None:
            continue
        field, rank = found
        if field not in best or rank < best[field][0]:
            best[field] = (rank, position)
    return {field: position for field, (_rank, position) in best.items()}


def missing_fields(columns: dict[str, int]) -> list[str]:
    """The required fields a layout lacks; a village by its code, or by town and name."""
    missing = [field for field in REQUIRED if field not in columns]
    if not ("village_code" in columns or ("town" in columns and "village" in columns)):
        missing.append("village_code")
    return missing


class UnknownLayout(ImportRefused):
    """No header the app knows, or the department's mappings name, was found: the columns
    may be named on the upload page. `header` is the row that most looks like the header,
    which the page offers to name; when it holds a long run of digits it is a payout, and only
    its width is kept (a person's data is never kept in the clear)."""

    def __init__(
        self, missing: list[str], header: list[str] | None = None, sheet: str = ""
    ) -> None:
        expected = (
            "、".join(HEADERS[field][0] for field in (*REQUIRED, "village_code"))
            + "（或 乡镇 + 村）"
        )
        params = {"missing": ", ".join(HEADERS[f][0] for f in missing), "expected": expected}
        if sheet:
            params["sheet"] = sheet
        super().__init__(SHEET_LAYOUT if sheet else LAYOUT, params)
        self.missing = missing
        cells = [cell.strip() for cell in header or []]
        if any(LONG_DIGITS.search(cell) for cell in cells):  # a payout, not a header: not kept
            cells = [""] * len(cells)
        self.header = [cell[:40] for cell in cells]
        self.sheet = sheet

    def in_sheet(self, sheet: str) -> "UnknownLayout":
        return UnknownLayout(self.missing, self.header, sheet)


LAYOUT = gettext_lazy(
    "Unknown column layout: %(missing)s not found. Expected columns: %(expected)s; "
    "the 人社 codes (aac002, aac003, chi031, aae209, aae019 …) also work."
)
SHEET_LAYOUT = gettext_lazy(
    "Sheet %(sheet)s: unknown column layout: %(missing)s not found. Expected columns: "
    "%(expected)s; the 人社 codes (aac002, aac003, chi031, aae209, aae019 …) also work."
)
LONG_DIGITS = re.compile(r"[0-9]{6,}")  # a run that may be a person's number: never kept


def map_header(header: list[str], mapping: Mapping | None = None) -> dict[str, int]:
    columns = column_fields(header, mapping)
    missing = missing_fields(columns)
    if missing:
        raise UnknownLayout(missing, header)
    return columns


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    reason: str
    sheet: str = ""  # the worksheet, when a workbook has several tables


@dataclass(frozen=True, slots=True)
class CleanRow:
    canonical: str  # what identifies the payout; its keyed hash is the row key
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
    account_digits: str = ""
    approved_amount: Decimal | None = None
    approved_on: datetime.date | None = None
    born_on: datetime.date | None = None

    def as_good(self) -> "GoodRow":
        """The row as the import carries it from the check to the write."""
        return GoodRow(
            canonical=self.canonical,
            serial=self.serial,
            id_number=self.id_number,
            name=self.name,
            item_id=self.item_id,
            period=self.period,
            amount=str(self.amount),
            paid_on=self.paid_on.isoformat() if self.paid_on else None,
            village_id=self.village_id,
            account=self.account_digits,
            status=self.status,
            failure_reason=self.failure_reason,
            category=self.category,
            approved_amount=None if self.approved_amount is None else str(self.approved_amount),
            approved_on=self.approved_on.isoformat() if self.approved_on else None,
            born_on=self.born_on.isoformat() if self.born_on else None,
        )


class GoodRow(NamedTuple):
    """A good row, checked: the one shape the import carries from the check to the workers
    that finish it. Plain values, not objects (a block holds tens of thousands): amounts as
    their decimal text, dates in ISO form. The column-wise check's frames take their columns,
    in this order, from these fields (ledger.columnar.CLEAN); the finished record the writer
    writes is ledger.actions.writing.Finished."""

    canonical: str  # what identifies the payout; its keyed hash is the row key
    serial: str | None
    id_number: str
    name: str
    item_id: int
    period: str
    amount: str
    paid_on: str | None
    village_id: int
    account: str  # the account's digits, hashed as the account index and cut to its last four
    status: str
    failure_reason: str
    category: str
    approved_amount: str | None
    approved_on: str | None
    born_on: str | None


# A long number that Excel or WPS kept as a number, shown in scientific form (5.11923E+17): it
# holds at most 15 significant digits, so an ID, card or account number's last ones are gone.
SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+")
EXCEL_NUMBER = gettext_lazy(
    "Excel stored this column as numbers and the last digits are lost. Format the column as "
    "text in Excel or WPS and export the file again."
)


def excel_number(value: str) -> bool:
    """Whether an ID, card or account number is a number Excel turned into scientific form."""
    return bool(SCIENTIFIC.fullmatch(value.strip()))


def excel_rounded(value: str) -> bool:
    """Whether an ID number that fails its check looks like one Excel kept as a number and wrote
    out in full: 18 digits whose last three, beyond Excel's 15, came back as zeros."""
    text = value.strip()
    return len(text) == 18 and text.isdigit() and text.endswith("000")


NOT_DIGITS = re.compile(r"\D")


def _period(value: str) -> str | None:
    read = read_period(value)
    return None if read is None else read[0]


def _date(value: str) -> datetime.date:
    """A date column's value; raises ValueError when it is not a date."""
    read = read_date(value)
    if read is None:
        raise ValueError(value)
    return read[0]


def _born_on(id_number: str) -> datetime.date | None:
    """The birth date an 18-digit ID number carries (already checked)."""
    try:
        return datetime.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None


def _iso_date(value: str) -> str | Literal[False] | None:
    """A date column's value in ISO form, None when empty, False when it is not a date."""
    if not value:
        return None
    try:
        parsed = _date(value)
    except ValueError:
        return False
    return parsed.isoformat() if parsed else None


def _canonical(
    serial: str | None, id_number: str, item_id: int, period: str, amount: str, village_id: int
) -> str:
    """What identifies a payout (its keyed hash is the row key): the platform's serial number
    when the file has one, else the person, item, period, amount and village."""
    if serial:
        return f"serial:{serial}"
    return f"{id_number}|{item_id}|{period}|{amount}|{village_id}"


def _amount_text(value: str) -> str | None:
    """The amount as stored (its decimal text), or None when it is not one."""
    amount = _amount(value)
    return None if amount is None else str(amount)


def _amount(value: str) -> Decimal | None:
    read = read_amount(value)
    return None if read is None else read[0]


# The fields whose values may be written in forms other than the stored one, and the reader
# that names each value's form.
def _form_of(reader: Callable[[str], tuple[object, str] | None]) -> Callable[[str], str]:
    def form(value: str) -> str:
        read = reader(value) if value else None
        return "" if read is None else read[1]

    return form


FORMS: dict[str, Callable[[str], str]] = {
    "period": _form_of(read_period),
    "amount": _form_of(read_amount),
    "paid_on": _form_of(read_date),
    "approved_on": _form_of(read_date),
    "approved_amount": _form_of(read_amount),
}


def period_reason(value: str) -> str:
    if period_is_a_day(value):
        return _("Eight digits are a day, not a month: write the month as 202609 or 2026-09.")
    return _("The period is a month: 202609, 2026-09, 2026年9月 or 2026.09.")


def amount_reason(value: str) -> str:
    if amount_is_a_date(value):
        return _(
            "This could be a date as well as an amount: check that the columns are in their "
            "places, and that the amount is in yuan."
        )
    return _("The amount is a positive number of yuan with at most 2 decimals.")


FAILED_STATUSES = {"失败", "11", "failed", "发放失败"}


def failed_or_paid(status: str) -> str:
    return "failed" if status.lower() in FAILED_STATUSES else "paid"


FIELDS = tuple(HEADERS)


class RowChecker:
    """Checks rows against the catalogue and the region tree, loaded once per import."""

    def __init__(self, columns: dict[str, int], departments: set[int] | None = None) -> None:
        self.columns = columns
        self.positions = [(field, columns[field]) for field in FIELDS if field in columns]
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

    def village_by_key(self, key: str) -> int | None:
        """_village for the village code, town and village joined by U+001F."""
        code, town, village = key.split("\x1f")
        return self._village({"village_code": code, "town": town, "village": village})

    def _village(self, values: dict[str, str]) -> int | None:
        """By the village code when the file has one, else by town and village name."""
        code = values["village_code"]
        if code:
            return self.by_code.get(code)
        return self.by_names.get((values["town"], values["village"]))

    def values(self, row: list[str]) -> dict[str, str]:
        """The row's cells by field, stripped; "" for a field the file has no cell for."""
        width = len(row)
        values = dict.fromkeys(FIELDS, "")
        for field, position in self.positions:
            if position < width:
                values[field] = row[position].strip()
        return values

    def forms(self, row: list[str]) -> list[tuple[str, str]]:
        """(field, form) for each value of a good row written in a form other than the one
        stored."""
        values = self.values(row)
        return [(field, form) for field, reader in FORMS.items() if (form := reader(values[field]))]

    def check(self, number: int, row: list[str]) -> CleanRow | list[RowError]:
        """The row as it will be stored, or every reason it cannot be."""
        values = self.values(row)
        id_number = quick_id_number(values["id_number"])
        name = values["name"]
        item_id = self.items.get(values["item"])
        period = _period(values["period"])
        amount = _amount(values["amount"])
        village_id = self._village(values)
        paid_on = approved_on = None
        paid_ok = approved_ok = True
        if values["paid_on"]:
            try:
                paid_on = _date(values["paid_on"])
            except ValueError:
                paid_ok = False
        if values["approved_on"]:
            try:
                approved_on = _date(values["approved_on"])
            except ValueError:
                approved_ok = False
        approved_amount = _amount(values["approved_amount"]) if values["approved_amount"] else None
        approved_amount_ok = approved_amount is not None or not values["approved_amount"]
        if (
            id_number is None
            or not name
            or len(name) > 32
            or item_id is None
            or item_id in self.foreign
            or period is None
            or amount is None
            or village_id is None
            or not paid_ok
            or not approved_ok
            or not approved_amount_ok
            or excel_number(values["bank_account"])
            or excel_number(values["card_number"])
        ):
            return self._errors(number, values, item_id, paid_ok)
        serial = values["serial"] or None
        account = NOT_DIGITS.sub("", values["bank_account"])
        return CleanRow(
            canonical=_canonical(serial, id_number, item_id, period, str(amount), village_id),
            serial=serial,
            id_number=id_number,
            name=name,
            item_id=item_id,
            period=period,
            amount=amount,
            paid_on=paid_on,
            village_id=village_id,
            account_last4=account[-4:],
            status=failed_or_paid(values["status"]),
            failure_reason=values["failure_reason"][:100],
            private_use=bool(PRIVATE_USE.search(name)),
            category=values["category"][:16],
            account_digits=account,
            approved_amount=approved_amount,
            approved_on=approved_on,
            born_on=_born_on(id_number),
        )

    def _errors(
        self, number: int, values: dict[str, str], item_id: int | None, paid_ok: bool
    ) -> list[RowError]:
        """The slow path, for bad rows only: every reason, in the user's language."""
        errors: list[RowError] = []

        def bad(field: str, reason: str, shown: str | None = None) -> None:
            raw = values[field]
            errors.append(
                RowError(number, HEADERS[field][0], shown if shown is not None else raw, reason)
            )

        if excel_number(values["id_number"]):
            bad("id_number", str(EXCEL_NUMBER))
        else:
            try:
                validate_id_number(values["id_number"])
            except ValidationError as error:
                reason = (
                    str(EXCEL_NUMBER)
                    if excel_rounded(values["id_number"])
                    else " ".join(error.messages)
                )
                bad("id_number", reason, mask_id_number(values["id_number"]))
        for field in ("card_number", "bank_account"):
            if excel_number(values[field]):
                bad(field, str(EXCEL_NUMBER))
        name = values["name"]
        if not name or len(name) > 32:
            bad("name", _("The name is missing or too long."))
        if item_id is None:
            bad("item", _("Not a subsidy item in the catalogue."))
        elif item_id in self.foreign:
            bad("item", _("This item is paid by another department."))
        if _period(values["period"]) is None:
            bad("period", period_reason(values["period"]))
        if _amount(values["amount"]) is None:
            bad("amount", amount_reason(values["amount"]))
        if not paid_ok:
            bad("paid_on", _("Not a date."))
        if values["approved_on"]:
            try:
                _date(values["approved_on"])
            except ValueError:
                bad("approved_on", _("Not a date."))
        if values["approved_amount"] and _amount(values["approved_amount"]) is None:
            bad("approved_amount", amount_reason(values["approved_amount"]))
        if self._village(values) is None:
            field = "village_code" if values["village_code"] else "village"
            bad(field, _("Not a village of this county."))
        return errors
