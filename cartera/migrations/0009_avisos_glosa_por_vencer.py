"""E-mails for every event the employer must act on: the reminder before a glosa's
término ends (once per término: Glosa.recordatorio_vence_en), which the employer can
switch off (PreferenciasAviso.glosa_por_vencer), and its lead time, the parameter
GLOSA_RECORDATORIO_DIAS_HABILES, seeded with its default."""

import datetime as dt

from django.db import migrations, models

from core.parametros import DEFINICIONES, serializar

CLAVE = "GLOSA_RECORDATORIO_DIAS_HABILES"


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
    dependencies = [("cartera", "0008_parametro_cuota_inicial")]

    operations = [
        migrations.AddField(
            model_name="glosa",
            name="recordatorio_vence_en",
            field=models.DateField(
                blank=True,
                editable=False,
                help_text=(
                    "Último día del término del que se recordó al empleador (cartera.batch."
                    "glosas_recordar): un recordatorio por término, también si la impugnación "
                    "rechazada lo reinicia."
                ),
                null=True,
                verbose_name="recordatorio enviado del término al",
            ),
        ),
        migrations.AddField(
            model_name="preferenciasaviso",
            name="glosa_por_vencer",
            field=models.BooleanField(
                default=True,
                verbose_name="recordatorio antes del último día para pagar o impugnar una glosa",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
