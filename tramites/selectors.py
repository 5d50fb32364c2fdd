"""Reads of the Ventanilla Virtual: the catalogue, transparency figures, the public
status of a request."""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Prefetch, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from tramites.models import (
    DIRIGIDO_A_CHOICES,
    CanalTramite,
    DocumentoSolicitud,
    EstadisticaHistorica,
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


def solicitud_por_credenciales(*, numero: str, identificacion: str) -> Solicitud | None:
    """The request with this tracking number filed by this identification, or None.
    One query whatever the input, and the identification is compared in constant time,
    so the answer (and its timing) does not tell a wrong number from a wrong ID."""
    numero = numero.strip().upper()
    identificacion = identificacion.strip().upper()
    solicitud = (
        Solicitud.objects.select_related("tramite", "provincia", "unidad")
        .only(
            "numero",
            "estado",
            "solicitante_identificacion",
            "pendiente_solicitante",
            "acuse_id",
            "actualizado_en",
            "tramite__nombre",
            "provincia__nombre",
            "unidad__nombre",
        )
        .filter(numero=numero)
        .first()
    )
    esperado = solicitud.solicitante_identificacion.upper() if solicitud else "-" * 13
    coincide = hmac.compare_digest(esperado.encode(), identificacion.encode())
    return solicitud if solicitud is not None and coincide else None


@dataclass(frozen=True)
class Movimiento:
    creado_en: Any
    estado: str
    nota_publica: str


def historial_publico(solicitud: Solicitud) -> list[Movimiento]:
    """The public timeline of a request, oldest first, with the states' labels."""
    etiquetas = dict(Solicitud.Estado.choices)
    return [
        Movimiento(creado_en, str(etiquetas.get(estado, estado)), nota)
        for creado_en, estado, nota in solicitud.historial.filter(publico=True)
        .order_by("creado_en", "id")
        .values_list("creado_en", "estado", "nota_publica")
    ]


def documentos_resultado(solicitud: Solicitud) -> QuerySet[DocumentoSolicitud]:
    """Result documents: issued only when a request is resolved (no query otherwise)."""
    if solicitud.estado not in {Solicitud.Estado.ATENDIDA, Solicitud.Estado.NEGADA}:
        return DocumentoSolicitud.objects.none()
    return solicitud.documentos.filter(origen=DocumentoSolicitud.Origen.RESULTADO).order_by(
        "creado_en"
    )


def documentos_presentados(solicitud: Solicitud) -> QuerySet[DocumentoSolicitud]:
    return solicitud.documentos.exclude(origen=DocumentoSolicitud.Origen.RESULTADO).order_by(
        "creado_en", "id"
    )


def precheck_levantamiento(*, empleador: Any) -> list[Any]:
    """Coactiva's eligibility answer for an employer's processes (contract in
    coactiva.selectors)."""
    from coactiva.selectors import levantamiento_precheck

    return levantamiento_precheck(empleador=empleador)
