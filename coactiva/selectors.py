"""Coactiva reads: what staff may see, an employer's processes and whether their
measures can be lifted, the sorteo's re-run, the bimonthly report.

`levantamiento_precheck` is the contract the Ventanilla Virtual form calls before a
levantamiento is filed; `procesos_de_empleador` feeds the employer portal. Both issue a
fixed number of queries whatever the number of processes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, DecimalField, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from cartera import interes
from cartera.models import Pago, TituloCredito
from cartera.selectors import linea_deuda
from coactiva import sorteo as sorteo_mod
from coactiva.models import (
    JuicioCoactivo,
    Levantamiento,
    MedidaCautelar,
    MedidaHistorial,
    SorteoRegistro,
)
from core import calendar, parametros, roles
from core.models import Unidad
from core.selectors import Nivel, alcance_de, has_role
from core.templatetags.portal import dolares

CERO = Decimal("0.00")
EXTINGUIDOS = (TituloCredito.Estado.CANCELADO, TituloCredito.Estado.ANULADO)


@dataclass(frozen=True)
class MedidaResumen:
    id: int
    # MedidaCautelar.Tipo value: retencion_fondos, prohibicion_inmueble, prohibicion_vehiculo, …
    tipo: str
    descripcion: str  # e.g. "Prohibición de enajenar el predio 123456 (Quito, Pichincha)"
    entidad: str  # e.g. "Registro de la Propiedad de Quito"
    estado: str


@dataclass(frozen=True)
class TituloPendiente:
    numero: str
    estado: str
    saldo: Decimal  # still owed today, interest and costs included


@dataclass(frozen=True)
class ProcesoElegibilidad:
    juicio_id: int
    numero: str
    elegible: bool
    motivos: list[str] = field(default_factory=list)  # Spanish, why not (empty when elegible)
    pendientes: list[TituloPendiente] = field(default_factory=list)
    medidas: list[MedidaResumen] = field(default_factory=list)  # vigentes, liftable ones


def saldo_adeudado(juicio: JuicioCoactivo, *, en: dt.date) -> Decimal:
    """What the process's títulos still owe on `en`: capital, interest, fines and
    recargos of those not CANCELADO or ANULADO."""
    tasas = interes.tabla_tasas()
    return sum(
        (
            linea_deuda("titulo", t, "", en, tasas).total
            for t in juicio.titulos.exclude(estado__in=EXTINGUIDOS)
        ),
        Decimal("0.00"),
    )


def _medida_resumen(m: MedidaCautelar) -> MedidaResumen:
    return MedidaResumen(
        id=m.pk,
        tipo=m.tipo,
        descripcion=m.descripcion,
        entidad=m.entidad_nombre,
        estado=m.get_estado_display(),
    )


def _pendientes(
    titulos: Sequence[TituloCredito], *, en: dt.date, tasas: interes.TablaTasas
) -> list[TituloPendiente]:
    return [
        TituloPendiente(
            numero=t.numero,
            estado=t.get_estado_display(),
            saldo=linea_deuda("titulo", t, "", en, tasas).total,
        )
        for t in titulos
        if t.estado not in EXTINGUIDOS
    ]


def _motivos(pendientes: Sequence[TituloPendiente]) -> list[str]:
    return [
        f"El título de crédito N.º {t.numero} está «{t.estado}» y adeuda "
        f"{dolares(t.saldo)} a la fecha."
        for t in pendientes
    ]


def motivos_no_elegible(juicio: JuicioCoactivo, titulos: Sequence[TituloCredito]) -> str:
    """Why a process's measures cannot be lifted yet, in Spanish (art. 176)."""
    pendientes = _pendientes(titulos, en=timezone.localdate(), tasas=interes.tabla_tasas())
    return (
        f"No se pueden levantar las medidas del juicio coactivo N.º {juicio.numero}: "
        "todos sus títulos de crédito deben estar cancelados o anulados. "
        + " ".join(_motivos(pendientes))
    )


def _juicios_con_detalle(empleador: Any) -> QuerySet[JuicioCoactivo]:
    return (
        JuicioCoactivo.objects.filter(empleador=empleador)
        .select_related("unidad__provincia")
        .prefetch_related(
            Prefetch("titulos", queryset=TituloCredito.objects.order_by("anio", "secuencial")),
            Prefetch(
                "medidas",
                queryset=MedidaCautelar.objects.select_related("canton__provincia").order_by("id"),
            ),
        )
        .order_by("-abierto_en", "-id")
    )


