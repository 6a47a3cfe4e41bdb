"""Logging: one JSON object per line in production (time, level, logger, message), and a filter
on every handler that blots out anything shaped like an ID number, a mobile number or a bank
card before a line is written. The code logs no personal data by design; the filter is the
second line, for a library's or an exception's message that quotes what it was given."""

import logging
import re

PATTERNS = (
    re.compile(r"(?<![0-9])[1-9][0-9]{16}[0-9Xx](?![0-9])"),  # resident ID numbers
    re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])"),  # mobile numbers
    re.compile(r"(?<![0-9])[0-9]{12,19}(?![0-9])"),  # bank and social-security card numbers
)
BLOT = "[redacted]"


def redact(text: str) -> str:
    for pattern in PATTERNS:
        text = pattern.sub(BLOT, text)
    return text


class RedactFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and record.exc_info[1] is not None:
            error = record.exc_info[1]
            shown = redact(str(error))
            if shown != str(error):
                record.msg = f"{record.msg} ({type(error).__name__}: {shown})"
                record.exc_info = None
                record.exc_text = None
        return True
