"""Migration step: keyed-hash columns cut to their first 16 bytes (crypto.KEY_BYTES).

The hash of an ID number, card number, bank account or payout row was stored as 64 hex digits
and is now 32: the first half of the same HMAC, so a stored key and a freshly computed one
still agree, and nothing needs the clear value to be read again. PostgreSQL retypes the
columns to varchar(32) with the "C" collation (plain byte comparison: the keys are only ever
compared for equality) in one ALTER per table, which rewrites the table and rebuilds its
indexes once; SQLite, which does not enforce a varchar's length, updates the rows in place.
"""

from collections.abc import Callable
from typing import Any

from django.db import migrations, models

from lianyun.core.crypto import KEY_BYTES

WIDTH = 2 * KEY_BYTES


def _shorten(table: str, columns: tuple[str, ...]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                changes = ", ".join(
                    f'ALTER COLUMN {c} TYPE varchar({WIDTH}) COLLATE "C" USING substr({c}, 1, {WIDTH})'
                    for c in columns
                )
                cursor.execute(f"ALTER TABLE {table} {changes}")
            else:
                for c in columns:
                    cursor.execute(
                        f"UPDATE {table} SET {c} = substr({c}, 1, {WIDTH}) "  # noqa: S608 - constant names
                        f"WHERE length({c}) > {WIDTH}"
                    )

    return run


def shorten_keys(
    table: str, model_name: str, **fields: models.CharField
) -> migrations.SeparateDatabaseAndState:
    """The named key columns of `table` cut to WIDTH hex digits in the database; `fields`, their
    new definitions, say so to Django's state of `model_name`."""
    return migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.RunPython(
                _shorten(table, tuple(fields)), migrations.RunPython.noop, elidable=False
            )
        ],
        state_operations=[
            migrations.AlterField(model_name=model_name, name=name, field=field)
            for name, field in fields.items()
        ],
    )
