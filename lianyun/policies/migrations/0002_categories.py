"""The 11 policy categories (docs/domain.md §7), from the bundled catalogue; editable afterwards."""

import json
from pathlib import Path

from django.db import migrations

CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"


def load(apps, schema_editor):
    PolicyCategory = apps.get_model("policies", "PolicyCategory")
    for category in json.loads(CATALOGUE.read_text("utf-8"))["categories"]:
        PolicyCategory.objects.update_or_create(
            code=category["code"],
            defaults={"name": category["name"], "name_en": category["name_en"], "order": category["order"]},
        )


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