def levantamiento_precheck(*, empleador: Any) -> list[ProcesoElegibilidad]:
    """The employer's coactiva processes with measures in force, each saying whether its
    measures can be lifted (every título CANCELADO or ANULADO, Reglamento art. 176) and,
    if not, which título still owes how much. Four queries."""
    if empleador is None:
        return []
    hoy = timezone.localdate()
    tasas = interes.tabla_tasas()
    resultado = []
    juicios = (
        _juicios_con_detalle(empleador)
        .filter(medidas__estado__in=MedidaCautelar.EN_FIRME)
        .distinct()
    )
    for juicio in juicios:
        pendientes = _pendientes(list(juicio.titulos.all()), en=hoy, tasas=tasas)
        resultado.append(
            ProcesoElegibilidad(
                juicio_id=juicio.pk,
                numero=juicio.numero,
                elegible=not pendientes,
                motivos=_motivos(pendientes),
                pendientes=pendientes,
                medidas=[
                    _medida_resumen(m)
                    for m in juicio.medidas.all()
                    if m.estado in MedidaCautelar.EN_FIRME
                ],
            )
        )
    return resultado


@dataclass(frozen=True)
class ProcesoResumen:
    """One of an employer's coactiva processes as the employer portal lists it."""

    juicio_id: int
    numero: str
    etapa: str  # display label of the stage
    unidad: str  # coactiva unit name
    abierto_el: Any  # datetime.date
    saldo: Decimal  # owed today across its títulos
    medidas: list[MedidaResumen] = field(default_factory=list)  # every measure, any state


def procesos_de_empleador(*, empleador: Any) -> list[ProcesoResumen]:
    """The employer's coactiva processes (newest first) with their measures, for
    /empleador/. Four queries."""
    if empleador is None:
        return []
    hoy = timezone.localdate()
    tasas = interes.tabla_tasas()
    return [
        ProcesoResumen(
            juicio_id=juicio.pk,
            numero=juicio.numero,
            etapa=juicio.get_etapa_display(),
            unidad=juicio.unidad.nombre,
            abierto_el=timezone.localdate(juicio.abierto_en),
            saldo=sum(
                (t.saldo for t in _pendientes(list(juicio.titulos.all()), en=hoy, tasas=tasas)),
                CERO,
            ),
            medidas=[_medida_resumen(m) for m in juicio.medidas.all()],
        )
        for juicio in _juicios_con_detalle(empleador)
    ]


# --- Staff: scope ------------------------------------------------------------------------

_SUPERVISION = (
    roles.JEFE_UNIDAD,
    roles.DIRECTOR_PROVINCIAL,
    roles.SUPERVISOR_NACIONAL,
    roles.AUDITOR,
)


def solo_asignados(user: Any) -> bool:
    """A Secretario-Abogado (without a supervising role) sees only their processes."""
    return (
        not getattr(user, "is_superuser", False)
        and has_role(user, roles.SECRETARIO_ABOGADO)
        and not has_role(user, *_SUPERVISION)
    )


def juicios_visibles(
    user: Any, qs: QuerySet[JuicioCoactivo] | None = None
) -> QuerySet[JuicioCoactivo]:
    """Processes a staff member may open: those of their unit (province for the
    Director, all for national roles), and for a Secretario-Abogado only the ones
    assigned to them."""
    qs = JuicioCoactivo.objects.all() if qs is None else qs
    qs = alcance_de(user).filter(qs, unidad="unidad")
    if solo_asignados(user):
        qs = qs.filter(secretario__usuario=user)
    return qs


def etapas_abiertas() -> list[str]:
    """The stages in which a process is being pursued (not ended, not suspended)."""
    fuera = (*JuicioCoactivo.TERMINALES, *JuicioCoactivo.SUSPENDIDAS)
    return [e for e in JuicioCoactivo.Etapa.values if e not in fuera]


def vencimientos(user: Any, *, hoy: dt.date | None = None) -> dict[str, int]:
    """How many of the staff member's open processes have their término ending today
    and how many are overdue (one query)."""
    hoy = hoy or timezone.localdate()
    return (
        juicios_visibles(user)
        .filter(etapa__in=etapas_abiertas())
        .aggregate(
            hoy=Count("pk", filter=Q(vence_en=hoy)),
            vencidos=Count("pk", filter=Q(vence_en__lt=hoy)),
        )
    )


