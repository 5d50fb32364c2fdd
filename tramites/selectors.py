"""Reads of the Ventanilla Virtual: the catalogue, transparency figures, the public
status of a request."""

from __future__ import annotations

import datetime as dt
import functools
import hmac
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    CharField,
    Count,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import JSONArray, TruncMonth
from django.utils import timezone

from core.cache import Version
from core.models import User
from tramites.models import (
    DIRIGIDO_A_CHOICES,
    CanalTramite,
    DocumentoSolicitud,
    EstadisticaHistorica,
    HistorialSolicitud,
    Queja,
    Requisito,
    Solicitud,
    Tramite,
)

TRANSPARENCIA_CACHE_SEGUNDOS = 600


def catalogo(*, q: str = "", dirigido_a: str = "") -> list[Tramite]:
    """Published trámites matching the search words and the "dirigido a" category."""
    tramites: Iterable[Tramite] = Tramite.objects.filter(activo=True).only(
        "slug",
        "nombre",
        "descripcion",
        "dirigido_a",
        "recepcion_ventanilla",
        "enlace_en_linea",
        "orden",
        "unidad_tipo",
    )
    palabras = [p for p in _sin_tildes(q).split() if p]
    resultado = []
    for tramite in tramites:
        if dirigido_a and dirigido_a not in tramite.dirigido_a:
            continue
        texto = _sin_tildes(f"{tramite.nombre} {tramite.descripcion}")
        if all(p in texto for p in palabras):
            resultado.append(tramite)
    return resultado


def _sin_tildes(texto: str) -> str:
    import unicodedata

    return "".join(
        c for c in unicodedata.normalize("NFD", texto.lower()) if unicodedata.category(c) != "Mn"
    )


DIRIGIDO_A = DIRIGIDO_A_CHOICES


# Part of the key of every cached catalogue page; bumped by services.catalogo_cambiado().
CATALOGO_VERSION = Version("tramites:catalogo:version")


def catalogo_version() -> int:
    return CATALOGO_VERSION.get()


def pagina_tramite_clave(slug: str) -> str:
    return f"tramites:pagina:{catalogo_version()}:{slug}"


def tramite_detalle(*, slug: str) -> Tramite | None:
    """A published trámite with its channels and requisites (3 queries)."""
    return (
        Tramite.objects.filter(slug=slug, activo=True)
        .prefetch_related(
            Prefetch("canales", queryset=CanalTramite.objects.order_by("orden")),
            Prefetch("requisitos", queryset=Requisito.objects.order_by("orden")),
        )
        .first()
    )


def tramites_ventanilla() -> QuerySet[Tramite]:
    return Tramite.objects.filter(activo=True, recepcion_ventanilla=True).order_by("orden")


# --- Transparency ----------------------------------------------------------------------


@dataclass(frozen=True)
class Mes:
    anio: int
    mes: int
    quejas: int
    atenciones: int

    @property
    def etiqueta(self) -> str:
        return f"{self.anio}-{self.mes:02d}"


GRAFICO_MESES = 24  # months in the transparency charts; the tables show every month


@dataclass(frozen=True)
class Transparencia:
    """What a transparency section shows: `meses`, every month (oldest first) for the
    table; `serie`, the chart's (label, complaints, attended) of the last GRAFICO_MESES
    of them; `grafico_parcial` when the chart leaves older months to the table."""

    meses: list[Mes]
    serie: list[tuple[str, int, int]]
    grafico_parcial: bool

    @property
    def titulo_grafico(self) -> str:
        if self.grafico_parcial:
            return (
                f"Quejas y atenciones por mes (últimos {GRAFICO_MESES} meses; la tabla tiene todos)"
            )
        return "Quejas y atenciones por mes"


