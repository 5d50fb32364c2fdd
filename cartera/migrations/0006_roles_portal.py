"""View permissions on the employer portal's models (payment agreements, installments,
their history, certificates) for the roles that read cartera (core/roles.py)."""

from django.db import migrations

from core.roles import sync_role_permissions


def roles(apps, schema_editor):
    sync_role_permissions(apps, schema_editor, app_labels=["cartera"])


class Migration(migrations.Migration):
    dependencies = [("cartera", "0005_portal_empleador")]
    operations = [migrations.RunPython(roles, migrations.RunPython.noop)]
