"""Registry and flag ID indexes: 16 bytes (32 hex digits), as the payouts' (ledger 0010).

A cadre-relative flag names its cadre by ID index in its evidence; that key is cut too, so the
flag still finds the cadre in the registry.
"""

from typing import Any

from django.db import migrations, models

from lianyun.core.short_keys import WIDTH, shorten_keys


def shorten_evidence(apps: Any, schema_editor: Any) -> None:
    Flag = apps.get_model("redflags", "Flag")
    for flag in Flag.objects.filter(evidence__has_key="cadre_index").iterator():
        flag.evidence["cadre_index"] = str(flag.evidence["cadre_index"])[:WIDTH]
        flag.save(update_fields=["evidence"])


class Migration(migrations.Migration):
    dependencies = [("redflags", "0001_initial"), ("people", "0002_keys_of_16_bytes")]
    operations = [
        shorten_keys(
            "redflags_householdlink",
            "householdlink",
            head_index=models.CharField(max_length=32),
            member_index=models.CharField(max_length=32),
        ),
        shorten_keys(
            "redflags_death", "death", id_index=models.CharField(max_length=32, unique=True)
        ),
        shorten_keys(
            "redflags_publicemployee", "publicemployee", id_index=models.CharField(max_length=32)
        ),
        shorten_keys("redflags_cadreterm", "cadreterm", id_index=models.CharField(max_length=32)),
        shorten_keys(
            "redflags_relativelink",
            "relativelink",
            cadre_index=models.CharField(max_length=32),
            relative_index=models.CharField(max_length=32),
        ),
        shorten_keys(
            "redflags_separatefiling", "separatefiling", id_index=models.CharField(max_length=32)
        ),
        shorten_keys("redflags_flag", "flag", id_index=models.CharField(max_length=32)),
        migrations.RunPython(shorten_evidence, migrations.RunPython.noop, elidable=False),
    ]
