"""What every access function may know of the person asking, without importing accounts."""

from typing import Any, Protocol


class Actor(Protocol):
    is_authenticated: bool
    is_official: bool
    role: str
    region: Any
    pk: Any
