from django.db import migrations

from lianyun.core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("disclosure", "0001_initial")]

    operations = [append_only("disclosure_disclosure")]
