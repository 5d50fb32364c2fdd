"""Cartera reads: what staff may see, what an employer owes, the management reports.

Every report issues a fixed number of queries whatever the data size: aggregation is
done by the database (GROUP BY and conditional sums), never row by row in Python.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import (
    Count,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from cartera import interes
from cartera.models import (
    COMPONENTES,
    Empleador,
    Glosa,
    GlosaHistorial,
    Impugnacion,
    Pago,
    Planilla,
    PlanillaHistorial,
    TituloCredito,
    TituloHistorial,
)
from core.calendar import add_plazo
from core.models import Provincia
from core.selectors import Nivel, alcance_de

M = TypeVar("M", bound=Model)
CERO = Decimal("0.00")


# --- Scope ---------------------------------------------------------------------------


def provincia_de(user: Any) -> str | None:
    """The province whose cartera a staff member works: None for national roles.
    Raises PermissionError for users who see no cartera at all."""
    alcance = alcance_de(user)
    if alcance.nivel is Nivel.NACIONAL:
        return None
    if alcance.provincia_id:
        return alcance.provincia_id
    raise PermissionError("Sin alcance territorial sobre la cartera.")


def en_alcance(qs: QuerySet[M], user: Any, *, provincia: str = "provincia") -> QuerySet[M]:
    """Cartera rows a staff member may read. Obligations belong to the Dirección
    Provincial of the employer (the province recorded on the row, reached through the
    lookup `provincia`): national roles see every province; the director and the staff
    of the province's units see their province; anyone else, nothing."""
    try:
        codigo = provincia_de(user)
    except PermissionError:
        return qs.none()
    if codigo is None:
        return qs
    return qs.filter(**{f"{provincia}_id": codigo})


# --- What an employer owes ----------------------------------------------------------


@dataclass(frozen=True)
class LineaDeuda:
    tipo: str  # "planilla", "glosa" or "titulo"
    id: int
    referencia: str
    estado: str
    en_mora: bool
    capital: Decimal
    intereses: Decimal
    multas: Decimal
    recargos: Decimal

    @property
    def total(self) -> Decimal:
        return self.capital + self.intereses + self.multas + self.recargos


@dataclass(frozen=True)
class Deuda:
    fecha: dt.date
    lineas: list[LineaDeuda] = field(default_factory=list)

    def _suma(self, campo: str, solo_mora: bool = False) -> Decimal:
        return sum(
            (getattr(linea, campo) for linea in self.lineas if linea.en_mora or not solo_mora),
            CERO,
        )

    @property
    def capital(self) -> Decimal:
        return self._suma("capital")

    @property
    def intereses(self) -> Decimal:
        return self._suma("intereses")

    @property
    def multas(self) -> Decimal:
        return self._suma("multas")

    @property
    def recargos(self) -> Decimal:
        return self._suma("recargos")

    @property
    def total(self) -> Decimal:
        return self._suma("total")

    @property
    def en_mora(self) -> Decimal:
        """Of the total, what is past due (planillas not yet due are owed, not in mora)."""
        return self._suma("total", solo_mora=True)


def linea_deuda(
    tipo: str,
    obligacion: Planilla | Glosa | TituloCredito,
    referencia: str,
    en: dt.date,
    tasas: interes.TablaTasas,
) -> LineaDeuda:
    capital = obligacion.pendiente("capital")
    devengados = interes.interes_mora(
        capital=capital, liquidado_hasta=obligacion.intereses_hasta, hasta=en, tasas=tasas
    )
    return LineaDeuda(
        tipo=tipo,
        id=obligacion.pk,
        referencia=referencia,
        estado=obligacion.get_estado_display(),
        en_mora=en >= obligacion.mora_desde,
        capital=capital,
        intereses=obligacion.pendiente("intereses") + devengados,
        multas=obligacion.pendiente("multas"),
        recargos=obligacion.pendiente("recargos"),
    )


