from django.db import migrations

from core.roles import sync_role_permissions


def forwards(apps, schema_editor):
    sync_role_permissions(apps, schema_editor, app_labels=["tramites"])


class Migration(migrations.Migration):
    dependencies = [
        ("tramites", "0002_catalogo"),
        ("core", "0002_roles"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
