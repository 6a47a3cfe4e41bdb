"""`lianyun backup` and `lianyun restore`: a sealed backup of the database and media restores
into an empty database where `verify_publications` matches the published checkpoints; a changed,
cut or foreign backup, or a database that is not empty, restores nothing."""

import io
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from lianyun.core import backup, filestore
from lianyun.publications.actions import publish
from lianyun.publications.models import Checkpoint, EntryKind
from lianyun.testing import Cast

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def target(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of an empty database of the same kind, and a data directory."""
    env = dict(os.environ) | {"LIANYUN_DATA_DIR": str(tmp_path / "restored")}
    if connection.vendor != "postgresql":
        env.pop("DATABASE_URL", None)
        yield env
        return
    url = connection.settings_dict
    name = f"lianyun_restore_{uuid.uuid4().hex[:8]}"
    dsn = f"host={url['HOST']} port={url['PORT'] or 5432} user={url['USER']} dbname=postgres"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield env | {
            "DATABASE_URL": f"postgres://{url['USER']}@{url['HOST']}:{url['PORT'] or 5432}/{name}"
        }
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _lianyun(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own entry point
        [sys.executable, "-m", "lianyun.manage", *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def _sealed(cast: Cast, tmp_path: Path, settings) -> tuple[bytes, str, bytes]:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    for n in range(3):
        publish(kind=EntryKind.ARTICLE, subject=f"s{n}", title=f"公告{n}", payload={"n": n})
    stored = filestore.store_encrypted(b"scan of a notice", folder="probe", context="probe")
    out = io.BytesIO()
    summary = backup.backup(out)
    assert summary.rows > 0 and summary.files == 1
    root = Checkpoint.objects.order_by("-size").first().root  # type: ignore[union-attr]
    return out.getvalue(), root, (tmp_path / "media" / stored).read_bytes()


AFTER_RESTORE = """
from django.core.management import call_command
from lianyun.publications.actions import publish
call_command("verify_publications")
call_command("verify_audit")
print("next index", publish(kind="article", subject="n", title="t", payload={}).index)
try:
    call_command("restore", FILE)
except Exception as error:
    print("second restore:", error)
"""


def test_a_backup_restores_into_an_empty_database_and_the_chain_verifies(
    cast: Cast,
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
    target: dict[str, str],
) -> None:
    sealed, root, media = _sealed(cast, tmp_path, settings)
    assert b"\xe5\x85\xac\xe5\x91\x8a" not in sealed  # 公告: nothing readable in the file
    file = tmp_path / "county.lybackup"
    file.write_bytes(sealed)
    restored = _lianyun(target, "restore", str(file))
    assert restored.returncode == 0, restored.stderr
    restored_media = list((Path(target["LIANYUN_DATA_DIR"]) / "media").rglob("*.bin"))
    assert [p.read_bytes() for p in restored_media] == [media]
    # The chain verifies to the same root, the audit log too; the next publication continues
    # the chain; a second restore into what is now a county's database is refused.
    after = _lianyun(target, "shell", "-c", AFTER_RESTORE.replace("FILE", repr(str(file))))
    assert after.returncode == 0, after.stderr
    assert f"size 3, root {root}" in after.stdout
    assert "next index 3" in after.stdout
    assert "second restore:" in after.stdout and "not empty" in after.stdout


def test_a_changed_cut_foreign_or_foreign_key_backup_is_refused_before_anything(
    cast: Cast,
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    sealed, _root, _media = _sealed(cast, tmp_path, settings)
    flipped = bytearray(sealed)
    flipped[len(sealed) // 2] ^= 1
    for data, says in (
        (bytes(flipped), "altered"),
        (sealed[: len(sealed) - 100], "cut short"),
        (b"PK\x03\x04" + sealed[4:], "not a lianyun backup"),
    ):
        # The whole file is checked before the database is looked at: this one is not empty,
        # yet the refusal names the file.
        with pytest.raises(backup.BackupError, match=says):
            backup.restore(io.BytesIO(data))
    settings.LIANYUN_BACKUP_KEYS = "2:" + "A" * 43 + "="
    with pytest.raises(backup.BackupError, match="key 1"):
        backup.restore(io.BytesIO(sealed))


def test_the_backup_command_writes_a_whole_file_and_never_overwrites(
    cast: Cast,
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
) -> None:
    from django.core.management import CommandError, call_command

    settings.MEDIA_ROOT = str(tmp_path / "media")
    file = tmp_path / "b.lybackup"
    call_command("backup", str(file), stdout=io.StringIO())
    assert file.read_bytes().startswith(backup.MAGIC)
    with pytest.raises(CommandError, match="not overwritten"):
        call_command("backup", str(file), stdout=io.StringIO())
    assert not list(tmp_path.glob("*.partial"))