def deuda_empleador(*, empleador: Empleador, en: dt.date | None = None) -> Deuda:
    """What `empleador` owes on date `en` (today by default), per obligation and in
    total, in capital, intereses, multas and recargos (DOMAIN.md §3): unpaid planillas
    not yet glosada, open glosas and open títulos de crédito, with the late-payment
    interest accrued up to `en`. Dates before an obligation's last payment are answered
    with its current balance (payments are not replayed). Four queries."""
    en = en or timezone.localdate()
    tasas = interes.tabla_tasas()
    lineas: list[LineaDeuda] = []
    planillas = Planilla.objects.filter(
        empleador=empleador, estado=Planilla.Estado.PENDIENTE
    ).select_related("sucursal")
    for p in planillas.order_by("periodo", "sucursal__numero"):
        referencia = f"Planilla {p.periodo:%m/%Y}, sucursal {p.sucursal.numero}"
        lineas.append(linea_deuda("planilla", p, referencia, en, tasas))
    for g in Glosa.objects.filter(empleador=empleador, estado__in=Glosa.ABIERTOS).order_by("id"):
        periodo = f" ({g.periodo:%m/%Y})" if g.periodo else ""
        lineas.append(linea_deuda("glosa", g, f"{g}{periodo}", en, tasas))
    for t in TituloCredito.objects.filter(
        empleador=empleador, estado__in=TituloCredito.ABIERTOS
    ).order_by("anio", "secuencial"):
        lineas.append(linea_deuda("titulo", t, str(t), en, tasas))
    return Deuda(fecha=en, lineas=lineas)


# --- Reports (C.D. 497, 7th general disposition) ---------------------------------------

_DINERO: DecimalField[Decimal, Decimal] = DecimalField(max_digits=16, decimal_places=2)


def _saldo() -> Any:
    """Registered balance of a row: every component minus what was paid of it."""
    expresion = sum(
        (F(c) - F(f"pagado_{c}") for c in COMPONENTES[1:]),
        F(COMPONENTES[0]) - F(f"pagado_{COMPONENTES[0]}"),
    )
    return Coalesce(Sum(expresion, output_field=_DINERO), Value(CERO), output_field=_DINERO)


def _capital() -> Any:
    return Coalesce(
        Sum(F("capital") - F("pagado_capital"), output_field=_DINERO),
        Value(CERO),
        output_field=_DINERO,
    )


def _planillas_en_mora(en: dt.date) -> QuerySet[Planilla]:
    return Planilla.objects.filter(estado=Planilla.Estado.PENDIENTE, fecha_vencimiento__lt=en)


@dataclass
class Celda:
    cantidad: int = 0
    capital: Decimal = CERO
    saldo: Decimal = CERO

    def sumar(self, otra: Celda) -> None:
        self.cantidad += otra.cantidad
        self.capital += otra.capital
        self.saldo += otra.saldo


@dataclass
class FilaMora:
    provincia: str
    nombre: str
    planilla: Celda = field(default_factory=Celda)
    glosa: Celda = field(default_factory=Celda)
    titulo: Celda = field(default_factory=Celda)
    glosa_por_estado: dict[str, Celda] = field(default_factory=lambda: defaultdict(Celda))
    titulo_por_estado: dict[str, Celda] = field(default_factory=lambda: defaultdict(Celda))

    @property
    def total(self) -> Celda:
        celda = Celda()
        for parte in (self.planilla, self.glosa, self.titulo):
            celda.sumar(parte)
        return celda


@dataclass
class ReporteMora:
    fecha: dt.date
    filas: list[FilaMora]
    nacional: FilaMora
    es_nacional: bool


