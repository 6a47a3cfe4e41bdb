"""What every API router shares: the one error shape."""

from ninja import Field, Schema


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)
