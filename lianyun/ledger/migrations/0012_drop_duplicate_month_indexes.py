"""PostgreSQL: drop the second copy of two unique indexes in months attached by an import.

Until now an import built a new month's unique indexes as plain indexes before attaching it.
Attaching matches a parent's constraint only with a constraint, so it built the constraint's
index again beside each plain one. Every such month held two copies of the (ID index, period,
row key) and (serial, period) indexes, or of their forerunners, and every later row was
written into both. The copies are the month's indexes that belong to none of the ledger's;
ledger.partitions now turns its indexes into constraints, so none is made again.
"""

from typing import Any

from django.db import migrations

STRAYS = """
SELECT i.indexrelid::regclass::text FROM pg_index i
JOIN pg_inherits month ON month.inhrelid = i.indrelid AND month.inhparent = 'ledger_payout'::regclass
WHERE NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
"""


def drop_strays(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(STRAYS)
        for (name,) in cursor.fetchall():
            cursor.execute(f"DROP INDEX {name}")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0011_one_index_for_person_and_row")]
    operations = [migrations.RunPython(drop_strays, migrations.RunPython.noop, elidable=False)]