def transparencia(*, tramite_id: int | None = None) -> Transparencia:
    """Complaints and attended (resolved) requests per month for one trámite (or all):
    the catalogue's historical figures from before the portal plus the portal's own,
    computed from its data. Every month from the first with figures to the last, a
    month without any inside that range counting as zero. Cached for a few minutes (it
    aggregates every request)."""
    clave = f"tramites:transparencia:{tramite_id or 'todos'}"
    meses = cache.get(clave)
    if meses is None:
        meses = _transparencia(tramite_id=tramite_id)
        cache.set(clave, meses, TRANSPARENCIA_CACHE_SEGUNDOS)
    grafico = meses[-GRAFICO_MESES:]
    return Transparencia(
        meses=meses,
        serie=[(m.etiqueta, m.quejas, m.atenciones) for m in grafico],
        grafico_parcial=len(grafico) < len(meses),
    )


def _transparencia(*, tramite_id: int | None) -> list[Mes]:
    conteo: dict[tuple[int, int], list[int]] = defaultdict(lambda: [0, 0])
    historico = EstadisticaHistorica.objects.all()
    resueltas = Solicitud.objects.filter(resuelta_en__isnull=False)
    quejas = Queja.objects.all()
    if tramite_id is not None:
        historico = historico.filter(tramite_id=tramite_id)
        resueltas = resueltas.filter(tramite_id=tramite_id)
        quejas = quejas.filter(solicitud__tramite_id=tramite_id)
    for anio, mes, q, a in historico.values_list("anio", "mes", "quejas", "atenciones"):
        conteo[(anio, mes)][0] += q
        conteo[(anio, mes)][1] += a
    tz = timezone.get_current_timezone()
    for fila in (
        resueltas.annotate(m=TruncMonth("resuelta_en", tzinfo=tz))
        .values("m")
        .annotate(n=Count("id"))
    ):
        conteo[(fila["m"].year, fila["m"].month)][1] += fila["n"]
    for fila in (
        quejas.annotate(m=TruncMonth("creado_en", tzinfo=tz)).values("m").annotate(n=Count("id"))
    ):
        conteo[(fila["m"].year, fila["m"].month)][0] += fila["n"]
    if not conteo:
        return []
    (anio, mes), ultimo = min(conteo), max(conteo)
    resultado = []
    while (anio, mes) <= ultimo:
        quejas_mes, atenciones_mes = conteo.get((anio, mes), (0, 0))
        resultado.append(Mes(anio, mes, quejas_mes, atenciones_mes))
        anio, mes = (anio + 1, 1) if mes == 12 else (anio, mes + 1)
    return resultado


# --- Public status ---------------------------------------------------------------------------


def _coincide(solicitud_identificacion: str | None, identificacion: str) -> bool:
    esperado = (solicitud_identificacion or "-" * 13).upper()
    return hmac.compare_digest(esperado.encode(), identificacion.strip().upper().encode())


def solicitud_por_credenciales(*, numero: str, identificacion: str) -> Solicitud | None:
    """The request with this tracking number filed by this identification, or None.
    One query whatever the input, and the identification is compared in constant time,
    so the answer (and its timing) does not tell a wrong number from a wrong ID."""
    solicitud = Solicitud.objects.filter(numero=numero.strip().upper()).first()
    coincide = _coincide(
        solicitud.solicitante_identificacion if solicitud else None, identificacion
    )
    return solicitud if solicitud is not None and coincide else None


@dataclass(frozen=True)
class Movimiento:
    creado_en: Any
    estado: str
    nota_publica: str


@dataclass(frozen=True)
class DocumentoPublico:
    """A result document as the status page lists it (downloaded by its pk)."""

    pk: int
    nombre: str
    tipo: str


@dataclass(frozen=True)
class EstadoPublico:
    """What /consulta/ shows of a request, with its public timeline and result
    documents (on PostgreSQL all read in one query; no model instances)."""

    pk: int
    numero: str
    estado: str
    tramite: str
    provincia: str
    unidad: str | None
    pendiente_solicitante: str
    acuse_id: int | None
    actualizado_en: str  # the last change, as the database gives it: a cache-key part
    historial: tuple[Movimiento, ...] = ()
    resultados: tuple[DocumentoPublico, ...] = ()

    @property
    def estado_display(self) -> str:
        return str(dict(Solicitud.Estado.choices).get(self.estado, self.estado))

    @property
    def resuelta(self) -> bool:
        return self.estado in _RESUELTAS


