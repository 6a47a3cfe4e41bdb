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
            (
                "head_index",
                "member_index",
            ),
            [
                migrations.AlterField(
                    model_name="householdlink",
                    name="head_index",
                    field=models.CharField(max_length=32),
                ),
                migrations.AlterField(
                    model_name="householdlink",
                    name="member_index",
                    field=models.CharField(max_length=32),
                ),
            ],
        ),
        shorten_keys(
            "redflags_death",
            ("id_index",),
            [
                migrations.AlterField(
                    model_name="death",
                    name="id_index",
                    field=models.CharField(max_length=32, unique=True),
                ),
            ],
        ),
        shorten_keys(
            "redflags_publicemployee",
            ("id_index",),
            [
                migrations.AlterField(
                    model_name="publicemployee",
                    name="id_index",
                    field=models.CharField(max_length=32),
                ),
            ],
        ),
        shorten_keys(
            "redflags_cadreterm",
            ("id_index",),
            [
                migrations.AlterField(
                    model_name="cadreterm", name="id_index", field=models.CharField(max_length=32)
                ),
            ],
        ),
        shorten_keys(
            "redflags_relativelink",
            (
                "cadre_index",
                "relative_index",
            ),
            [
                migrations.AlterField(
                    model_name="relativelink",
                    name="cadre_index",
                    field=models.CharField(max_length=32),
                ),
                migrations.AlterField(
                    model_name="relativelink",
                    name="relative_index",
                    field=models.CharField(max_length=32),
                ),
            ],
        ),
        shorten_keys(
            "redflags_separatefiling",
            ("id_index",),
            [
                migrations.AlterField(
                    model_name="separatefiling",
                    name="id_index",
                    field=models.CharField(max_length=32),
                ),
            ],
        ),
        shorten_keys(
            "redflags_flag",
            ("id_index",),
            [
                migrations.AlterField(
                    model_name="flag", name="id_index", field=models.CharField(max_length=32)
                ),
            ],
        ),
        migrations.RunPython(shorten_evidence, migrations.RunPython.noop, elidable=False),
    ]
