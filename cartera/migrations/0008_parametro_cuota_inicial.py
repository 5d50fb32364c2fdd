"""The término to pay an agreement's cuota inicial (APP_CUOTA_INICIAL_TERMINO_DIAS):
seeded with its default on databases created before the parameter existed."""

import datetime as dt

from django.db import migrations

from core.parametros import DEFINICIONES, serializar

CLAVE = "APP_CUOTA_INICIAL_TERMINO_DIAS"


def forwards(apps, schema_editor):
    Parametro = apps.get_model("core", "Parametro")
    if Parametro.objects.filter(clave=CLAVE).exists():
        return
    definicion = DEFINICIONES[CLAVE]
    Parametro.objects.create(
        clave=CLAVE,
        valor=serializar(CLAVE, definicion.inicial),
        vigente_desde=dt.date(2015, 1, 1),
        base_legal=definicion.base_legal,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cartera", "0007_cuota_suma_redondeada"),
        ("core", "0006_documentos_verificables_nacionales"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
