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
    verified = _lianyun(target, "verify_publications")
    assert verified.returncode == 0, verified.stderr
    assert f"size 3, root {root}" in verified.stdout
    assert _lianyun(target, "verify_audit").returncode == 0
    restored_media = list((Path(target["LIANYUN_DATA_DIR"]) / "media").rglob("*.bin"))
    assert [p.read_bytes() for p in restored_media] == [media]
    # The restored database carries on: the next publication continues the chain.
    carry_on = _lianyun(
        target,
        "shell",
        "-c",
        "from lianyun.publications.actions import publish; "
        "print(publish(kind='article', subject='n', title='t', payload={}).index)",
    )
    assert carry_on.stdout.split()[-1] == "3", carry_on.stderr
    # A second restore into what is now a county's database is refused, and changes nothing.
    again = _lianyun(target, "restore", str(file))
    assert again.returncode != 0 and "not empty" in again.stderr


def test_a_changed_or_cut_backup_restores_nothing(
    cast: Cast,
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
    target: dict[str, str],
) -> None:
    sealed, _root, _media = _sealed(cast, tmp_path, settings)
    flipped = bytearray(sealed)
    flipped[len(sealed) // 2] ^= 1
    for name, data, says in (
        ("changed", bytes(flipped), "altered"),
        ("cut", sealed[: len(sealed) - 100], "cut short"),
        ("foreign", b"PK\x03\x04" + sealed[4:], "not a lianyun backup"),
    ):
        file = tmp_path / f"{name}.lybackup"
        file.write_bytes(data)
        result = _lianyun(target, "restore", str(file))
        assert result.returncode != 0 and says in result.stderr, (name, result.stderr)
    counted = _lianyun(
        target,
        "shell",
        "-c",
        "from django.db import connection; print(len(connection.introspection.table_names()))",
    )
    assert counted.stdout.split()[-1] == "0"  # nothing was migrated, nothing written


def test_a_backup_sealed_with_another_key_is_refused(
    cast: Cast,
    tmp_path: Path,
    settings,  # type: ignore[no-untyped-def]
    target: dict[str, str],
) -> None:
    sealed, _root, _media = _sealed(cast, tmp_path, settings)
    file = tmp_path / "other.lybackup"
    file.write_bytes(sealed)
    other = target | {"LIANYUN_BACKUP_KEYS": "2:" + "A" * 43 + "="}
    result = _lianyun(other, "restore", str(file))
    assert result.returncode != 0 and "key 1" in result.stderr


def test_the_backup_command_writes_a_whole_file_and_never_overwrites(
    tmp_path: Path, target: dict[str, str]
) -> None:
    assert _lianyun(target, "migrate", "-v0").returncode == 0
    file = tmp_path / "b.lybackup"
    made = _lianyun(target, "backup", str(file))
    assert made.returncode == 0 and file.read_bytes().startswith(backup.MAGIC), made.stderr
    again = _lianyun(target, "backup", str(file))
    assert again.returncode != 0 and "not overwritten" in again.stderr
    assert not list(tmp_path.glob("*.partial"))
