"""The heading of each channel's steps («¿Cómo hago el trámite?»), which the seed pages
word differently from the heading of its requisites, filled from fixtures/catalogo.json
on databases created before it existed. Seed 000's presencial requisites heading and
the class of its four conditional requisites («Requisito adicional» on the page) are
corrected where they still hold what the fixture shipped before: a value staff edited
in the admin is kept."""

import json
from pathlib import Path

from django.db import migrations, models

CATALOGO = Path(__file__).resolve().parents[2] / "fixtures" / "catalogo.json"
LEVANTAMIENTO = "levantamiento-medidas-cautelares"

# What the fixture said before this migration, where it changed.
TITULO_ANTERIOR = {
    (LEVANTAMIENTO, "presencial"): "Trámite presencial, ventanilla Gestión Documental"
}
CLASE_ANTERIOR = {
    (LEVANTAMIENTO, "Certificado de hipotecas y gravámenes"): "especifico",
    (LEVANTAMIENTO, "Certificado de retención de fondos"): "especifico",
    (LEVANTAMIENTO, "Certificado del historial vehicular"): "especifico",
    (LEVANTAMIENTO, "Título de crédito"): "especifico",
}


def forwards(apps, schema_editor):
    CanalTramite = apps.get_model("tramites", "CanalTramite")
    Requisito = apps.get_model("tramites", "Requisito")
    datos = json.loads(CATALOGO.read_text(encoding="utf-8"))
    for entrada in datos["tramites"]:
        slug = entrada["slug"]
        for canal in entrada["canales"]:
            filas = CanalTramite.objects.filter(tramite__slug=slug, canal=canal["canal"])
            if canal.get("titulo_pasos"):
                filas.filter(titulo_pasos="").update(titulo_pasos=canal["titulo_pasos"])
            anterior = TITULO_ANTERIOR.get((slug, canal["canal"]))
            if anterior is not None:
                filas.filter(titulo=anterior).update(titulo=canal["titulo"])
        for requisito in entrada["requisitos"]:
            anterior = CLASE_ANTERIOR.get((slug, requisito["nombre"]))
            if anterior is not None:
                Requisito.objects.filter(
                    tramite__slug=slug, nombre=requisito["nombre"], clase=anterior
                ).update(clase=requisito["clase"])


class Migration(migrations.Migration):
    dependencies = [("tramites", "0008_plantillas_por_tramite")]

    operations = [
        migrations.AddField(
            model_name="canaltramite",
            name="titulo_pasos",
            field=models.CharField(
                blank=True,
                help_text="Encabeza los pasos del canal. Vacío: el mismo título de los requisitos.",
                max_length=200,
                verbose_name="título en «¿Cómo hago el trámite?»",
            ),
        ),
        migrations.AlterField(
            model_name="canaltramite",
            name="titulo",
            field=models.CharField(
                help_text="Encabeza los requisitos generales del canal.",
                max_length=200,
                verbose_name="título en «¿Qué necesito para hacer el trámite?»",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
