"""Coactiva demo data: Secretarios-Abogados of the Pichincha and Guayas units, a sorteo
per unit (half of the títulos received stay in the inbox for a live sorteo), processes
in every stage (some términos due today or overdue), measures, and two stories:

* Comercial Andina (the demo employer login): a process with three títulos, two paid,
  one still owed, and three measures in force: the levantamiento journey starts here.
* Exportadora del Guayas (the other employer login): a process paid in full, its
  oficios signed by Guayas' Director Provincial (director.09), its measures lifted,
  verifiable at /verificar/<código>/.
* A Pichincha process paid in full four business days ago: its oficio waits in the
  queue of Pichincha's Director (director.17, *Oficios por firmar*), late.

Every change goes through coactiva.services, as in production."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from cartera import interes
from cartera import services as cartera_services
from cartera.models import Glosa, Pago, TituloCredito
from cartera.selectors import linea_deuda
from coactiva import services
from coactiva.models import JuicioCoactivo, Levantamiento, SecretarioAbogado
from core import calendar
from core.demo import DemoContext
from core.models import Canton, Unidad

Etapa = JuicioCoactivo.Etapa

# (unit, staff username or None for an external lawyer, name, vínculo)
SECRETARIOS = [
    ("17-coactiva", "secretario.17", "Lucía Andrade", SecretarioAbogado.Vinculo.INTERNO),
    ("17-coactiva", "secretario2.17", "Diego Cevallos", SecretarioAbogado.Vinculo.INTERNO),
    ("17-coactiva", None, "Ab. Roberto Paredes Luna", SecretarioAbogado.Vinculo.EXTERNO),
    ("09-coactiva", "secretario.09", "Karina Macías", SecretarioAbogado.Vinculo.INTERNO),
    ("09-coactiva", None, "Ab. Ximena Zambrano Vera", SecretarioAbogado.Vinculo.EXTERNO),
]

MEDIDAS_ANDINA = [
    {
        "tipo": "retencion_fondos",
        "entidad_tipo": "institucion_financiera",
        "entidad_nombre": "Banco Produbanco S.A.",
        "cuenta": "02005123456",
    },
    {
        "tipo": "prohibicion_inmueble",
        "entidad_tipo": "registro_propiedad",
        "entidad_nombre": "Registro de la Propiedad del Distrito Metropolitano de Quito",
        "predio": "178456",
        "canton": "1701",
    },
    {
        "tipo": "prohibicion_vehiculo",
        "entidad_tipo": "ant",
        "entidad_nombre": "Agencia Nacional de Tránsito",
        "placa": "PCD-4521",
    },
]


MEDIDAS_EXPORTADORA = [
    {
        "tipo": "retencion_fondos",
        "entidad_tipo": "institucion_financiera",
        "entidad_nombre": "Banco Guayaquil S.A.",
        "cuenta": "0012345678",
    },
    {
        "tipo": "prohibicion_vehiculo",
        "entidad_tipo": "ant",
        "entidad_nombre": "Agencia Nacional de Tránsito",
        "placa": "GSB-0912",
    },
]


def _hace(dias: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=dias)


def _pagar(titulo: TituloCredito, hoy: dt.date, tasas: interes.TablaTasas) -> None:
    deuda = linea_deuda("titulo", titulo, "", hoy, tasas)
    cartera_services.pago_registrar(
        obligacion=titulo, monto=deuda.total, fecha=hoy, canal=Pago.Canal.COACTIVA
    )


def _llevar(juicio: JuicioCoactivo, hasta: str, *, dias_atras: int, por: Any) -> JuicioCoactivo:
    """Walk a process through the stages, the last step `dias_atras` days ago."""
    camino = [Etapa.REQUERIMIENTO, Etapa.CITACION, Etapa.MEDIDAS, Etapa.EMBARGO]
    pasos = camino[: camino.index(Etapa(hasta)) + 1] if hasta in camino else []
    for i, etapa in enumerate(pasos):
        juicio = services.juicio_transicion(
            juicio=juicio,
            a=etapa,
            por=por,
            at=_hace(dias_atras + 15 * (len(pasos) - 1 - i)),
        )
    return juicio


def _medidas(juicio: JuicioCoactivo, medidas: list[dict[str, Any]], por: Any) -> None:
    for datos in medidas:
        datos = dict(datos)
        if "canton" in datos:
            datos["canton"] = Canton.objects.get(pk=datos["canton"])
        medida = services.medida_ordenar(juicio=juicio, por=por, at=_hace(10), **datos)
        services.medida_registrar_vigencia(medida=medida, por=por, at=_hace(8))


def _secretarios(
    ctx: DemoContext, unidades: dict[str, Unidad], *, solo: set[str] | None = None
) -> None:
    """Create the lawyers (only the logins in `solo` when given); idempotent."""
    staff = ctx.data.get("staff", {})
    for codigo, usuario, nombre, vinculo in SECRETARIOS:
        if solo is not None and usuario not in solo:
            continue
        cuenta = staff.get(usuario) if usuario else None
        SecretarioAbogado.objects.get_or_create(
            unidad=unidades[codigo],
            nombre=nombre,
            defaults={"vinculo": vinculo, "usuario": cuenta, "email": getattr(cuenta, "email", "")},
        )


def seed(ctx: DemoContext) -> None:
    staff = ctx.data.get("staff", {})
    unidades = {u.codigo: u for u in Unidad.objects.filter(tipo=Unidad.Tipo.COACTIVA)}
    hoy = timezone.localdate()
    tasas = interes.tabla_tasas()
    cuentas = list(ctx.data.get("empleadores_demo", []))
    andina = cuentas[0] if cuentas else None
    exportadora = cuentas[1] if len(cuentas) > 1 else None
    historias = {"17-coactiva": andina, "09-coactiva": exportadora}

    # The two stories' processes go to the lawyers with a demo login (secretario.17 and
    # secretario.09): their sorteo runs while they are the units' only lawyers; the
    # others join before the bulk sorteo (which the load balancing then evens out).
    # Fixed seeds keep the demo identical on every machine; the sorteo log marks them
    # "fijada por una persona" (a real draw takes its seed from the system).
    _secretarios(ctx, unidades, solo={"secretario.17", "secretario.09"})
    for codigo, protagonista in historias.items():
        unidad = unidades[codigo]
        suyos = services.titulos_por_sortear(unidad=unidad).filter(
            empleador=protagonista, estado=TituloCredito.Estado.EMITIDO
        )
        if protagonista is not None and suyos.exists():
            services.sorteo_realizar(
                unidad=unidad,
                por=staff.get(f"jefe.coactiva.{codigo[:2]}"),
                titulos=list(suyos.values_list("pk", flat=True)),
                semilla_fijada=f"demo-{protagonista.pk}",
                at=_hace(80),
            )
    _secretarios(ctx, unidades)
    for codigo in historias:
        unidad = unidades[codigo]
        jefe = staff.get(f"jefe.coactiva.{codigo[:2]}")
        pendientes = list(
            services.titulos_por_sortear(unidad=unidad)
            .filter(estado=TituloCredito.Estado.EMITIDO)  # cartera's own samples stay
            .exclude(empleador__in=cuentas)
            .order_by("id")
            .values_list("pk", flat=True)
        )
        # Half stay in the inbox, for a sorteo run live from the admin.
        elegidos = pendientes[: max(8, len(pendientes) // 2)]
        if not elegidos:
            continue
        registro = services.sorteo_realizar(
            unidad=unidad,
            por=jefe,
            titulos=elegidos,
            semilla_fijada=f"demo-{codigo}",
            at=_hace(75),
        )
        juicios = list(
            JuicioCoactivo.objects.filter(sorteo=registro)
            .select_related("empleador")
            .order_by("id")
        )
        _etapas(juicios, por=jefe, hoy=hoy)

    if andina is not None:
        juicio = JuicioCoactivo.objects.filter(empleador=andina).first()
        if juicio is not None:
            abogado = juicio.secretario.usuario
            juicio = _llevar(juicio, Etapa.MEDIDAS, dias_atras=12, por=abogado)
            _medidas(juicio, MEDIDAS_ANDINA, abogado)
            for titulo in juicio.titulos.order_by("secuencial")[:2]:
                _pagar(titulo, hoy, tasas)
    if exportadora is not None:
        juicio = JuicioCoactivo.objects.filter(empleador=exportadora).first()
        if juicio is not None:
            abogado = juicio.secretario.usuario
            juicio = _llevar(juicio, Etapa.MEDIDAS, dias_atras=30, por=abogado)
            _medidas(juicio, MEDIDAS_EXPORTADORA, abogado)
            for titulo in juicio.titulos.all():
                _pagar(titulo, hoy, tasas)
            # The task would render them after commit; the demo shows them at once, and
            # Guayas' Director signs them.
            for levantamiento in juicio.levantamientos.all():
                services.levantamiento_oficio_generar(levantamiento_id=levantamiento.pk)
            director = staff.get("director.09")
            if director is not None:
                services.oficios_firmar(
                    levantamientos=juicio.levantamientos.filter(
                        estado=Levantamiento.Estado.POR_FIRMAR
                    ),
                    por=director,
                )
    _por_firmar(staff=staff, excluir=cuentas, tasas=tasas)
    ctx.stdout.write(
        f"  {JuicioCoactivo.objects.count()} juicios coactivos, "
        f"{Levantamiento.objects.count()} levantamientos."
    )


def _por_firmar(*, staff: dict[str, Any], excluir: list[Any], tasas: interes.TablaTasas) -> None:
    """A Pichincha debtor's título (from one of its vencida glosas) drawn two months
    ago, with a measure in force, paid in full four business days ago: its oficio
    waits in the Director's queue longer than the reminder allows."""
    glosa = (
        Glosa.objects.filter(provincia_id="17", estado=Glosa.Estado.VENCIDA)
        .exclude(empleador__in=excluir)
        .order_by("id")
        .first()
    )
    unidad = Unidad.objects.filter(codigo="17-coactiva").first()
    if glosa is None or unidad is None:
        return  # a demo too small for this story
    titulo = cartera_services.titulo_emitir(glosas=[glosa], at=_hace(60))
    registro = services.sorteo_realizar(
        unidad=unidad,
        por=staff.get("jefe.coactiva.17"),
        titulos=[titulo.pk],
        semilla_fijada="demo-firma",
        at=_hace(55),
    )
    juicio = JuicioCoactivo.objects.get(sorteo=registro)
    abogado = juicio.secretario.usuario
    juicio = _llevar(juicio, Etapa.MEDIDAS, dias_atras=20, por=abogado)
    _medidas(
        juicio,
        [
            {
                "tipo": "retencion_fondos",
                "entidad_tipo": "institucion_financiera",
                "entidad_nombre": "Banco del Pacífico S.A.",
                "cuenta": f"70{juicio.pk:08d}",
            }
        ],
        abogado,
    )
    # Four business days ago in Quito (past the two the reminder allows, whatever the
    # weekends and holidays in between).
    dia = timezone.localdate()
    while calendar.business_days_between(dia, timezone.localdate(), cantones=["1701"]) < 4:
        dia -= dt.timedelta(days=1)
    pagado_el = timezone.make_aware(dt.datetime.combine(dia, dt.time(10)))
    titulo.refresh_from_db()
    deuda = linea_deuda("titulo", titulo, "", timezone.localdate(pagado_el), tasas)
    cartera_services.pago_registrar(
        obligacion=titulo,
        monto=deuda.total,
        fecha=timezone.localdate(pagado_el),
        canal=Pago.Canal.COACTIVA,
        at=pagado_el,
    )
    for levantamiento in juicio.levantamientos.filter(estado=Levantamiento.Estado.PENDIENTE):
        services.levantamiento_oficio_generar(levantamiento_id=levantamiento.pk)


