"""Fifty villagers file at the same moment, half through the web form and half through the API:
every accepted petition is stored, none answers 500. The embedded SQLite database must hold
up however it is configured: by default, and named by DATABASE_URL=sqlite:///… (an outside
probe found the second losing its safety settings: 9 of 40 answered "database is locked")."""

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from lianyun.core.once import FIELD, new_key
from lianyun.petitions.models import Petition
from lianyun.testing import build_cast, commissions, pow_field, pow_header

WRITERS = 50
WEB = {
    "kind": "suggestion",
    "subject": "",
    "subject_text": "村道",
    "description": "村道路灯坏了三个月，晚上老人出门不方便，请修理。",
    "anonymous": "1",
}
API = {
    "kind": "suggestion",
    "region_code": "511923103201",
    "subject_text": "村道",
    "description": "村道路灯坏了三个月，晚上老人出门不方便，请修理。",
    "anonymous": True,
}


def file_at_once(writers: int) -> list[int]:
    """Status codes of `writers` petitions sent at once, alternately by web and by API."""
    web = reverse("petitions:petition-create", args=["511923103201"])

    def send(n: int) -> int:
        try:
            client = Client(raise_request_exception=False)
            if n % 2:
                sent = {**WEB, FIELD: new_key(), **pow_field("petition")}
                return client.post(web, sent).status_code
            answer = client.post(
                "/api/v1/petitions", API, content_type="application/json", **pow_header("petition")
            )
            return answer.status_code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=writers) as pool:
        return list(pool.map(send, range(writers)))


def test_fifty_writers_at_once_are_all_stored(committed: None) -> None:
    cast = build_cast()
    commissions(cast)
    codes = file_at_once(WRITERS)
    assert sorted(set(codes)) == [201, 302], codes
    assert Petition.objects.count() == WRITERS


SCRIPT = """
import django, json, sys
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from lianyun.testing import build_cast, commissions, pow_field
from lianyun.petitions.tests.test_concurrent_writers import file_at_once
from lianyun.petitions.models import Petition
from django.db import connection
cast = build_cast(); commissions(cast)
codes = file_at_once(int(sys.argv[1]))
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode"); journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout"); busy = cursor.fetchone()[0]
print(json.dumps({"codes": codes, "stored": Petition.objects.count(),
                  "journal": journal, "busy": busy,
                  "mode": connection.settings_dict["OPTIONS"].get("transaction_mode")}))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run covers SQLite")
def test_sqlite_named_by_database_url_is_as_safe_as_the_default(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIANYUN_TEST")}
    env |= {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'named.sqlite3'}",
        "LIANYUN_DATA_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "LIANYUN_TASKS_IMMEDIATE": "1",
    }
    env.pop("REDIS_URL", None)
    done = subprocess.run(  # noqa: S603 - our own script, our own interpreter
        [sys.executable, "-c", SCRIPT, str(WRITERS)],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert (result["journal"], result["busy"], result["mode"]) == ("wal", 30000, "IMMEDIATE")
    assert sorted(set(result["codes"])) == [201, 302], result["codes"]
    assert result["stored"] == WRITERS
