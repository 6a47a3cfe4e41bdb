"""Messages for the command line: Chinese first, English second (operators read both)."""

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import override


class LocalizedError(Exception):
    """An error whose message is a lazy translation plus its parameters."""

    def __init__(self, message: Any, params: dict[str, Any] | None = None) -> None:
        self.message = message
        self.params = params or {}
        super().__init__(self.render())

    def render(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


def _render(error: BaseException) -> str:
    if isinstance(error, LocalizedError):
        return error.render()
    if isinstance(error, ValidationError):
        return " ".join(str(message) for message in error.messages)
    return str(error)


def bilingual(error: BaseException) -> str:
    with override("zh-hans"):
        chinese = _render(error)
    with override("en"):
        english = _render(error)
    return chinese if chinese == english else f"{chinese}\n{english}"


def both(message: Any, params: dict[str, Any] | None = None) -> str:
    """A message (lazy, with its parameters) in Chinese and in English, as bilingual() says an
    error."""
    return bilingual(LocalizedError(message, params))


class Phrase:
    """A lazy message with its parameters, rendered in the language active when it is shown:
    a part of another message that both() says in each language."""

    def __init__(self, message: Any, params: dict[str, Any] | None = None) -> None:
        self.message = message
        self.params = params

    def __str__(self) -> str:
        return LocalizedError(self.message, self.params).render()
