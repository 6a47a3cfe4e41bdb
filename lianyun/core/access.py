"""What every access function may know of the person asking, without importing accounts."""

from typing import Any, Protocol


class Actor(Protocol):
    @property
    def is_authenticated(self) -> bool: ...
    @property
    def is_official(self) -> bool: ...

    role: str
    region: Any
    pk: Any
    # Accounts that belong to a unit or a person (a department, a village cadre).
    unit_id: Any
    resident_id: Any
    resident: Any
