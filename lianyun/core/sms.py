"""Text messages through a pluggable gateway, like Django's e-mail backends.

A backend has `send(phone, text) -> None`. The console backend prints a masked number and
the text; the memory backend keeps messages for tests. A county's gateway is a small class
named in LIANYUN_SMS_BACKEND.
"""

import sys
from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string

from lianyun.core.masking import mask_phone


@dataclass(frozen=True)
class TextMessage:
    phone: str
    text: str


class ConsoleBackend:
    def send(self, phone: str, text: str) -> None:
        sys.stdout.write(f"[sms to {mask_phone(phone)}] {text}\n")


class MemoryBackend:
    outbox: list[TextMessage] = []  # noqa: RUF012 - shared on purpose, like Django's mail.outbox

    def send(self, phone: str, text: str) -> None:
        MemoryBackend.outbox.append(TextMessage(phone, text))


def send_text(phone: str, text: str) -> None:
    backend = import_string(settings.LIANYUN_SMS_BACKEND)()
    backend.send(phone, text)