_RESUELTAS = {Solicitud.Estado.ATENDIDA, Solicitud.Estado.NEGADA}

_CAMPOS_ESTADO_PUBLICO = (
    "solicitante_identificacion",
    "pk",
    "numero",
    "estado",
    "tramite__nombre",
    "provincia__nombre",
    "unidad__nombre",
    "pendiente_solicitante",
    "acuse_id",
    "actualizado_en",
)


def _json_agg(queryset: QuerySet[Any], *campos: str) -> Subquery:
    """The rows of `queryset` (already filtered on the outer request) as one JSON array
    of arrays, oldest first: PostgreSQL only."""
    from django.contrib.postgres.aggregates import JSONBAgg

    return Subquery(
        queryset.order_by()
        .values("solicitud_id")
        .annotate(filas=JSONBAgg(JSONArray(*campos), order_by=("creado_en", "id")))
        .values("filas")
    )


def _consulta_estado(numero: Any) -> QuerySet[Any]:
    consulta = Solicitud.objects.filter(numero=numero)
    if connection.vendor != "postgresql":
        return consulta.values_list(*_CAMPOS_ESTADO_PUBLICO)
    # The timeline and the result documents ride along as JSON: the status lookup is the
    # portal's busiest page and each extra round trip to the database cost as much as
    # the query itself.
    return consulta.annotate(
        historial_json=_json_agg(
            HistorialSolicitud.objects.filter(solicitud_id=OuterRef("pk"), publico=True),
            "creado_en",
            "estado",
            "nota_publica",
        ),
        resultados_json=_json_agg(
            DocumentoSolicitud.objects.filter(
                solicitud_id=OuterRef("pk"), origen=DocumentoSolicitud.Origen.RESULTADO
            ),
            "id",
            "nombre",
            "tipo",
        ),
    ).values_list(*_CAMPOS_ESTADO_PUBLICO, "historial_json", "resultados_json")


def _consulta_historial(solicitud_id: Any) -> QuerySet[Any]:
    return (
        HistorialSolicitud.objects.filter(solicitud_id=solicitud_id, publico=True)
        .order_by("creado_en", "id")
        .values_list("creado_en", "estado", "nota_publica")
    )


# Compiling the lookup's query with the ORM cost more than running it (a prepared
# statement on PostgreSQL), so it is compiled once per process and database vendor, from
# an example number that is then swapped for the real one among its parameters.
_NUMERO_EJEMPLO = "VV-00-0000-000000"


@functools.cache
def _sql_estado(vendor: str) -> tuple[str, tuple[Any, ...]]:
    sql, params = _consulta_estado(_NUMERO_EJEMPLO).query.sql_with_params()
    assert params.count(_NUMERO_EJEMPLO) == 1  # noqa: S101 - the number is one parameter
    return sql, tuple(params)


def _json(valor: Any) -> list[Any]:
    if valor is None:
        return []
    return json.loads(valor) if isinstance(valor, str | bytes) else list(valor)


