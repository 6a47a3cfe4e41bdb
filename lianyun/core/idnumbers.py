"""Resident identity numbers (GB 11643, 18 characters, ISO 7064 MOD 11-2 check).

Validation is python-stdnum's; this module turns its exceptions into messages that say
which part is wrong, in the user's language.
"""

import datetime
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidComponent

if TYPE_CHECKING:
    import polars as pl


def normalise(value: str) -> str:
    """Strip blanks and turn a lowercase check character x into X."""
    return "".join(value.split()).upper()


def validate_id_number(value: str) -> str:
    """Return the normalised number or raise ValidationError saying which part is wrong."""
    number = normalise(value)
    if len(number) == 15 and number.isdigit():
        raise ValidationError(
            _(
                "This is an old 15-digit ID number; please enter the 18-digit number on the "
                "current ID card."
            ),
            code="legacy",
        )
    if len(number) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."),
            code="length",
            params={"count": len(number)},
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise ValidationError(
            _("An ID number is 17 digits followed by a digit or X."), code="format"
        )
    try:
        born = ric.get_birth_date(number)
        if born > datetime.date.today():  # noqa: DTZ011 - a calendar date, no time zone
            raise InvalidComponent
    except InvalidComponent:
        raise ValidationError(
            _("Characters 7 to 14 of the ID number (%(birth)s) are not a valid birth date."),
            code="birth_date",
            params={"birth": number[6:14]},
        ) from None
    # Not ric.validate(): it also rejects address codes retired since issue, and a number
    # stays valid for life (GB 11643 keeps the code of the place of first registration).
    if ric.calc_check_digit(number) != number[17]:
        raise ValidationError(
            _(
                "The last character of the ID number does not match the others; please check "
                "each digit."
            ),
            code="checksum",
        )
    return number


ID_FORMAT = re.compile(r"[0-9]{17}[0-9X]")


@lru_cache(maxsize=65536)
def birth_ok(digits: str) -> bool:
    """Characters 7 to 14 as a real, past date (cached: a county has some 40,000 of them)."""
    try:
        born = ric.get_birth_date("000000" + digits + "0000")
    except InvalidComponent:
        return False
    return born <= datetime.date.today()  # noqa: DTZ011 - a calendar date


# ISO 7064 MOD 11-2: the weight of each of the first 17 digits, and the check character by
# the weighted sum modulo 11.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"


def well_formed(number: "pl.Expr") -> "pl.Expr":
    """A Polars expression: 17 digits and the right check character, exactly (no blanks, no
    lowercase x); the birth date is not looked at. A value this rejects may still be a number
    that validate_id_number accepts after normalising."""
    import polars as pl

    digits = [
        number.str.slice(position, 1).cast(pl.Int32, strict=False) * weight
        for position, weight in enumerate(WEIGHTS)
    ]
    check = (pl.sum_horizontal(digits) % 11).replace_strict(
        list(range(11)), list(CHECK_CHARACTERS), return_dtype=pl.String
    )
    return number.str.contains(r"^[0-9]{17}[0-9X]$") & (check == number.str.slice(17, 1))


def id_numbers_well_formed(values: list[str]) -> list[bool]:
    """well_formed for a list of values."""
    import polars as pl

    frame = pl.DataFrame({"v": values}, schema={"v": pl.String})
    return frame.select(well_formed(pl.col("v")).fill_null(False)).to_series().to_list()


def quick_id_number(value: str) -> str | None:
    """The normalised number if validate_id_number would accept it, else None; for bulk
    imports, where the reason is asked of validate_id_number only for the rows that fail."""
    number = value.upper()
    if (
        len(number) == 18
        and ID_FORMAT.fullmatch(number)
        and birth_ok(number[6:14])
        and ric.calc_check_digit(number) == number[17]
    ):
        return number
    try:  # anything unusual (blanks inside, say) takes the slow path, which decides
        return validate_id_number(value)
    except ValidationError:
        return None


@dataclass(frozen=True)
class IdFacts:
    birth_date: datetime.date
    is_male: bool
    region_code: str


def facts(number: str) -> IdFacts:
    """Birth date, sex and issuing region of a valid number (odd sequence = male)."""
    return IdFacts(
        birth_date=ric.get_birth_date(number),
        is_male=int(number[16]) % 2 == 1,
        region_code=number[:6],
    )


def synthetic_id_number(
    rng: random.Random, *, region_code: str, birth_date: datetime.date, is_male: bool
) -> str:
    """Make a well-formed number for demo data: right region, birth date, sex and check."""
    sequence = rng.randrange(0, 100) * 10 + rng.choice(
        (1, 3, 5, 7, 9) if is_male else (0, 2, 4, 6, 8)
    )
    first17 = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    # calc_check_digit reads the first 17 of an 18-character number.
    return first17 + ric.calc_check_digit(first17 + "0")
