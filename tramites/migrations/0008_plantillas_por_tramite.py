"""Message templates of the trámites the back office resolves most (the first ones,
migration 0005, serve every trámite): what staff start from to ask for documents,
approve or reject a levantamiento, an impugnación or a payment agreement. Staff edit
them in the admin. Idempotent; a trámite missing from the catalogue is skipped."""

from django.db import migrations

ACUERDOS = [
    "acuerdo-pagos-parciales-12-meses",
    "acuerdo-pagos-parciales-13-36-meses",
    "convenio-purga-mora",
]
PLANTILLAS = [
    (
        ["levantamiento-medidas-cautelares"],
        "subsanacion",
        "Certificado de la medida",
        "Para continuar con su trámite {numero} cargue el certificado que corresponde a la "
        "medida: de hipotecas y gravámenes (inmueble), de retención de fondos (institución "
        "financiera) o del historial vehicular (vehículo), legible y completo.",
    ),
    (
        ["levantamiento-medidas-cautelares"],
        "aprobacion",
        "Levantamiento dispuesto",
        "Los títulos de crédito del proceso están cancelados o anulados: se dispone el "
        "levantamiento de las medidas cautelares. Los oficios dirigidos a cada entidad están "
        "en la consulta de su trámite {numero}.",
    ),
    (
        ["levantamiento-medidas-cautelares"],
        "negacion",
        "Títulos pendientes de pago",
        "No procede el levantamiento pedido en el trámite {numero}: el proceso coactivo "
        "mantiene títulos de crédito pendientes de pago (Reglamento, art. 176). Cuando estén "
        "cancelados o anulados, presente una nueva solicitud.",
    ),
    (
        ["impugnacion-de-glosa"],
        "aprobacion",
        "Impugnación aceptada",
        "La Comisión Provincial de Prestaciones y Controversias aceptó su impugnación "
        "(trámite {numero}): la glosa queda anulada.",
    ),
    (
        ["impugnacion-de-glosa"],
        "negacion",
        "Impugnación rechazada",
        "La Comisión Provincial de Prestaciones y Controversias rechazó su impugnación "
        "(trámite {numero}) porque [indique el fundamento]. El término para pagar la glosa "
        "corre de nuevo desde esta resolución.",
    ),
    (
        ACUERDOS,
        "aprobacion",
        "Acuerdo aprobado",
        "Su solicitud {numero} fue aprobada: el acuerdo está vigente y su tabla de cuotas "
        "está en el portal del empleador. Pague cada cuota hasta su vencimiento; las cuotas "
        "impagas rompen el acuerdo.",
    ),
    (
        ACUERDOS,
        "negacion",
        "Acuerdo negado",
        "Su solicitud {numero} fue negada porque [indique el motivo]. Sus obligaciones "
        "siguen pendientes de pago.",
    ),
]


def forwards(apps, schema_editor):
    Tramite = apps.get_model("tramites", "Tramite")
    PlantillaMensaje = apps.get_model("tramites", "PlantillaMensaje")
    for orden, (slugs, tipo, nombre, texto) in enumerate(PLANTILLAS, start=1):
        for tramite in Tramite.objects.filter(slug__in=slugs):
            PlantillaMensaje.objects.get_or_create(
                tramite=tramite, tipo=tipo, nombre=nombre, defaults={"texto": texto, "orden": orden}
            )


class Migration(migrations.Migration):
    dependencies = [("tramites", "0007_historial_solo_insercion")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
