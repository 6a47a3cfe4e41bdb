"""Database triggers that refuse UPDATE and DELETE on a table, for migrations.

Used for the audit log and the publication chain. SQLite: two BEFORE triggers raising ABORT;
PostgreSQL: one row trigger calling a shared function. Other databases get nothing (the hash
chains still detect changes).
"""

from typing import Any

from django.db import migrations


def _statements(table: str, vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
            f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END",
        ]
    if vendor == "postgresql":
        return [
            "CREATE OR REPLACE FUNCTION lianyun_refuse_change() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END; "
            "$$ LANGUAGE plpgsql",
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION lianyun_refuse_change()",
        ]
    return []


def _reverse(table: str, vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"DROP TRIGGER IF EXISTS {table}_no_update",
            f"DROP TRIGGER IF EXISTS {table}_no_delete",
        ]
    if vendor == "postgresql":
        return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"]
    return []


def append_only(*tables: str) -> migrations.RunPython:
    def forward(apps: Any, schema_editor: Any) -> None:
        for table in tables:
            for statement in _statements(table, schema_editor.connection.vendor):
                schema_editor.execute(statement)

    def backward(apps: Any, schema_editor: Any) -> None:
        for table in tables:
            for statement in _reverse(table, schema_editor.connection.vendor):
                schema_editor.execute(statement)

    return migrations.RunPython(forward, backward)


def drop_guard(cursor: Any, vendor: str, table: str) -> None:
    """For tests that play an attacker with database access."""
    for statement in _reverse(table, vendor):
        cursor.execute(statement)


def restore_guard(cursor: Any, vendor: str, table: str) -> None:
    """Put the triggers back after an operator's reset of a demo database."""
    for statement in _statements(table, vendor):
        cursor.execute(statement)
