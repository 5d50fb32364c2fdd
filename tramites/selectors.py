"""Reads of the Ventanilla Virtual: the catalogue, transparency figures, the public
status of a request."""

from __future__ import annotations

import functools
import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

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


_VERSION_CATALOGO = "tramites:catalogo:version"


def catalogo_version() -> int:
    """Bumped by services.catalogo_cambiado() whenever staff edit the catalogue; part of
    the key of every cached catalogue page."""
    return cache.get_or_set(_VERSION_CATALOGO, 1, timeout=None) or 1


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


def transparencia(*, tramite_id: int | None = None, meses: int = 24) -> list[Mes]:
    """Complaints and attended (resolved) requests per month for one trámite (or all),
    the last `meses` months that have figures: the catalogue's historical figures from
    before the portal plus the portal's own, computed from its data. Cached for a few
    minutes (it aggregates every request)."""
    clave = f"tramites:transparencia:{tramite_id or 'todos'}:{meses}"
    datos = cache.get(clave)
    if datos is None:
        datos = _transparencia(tramite_id=tramite_id, meses=meses)
        cache.set(clave, datos, TRANSPARENCIA_CACHE_SEGUNDOS)
    return datos


def _transparencia(*, tramite_id: int | None, meses: int) -> list[Mes]:
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
    claves = sorted(conteo)[-meses:]
    return [Mes(a, m, conteo[(a, m)][0], conteo[(a, m)][1]) for a, m in claves]


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
class EstadoPublico:
    """What /consulta/ shows of a request (read in one query, no model instances)."""

    pk: int
    numero: str
    estado: str
    tramite: str
    provincia: str
    unidad: str | None
    pendiente_solicitante: str
    acuse_id: int | None
    actualizado_en: str  # the last change, as the database gives it: a cache-key part

    @property
    def estado_display(self) -> str:
        return str(dict(Solicitud.Estado.choices).get(self.estado, self.estado))

    @property
    def resuelta(self) -> bool:
        return self.estado in {Solicitud.Estado.ATENDIDA, Solicitud.Estado.NEGADA}


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


@functools.cache
def _sql_estado_publico(vendor: str) -> str:
    """The lookup's SQL, compiled by the ORM once per process and database vendor: the
    public lookup is the portal's busiest query and compiling it cost as much as
    running it."""
    consulta = Solicitud.objects.filter(numero="%s").values_list(*_CAMPOS_ESTADO_PUBLICO)
    sql, params = consulta.query.sql_with_params()
    assert list(params) == ["%s"]  # noqa: S101 - the only parameter is the number
    return sql


def estado_publico(*, numero: str, identificacion: str) -> EstadoPublico | None:
    """The public status of the request with these credentials, or None (one query, and
    the identification compared in constant time as in solicitud_por_credenciales)."""
    with connection.cursor() as cursor:
        cursor.execute(_sql_estado_publico(connection.vendor), [numero.strip().upper()])
        fila = cursor.fetchone()
    coincide = _coincide(fila[0] if fila else None, identificacion)
    if fila is None or not coincide:
        return None
    pk, numero, estado, tramite, provincia, unidad, pendiente, acuse_id, cambio = fila[1:]
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
    )


@dataclass(frozen=True)
class Movimiento:
    creado_en: Any
    estado: str
    nota_publica: str


def historial_publico(solicitud_id: int) -> list[Movimiento]:
    """The public timeline of a request, oldest first, with the states' labels."""
    etiquetas = dict(Solicitud.Estado.choices)
    return [
        Movimiento(creado_en, str(etiquetas.get(estado, estado)), nota)
        for creado_en, estado, nota in HistorialSolicitud.objects.filter(
            solicitud_id=solicitud_id, publico=True
        )
        .order_by("creado_en", "id")
        .values_list("creado_en", "estado", "nota_publica")
    ]


def documentos_resultado(*, solicitud_id: int, estado: str) -> QuerySet[DocumentoSolicitud]:
    """Result documents: issued only when a request is resolved (no query otherwise)."""
    if estado not in {Solicitud.Estado.ATENDIDA, Solicitud.Estado.NEGADA}:
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