def estado_publico(*, numero: str, identificacion: str) -> EstadoPublico | None:
    """The public status of the request with these credentials, or None. One query on
    PostgreSQL (two or three on SQLite), and the identification compared in constant
    time as in solicitud_por_credenciales: a wrong number and a wrong ID look alike."""
    sql, plantilla = _sql_estado(connection.vendor)
    numero = numero.strip().upper()
    params = [numero if p == _NUMERO_EJEMPLO else p for p in plantilla]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        fila = cursor.fetchone()
    coincide = _coincide(fila[0] if fila else None, identificacion)
    if fila is None or not coincide:
        return None
    pk, numero, estado, tramite, provincia, unidad, pendiente, acuse_id, cambio = fila[1:10]
    etiquetas = dict(Solicitud.Estado.choices)
    if len(fila) > 10:
        historial = [
            (dt.datetime.fromisoformat(creado), estado_h, nota)
            for creado, estado_h, nota in _json(fila[10])
        ]
        resultados = [DocumentoPublico(*d) for d in _json(fila[11])]
    else:  # SQLite: the ORM converts its dates
        historial = list(_consulta_historial(pk))
        resultados = [
            DocumentoPublico(d.pk, d.nombre, d.tipo)
            for d in documentos_resultado(solicitud_id=pk, estado=estado)
        ]
    return EstadoPublico(
        pk=pk,
        numero=numero,
        estado=estado,
        tramite=tramite,
        provincia=provincia,
        unidad=unidad,
        pendiente_solicitante=pendiente,
        acuse_id=acuse_id,
        actualizado_en=str(cambio),
        historial=tuple(
            Movimiento(creado, str(etiquetas.get(e, e)), nota) for creado, e, nota in historial
        ),
        # Result documents are shown only once the request is resolved.
        resultados=tuple(resultados) if estado in _RESUELTAS else (),
    )


def documentos_resultado(*, solicitud_id: int, estado: str) -> QuerySet[DocumentoSolicitud]:
    """Result documents: issued only when a request is resolved (no query otherwise)."""
    if estado not in _RESUELTAS:
        return DocumentoSolicitud.objects.none()
    return DocumentoSolicitud.objects.filter(
        solicitud_id=solicitud_id, origen=DocumentoSolicitud.Origen.RESULTADO
    ).order_by("creado_en")


def documentos_presentados(solicitud: Solicitud) -> QuerySet[DocumentoSolicitud]:
    return solicitud.documentos.exclude(origen=DocumentoSolicitud.Origen.RESULTADO).order_by(
        "creado_en", "id"
    )


def precheck_levantamiento(*, empleador: Any) -> list[Any]:
    """Coactiva's eligibility answer for an employer's processes (contract in
    coactiva.selectors)."""
    from coactiva.selectors import levantamiento_precheck

    return levantamiento_precheck(empleador=empleador)


# --- Back office -----------------------------------------------------------------------------


def asignables(unidad_id: int) -> QuerySet[User]:
    """Staff who may be given requests of a unit."""
    return User.objects.filter(is_active=True, is_staff=True, unidad_id=unidad_id).order_by(
        "first_name", "last_name", "username"
    )


def asignables_provincia(provincia_id: str) -> QuerySet[User]:
    """Staff of every unit of a province (a director filters the queue by them)."""
    return User.objects.filter(
        is_active=True, is_staff=True, unidad__provincia_id=provincia_id
    ).order_by("first_name", "last_name", "username")


class Plazo:
    """Deadline status of an open request, computed in SQL from the dates the services
    store on the row (no per-row calendar work)."""

    A_TIEMPO = "a_tiempo"
    POR_VENCER = "por_vencer"
    VENCIDA = "vencida"
    MUY_VENCIDA = "muy_vencida"
    SUSPENDIDA = "suspendida"

    ETIQUETAS = {
        A_TIEMPO: "A tiempo",
        POR_VENCER: "Vence en 2 días hábiles o menos",
        VENCIDA: "Vencida",
        MUY_VENCIDA: "Vencida más de 3 veces su término",
        SUSPENDIDA: "Suspendida (esperando al solicitante)",
    }
    ABIERTAS = (Solicitud.Estado.RECIBIDA, Solicitud.Estado.ASIGNADA, Solicitud.Estado.EN_ATENCION)

    @classmethod
    def q(cls, valor: str, hoy: Any) -> Q:
        abiertas = Q(estado__in=cls.ABIERTAS)
        if valor == cls.A_TIEMPO:
            return abiertas & Q(alerta_desde__gt=hoy)
        if valor == cls.POR_VENCER:
            return abiertas & Q(alerta_desde__lte=hoy, vence_el__gte=hoy)
        if valor == cls.VENCIDA:
            return abiertas & Q(vence_el__lt=hoy, vencida_3x_desde__gte=hoy)
        if valor == cls.MUY_VENCIDA:
            return abiertas & Q(vencida_3x_desde__lt=hoy)
        if valor == cls.SUSPENDIDA:
            return Q(estado=Solicitud.Estado.OBSERVADA)
        return Q()

    @classmethod
    def anotacion(cls, hoy: Any) -> Case:
        return Case(
            *(
                When(cls.q(v, hoy), then=Value(v))
                for v in (
                    cls.MUY_VENCIDA,
                    cls.VENCIDA,
                    cls.POR_VENCER,
                    cls.A_TIEMPO,
                    cls.SUSPENDIDA,
                )
            ),
            default=Value(""),
            output_field=CharField(),
        )


