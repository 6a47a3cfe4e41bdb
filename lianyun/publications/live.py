"""Published rows still live in their own tables (a disclosure, a board, an answer) are checked
against their latest entry, the same check their pages make. The apps that publish register a
check here (in their AppConfig.ready), since the record sits below them."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    where: str
    reason: str


_checks: dict[str, Callable[[], Iterable[Problem]]] = {}


def register(name: str, check: Callable[[], Iterable[Problem]]) -> None:
    """`check` yields a Problem for each live row that differs from what was published."""
    _checks[name] = check


def live_problems() -> list[Problem]:
    return [problem for _name, check in sorted(_checks.items()) for problem in check()]
