"""Reference data: the trámite catalogue written from the institution's pages
(shared/seeds 000, 002, 003 and DOMAIN.md §5), with their historical transparency
figures, and the routing rules (each trámite to its unit type; a default to the
Dirección Provincial). Staff edit all of it in the admin afterwards."""

import json
from pathlib import Path

from django.db import migrations

# The project's reference fixtures live at the top (the design card's `fixtures/`).
CATALOGO = Path(__file__).resolve().parents[2] / "fixtures" / "catalogo.json"

CAMPOS_TRAMITE = [
    "slug",
    "nombre",
    "descripcion",
    "a_quien",
    "dirigido_a",
    "tipo_resultado",
    "resultado",
    "canales_atencion",
    "costo",
    "horario",
    "base_legal",
    "contacto_correo",
    "contacto_telefono",
    "nota",
    "recepcion_ventanilla",
    "enlace_en_linea",
    "unidad_tipo",
    "termino_atencion_dias",
    "requiere_empleador",
    "verificacion_previa",
    "orden",
]


def _campos(modelo, datos):
    """The fixture's keys this migration's model has: the fixture keeps growing with
    the catalogue (later migrations add and fill the newer fields)."""
    nombres = {campo.name for campo in modelo._meta.get_fields()}
    return {clave: valor for clave, valor in datos.items() if clave in nombres}


def forwards(apps, schema_editor):
    Tramite = apps.get_model("tramites", "Tramite")
    CanalTramite = apps.get_model("tramites", "CanalTramite")
    Pregunta = apps.get_model("tramites", "Pregunta")
    Requisito = apps.get_model("tramites", "Requisito")
    EstadisticaHistorica = apps.get_model("tramites", "EstadisticaHistorica")
    ReglaEnrutamiento = apps.get_model("tramites", "ReglaEnrutamiento")

    datos = json.loads(CATALOGO.read_text(encoding="utf-8"))
    for entrada in datos["tramites"]:
        tramite = Tramite.objects.create(
            **{campo: entrada[campo] for campo in CAMPOS_TRAMITE if campo in entrada}
        )
        for orden, canal in enumerate(entrada["canales"], 1):
            CanalTramite.objects.create(
                tramite=tramite, orden=orden, **_campos(CanalTramite, canal)
            )
        for orden, pregunta in enumerate(entrada["preguntas"], 1):
            Pregunta.objects.create(tramite=tramite, orden=orden, **pregunta)
        for orden, requisito in enumerate(entrada["requisitos"], 1):
            Requisito.objects.create(tramite=tramite, orden=orden, **requisito)
        EstadisticaHistorica.objects.bulk_create(
            EstadisticaHistorica(tramite=tramite, anio=a, mes=m, quejas=q, atenciones=n)
            for a, m, q, n in entrada["historico"]
        )
        if tramite.recepcion_ventanilla:
            ReglaEnrutamiento.objects.create(
                tramite=tramite,
                unidad_tipo=tramite.unidad_tipo,
                prioridad=100,
                nota="Unidad que atiende el trámite según el catálogo.",
            )
    for regla in datos["reglas"]:
        ReglaEnrutamiento.objects.create(**regla)


class Migration(migrations.Migration):
    dependencies = [("tramites", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
