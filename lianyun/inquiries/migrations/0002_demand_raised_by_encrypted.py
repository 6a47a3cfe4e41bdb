from django.db import migrations, models


def encrypt_names(apps, schema_editor):
    from lianyun.core import crypto
    from lianyun.core.masking import mask_name

    Demand = apps.get_model("inquiries", "Demand")
    for demand in Demand.objects.all():
        demand.raised_by_encrypted = crypto.encrypt(
            demand.raised_by, context="inquiries.Demand.raised_by"
        )
        demand.raised_by_masked = mask_name(demand.raised_by)
        demand.save(update_fields=["raised_by_encrypted", "raised_by_masked"])


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="demand",
            name="raised_by_encrypted",
            field=models.BinaryField(default=b""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="demand",
            name="raised_by_masked",
            field=models.CharField(default="", max_length=32, verbose_name="raised by"),
            preserve_default=False,
        ),
        migrations.RunPython(encrypt_names, migrations.RunPython.noop),
        migrations.RemoveField(model_name="demand", name="raised_by"),
    ]
