"""Name every source as "<app>.<Model>:<id>".

Reminder talks and cross-check flags named theirs "R<id>" and "F<id>"; every other source was
already spelled "<app>.<Model>:<id>". The old spellings are rewritten in place: the ids are
the same, only the label in front of them changes.
"""

from django.db import migrations

OLD_SPELLINGS = {
    # source kind: (old prefix, label)
    "reminder_talk": ("R", "talks.ReminderTalk"),
    "flag": ("F", "redflags.Flag"),
}


def respell(apps, schema_editor):  # type: ignore[no-untyped-def]
    for model_name in ("Lead", "RectificationItem"):
        model = apps.get_model("cases", model_name)
        for kind, (prefix, label) in OLD_SPELLINGS.items():
            old = model.objects.filter(source_kind=kind, source_ref__regex=rf"^{prefix}[0-9]+$")
            for pk, ref in old.values_list("pk", "source_ref"):
                model.objects.filter(pk=pk).update(source_ref=f"{label}:{ref[len(prefix) :]}")


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0007_created_at_from_the_day"),
    ]

    operations = [
        migrations.RunPython(respell, migrations.RunPython.noop),
    ]