def cola(queryset: QuerySet[Solicitud]) -> QuerySet[Solicitud]:
    """The back-office queue: what each row of the list shows, in one query."""
    return queryset.select_related("tramite", "unidad", "asignado_a").annotate(
        plazo=Plazo.anotacion(timezone.localdate())
    )


def eventos_de_solicitud(solicitud: Solicitud) -> QuerySet[Any]:
    """Audit events about a request and its documents, newest first."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import EventoAuditoria

    ct_sol = ContentType.objects.get_for_model(Solicitud)
    ct_doc = ContentType.objects.get_for_model(DocumentoSolicitud)
    documentos = [str(pk) for pk in solicitud.documentos.values_list("pk", flat=True)]
    return (
        EventoAuditoria.objects.filter(
            Q(content_type=ct_sol, object_id=str(solicitud.pk))
            | Q(content_type=ct_doc, object_id__in=documentos)
        )
        .select_related("actor")
        .order_by("-creado_en", "-id")
    )


def auditoria(*, alcance: Any, desde: Any, hasta: Any) -> QuerySet[Any]:
    """Audit events of the back office (requests and their documents) in a date range,
    within the staff member's scope (their unit, province or the country)."""
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType
    from django.db.models.functions import Cast

    from core.models import EventoAuditoria

    tz = timezone.get_current_timezone()
    inicio = dt.datetime.combine(desde, dt.time.min, tzinfo=tz)
    fin = dt.datetime.combine(hasta + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    solicitudes = alcance.filter(Solicitud.objects.all(), unidad="unidad", provincia="provincia")
    documentos = alcance.filter(
        DocumentoSolicitud.objects.all(),
        unidad="solicitud__unidad",
        provincia="solicitud__provincia",
    )
    ct_sol = ContentType.objects.get_for_model(Solicitud)
    ct_doc = ContentType.objects.get_for_model(DocumentoSolicitud)
    return (
        EventoAuditoria.objects.filter(creado_en__gte=inicio, creado_en__lt=fin)
        .filter(
            Q(
                content_type=ct_sol,
                object_id__in=solicitudes.annotate(t=Cast("pk", CharField())).values("t"),
            )
            | Q(
                content_type=ct_doc,
                object_id__in=documentos.annotate(t=Cast("pk", CharField())).values("t"),
            )
        )
        .select_related("actor")
        .order_by("creado_en", "id")
    )


@dataclass(frozen=True)
class Tablero:
    por_unidad_estado: list[dict[str, Any]]
    antiguedad: list[tuple[str, int]]
    antiguedad_por_unidad: list[dict[str, Any]]
    semanas: list[tuple[str, int, int]]
    vencidas: list[Solicitud]
    totales: dict[str, int]


EDADES = [("0-5 días", 0, 5), ("6-15 días", 6, 15), ("16-30 días", 16, 30), ("más de 30", 31, None)]


def tablero(*, alcance: Any, hoy: Any, semanas: int = 12) -> Tablero:
    """Figures for heads and directors, in their scope: open requests by unit and state
    and by unit and age, received vs resolved per week, and the overdue list."""
    import datetime as dt

    from django.db.models.functions import TruncWeek

    base = alcance.filter(Solicitud.objects.all(), unidad="unidad", provincia="provincia")
    abiertas_estados = [*Plazo.ABIERTAS, Solicitud.Estado.OBSERVADA]
    abiertas = base.filter(estado__in=abiertas_estados)
    filas: dict[str, dict[str, Any]] = {}
    for unidad, estado, n in (
        abiertas.values_list("unidad__nombre", "estado").annotate(n=Count("id")).order_by()
    ):
        fila = filas.setdefault(unidad or "Sin unidad", {"unidad": unidad or "Sin unidad"})
        fila[estado] = n
        fila["total"] = fila.get("total", 0) + n
    edades: dict[str, Q] = {}
    for i, (_etiqueta, minimo, maximo) in enumerate(EDADES):
        # The youngest band has no lower bound: a request filed on a weekend or holiday
        # is received the next business day, which may still be ahead.
        q = Q(recibido_el__lte=hoy - dt.timedelta(days=minimo)) if minimo else Q()
        if maximo is not None:
            q &= Q(recibido_el__gte=hoy - dt.timedelta(days=maximo))
        edades[f"edad_{i}"] = q
    antiguedad_por_unidad = [
        {
            "unidad": fila["unidad__nombre"] or "Sin unidad",
            "celdas": [fila[clave] for clave in edades],
        }
        for fila in abiertas.values("unidad__nombre")
        .annotate(**{clave: Count("id", filter=q) for clave, q in edades.items()})
        .order_by("unidad__nombre")
    ]
    antiguedad: list[tuple[str, int]] = [
        (str(etiqueta), sum(int(f["celdas"][i]) for f in antiguedad_por_unidad))
        for i, (etiqueta, _minimo, _maximo) in enumerate(EDADES)
    ]
    desde = hoy - dt.timedelta(weeks=semanas)
    tz = timezone.get_current_timezone()
    recibidas = dict(
        base.filter(recibido_el__gte=desde)
        .annotate(s=TruncWeek("recibido_el"))
        .values_list("s")
        .annotate(n=Count("id"))
        .order_by()
    )
    resueltas = {
        k.date() if hasattr(k, "date") else k: v
        for k, v in base.filter(resuelta_en__date__gte=desde)
        .annotate(s=TruncWeek("resuelta_en", tzinfo=tz))
        .values_list("s")
        .annotate(n=Count("id"))
        .order_by()
    }
    lunes = hoy - dt.timedelta(days=hoy.weekday())
    serie = []
    for i in range(semanas - 1, -1, -1):
        semana = lunes - dt.timedelta(weeks=i)
        serie.append(
            (f"{semana:%d/%m}", int(recibidas.get(semana, 0)), int(resueltas.get(semana, 0)))
        )
    vencidas = list(
        cola(base.filter(estado__in=Plazo.ABIERTAS, vence_el__lt=hoy)).order_by("vence_el", "pk")[
            :50
        ]
    )
    totales = {
        "abiertas": sum(f.get("total", 0) for f in filas.values()),
        "vencidas": base.filter(
            Plazo.q(Plazo.VENCIDA, hoy) | Plazo.q(Plazo.MUY_VENCIDA, hoy)
        ).count(),
        "por_vencer": base.filter(Plazo.q(Plazo.POR_VENCER, hoy)).count(),
    }
    return Tablero(
        por_unidad_estado=[
            {**f, "celdas": [f.get(e, 0) for e in abiertas_estados]}
            for f in sorted(filas.values(), key=lambda f: f["unidad"])
        ],
        antiguedad=antiguedad,
        antiguedad_por_unidad=antiguedad_por_unidad,
        semanas=serie,
        vencidas=vencidas,
        totales=totales,
    )
