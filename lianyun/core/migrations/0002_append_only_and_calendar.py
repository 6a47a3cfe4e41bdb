"""The audit log refuses UPDATE and DELETE at the database; the bundled calendars load."""

from django.db import migrations

from lianyun.core.append_only import append_only

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
        append_only("core_auditentry"),
        migrations.RunPython(load_calendars, migrations.RunPython.noop),
        migrations.RunPython(create_head, migrations.RunPython.noop),
    ]
