"""A resident's ID and card indexes: 16 bytes (32 hex digits), as the payouts' (ledger 0010)."""

from django.db import migrations, models

from lianyun.core.short_keys import shorten_keys


class Migration(migrations.Migration):
    # After ledger 0009, which retyped id_number_index at its old width.
    dependencies = [("people", "0001_initial"), ("ledger", "0009_keys_compared_bytewise")]
    operations = [
        shorten_keys(
            "people_resident",
            "resident",
            id_number_index=models.CharField(max_length=32, unique=True),
            card_number_index=models.CharField(blank=True, max_length=32, null=True, unique=True),
        )
    ]
