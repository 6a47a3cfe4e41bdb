"""What every access function may know of the person asking, without importing accounts."""

from typing import Any, Protocol

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest


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


class _Nobody:
    """The visitor who has not signed in, as access code reads a person: no account, no role,
    no place. Every access function asks `is_authenticated` before anything else."""

    is_authenticated = False
    is_official = False
    role = ""
    region = None
    pk = None
    unit_id = None
    resident_id = None
    resident = None


NOBODY: Actor = _Nobody()


def visitor(request: HttpRequest) -> Actor:
    """Whoever asks on a page open to everyone: their account, or NOBODY."""
    user = request.user
    return NOBODY if isinstance(user, AnonymousUser) else user
