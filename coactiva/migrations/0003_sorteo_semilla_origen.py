"""Where each logged sorteo's seed came from. Existing rows: a seed of the form the
service generates (secrets.token_hex(16), 32 hexadecimal digits) came from the system;
any other seed (e.g. "demo-17-coactiva", or one passed with the old --semilla option)
was chosen by a person and is marked so."""

import re

from django.db import migrations, models

DEL_SISTEMA = re.compile(r"[0-9a-f]{32}")


def clasificar(apps, schema_editor):
    SorteoRegistro = apps.get_model("coactiva", "SorteoRegistro")
    sistema = [
        pk
        for pk, semilla in SorteoRegistro.objects.values_list("pk", "semilla")
        if DEL_SISTEMA.fullmatch(semilla)
    ]
    # AppendOnlyModel forbids save() on history rows; a queryset update is the migration's
    # one-off correction of the new column.
    SorteoRegistro.objects.filter(pk__in=sistema).update(semilla_origen="sistema")


class Migration(migrations.Migration):
    dependencies = [("coactiva", "0002_roles")]

    operations = [
        migrations.AddField(
            model_name="sorteoregistro",
            name="semilla_origen",
            field=models.CharField(
                choices=[
                    ("sistema", "Generada al azar por el sistema"),
                    ("persona", "Fijada por una persona: el sorteo NO fue al azar"),
                ],
                default="persona",
                max_length=10,
                verbose_name="origen de la semilla",
            ),
            preserve_default=False,
        ),
        migrations.RunPython(clasificar, migrations.RunPython.noop),
    ]