def mora_por_estado(*, user: Any, en: dt.date | None = None) -> ReporteMora:
    """The mora in its three states (planilla, glosa, título de crédito) per province and
    in total on date `en`: count, unpaid capital and registered balance. Planillas count
    while PENDIENTE after their due date; glosas and títulos while open. Four queries."""
    en = en or timezone.localdate()
    provincia = provincia_de(user)
    provincias = Provincia.objects.order_by("codigo")
    if provincia is not None:
        provincias = provincias.filter(codigo=provincia)
    filas = {p.codigo: FilaMora(provincia=p.codigo, nombre=p.nombre) for p in provincias}

    def alcance(qs: QuerySet[M]) -> QuerySet[M]:
        return qs if provincia is None else qs.filter(provincia_id=provincia)

    for fila in (
        alcance(_planillas_en_mora(en))
        .values("provincia_id")
        .annotate(n=Count("id"), k=_capital(), s=_saldo())
        .order_by()
    ):
        filas[fila["provincia_id"]].planilla = Celda(fila["n"], fila["k"], fila["s"])
    abiertas: list[tuple[QuerySet[Any], str, str]] = [
        (Glosa.objects.filter(estado__in=Glosa.ABIERTOS), "glosa", "glosa_por_estado"),
        (
            TituloCredito.objects.filter(estado__in=TituloCredito.ABIERTOS),
            "titulo",
            "titulo_por_estado",
        ),
    ]
    for qs, parte, detalle in abiertas:
        for fila in (
            alcance(qs)
            .values("provincia_id", "estado")
            .annotate(n=Count("id"), k=_capital(), s=_saldo())
            .order_by()
        ):
            celda = Celda(fila["n"], fila["k"], fila["s"])
            destino = filas[fila["provincia_id"]]
            getattr(destino, parte).sumar(celda)
            getattr(destino, detalle)[fila["estado"]].sumar(celda)
    nacional = FilaMora(provincia="", nombre="Total nacional" if provincia is None else "Total")
    for fila_mora in filas.values():
        for parte in ("planilla", "glosa", "titulo"):
            getattr(nacional, parte).sumar(getattr(fila_mora, parte))
        for detalle in ("glosa_por_estado", "titulo_por_estado"):
            for estado, celda in getattr(fila_mora, detalle).items():
                getattr(nacional, detalle)[estado].sumar(celda)
    return ReporteMora(
        fecha=en, filas=list(filas.values()), nacional=nacional, es_nacional=provincia is None
    )


TRAMOS = [("0-30", 0, 30), ("31-90", 31, 90), ("91-180", 91, 180), ("181-365", 181, 365)]
TRAMO_FINAL = ">365"


@dataclass
class ReporteAntiguedad:
    fecha: dt.date
    tramos: list[str]
    filas: list[tuple[str, list[Celda]]]  # (obligation type, one cell per tramo)
    total: list[Celda]


def antiguedad(
    *, user: Any, en: dt.date | None = None, provincia: str | None = None
) -> ReporteAntiguedad:
    """Aging of the mora on date `en` by days since the due date: 0-30, 31-90, 91-180,
    181-365 and more than 365 days, per state (planilla, glosa, título). National
    users may narrow it to one `provincia`. Three queries."""
    en = en or timezone.localdate()
    propia = provincia_de(user)
    provincia = propia or provincia
    # A row is `dias` days in mora on `en` when mora_desde = en - dias + 1.
    limites = [
        (nombre, en - dt.timedelta(days=hasta - 1), en - dt.timedelta(days=max(desde - 1, 0)))
        for nombre, desde, hasta in TRAMOS
    ]
    agregados: dict[str, Any] = {}
    for nombre, desde_fecha, hasta_fecha in limites:
        filtro = Q(mora_desde__gte=desde_fecha, mora_desde__lte=hasta_fecha)
        agregados[f"n_{nombre}"] = Count("id", filter=filtro)
        agregados[f"s_{nombre}"] = _saldo_filtrado(filtro)
    ultimo = limites[-1][1]
    agregados[f"n_{TRAMO_FINAL}"] = Count("id", filter=Q(mora_desde__lt=ultimo))
    agregados[f"s_{TRAMO_FINAL}"] = _saldo_filtrado(Q(mora_desde__lt=ultimo))
    tramos = [n for n, _, _ in TRAMOS] + [TRAMO_FINAL]
    conjuntos: list[tuple[str, QuerySet[Any]]] = [
        ("Planillas en mora", _planillas_en_mora(en)),
        ("Glosas", Glosa.objects.filter(estado__in=Glosa.ABIERTOS)),
        ("Títulos de crédito", TituloCredito.objects.filter(estado__in=TituloCredito.ABIERTOS)),
    ]
    filas = []
    total = [Celda() for _ in tramos]
    for etiqueta, qs in conjuntos:
        if provincia:
            qs = qs.filter(provincia_id=provincia)
        datos = qs.filter(mora_desde__lte=en).aggregate(**agregados)
        celdas = [Celda(datos[f"n_{t}"], CERO, datos[f"s_{t}"] or CERO) for t in tramos]
        for acumulado, celda in zip(total, celdas, strict=True):
            acumulado.sumar(celda)
        filas.append((etiqueta, celdas))
    return ReporteAntiguedad(fecha=en, tramos=tramos, filas=filas, total=total)