# --- The signer's queue ---------------------------------------------------------------------


def oficios_por_firmar(user: Any, qs: QuerySet[Levantamiento] | None = None) -> QuerySet[Any]:
    """Oficios de levantamiento waiting for the signature, of the processes the staff
    member may open (the Director: their province), oldest first: the one waiting
    longest is the one to sign first."""
    qs = Levantamiento.objects.all() if qs is None else qs
    return (
        qs.filter(
            estado=Levantamiento.Estado.POR_FIRMAR,
            juicio__in=juicios_visibles(user),
        )
        .select_related("juicio__unidad", "juicio__empleador", "oficio")
        .annotate(n_medidas=Count("medidas"))
        .order_by("abierto_en", "id")
    )


def cantones_de_juicio(juicio: JuicioCoactivo) -> list[str]:
    """Cantons whose local holidays stop a process's términos: the unit's and the
    debtor's. Needs unidad and empleador loaded."""
    return [c for c in (juicio.unidad.canton_id, juicio.empleador.canton_id) if c]


def espera_habil(levantamiento: Levantamiento, *, hoy: dt.date | None = None) -> int:
    """Business days a levantamiento has waited since it was ordered (the day after it
    counts first, COA art. 158), with the holidays of the unit's and the debtor's
    cantons. Needs juicio__unidad and juicio__empleador loaded."""
    return calendar.business_days_between(
        timezone.localdate(levantamiento.abierto_en),
        hoy or timezone.localdate(),
        cantones=cantones_de_juicio(levantamiento.juicio),
    )


@dataclass(frozen=True)
class EsperaFirma:
    dias: int  # business days waited for the signature
    atrasado: bool  # more than COACTIVA_FIRMA_RECORDATORIO_DIAS


def espera_firma(
    levantamiento: Levantamiento, *, hoy: dt.date | None = None, limite: int | None = None
) -> EsperaFirma:
    """How long an oficio has waited for the Director's signature and whether that is
    late: more than COACTIVA_FIRMA_RECORDATORIO_DIAS business days (pass `limite` when
    asking for many oficios at once: the parameter is read once)."""
    hoy = hoy or timezone.localdate()
    if limite is None:
        limite = parametros.valor("COACTIVA_FIRMA_RECORDATORIO_DIAS", en=hoy)
    dias = espera_habil(levantamiento, hoy=hoy)
    return EsperaFirma(dias=dias, atrasado=dias > limite)


# --- Sorteo: re-run from the log -----------------------------------------------------------


@dataclass(frozen=True)
class VerificacionSorteo:
    registrado: list[Any]  # [empleador, [títulos], secretario] as logged
    obtenido: list[Any]  # the same, re-drawn from the logged seed and inputs
    procesos: list[Any]  # the same, read from the processes the sorteo opened

    @property
    def reproducido(self) -> bool:
        """The logged seed and inputs give the logged result."""
        return self.obtenido == self.registrado

    @property
    def aplicado(self) -> bool:
        """The processes were opened as logged: same debtors, títulos and lawyers."""
        return sorted(map(_clave_asignacion, self.procesos)) == sorted(
            map(_clave_asignacion, self.registrado)
        )

    @property
    def coincide(self) -> bool:
        return self.reproducido and self.aplicado


def _clave_asignacion(fila: Sequence[Any]) -> tuple[int, tuple[int, ...], int]:
    empleador, titulos, secretario = fila
    return int(empleador), tuple(sorted(int(t) for t in titulos)), int(secretario)


def sorteo_reproducir(*, registro: SorteoRegistro) -> VerificacionSorteo:
    """An auditor's check of a logged sorteo: re-run the draw from its seed and inputs
    and compare with the logged result, and compare the logged result with the
    processes the sorteo actually opened (who holds which títulos). A log that agrees
    with itself but not with the processes is not a reproduced sorteo. Two queries."""
    grupos, cargas = sorteo_mod.entradas_leer(registro.entradas)
    obtenido = sorteo_mod.resultado_serializar(
        sorteo_mod.sortear(semilla=registro.semilla, grupos=grupos, cargas=cargas)
    )
    procesos = [
        [
            juicio.empleador_id,
            [linea.titulo_id for linea in juicio.lineas.all()],
            juicio.secretario_id,
        ]
        for juicio in JuicioCoactivo.objects.filter(sorteo=registro)
        .prefetch_related("lineas")
        .order_by("pk")
    ]
    return VerificacionSorteo(registrado=registro.resultado, obtenido=obtenido, procesos=procesos)


