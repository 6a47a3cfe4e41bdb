"""The embedded database runs in WAL mode with synchronous=FULL (docs/security.md)."""

import os
import subprocess
import sys
from pathlib import Path

PROBE = (
    "import django; django.setup();"
    "from django.db import connection; c = connection.cursor();"
    "print(c.execute('PRAGMA journal_mode').fetchone()[0], c.execute('PRAGMA synchronous').fetchone()[0])"
)


def test_the_default_database_is_sqlite_in_wal_mode_with_full_sync(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(LIANYUN_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="config.settings")
    result = subprocess.run(  # noqa: S603 - fixed probe of our own settings
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["wal", "2"]  # 2 = FULL


def test_a_sqlite_database_without_its_safety_settings_is_refused() -> None:
    from django.conf import settings

    from lianyun.core.checks import sqlite_problems

    assert sqlite_problems(settings.DATABASES) == []
    bare = {"ENGINE": "django.db.backends.sqlite3", "NAME": "elsewhere.sqlite3"}
    assert [m.id for m in sqlite_problems({"bare": bare})] == ["lianyun.E010"]
