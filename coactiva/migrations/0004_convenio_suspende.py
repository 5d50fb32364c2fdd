"""A process in CONVENIO is suspended, not ended: it keeps no closing date and remembers
the stage to resume in. Existing processes in CONVENIO (moved there by hand) get both:
the stage is the one recorded on the entry of the file just before they entered the
convenio (each Actuacion records the stage the process was in), MEDIDAS when there is
none (what the old transition table resumed to)."""

from django.db import migrations, models
from django.db.models import Q

ETAPAS = [
    ("orden_cobro", "Orden de cobro"),
    ("requerimiento", "Requerimiento de pago voluntario"),
    ("citacion", "Orden de pago inmediato / citación"),
    ("medidas", "Medidas cautelares"),
    ("embargo", "Embargo"),
    ("avaluo", "Avalúo"),
    ("remate", "Remate"),
    ("cancelado", "Cancelado"),
    ("anulado", "Anulado"),
    ("convenio", "Convenio de pago"),
    ("archivado", "Archivado"),
]


def reabrir_convenios(apps, schema_editor):
    JuicioCoactivo = apps.get_model("coactiva", "JuicioCoactivo")
    Actuacion = apps.get_model("coactiva", "Actuacion")
    for juicio in JuicioCoactivo.objects.filter(etapa="convenio"):
        antes = (
            Actuacion.objects.filter(juicio=juicio)
            .exclude(etapa__in=["", "convenio"])
            .order_by("-numero")
            .values_list("etapa", flat=True)
            .first()
        )
        juicio.etapa_antes_convenio = antes or "medidas"
        juicio.cerrado_en = None
        juicio.save(update_fields=["etapa_antes_convenio", "cerrado_en"])


class Migration(migrations.Migration):
    dependencies = [("coactiva", "0003_sorteo_semilla_origen")]

    operations = [
        migrations.RemoveConstraint(
            model_name="juiciocoactivo",
            name="juicio_abierto_sin_cierre",
        ),
        migrations.AddField(
            model_name="juiciocoactivo",
            name="etapa_antes_convenio",
            field=models.CharField(
                blank=True,
                choices=ETAPAS,
                help_text=(
                    "Etapa en que estaba el proceso cuando un convenio de pago cubrió sus "
                    "títulos; si el convenio se incumple, el proceso se reanuda en ella."
                ),
                max_length=16,
                verbose_name="se reanuda en la etapa",
            ),
        ),
        migrations.RunPython(reabrir_convenios, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="juiciocoactivo",
            constraint=models.CheckConstraint(
                condition=Q(etapa__in=["cancelado", "anulado", "archivado"])
                | Q(cerrado_en__isnull=True),
                name="juicio_abierto_sin_cierre",
            ),
        ),
    ]
