"""Back office data and indexes: role permissions on the new models and permissions, the
SUBSANACION_TERMINO_DIAS parameter, and the first message templates (staff edit them
in the admin). Idempotent."""

import datetime as dt

from django.db import migrations

from core.parametros import DEFINICIONES, serializar
from core.roles import sync_role_permissions

PLANTILLAS = [
    (
        "subsanacion",
        "Documento ilegible",
        "Su trámite {numero} fue revisado por {unidad}. Uno de los documentos que cargó no "
        "se puede leer con claridad (imagen borrosa, cortada o sin firma). Cargue de nuevo el "
        "documento legible, escaneado completo y con la firma manuscrita.",
    ),
    (
        "subsanacion",
        "Falta un requisito",
        "Para continuar con su trámite {numero} ({tramite}) cargue el requisito que falta: "
        "[indique el documento].",
    ),
    (
        "aprobacion",
        "Solicitud aprobada",
        "Su solicitud {numero} de {tramite} fue aprobada. El documento de respuesta está "
        "disponible en la consulta de su trámite.",
    ),
    (
        "negacion",
        "No cumple los requisitos",
        "Su solicitud {numero} de {tramite} fue negada porque no cumple los requisitos del "
        "trámite: [indique cuál].",
    ),
    (
        "negacion",
        "Obligaciones pendientes",
        "Su solicitud {numero} fue negada porque mantiene obligaciones pendientes con el IESS.",
    ),
]


def forwards(apps, schema_editor):
    sync_role_permissions(apps, schema_editor, app_labels=["tramites"])
    Parametro = apps.get_model("core", "Parametro")
    clave = "SUBSANACION_TERMINO_DIAS"
    if not Parametro.objects.filter(clave=clave).exists():
        definicion = DEFINICIONES[clave]
        Parametro.objects.create(
            clave=clave,
            valor=serializar(clave, definicion.inicial),
            vigente_desde=dt.date(2017, 7, 7),  # COA in force
            base_legal=definicion.base_legal,
        )
    PlantillaMensaje = apps.get_model("tramites", "PlantillaMensaje")
    for orden, (tipo, nombre, texto) in enumerate(PLANTILLAS, start=1):
        PlantillaMensaje.objects.get_or_create(
            tramite=None, tipo=tipo, nombre=nombre, defaults={"texto": texto, "orden": orden}
        )


# Name-prefix search in the queue: the admin's istartswith sends UPPER(col::text) LIKE
# 'X%', which a btree index serves only with text_pattern_ops unless the database
# collation is "C". PostgreSQL only (other databases get no index).
INDICES_PREFIJO = {
    "solicitud_nombre_prefijo": "solicitante_nombre",
    "solicitud_razon_prefijo": "empleador_razon_social",
}


def indices(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for nombre, columna in INDICES_PREFIJO.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {nombre} ON tramites_solicitud "
            f"(UPPER({columna}::text) text_pattern_ops)"
        )


def indices_quitar(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for nombre in INDICES_PREFIJO:
        schema_editor.execute(f"DROP INDEX IF EXISTS {nombre}")


class Migration(migrations.Migration):
    dependencies = [
        ("tramites", "0004_backoffice"),
        ("core", "0005_outbox_lotes"),
    ]
    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RunPython(indices, indices_quitar),
    ]
