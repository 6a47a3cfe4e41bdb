"""Backups: the whole database and the media files in one encrypted file, and restoring one
into an empty database.

The file is a tar archive (a manifest, one gzipped JSON-lines file per table, the media files)
sealed with AES-256-GCM in 1 MiB chunks under ``LIANYUN_BACKUP_KEYS``. Each chunk's nonce
carries its number and the associated data marks the last one, so a chunk removed, repeated,
swapped or cut off fails the restore before anything is written. Rows are dumped as the
database holds them (personal data stays the ciphertext it is at rest; restoring needs the
same data keys), with the migrations they were written under: a restore migrates the empty
database to that state, writes the rows, resets the sequences, then migrates to the code's
state. A backup restores into the same kind of database it came from.
"""

import base64
import datetime
import decimal
import gzip
import hashlib
import io
import json
import os
import struct
import tarfile
import tempfile
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from lianyun.core.crypto import key_list

MAGIC = b"LYBACKUP1"
CHUNK = 1 << 20
ROWS_PER_INSERT = 500
Progress = Callable[[str, int], None]


class BackupError(Exception):
    """A backup that cannot be restored here; the message is bilingual and names why."""


@cache
def _keys(spec: str) -> tuple[int, dict[int, AESGCM]]:
    current, keys = key_list(spec, "LIANYUN_BACKUP_KEYS")
    return current, {key_id: AESGCM(raw) for key_id, raw in keys.items()}


# --- the sealed stream ------------------------------------------------------------------------


def _nonce(prefix: bytes, number: int) -> bytes:
    return prefix + struct.pack(">I", number)


def seal(source: IO[bytes], out: IO[bytes]) -> None:
    """Encrypt source to out: magic, key id, 8-byte nonce prefix, then length-prefixed chunks."""
    key_id, keys = _keys(settings.LIANYUN_BACKUP_KEYS)
    prefix = os.urandom(8)
    out.write(MAGIC + bytes([key_id]) + prefix)
    number, block = 0, source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = keys[key_id].encrypt(_nonce(prefix, number), block, MAGIC + bytes([last]))
        out.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        number, block = number + 1, following


def unseal(source: IO[bytes], out: IO[bytes]) -> None:
    """Decrypt a sealed stream, refusing any change, reordering or truncation."""
    head = source.read(len(MAGIC) + 9)
    if len(head) < len(MAGIC) + 9 or not head.startswith(MAGIC):
        raise BackupError("这不是廉韵的备份文件。 This is not a lianyun backup file.")
    key_id, prefix = head[len(MAGIC)], head[len(MAGIC) + 1 :]
    keys = _keys(settings.LIANYUN_BACKUP_KEYS)[1]
    if key_id not in keys:
        raise BackupError(
            f"备份用密钥 {key_id} 加密，本机没有该密钥。 "
            f"The backup was sealed with key {key_id}, which LIANYUN_BACKUP_KEYS does not hold."
        )
    number = 0
    while True:
        size = source.read(4)
        if len(size) < 4:
            raise BackupError("备份文件不完整。 The backup file is cut short.")
        declared = struct.unpack(">I", size)[0]
        sealed = source.read(declared)
        if len(sealed) < declared:
            raise BackupError("备份文件不完整。 The backup file is cut short.")
        block = None
        for last in (False, True):
            try:
                block = keys[key_id].decrypt(_nonce(prefix, number), sealed, MAGIC + bytes([last]))
            except InvalidTag:
                continue
            out.write(block)
            if last:
                if source.read(1):
                    raise BackupError("备份文件末尾有多余数据。 The backup has data after its end.")
                return
            break
        if block is None:
            raise BackupError(
                "备份文件已损坏或被改动。 The backup file is damaged or was altered "
                f"(chunk {number})."
            )
        number += 1


# --- rows as JSON -----------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if isinstance(value, bytes | memoryview | bytearray):
        return {"$b": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, datetime.datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"$d": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"$t": value.isoformat()}
    if isinstance(value, datetime.timedelta):
        return {"$td": value.total_seconds()}
    if isinstance(value, decimal.Decimal):
        return {"$n": str(value)}
    if isinstance(value, uuid.UUID):
        return {"$u": str(value)}
    if isinstance(value, dict | list):
        return {"$j": json.dumps(value, ensure_ascii=False)}
    return value