SEMILLA_FIJADA_AVISO = (
    "la semilla de este sorteo la fijó una persona (datos de prueba o de demostración): "
    "el resultado es reproducible, pero el sorteo NO fue al azar."
)


def sorteo_discrepancia(verificacion: VerificacionSorteo) -> str:
    """What failed in a sorteo's check, in Spanish."""
    if not verificacion.reproducido:
        return "el resultado reproducido NO coincide con el registrado."
    return (
        "el resultado reproducido coincide con el registrado, pero los procesos abiertos NO "
        "corresponden a él (deudor, títulos o Secretario-Abogado distintos)."
    )


# --- Bimonthly report (C.D. 497 3.5.3 n) ----------------------------------------------------

_DINERO: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)


@dataclass(frozen=True)
class FilaBimestral:
    unidad: str
    abiertos_al_inicio: int
    iniciados: int
    terminados: int
    abiertos_al_cierre: int
    monto_recuperado: Decimal
    medidas_vigentes: int
    medidas_ordenadas: int
    medidas_levantadas: int
    remitidos_insolvencia: int
    saldo_remitido: Decimal


@dataclass(frozen=True)
class ReporteBimestral:
    anio: int
    bimestre: int
    desde: dt.date
    hasta: dt.date
    filas: list[FilaBimestral]

    @property
    def total(self) -> FilaBimestral:
        def suma(campo: str) -> Any:
            return sum((getattr(f, campo) for f in self.filas), 0)

        return FilaBimestral(
            unidad="Total",
            **{
                campo: suma(campo)
                for campo in FilaBimestral.__dataclass_fields__
                if campo != "unidad"
            },
        )


def bimestre_limites(anio: int, bimestre: int) -> tuple[dt.date, dt.date]:
    desde = dt.date(anio, 2 * bimestre - 1, 1)
    siguiente = dt.date(anio + (bimestre == 6), 1 if bimestre == 6 else 2 * bimestre + 1, 1)
    return desde, siguiente - dt.timedelta(days=1)