def _saldo_filtrado(filtro: Q) -> Any:
    expresion = sum(
        (F(c) - F(f"pagado_{c}") for c in COMPONENTES[1:]),
        F(COMPONENTES[0]) - F(f"pagado_{COMPONENTES[0]}"),
    )
    return Sum(expresion, filter=filtro, output_field=_DINERO)


@dataclass
class ReporteCambios:
    mes: dt.date
    filas: list[tuple[str, str, str, int]]  # (obligation, from, to, count)


def cambios_del_mes(*, user: Any, mes: dt.date, provincia: str | None = None) -> ReporteCambios:
    """State changes of the month, from the history tables (C.D. 497 art. 2, 2.3.2.2 k:
    "reportes periódicos de cambios de estado de la cartera"), plus the glosas and
    títulos issued in it. Five queries."""
    propia = provincia_de(user)
    provincia = propia or provincia
    mes = mes.replace(day=1)
    desde, hasta = _limites_mes(mes)
    filas: list[tuple[str, str, str, int]] = []
    fuentes: list[tuple[str, QuerySet[Any], str, Any]] = [
        ("Planilla", PlanillaHistorial.objects.all(), "planilla__provincia", Planilla.Estado),
        ("Glosa", GlosaHistorial.objects.all(), "glosa__provincia", Glosa.Estado),
        (
            "Título de crédito",
            TituloHistorial.objects.all(),
            "titulo__provincia",
            TituloCredito.Estado,
        ),
    ]
    for etiqueta, qs, ruta, estados in fuentes:
        qs = qs.filter(en__gte=desde, en__lt=hasta)
        if provincia:
            qs = qs.filter(**{f"{ruta}_id": provincia})
        for fila in qs.values("de", "a").annotate(n=Count("id")).order_by("de", "a"):
            # str(): the labels are lazy translations, which the XLSX writer refuses.
            de, a = str(estados(fila["de"]).label), str(estados(fila["a"]).label)
            filas.append((etiqueta, de, a, fila["n"]))
    emisiones: list[tuple[str, QuerySet[Any], str, Any]] = [
        ("Glosa", Glosa.objects.all(), "emitida_en", Glosa.Estado.EMITIDA.label),
        (
            "Título de crédito",
            TituloCredito.objects.all(),
            "emitido_en",
            TituloCredito.Estado.EMITIDO.label,
        ),
    ]
    for etiqueta, qs, campo, estado in emisiones:
        qs = qs.filter(**{f"{campo}__gte": desde, f"{campo}__lt": hasta})
        if provincia:
            qs = qs.filter(provincia_id=provincia)
        n = qs.count()
        if n:
            filas.append((etiqueta, "—", str(estado), n))
    orden = {"Planilla": 0, "Glosa": 1, "Título de crédito": 2}
    filas.sort(key=lambda f: (orden[f[0]], f[1] != "—", f[1], f[2]))
    return ReporteCambios(mes=mes, filas=filas)