def _decode(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    ((tag, raw),) = value.items()
    if tag == "$b":
        return base64.b64decode(raw)
    if tag == "$dt":
        return datetime.datetime.fromisoformat(raw)
    if tag == "$d":
        return datetime.date.fromisoformat(raw)
    if tag == "$t":
        return datetime.time.fromisoformat(raw)
    if tag == "$td":
        return datetime.timedelta(seconds=raw)
    if tag == "$n":
        return decimal.Decimal(raw)
    if tag == "$u":
        return uuid.UUID(raw)
    if tag == "$j":
        if connection.vendor == "postgresql":
            from psycopg.types.json import Jsonb

            return Jsonb(json.loads(raw))
        return raw
    raise BackupError(f"未知的值类型 {tag}。 Unknown value type {tag}.")


@dataclass(frozen=True)
class Table:
    name: str
    columns: list[str]
    model: Any


def tables() -> list[Table]:
    """Every table the project's models own (join tables included), once each."""
    seen: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.db_table in seen:
            continue
        columns = [f.column for f in meta.concrete_fields]
        seen[meta.db_table] = Table(meta.db_table, columns, model)
    return sorted(seen.values(), key=lambda t: t.name)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _rows(table: Table) -> Iterator[tuple[Any, ...]]:
    order = _q(table.model._meta.pk.column)
    columns = ", ".join(_q(c) for c in table.columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {_q(table.name)} ORDER BY {order}")  # noqa: S608 - names from our models
        while batch := cursor.fetchmany(2000):
            yield from batch


def _applied() -> list[tuple[str, str]]:
    return sorted(MigrationRecorder(connection).applied_migrations())


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


# --- backup and restore -----------------------------------------------------------------------


@dataclass
class Summary:
    tables: int
    rows: int
    files: int
    bytes: int
    sha256: str = ""


def _add(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), 0, 0o600
    archive.addfile(info, io.BytesIO(data))


def backup(out: IO[bytes], *, progress: Progress | None = None) -> Summary:
    """Write a sealed backup of the database and the media files to out. Reads one snapshot:
    on PostgreSQL in a repeatable-read transaction, so rows written meanwhile stay out whole."""
    summary = Summary(0, 0, 0, 0)
    manifest: dict[str, Any] = {
        "format": 1,
        "made_at": timezone.now().isoformat(),
        "vendor": connection.vendor,
        "migrations": _applied(),
        "tables": {},
        "media": {},
    }
    outermost = not connection.in_atomic_block
    with tempfile.TemporaryFile() as plain:
        with (
            tarfile.open(fileobj=plain, mode="w") as archive,
            transaction.atomic(),
        ):
            if connection.vendor == "postgresql" and outermost:
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            for table in tables():
                buffer = io.BytesIO()
                count = 0
                with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0) as packed:
                    for row in _rows(table):
                        line = json.dumps([_encode(v) for v in row], ensure_ascii=False)
                        packed.write(line.encode() + b"\n")
                        count += 1
                data = buffer.getvalue()
                _add(archive, f"tables/{table.name}.jsonl.gz", data)
                manifest["tables"][table.name] = {
                    "columns": table.columns,
                    "rows": count,
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
                summary.tables += 1
                summary.rows += count
                if progress:
                    progress(table.name, count)
            root = _media_root()
            for path in sorted(root.rglob("*")) if root.exists() else []:
                if not path.is_file():
                    continue
                name = path.relative_to(root).as_posix()
                data = path.read_bytes()
                _add(archive, f"media/{name}", data)
                manifest["media"][name] = hashlib.sha256(data).hexdigest()
                summary.files += 1
            _add(archive, "manifest.json", json.dumps(manifest, ensure_ascii=False).encode())
        plain.seek(0)
        digest = hashlib.sha256()

        class Hashing(io.RawIOBase):
            def writable(self) -> bool:
                return True

            def write(self, b: Any) -> int:
                digest.update(b)
                out.write(b)
                summary.bytes += len(b)
                return len(b)

        seal(plain, Hashing())  # type: ignore[arg-type]
    summary.sha256 = digest.hexdigest()
    return summary


def _is_empty() -> bool:
    """No account, no audit entry, no publication: nothing a county made is here yet."""
    present = set(connection.introspection.table_names())
    for label in ("accounts.User", "core.AuditEntry", "publications.Entry"):
        model = apps.get_model(label)
        if model._meta.db_table in present and model._default_manager.exists():
            return False
    return True


def restore(source: IO[bytes], *, progress: Progress | None = None) -> Summary:
    """Restore a sealed backup into this (empty) database and media folder."""
    with tempfile.TemporaryFile() as plain:
        unseal(source, plain)  # the whole file is checked before anything is written
        plain.seek(0)
        with tarfile.open(fileobj=plain, mode="r") as archive:
            manifest = json.loads(_member(archive, "manifest.json"))
            if manifest.get("format") != 1:
                raise BackupError("备份格式不受支持。 Unsupported backup format.")
            if manifest["vendor"] != connection.vendor:
                raise BackupError(
                    f"备份来自 {manifest['vendor']} 数据库，不能恢复到 {connection.vendor}。 "
                    f"A {manifest['vendor']} backup cannot be restored into {connection.vendor}."
                )
            executor = MigrationExecutor(connection)
            known = set(executor.loader.disk_migrations)
            unknown = [m for m in map(tuple, manifest["migrations"]) if m not in known]
            if unknown:
                raise BackupError(
                    "备份来自更新的版本，请先升级。 The backup was made by a newer version of "
                    f"lianyun; upgrade first ({unknown[0][0]}.{unknown[0][1]})."
                )
            if not _is_empty():
                raise BackupError(
                    "目标数据库不是空的，恢复已取消。 The database is not empty; nothing restored."
                )
            media = _media_root()
            clashes = [n for n in manifest["media"] if (media / n).exists()]
            if clashes:
                raise BackupError(
                    f"媒体目录已有文件 {clashes[0]}，恢复已取消。 "
                    f"The media folder already holds {clashes[0]}; nothing restored."
                )
            for name, expected in manifest["media"].items():
                data = _member(archive, f"media/{name}")
                if hashlib.sha256(data).hexdigest() != expected:
                    raise BackupError(f"媒体文件 {name} 不符。 Media file {name} does not match.")
            targets = _leaves(executor, [tuple(m) for m in manifest["migrations"]])
            executor.migrate(targets)
            summary = Summary(0, 0, 0, 0)
            written: list[Path] = []
            try:
                with transaction.atomic():
                    _clear_seeded(manifest["tables"])
                    for name, about in manifest["tables"].items():
                        data = _member(archive, f"tables/{name}.jsonl.gz")
                        if hashlib.sha256(data).hexdigest() != about["sha256"]:
                            raise BackupError(f"表 {name} 不符。 Table {name} does not match.")
                        count = _insert(name, about["columns"], gzip.decompress(data))
                        if count != about["rows"]:
                            raise BackupError(f"表 {name} 行数不符。 Table {name}: row count.")
                        summary.tables += 1
                        summary.rows += count
                        if progress:
                            progress(name, count)
                    _reset_sequences()
                    for name in manifest["media"]:
                        path = media / name
                        path.parent.mkdir(parents=True, exist_ok=True)
                        path.write_bytes(_member(archive, f"media/{name}"))
                        written.append(path)
                        summary.files += 1
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                raise
    MigrationExecutor(connection).migrate(_leaves(MigrationExecutor(connection), None))
    return summary


def _member(archive: tarfile.TarFile, name: str) -> bytes:
    try:
        handle = archive.extractfile(name)
    except KeyError:
        handle = None
    if handle is None:
        raise BackupError(f"备份缺少 {name}。 The backup lacks {name}.")
    return handle.read()


def _leaves(executor: MigrationExecutor, applied: list[tuple[Any, ...]] | None) -> list[Any]:
    """The migration targets: per app, the latest of the backup's migrations; or the code's."""
    graph = executor.loader.graph
    if applied is None:
        return graph.leaf_nodes()
    by_app: dict[str, list[tuple[str, str]]] = {}
    for app, name in applied:
        by_app.setdefault(app, []).append((app, name))
    targets = []
    for nodes in by_app.values():
        for node in nodes:
            before = set(graph.forwards_plan(node))
            if all(other in before for other in nodes):
                targets.append(node)
                break
    return targets


def _clear_seeded(names: dict[str, Any]) -> None:
    """Rows the migrations themselves wrote (content types, permissions, seeded lists) make way
    for the backup's own."""
    present = set(connection.introspection.table_names())
    missing = [n for n in names if n not in present]
    if missing:
        raise BackupError(f"本版本没有表 {missing[0]}。 This version has no table {missing[0]}.")
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"SELECT 1 FROM {_q(name)} LIMIT 1")  # noqa: S608 - our manifest's
            if cursor.fetchone():
                cursor.execute(f"DELETE FROM {_q(name)}")  # noqa: S608 - names from our manifest


def _insert(name: str, columns: list[str], data: bytes) -> int:
    placeholders = ", ".join(["%s"] * len(columns))
    sql = (
        f"INSERT INTO {_q(name)} ({', '.join(_q(c) for c in columns)}) "  # noqa: S608
        f"VALUES ({placeholders})"
    )
    count, batch = 0, []
    with connection.cursor() as cursor:
        for line in data.splitlines():
            batch.append([_decode(v) for v in json.loads(line)])
            if len(batch) >= ROWS_PER_INSERT:
                cursor.executemany(sql, batch)
                count, batch = count + len(batch), []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def _reset_sequences() -> None:
    models = [t.model for t in tables()]
    statements = connection.ops.sequence_reset_sql(no_style(), models)
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)
