"""Role permissions on coactiva's models (core/roles.py ROLE_PERMISSIONS)."""

from django.db import migrations

from core.roles import sync_role_permissions


def roles(apps, schema_editor):
    sync_role_permissions(apps, schema_editor, app_labels=["coactiva"])


class Migration(migrations.Migration):
    dependencies = [
        ("coactiva", "0001_initial"),
        ("core", "0005_outbox_lotes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(roles, migrations.RunPython.noop)]