def _limites_mes(mes: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zona = timezone.get_current_timezone()
    desde = dt.datetime.combine(mes, dt.time.min, tzinfo=zona)
    hasta = dt.datetime.combine(add_plazo(mes, months=1), dt.time.min, tzinfo=zona)
    return desde, hasta


# --- Impugnaciones (C.D. 497, 2nd and 5th general dispositions) -----------------------------


@dataclass
class FilaImpugnaciones:
    """One province's impugnaciones de glosas in a month. `dias_suma` and `dias_maximo`
    are calendar days from presentation to the notified resolution, over those resolved
    in the month; the average is derived so that totals weigh every case alike."""

    provincia: str
    nombre: str
    recibidas: int = 0
    aceptadas: int = 0
    rechazadas: int = 0
    pendientes: int = 0
    capital: Decimal = CERO
    valor: Decimal = CERO
    dias_suma: int = 0
    dias_maximo: int | None = None
    registradas_tarde: int = 0

    @property
    def resueltas(self) -> int:
        return self.aceptadas + self.rechazadas

    @property
    def dias_promedio(self) -> Decimal | None:
        if not self.resueltas:
            return None
        return (Decimal(self.dias_suma) / self.resueltas).quantize(Decimal("0.1"))

    def sumar(self, otra: FilaImpugnaciones) -> None:
        for campo in (
            "recibidas",
            "aceptadas",
            "rechazadas",
            "pendientes",
            "capital",
            "valor",
            "dias_suma",
            "registradas_tarde",
        ):
            setattr(self, campo, getattr(self, campo) + getattr(otra, campo))
        if otra.dias_maximo is not None:
            self.dias_maximo = max(self.dias_maximo or 0, otra.dias_maximo)


@dataclass
class ReporteImpugnaciones:
    mes: dt.date
    corte: dt.date  # pending counted at the end of this day: the month's last, or today
    filas: list[FilaImpugnaciones]
    total: FilaImpugnaciones
    es_nacional: bool
    tendencia: list[tuple[dt.date, int, int]]  # (month, received, resolved), oldest first

    @property
    def vacio(self) -> bool:
        return not (self.total.recibidas or self.total.resueltas or self.total.pendientes)


MESES_TENDENCIA = 12


def _valor_al_registrar() -> Any:
    """What the challenged glosa was worth when the impugnación was registered: its
    capital, multas, recargos and liquidated interest, less the interest that payments
    registered afterwards liquidated (the only thing that changes a glosa's amounts), so
    a month's report reads the same whenever it is run."""
    liquidado_despues = (
        Pago.objects.filter(
            glosa_id=OuterRef("glosa_id"), registrado_en__gt=OuterRef("registrada_en")
        )
        .values("glosa_id")
        .annotate(s=Sum("intereses_liquidados"))
        .values("s")
    )
    return (
        F("glosa__capital")
        + F("glosa__intereses")
        + F("glosa__multas")
        + F("glosa__recargos")
        - Coalesce(Subquery(liquidado_despues, output_field=_DINERO), Value(CERO))
    )


def impugnaciones_del_mes(
    *, user: Any, mes: dt.date, provincia: str | None = None, hoy: dt.date | None = None
) -> ReporteImpugnaciones:
    """The impugnación processes of a month, per province (the Director Provincial's
    monthly report to the Dirección Nacional, C.D. 497 2nd general disposition):
    received (by the date the employer filed them), resolved (by the date the
    Comisión's resolution was notified; accepted: glosa ANULADA, rejected: término
    restarts), pending at the end of the month (or today, for the current month), the
    capital and registered total of the glosas challenged, days to resolution, and how
    many were registered on a later day than received (the 5th disposition asks for it
    at once). A province is the glosa's Dirección Provincial. National users may narrow
    it to one `provincia`. Three queries."""
    hoy = hoy or timezone.localdate()
    propia = provincia_de(user)
    provincia = propia or provincia
    mes = mes.replace(day=1)
    hasta = add_plazo(mes, months=1)
    corte = min(hasta - dt.timedelta(days=1), hoy)
    provincias = Provincia.objects.order_by("codigo")
    if provincia is not None:
        provincias = provincias.filter(codigo=provincia)
    filas = {p.codigo: FilaImpugnaciones(provincia=p.codigo, nombre=p.nombre) for p in provincias}
    base = Impugnacion.objects.all()
    if provincia is not None:
        base = base.filter(glosa__provincia_id=provincia)

    recibida = Q(presentada_el__gte=mes, presentada_el__lt=hasta)
    resuelta = Q(resuelta_el__gte=mes, resuelta_el__lt=hasta)
    pendiente = Q(presentada_el__lte=corte) & (
        Q(resuelta_el__isnull=True) | Q(resuelta_el__gt=corte)
    )
    dias = ExpressionWrapper(F("resuelta_el") - F("presentada_el"), output_field=DurationField())
    datos = (
        base.filter(
            Q(presentada_el__lt=hasta), Q(resuelta_el__isnull=True) | Q(resuelta_el__gte=mes)
        )
        .values("glosa__provincia_id")
        .annotate(
            recibidas=Count("id", filter=recibida),
            aceptadas=Count("id", filter=resuelta & Q(estado=Impugnacion.Estado.ACEPTADA)),
            rechazadas=Count("id", filter=resuelta & Q(estado=Impugnacion.Estado.RECHAZADA)),
            pendientes=Count("id", filter=pendiente),
            capital=Sum("glosa__capital", filter=recibida),
            valor=Sum(_valor_al_registrar(), filter=recibida, output_field=_DINERO),
            dias_suma=Sum(dias, filter=resuelta),
            dias_maximo=Max(dias, filter=resuelta),
            tarde=Count("id", filter=recibida & Q(registrada_en__date__gt=F("presentada_el"))),
        )
        .order_by()
    )
    for dato in datos:
        fila = filas[dato["glosa__provincia_id"]]
        fila.recibidas = dato["recibidas"]
        fila.aceptadas = dato["aceptadas"]
        fila.rechazadas = dato["rechazadas"]
        fila.pendientes = dato["pendientes"]
        fila.capital = dato["capital"] or CERO
        fila.valor = dato["valor"] or CERO
        fila.dias_suma = dato["dias_suma"].days if dato["dias_suma"] is not None else 0
        fila.dias_maximo = dato["dias_maximo"].days if dato["dias_maximo"] is not None else None
        fila.registradas_tarde = dato["tarde"]
    es_nacional = provincia is None
    total = FilaImpugnaciones(provincia="", nombre="Total nacional" if es_nacional else "Total")
    for fila in filas.values():
        total.sumar(fila)

    # The trend: received and resolved in each of the twelve months to `mes`.
    inicio = add_plazo(mes, months=-(MESES_TENDENCIA - 1))
    meses = [add_plazo(inicio, months=k) for k in range(MESES_TENDENCIA + 1)]
    agregados: dict[str, Any] = {}
    for k, (desde_k, hasta_k) in enumerate(itertools.pairwise(meses)):
        agregados[f"r{k}"] = Count(
            "id", filter=Q(presentada_el__gte=desde_k, presentada_el__lt=hasta_k)
        )
        agregados[f"s{k}"] = Count(
            "id", filter=Q(resuelta_el__gte=desde_k, resuelta_el__lt=hasta_k)
        )
    por_mes = base.filter(
        Q(presentada_el__gte=inicio, presentada_el__lt=hasta)
        | Q(resuelta_el__gte=inicio, resuelta_el__lt=hasta)
    ).aggregate(**agregados)
    tendencia = [(m, por_mes[f"r{k}"], por_mes[f"s{k}"]) for k, m in enumerate(meses[:-1])]
    return ReporteImpugnaciones(
        mes=mes,
        corte=corte,
        filas=list(filas.values()),
        total=total,
        es_nacional=es_nacional,
        tendencia=tendencia,
    )


# --- Employer portal ------------------------------------------------------------------------


def estado_cumplimiento(*, empleador: Empleador, en: dt.date | None = None) -> str:
    """The employer's standing for the certificado de cumplimiento (DOMAIN.md §3, §5):
    EN_MORA when anything is past due outside an agreement in force; EN_TRAMITE_DE_PAGO
    when all that is past due is covered by an agreement in force (glosas EN ACUERDO DE
    PAGO, títulos EN CONVENIO); AL_DIA otherwise. A glosa under impugnación still counts
    as mora: the challenge suspends the título, not the debt."""
    from cartera.models import AcuerdoPago, CertificadoCumplimiento

    en = en or timezone.localdate()
    cubiertos = {Glosa.Estado.EN_ACUERDO_PAGO, TituloCredito.Estado.EN_CONVENIO}
    mora_planillas = Planilla.objects.filter(
        empleador=empleador, estado=Planilla.Estado.PENDIENTE, mora_desde__lte=en
    ).exists()
    mora_glosas = (
        Glosa.objects.filter(empleador=empleador, estado__in=Glosa.ABIERTOS, mora_desde__lte=en)
        .exclude(estado__in=cubiertos)
        .exists()
    )
    mora_titulos = (
        TituloCredito.objects.filter(empleador=empleador, estado__in=TituloCredito.ABIERTOS)
        .exclude(estado__in=cubiertos)
        .exists()
    )
    if mora_planillas or mora_glosas or mora_titulos:
        return CertificadoCumplimiento.Estado.EN_MORA
    if AcuerdoPago.objects.filter(empleador=empleador, estado=AcuerdoPago.Estado.VIGENTE).exists():
        return CertificadoCumplimiento.Estado.EN_TRAMITE_DE_PAGO
    return CertificadoCumplimiento.Estado.AL_DIA


@dataclass(frozen=True)
class FiltroObligaciones:
    tipo: str = ""  # "", "planilla", "glosa", "titulo"
    estado: str = ""
    desde: dt.date | None = None
    hasta: dt.date | None = None


def obligaciones_empleador(
    *, empleador: Empleador, filtro: FiltroObligaciones, en: dt.date | None = None
) -> list[dict[str, Any]]:
    """Every planilla, glosa and título of the employer (newest first), each with what
    it owes on `en` (capital, interest accrued to that day, fines), narrowed by
    `filtro`. Three queries."""
    en = en or timezone.localdate()
    tasas = interes.tabla_tasas()
    filas: list[dict[str, Any]] = []
    fuentes: list[tuple[str, QuerySet[Any], str]] = [
        (
            "planilla",
            Planilla.objects.filter(empleador=empleador).select_related("sucursal"),
            "periodo",
        ),
        ("glosa", Glosa.objects.filter(empleador=empleador).select_related("sucursal"), "periodo"),
        ("titulo", TituloCredito.objects.filter(empleador=empleador), "fecha_emision"),
    ]
    abiertos: dict[str, set[str]] = {
        "planilla": {Planilla.Estado.PENDIENTE},
        "glosa": set(Glosa.ABIERTOS),
        "titulo": set(TituloCredito.ABIERTOS),
    }
    etiquetas = {"planilla": "Planilla", "glosa": "Glosa", "titulo": "Título de crédito"}
    for tipo, qs, fecha in fuentes:
        if filtro.tipo and filtro.tipo != tipo:
            continue
        if filtro.estado:
            qs = qs.filter(estado=filtro.estado)
        if filtro.desde:
            qs = qs.filter(**{f"{fecha}__gte": filtro.desde})
        if filtro.hasta:
            qs = qs.filter(**{f"{fecha}__lte": filtro.hasta})
        for obj in qs:
            abierto = obj.estado in abiertos[tipo]
            linea = linea_deuda(tipo, obj, str(obj), en, tasas) if abierto else None
            filas.append(
                {
                    "tipo": tipo,
                    "tipo_display": etiquetas[tipo],
                    "id": obj.pk,
                    "referencia": obj.numero if tipo != "planilla" else f"{obj.pk}",
                    "periodo": getattr(obj, "periodo", None),
                    "fecha": getattr(obj, fecha),
                    "sucursal": obj.sucursal.numero if tipo != "titulo" else "",
                    "estado": obj.estado,
                    "estado_display": obj.get_estado_display(),
                    "vence_en": getattr(obj, "vence_en", None),
                    # Only a notified glosa has a page in the employer's inbox.
                    "enlace": tipo == "glosa" and obj.notificada_en is not None,
                    "capital": linea.capital if linea else CERO,
                    "intereses": linea.intereses if linea else CERO,
                    "multas": (linea.multas + linea.recargos) if linea else CERO,
                    "total": linea.total if linea else CERO,
                }
            )
    filas.sort(key=lambda f: (f["fecha"] or dt.date.min, f["tipo"], f["id"]), reverse=True)
    return filas


def glosas_notificadas(*, empleador: Empleador) -> QuerySet[Glosa]:
    """The inbox: the employer's notified glosas, newest notice first, with their
    notice (read or not)."""
    return (
        Glosa.objects.filter(empleador=empleador, notificada_en__isnull=False)
        .select_related("notificacion", "sucursal")
        .order_by("-notificada_en", "-id")
    )
