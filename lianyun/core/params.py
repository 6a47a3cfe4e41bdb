"""Keys typed into a query string or a form field that no model form checked.

`str.isdigit()` is not enough: it accepts "²" and other digits `int()` refuses, and
"99999999999999999999" passes both but overflows every database's integer column. Anything that
is not a key the database could hold is None, and the caller treats it as absent.
"""

from collections.abc import Mapping

# Primary keys are BigAutoField (config/settings.py): 64-bit signed on both databases.
KEY_MAX = 2**63 - 1


def row_id(value: object) -> int | None:
    """A positive row key as the database can hold it, or None."""
    text = str(value or "")
    if not (0 < len(text) <= 19 and text.isascii() and text.isdigit()):
        return None
    number = int(text)
    return number if 0 < number <= KEY_MAX else None


def row_id_param(query: Mapping[str, object], name: str) -> int | None:
    """row_id of a query string's or form's parameter."""
    return row_id(query.get(name))
