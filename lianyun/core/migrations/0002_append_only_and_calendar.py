"""The audit log refuses UPDATE and DELETE at the database; the bundled calendars load."""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_auditentry_no_update BEFORE UPDATE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only'); END""",
    """CREATE TRIGGER core_auditentry_no_delete BEFORE DELETE ON core_auditentry
       BEGIN SELECT RAISE(ABORT, 'core_auditentry is append-only'); END""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditentry_no_update",
    "DROP TRIGGER IF EXISTS core_auditentry_no_delete",
]
POSTGRES = [
    """CREATE OR REPLACE FUNCTION lianyun_refuse_change() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only'; END;
       $$ LANGUAGE plpgsql""",
    """CREATE TRIGGER core_auditentry_append_only BEFORE UPDATE OR DELETE ON core_auditentry
       FOR EACH ROW EXECUTE FUNCTION lianyun_refuse_change()""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER IF EXISTS core_auditentry_append_only ON core_auditentry",
]


def install_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(vendor, [])
    for statement in statements:
        schema_editor.execute(statement)


def remove_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for statement in {"sqlite": SQLITE_REVERSE, "postgresql": POSTGRES_REVERSE}.get(vendor, []):
        schema_editor.execute(statement)


def load_calendars(apps, schema_editor):
    import json

    from lianyun.core.workdays import BUNDLED_CALENDARS, _parse_calendar_file

    CalendarDay = apps.get_model("core", "CalendarDay")
    CalendarYear = apps.get_model("core", "CalendarYear")
    for path in sorted(BUNDLED_CALENDARS.glob("*.json")):
        year, source, provisional, days = _parse_calendar_file(json.loads(path.read_text("utf-8")))
        CalendarDay.objects.filter(date__year=year).delete()
        CalendarDay.objects.bulk_create(
            CalendarDay(date=d.date, kind=d.kind, name_zh=d.name_zh, name_en=d.name_en) for d in days
        )
        CalendarYear.objects.update_or_create(
            year=year, defaults={"source": source, "provisional": provisional}
        )


def create_head(apps, schema_editor):
    apps.get_model("core", "AuditHead").objects.get_or_create(id=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [
        migrations.RunPython(install_triggers, remove_triggers),
        migrations.RunPython(load_calendars, migrations.RunPython.noop),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
