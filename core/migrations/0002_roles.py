from django.db import migrations

from core.roles import sync_role_permissions


def forwards(apps, schema_editor):
    sync_role_permissions(apps, schema_editor, app_labels=["core"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
