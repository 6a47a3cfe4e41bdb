"""A person's payouts and each row's uniqueness kept by one index, not two.

The unique row key and the (ID index, period) index were two B-trees over random keys, both
written at random places by every imported row. One unique index over (ID index, period, row
key) serves the lookup and keeps each row once; docs/ledger-layout.md gives the reasoning and
the measurements. On PostgreSQL the constraint is built on every month's partition; SQLite
remakes the table. The new index is made before the old ones go, so a row is never without
its guard.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("ledger", "0010_keys_of_16_bytes")]
    operations = [
        migrations.AddConstraint(
            model_name="payout",
            constraint=models.UniqueConstraint(
                fields=("id_number_index", "period", "row_key"), name="payout_person_row_unique"
            ),
        ),
        migrations.RemoveConstraint(model_name="payout", name="payout_row_key_unique"),
        migrations.RemoveIndex(model_name="payout", name="ledger_payo_id_numb_114a4b_idx"),
    ]
