"""What every API router shares: the one error shape, and a date that is only ever a date."""

import datetime
import re
from typing import Annotated

from ninja import Field, Schema
from pydantic import BeforeValidator, WithJsonSchema

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


def _only_a_date(value: object) -> object:
    """Pydantic's lax mode reads 0 or 1.5e9 as a date (seconds since 1970); the schema promises
    a YYYY-MM-DD string, so anything else is refused."""
    if isinstance(value, datetime.date) or (isinstance(value, str) and ISO_DATE.match(value)):
        return value
    raise ValueError("a date is written YYYY-MM-DD")


IsoDate = Annotated[
    datetime.date,
    BeforeValidator(_only_a_date),
    WithJsonSchema({"type": "string", "format": "date"}),
]
