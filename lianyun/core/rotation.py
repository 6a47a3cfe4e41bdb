"""Re-encrypting personal data under the current data key, so that a retired key can leave
LIANYUN_DATA_KEYS (docs/operations.md, Keys).

What is encrypted is declared where it is stored: a model lists its encrypted columns and their
contexts in `encrypted_fields`, and a model of stored files (core.filestore) names its folder and
context and keeps the file's name in `stored_name`. A test fails if a binary column is not
listed, so a new one cannot be missed.

Values are rewritten a chunk at a time, the chunk locked from reading to writing, so the
application can keep running meanwhile; a file is written under a new name, the row pointed at
it, and the old file removed once that commits. Running it again does nothing more."""

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.files.storage import default_storage
from django.db import connection, models, transaction

from lianyun.core import crypto
from lianyun.core.filestore import store_encrypted

CHUNK = 1000
# Called with what is being done ("app.Model.field") and how many more values it has seen.
Progress = Callable[[str, int], None]


class RotationStopped(Exception):
    """A value could not be decrypted with any key in the list: which one, and why. What was
    rewritten before it stays rewritten; running again after the fix goes on from there."""


def _decrypt(blob: bytes, context: str, where: str) -> bytes:
    try:
        return crypto.decrypt_bytes(blob, context=context)
    except crypto.DecryptionError as error:
        raise RotationStopped(f"{where}: {error}") from None


@dataclass
class Rotation:
    rewritten: int = 0
    current: int = 0
    files: int = 0
    # Values still under each key id after the run (all under the current one when done).
    keys: Counter[int] = field(default_factory=Counter)

    def settled(self, key: int, current: int, check: bool) -> bool:
        """Counts a value that stays as it is (under the current key, or any when only
        checking); False for one to rewrite."""
        if key != current and not check:
            return False
        self.current += key == current
        self.keys[key] += 1
        return True


def encrypted_columns() -> Iterator[tuple[type[models.Model], str, str]]:
    """(model, column, context) for every encrypted column, each once (not again through a
    proxy or a child model that inherits it)."""
    for model in apps.get_models():
        for name, context in getattr(model, "encrypted_fields", {}).items():
            if model._meta.get_field(name).model is model:
                yield model, name, context


def encrypted_file_models() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        context = getattr(model, "context", None)
        if "stored_name" in names and isinstance(context, str) and context:
            yield model


def _chunks(model: type[models.Model], name: str) -> Iterator[list[Any]]:
    """The primary keys of the rows with a value in name, CHUNK at a time."""
    last = None
    rows = model._default_manager.exclude(**{f"{name}__isnull": True}).order_by("pk")
    while True:
        page = rows if last is None else rows.filter(pk__gt=last)
        chunk = list(page.values_list("pk", flat=True)[:CHUNK])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def _write(model: type[models.Model], name: str, values: list[tuple[bytes, Any]]) -> None:
    """One prepared UPDATE run over the chunk by the driver (Django's bulk_update builds a
    CASE over every row, which the database then scans for each row)."""
    if not values:
        return
    quote = connection.ops.quote_name
    meta = model._meta
    column = next(f.column for f in meta.concrete_fields if f.name == name)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {quote(meta.db_table)} SET {quote(column)} = %s "  # noqa: S608
            f"WHERE {quote(meta.pk.column)} = %s",
            [(fresh, meta.pk.get_db_prep_value(pk, connection)) for fresh, pk in values],
        )


def rotate(*, check: bool = False, progress: Progress | None = None) -> Rotation:
    """Rewrite every value and file not under the current key (with check, only count)."""
    current = crypto.current_key_id()
    result = Rotation()
    for model, name, context in encrypted_columns():
        label = f"{model._meta.label}.{name}"
        for chunk in _chunks(model, name):
            with transaction.atomic():
                # The chunk again, locked until the rewrite commits (PostgreSQL: the rows;
                # SQLite: the whole database, as every write transaction): no value can change
                # between being read here and rewritten.
                locked = (
                    model._default_manager.select_for_update()
                    .filter(pk__in=chunk)
                    .values_list("pk", name)
                )
                changed = []
                for pk, value in locked:
                    blob = bytes(value) if value is not None else b""
                    if not blob:
                        continue
                    if result.settled(crypto.key_id_of(blob), current, check):
                        continue
                    fresh = crypto.encrypt_bytes(
                        _decrypt(blob, context, f"{label} #{pk}"), context=context
                    )
                    changed.append((fresh, pk))
                _write(model, name, changed)
                result.rewritten += len(changed)
                result.keys[current] += len(changed)
            if progress:
                progress(label, len(chunk))
    for model in encrypted_file_models():
        label = f"{model._meta.label}.stored_name"
        for chunk in _chunks(model, "stored_name"):
            stored_names = model._default_manager.filter(pk__in=chunk).values_list(
                "pk", "stored_name"
            )
            for pk, stored in stored_names:
                if stored:
                    _rotate_file(model, pk, stored, current, check, result)
            if progress:
                progress(label, len(chunk))
    return result


def _rotate_file(
    model: type[models.Model], pk: Any, stored: str, current: int, check: bool, result: Rotation
) -> None:
    context: str = model.context  # type: ignore[attr-defined]
    with default_storage.open(stored, "rb") as handle:
        blob = handle.read()
    if result.settled(crypto.key_id_of(blob), current, check):
        return
    data = _decrypt(blob, context, f"{model._meta.label} #{pk} ({stored})")
    fresh = store_encrypted(data, folder=model.folder, context=context)  # type: ignore[attr-defined]
    with transaction.atomic():
        swapped = model._default_manager.filter(pk=pk, stored_name=stored).update(stored_name=fresh)
        transaction.on_commit(lambda: default_storage.delete(stored if swapped else fresh))
    result.files += swapped
    result.keys[current] += swapped
