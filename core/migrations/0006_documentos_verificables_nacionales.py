"""Provincial roles no longer read every verifiable document in the admin (the list is
not narrowed by province); staff reach a document through the request or process it
belongs to."""

from django.db import migrations

from core.roles import sync_role_permissions


def forwards(apps, schema_editor):
    sync_role_permissions(apps, schema_editor, app_labels=["core"])


class Migration(migrations.Migration):
    dependencies = [("core", "0005_outbox_lotes")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