def reporte_bimestral(*, user: Any, anio: int, bimestre: int) -> ReporteBimestral:
    """Per coactiva unit in the staff member's scope, for a two-month period: processes
    open at its start and end, started and ended in it, money recovered on their
    títulos, measures ordered and lifted in it and in force at its end (C.D. 497
    3.5.3 n: the bimonthly report) and processes sent to the juicio de insolvencia in it
    with the balance they still owed (6th general disposition). A fixed number of
    queries (GROUP BY in the database)."""
    desde, hasta = bimestre_limites(anio, bimestre)
    tz = timezone.get_current_timezone()
    inicio = dt.datetime.combine(desde, dt.time.min, tzinfo=tz)
    fin = dt.datetime.combine(hasta + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    unidades = unidades_coactiva(user)
    juicios = JuicioCoactivo.objects.filter(unidad__in=unidades)
    abierto_en = Q(abierto_en__lt=fin) & (Q(cerrado_en__isnull=True) | Q(cerrado_en__gte=fin))
    por_unidad = {
        fila["unidad"]: fila
        for fila in juicios.values("unidad").annotate(
            abiertos_al_inicio=Count(
                "pk",
                filter=Q(abierto_en__lt=inicio)
                & (Q(cerrado_en__isnull=True) | Q(cerrado_en__gte=inicio)),
            ),
            iniciados=Count("pk", filter=Q(abierto_en__gte=inicio, abierto_en__lt=fin)),
            terminados=Count("pk", filter=Q(cerrado_en__gte=inicio, cerrado_en__lt=fin)),
            abiertos_al_cierre=Count("pk", filter=abierto_en),
            remitidos_insolvencia=Count(
                "pk",
                filter=Q(insolvencia_remitido_el__gte=desde, insolvencia_remitido_el__lte=hasta),
            ),
            saldo_remitido=Coalesce(
                Sum(
                    "insolvencia_saldo",
                    filter=Q(
                        insolvencia_remitido_el__gte=desde, insolvencia_remitido_el__lte=hasta
                    ),
                ),
                Value(CERO),
                output_field=_DINERO,
            ),
        )
    }
    recuperado = dict(
        Pago.objects.filter(
            titulo__juicio_linea__juicio__unidad__in=unidades,
            fecha__gte=desde,
            fecha__lte=hasta,
            titulo__juicio_linea__juicio__abierto_en__lt=fin,
        )
        .values_list("titulo__juicio_linea__juicio__unidad")
        .annotate(total=Coalesce(Sum("monto"), Value(CERO), output_field=_DINERO))
    )
    medidas = {
        fila["juicio__unidad"]: fila
        for fila in MedidaCautelar.objects.filter(juicio__unidad__in=unidades)
        .values("juicio__unidad")
        .annotate(
            ordenadas=Count("pk", filter=Q(ordenada_en__gte=inicio, ordenada_en__lt=fin)),
        )
    }
    levantadas = dict(
        MedidaHistorial.objects.filter(
            medida__juicio__unidad__in=unidades,
            a=MedidaCautelar.Estado.LEVANTADA,
            en__gte=inicio,
            en__lt=fin,
        )
        .values_list("medida__juicio__unidad")
        .annotate(n=Count("medida", distinct=True))
    )
    vigentes = dict(_medidas_vigentes_al(fin, unidades))
    filas = []
    for unidad in unidades.order_by("provincia_id"):
        j = por_unidad.get(unidad.pk, {})
        filas.append(
            FilaBimestral(
                unidad=unidad.nombre,
                abiertos_al_inicio=j.get("abiertos_al_inicio", 0),
                iniciados=j.get("iniciados", 0),
                terminados=j.get("terminados", 0),
                abiertos_al_cierre=j.get("abiertos_al_cierre", 0),
                monto_recuperado=recuperado.get(unidad.pk, CERO),
                medidas_vigentes=vigentes.get(unidad.pk, 0),
                medidas_ordenadas=medidas.get(unidad.pk, {}).get("ordenadas", 0),
                medidas_levantadas=levantadas.get(unidad.pk, 0),
                remitidos_insolvencia=j.get("remitidos_insolvencia", 0),
                saldo_remitido=j.get("saldo_remitido", CERO),
            )
        )
    return ReporteBimestral(
        anio=anio,
        bimestre=bimestre,
        desde=desde,
        hasta=hasta,
        filas=filas,
    )


def juicios_en_insolvencia(user: Any) -> QuerySet[JuicioCoactivo]:
    """The processes of the staff member's coactiva units in juicio de insolvencia today,
    the longest remitted first, with what Patrocinio last reported: their state goes to
    the Director Provincial every two months (C.D. 497, 6th general disposition)."""
    return (
        JuicioCoactivo.objects.filter(
            unidad__in=unidades_coactiva(user), etapa=JuicioCoactivo.Etapa.INSOLVENCIA
        )
        .select_related("unidad", "empleador")
        .order_by("insolvencia_remitido_el", "pk")
    )


def unidades_coactiva(user: Any) -> QuerySet[Unidad]:
    """The coactiva units a staff member may report on."""
    alcance = alcance_de(user)
    qs = Unidad.objects.filter(tipo=Unidad.Tipo.COACTIVA)
    if alcance.nivel is Nivel.NACIONAL:
        return qs
    if alcance.nivel is Nivel.PROVINCIA:
        return qs.filter(provincia_id=alcance.provincia_id)
    if alcance.nivel is Nivel.UNIDAD and alcance.unidad_id is not None:
        return qs.filter(pk=alcance.unidad_id)
    return qs.none()


def _medidas_vigentes_al(fin: dt.datetime, unidades: QuerySet[Unidad]) -> Any:
    """Measures in force at the end of the period: ordered before it and not lifted
    (LEVANTADA) before it, from the history rows."""
    levantadas_antes = MedidaHistorial.objects.filter(
        a=MedidaCautelar.Estado.LEVANTADA, en__lt=fin
    ).values("medida_id")
    return (
        MedidaCautelar.objects.filter(juicio__unidad__in=unidades, ordenada_en__lt=fin)
        .exclude(pk__in=levantadas_antes)
        .values_list("juicio__unidad")
        .annotate(n=Count("pk"))
    )
