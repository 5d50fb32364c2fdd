"""Role permissions on cartera's models (core/roles.py), the legal parameters cartera
declared (core.parametros: PLANILLA_DIA_VENCIMIENTO, PAGO_ORDEN_IMPUTACION) and the
initial late-payment interest rate.

Parameters: on a fresh database core/0004 already created a row for every declared key,
so only the missing ones are added here (idempotent).

Interest rate: DOMAIN.md §3 leaves the official monthly rate to staff (a default). One
initial row from January 2015 makes every month computable; staff add the rate of each
month in the admin (Tasas de interés de mora), and a month uses its own row or the
latest earlier one.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

from core.parametros import DEFINICIONES, serializar
from core.roles import sync_role_permissions

CLAVES = ["PLANILLA_DIA_VENCIMIENTO", "PAGO_ORDEN_IMPUTACION"]
DESDE = dt.date(2015, 1, 1)
TASA_INICIAL = Decimal("9.3300")


def roles(apps, schema_editor):
    sync_role_permissions(apps, schema_editor, app_labels=["cartera"])


def parametros(apps, schema_editor):
    Parametro = apps.get_model("core", "Parametro")
    for clave in CLAVES:
        if Parametro.objects.filter(clave=clave).exists():
            continue
        definicion = DEFINICIONES[clave]
        Parametro.objects.create(
            clave=clave,
            valor=serializar(clave, definicion.inicial),
            vigente_desde=DESDE,
            base_legal=definicion.base_legal,
        )


def tasas(apps, schema_editor):
    TasaInteresMora = apps.get_model("cartera", "TasaInteresMora")
    TasaInteresMora.objects.get_or_create(
        mes=DESDE,
        defaults={
            "tasa_anual": TASA_INICIAL,
            "fuente": "Valor inicial por defecto; registre la tasa oficial de cada mes.",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cartera", "0003_obligaciones"),
        ("core", "0005_outbox_lotes"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [
        migrations.RunPython(roles, migrations.RunPython.noop),
        migrations.RunPython(parametros, migrations.RunPython.noop),
        migrations.RunPython(tasas, migrations.RunPython.noop),
    ]