def _etapas(juicios: list[JuicioCoactivo], *, por: Any, hoy: dt.date) -> None:
    """Spread the unit's processes over the stages (PLAN)."""
    for i, juicio in enumerate(juicios):
        paso = PLAN[i % len(PLAN)]
        if paso is None:
            continue
        etapa, dias = paso
        if dias < 0:
            dias = _dias_para_vencer_hoy(juicio, etapa, hoy)
        if etapa == Etapa.INSOLVENCIA:
            _insolvencia(juicio, dias_atras=dias, por=por)
            continue
        if etapa == Etapa.ARCHIVADO:
            services.juicio_transicion(
                juicio=juicio,
                a=Etapa.ARCHIVADO,
                por=por,
                motivo="Proceso acumulado a otro juicio del mismo coactivado.",
            )
            continue
        juicio = _llevar(juicio, etapa, dias_atras=dias, por=por)
        if etapa == Etapa.MEDIDAS:
            _medidas(
                juicio,
                [
                    {
                        "tipo": "retencion_fondos",
                        "entidad_tipo": "institucion_financiera",
                        "entidad_nombre": "Banco del Pacífico S.A.",
                        "cuenta": f"70{juicio.pk:08d}",
                    }
                ],
                por,
            )


def _insolvencia(juicio: JuicioCoactivo, *, dias_atras: int, por: Any) -> None:
    """A process whose embargo found too little: sent to the juicio de insolvencia
    `dias_atras` days ago, with what the Área de Patrocinio reported since."""
    juicio = _llevar(juicio, Etapa.EMBARGO, dias_atras=dias_atras + 20, por=por)
    _medidas(
        juicio,
        [
            {
                "tipo": "prohibicion_vehiculo",
                "entidad_tipo": "ant",
                "entidad_nombre": "Agencia Nacional de Tránsito",
                "placa": f"PBC-{juicio.pk % 10000:04d}",
            }
        ],
        por,
    )
    juicio = services.juicio_transicion(
        juicio=juicio,
        a=Etapa.INSOLVENCIA,
        por=por,
        at=_hace(dias_atras),
        motivo="El remate del vehículo embargado quedó desierto y no se encontraron otros "
        "bienes ni cuentas del coactivado.",
    )
    services.insolvencia_seguimiento(
        juicio=juicio,
        estado="Demanda de insolvencia presentada ante la Unidad Judicial Civil; pendiente "
        "la calificación.",
        por=por,
        at=_hace(max(dias_atras - 3, 0)),
    )


# How the unit's processes are spread, in turn: (stage, days since it was entered) or
# None to stay at the orden de cobro. Requerimientos and citaciones with their término
# running, ending today or past.
PLAN: list[tuple[str, int] | None] = [
    (Etapa.REQUERIMIENTO, 2),
    None,
    (Etapa.CITACION, -1),  # its término ends today
    (Etapa.MEDIDAS, 6),
    (Etapa.REQUERIMIENTO, 20),
    (Etapa.CITACION, 9),
    (Etapa.EMBARGO, 5),
    (Etapa.ARCHIVADO, 0),
    (Etapa.REQUERIMIENTO, 14),
    (Etapa.INSOLVENCIA, 6),
]


def _dias_para_vencer_hoy(juicio: JuicioCoactivo, etapa: str, hoy: dt.date) -> int:
    """Days ago a stage must have started for its término to end today (on a
    non-business day there is none: then it simply started yesterday)."""
    for dias in range(1, 30):
        desde = hoy - dt.timedelta(days=dias)
        if services.termino_etapa(juicio=juicio, etapa=etapa, desde=desde) == hoy:
            return dias
    return 1
