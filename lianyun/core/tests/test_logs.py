"""Logs: JSON lines in production, and no ID, phone or card number in any line even when a
message or an exception quotes one."""

import json
import logging
import os
import subprocess
import sys

from lianyun.core.logs import RedactFilter, redact
from lianyun.core.tests.test_deploy import _production_env


def test_numbers_shaped_like_personal_data_are_blotted() -> None:
    text = "row 6: 51192319800101001X paid to 6217003320012345678, phone 13812345678, 2026-11"
    assert redact(text) == "row 6: [redacted] paid to [redacted], phone [redacted], 2026-11"
    assert redact("batch 42 of 2026-11, 1,234 rows, total 56789.00") == (
        "batch 42 of 2026-11, 1,234 rows, total 56789.00"
    )


def test_the_filter_cleans_arguments_and_exceptions() -> None:
    record = logging.LogRecord(
        "x", logging.WARNING, __file__, 1, "lookup %s", ("13812345678",), None
    )
    assert RedactFilter().filter(record) and record.getMessage() == "lookup [redacted]"
    try:
        raise ValueError("bad ID 51192319800101001X")
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info())
    RedactFilter().filter(record)
    assert "51192319800101001X" not in record.getMessage() and record.exc_info is None


def test_production_writes_json_lines_without_personal_data() -> None:
    env = _production_env()
    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('lianyun.probe').warning('caller %s', '13812345678')"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", code],
        env=env | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        check=True,
        cwd=os.getcwd(),
    )
    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["level"] == "WARNING" and line["logger"] == "lianyun.probe"
    assert line["message"] == "caller [redacted]" and "13812345678" not in result.stderr
