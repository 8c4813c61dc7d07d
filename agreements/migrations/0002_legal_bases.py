"""The shared legal bases every partnership cites (agreements/reference.py)."""

from django.db import migrations


def sync(apps, schema_editor):
    from agreements.reference import legal_bases_sync

    legal_bases_sync(apps.get_model("agreements", "LegalBasis"))


class Migration(migrations.Migration):
    dependencies = [("agreements", "0001_initial")]

    operations = [migrations.RunPython(sync, migrations.RunPython.noop)]
