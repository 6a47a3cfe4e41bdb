"""Dates, months and amounts as clerks write them in Excel and WPS, read into one stored form.

Each reader gives the stored value and the form it was written in ("" when it was already in
the stored form), so that the import counts every value it rewrote: nothing is silently
reinterpreted. A value that could be read two ways (an 8-digit number in an amount or month
column, which may be a date) is refused with its own reason, never guessed.
"""

import datetime
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

# The forms a value may be written in: a pattern (the same in every language) or one of these
# keys, which the summary shows in the reader's language. A value written in several ways at
# once has its forms joined by JOIN.
FULL_WIDTH, WITH_TIME, EXCEL_SERIAL = "full-width", "with-time", "excel-serial"
A_DATE, YUAN_SIGN, YUAN_WORD, THOUSANDS = "a-date", "yuan-sign", "yuan-word", "thousands"
LABELS: dict[str, Promise] = {
    FULL_WIDTH: gettext_lazy("full-width characters"),
    WITH_TIME: gettext_lazy("a date with a time of day (the time is dropped)"),
    EXCEL_SERIAL: gettext_lazy("an Excel date serial"),
    A_DATE: gettext_lazy("a date (its month is kept)"),
    YUAN_SIGN: gettext_lazy("with ¥"),
    YUAN_WORD: gettext_lazy("with 元"),
    THOUSANDS: gettext_lazy("with thousands separators"),
}
JOIN = " · "

DATES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})"), ""),
    (re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"), "yyyy-m-d"),
    (re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2})"), "yyyy/m/d"),
    (re.compile(r"([0-9]{4})\.([0-9]{1,2})\.([0-9]{1,2})"), "yyyy.m.d"),
    (re.compile(r"([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日"), "yyyy年m月d日"),
    (re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})"), "yyyymmdd"),
)
TIME_OF_DAY = re.compile(r"(.+?)[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?")
MIDNIGHT = re.compile(r"(.+?)[ T]00:00(:00(\.0+)?)?")
SERIAL = re.compile(r"([0-9]{5})(\.[0-9]+)?")
EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 0, past Excel's 1900 leap-day bug
FIRST_SERIAL, LAST_SERIAL = 36526, 73050  # 2000-01-01 .. 2099-12-31
PERIODS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"([0-9]{4})-([0-9]{2})"), ""),
    (re.compile(r"([0-9]{4})([0-9]{2})"), ""),  # the platform's own form (aae209)
    (re.compile(r"([0-9]{4})-([0-9])"), "yyyy-m"),
    (re.compile(r"([0-9]{4})年([0-9]{1,2})月份?"), "yyyy年m月"),
    (re.compile(r"([0-9]{4})\.([0-9]{1,2})"), "yyyy.mm"),
    (re.compile(r"([0-9]{4})/([0-9]{1,2})"), "yyyy/m"),
)
EIGHT_DIGITS = re.compile(r"[0-9]{8}")
PLAIN_AMOUNT = re.compile(r"[0-9]+(\.[0-9]{1,2})?")
GROUPED_AMOUNT = re.compile(r"[0-9]{1,3}(,[0-9]{3})+(\.[0-9]{1,2})?")
MAX_AMOUNT = Decimal("1e10")


def _wide(text: str) -> tuple[str, list[str]]:
    """The text with full-width digits and signs made plain (NFKC), and the form that says so."""
    plain = unicodedata.normalize("NFKC", text)
    return plain, ([FULL_WIDTH] if plain != text else [])


def _form(parts: list[str]) -> str:
    return JOIN.join(parts)


def shown(form: str) -> str:
    """A form as the summary names it, in the reader's language."""
    return JOIN.join(str(LABELS.get(part, part)) for part in form.split(JOIN))


def _calendar(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def read_date(value: str) -> tuple[datetime.date, str] | None:
    """A date and the form it was written in, or None when it is not a date. (Few distinct
    values per file, so they are remembered.)"""
    text, forms = _wide(value.strip())
    if midnight := MIDNIGHT.fullmatch(text):  # how a spreadsheet writes a bare date's cell
        text = midnight.group(1)
    elif timed := TIME_OF_DAY.fullmatch(text):
        text = timed.group(1)
        forms.append(WITH_TIME)
    if serial := SERIAL.fullmatch(text):
        number = int(serial.group(1))
        if not FIRST_SERIAL <= number <= LAST_SERIAL:
            return None
        return EXCEL_EPOCH + datetime.timedelta(days=number), _form([*forms, EXCEL_SERIAL])
    for pattern, form in DATES:
        if match := pattern.fullmatch(text):
            day = _calendar(*match.groups())
            if day is None or not 1900 <= day.year <= 2100:
                return None
            return day, _form([*forms, form] if form else forms)
    return None


@lru_cache(maxsize=4096)
def read_period(value: str) -> tuple[str, str] | None:
    """A month as YYYY-MM and the form it was written in, or None."""
    text, forms = _wide(value.strip())
    for pattern, form in PERIODS:
        if match := pattern.fullmatch(text):
            year, month = int(match.group(1)), int(match.group(2))
            if not (2000 <= year <= 2100 and 1 <= month <= 12):
                return None
            return f"{year:04d}-{month:02d}", _form([*forms, form] if form else forms)
    dated = read_date(value) if not EIGHT_DIGITS.fullmatch(text) else None
    if dated is not None and dated[0].day == 1 and 2000 <= dated[0].year <= 2100:
        # a month typed into Excel, which made it the first day of that month
        return dated[0].strftime("%Y-%m"), _form([*forms, A_DATE])
    return None


def period_is_a_day(value: str) -> bool:
    """An 8-digit value in a month column: a day (yyyymmdd), not a month."""
    text, _forms = _wide(value.strip())
    return bool(EIGHT_DIGITS.fullmatch(text))


@lru_cache(maxsize=16384)
def read_amount(value: str) -> tuple[Decimal, str] | None:
    """An amount in yuan, positive with at most 2 decimals, and the form it was written in."""
    text = value.strip()
    sign = text[:1] in ("¥", "￥")  # the full-width one is what a Chinese keyboard types
    text, forms = _wide(text[1:].strip() if sign else text)
    if sign:
        forms.append(YUAN_SIGN)
    if text.endswith("元"):
        text = text[:-1].strip()
        forms.append(YUAN_WORD)
    if GROUPED_AMOUNT.fullmatch(text):
        text = text.replace(",", "")
        forms.append(THOUSANDS)
    if not PLAIN_AMOUNT.fullmatch(text) or amount_is_a_date(text):
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    if amount <= 0 or amount >= MAX_AMOUNT:
        return None
    return amount, _form(forms)


def amount_is_a_date(value: str) -> bool:
    """An 8-digit whole number in an amount column that is also a date (20260920): the columns
    may have shifted, so it is refused rather than taken as 20 million yuan."""
    text, _forms = _wide(value.strip())
    return bool(EIGHT_DIGITS.fullmatch(text)) and read_date(text) is not None
