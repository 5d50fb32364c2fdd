"""The nightly cartera jobs, set-based (DOMAIN.md §3):

* glosas_generar: a glosa for every planilla still unpaid after its due date;
* glosas_notificar: every EMITIDA glosa notified online, one notice and one e-mail per
  employer, the término computed once per distinct (date, cantons);
* titulos_emitir: glosas whose término ended without payment, impugnación or agreement
  become VENCIDA and get their título de crédito, sent to the province's coactiva unit;
  one e-mail per employer lists its títulos (cartera.avisos);
* glosas_recordar: the reminder, GLOSA_RECORDATORIO_DIAS_HABILES business days before
  the last day of a NOTIFICADA glosa's término, once per término, one e-mail per
  employer that did not switch it off.

Each works in chunks (id ranges, or employer-id ranges when the work is per employer)
and each chunk is one transaction: it locks its rows, then writes with a few bulk
statements (INSERT … SELECT, UPDATE, bulk_create of history rows), never a Python loop of
saves. The conditions that pick the rows are the states themselves, so a re-run (or a run
after a crash) does only what is left. The same rules as the one-row services in
cartera.services apply; the SQL runs on PostgreSQL and on SQLite (the embedded default).

Run them through `ejecutar()` (management commands, Celery beat, admin), which holds the
job's lock (core.batch.lote): one run of each job at a time, with counters, progress bar
and summary.
"""

# The SQL below interpolates only table names from the models and constants written in
# this file; every value is passed as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, F, Max, Min, Q, QuerySet
from django.utils import timezone

from cartera import avisos, interes, services
from cartera.models import (
    COMPONENTES,
    Empleador,
    Glosa,
    GlosaHistorial,
    NotificacionGlosa,
    Planilla,
    PlanillaHistorial,
    TituloCredito,
    TituloGlosa,
)
from core import batch, calendar, parametros
from core.email import correos_encolar_sql, sql_fecha
from core.models import Unidad, User
from core.selectors import unidad_que_atiende
from core.services import sequence_next_block

TAMANO = 50_000  # rows (or employers) per chunk: one transaction each

GENERAR_GLOSAS = "generar_glosas"
NOTIFICAR_GLOSAS = "notificar_glosas"
EMITIR_TITULOS = "emitir_titulos"
RECORDAR_GLOSAS = "recordar_glosas"


def _t(modelo: Any) -> str:
    return connection.ops.quote_name(modelo._meta.db_table)


def _fecha(valor: dt.date) -> Any:
    return connection.ops.adapt_datefield_value(valor)


def _momento(valor: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(valor)


def _inmediato() -> None:
    """Check this chunk's foreign keys at the end of each statement instead of at commit:
    the same checks, cheaper than a commit-time queue of hundreds of thousands."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def _resta(a: str, b: str) -> str:
    """a - b in SQL, exact: SQLite keeps decimals as floating point, so round to cents
    there (PostgreSQL's numeric is exact already)."""
    return f"{a} - {b}" if connection.vendor == "postgresql" else f"ROUND({a} - {b}, 2)"


def _ejecutar_sql(sql: str, params: list[Any]) -> int:
    # Statements here interpolate only table names and conditions written in this module
    # (marked `nosec B608` where they are built); every value travels as a parameter.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def _rangos(qs: QuerySet[Any], campo: str, tamano: int) -> tuple[int, Iterator[tuple[int, int]]]:
    """How many rows `qs` holds and the [desde, hasta) ranges of `campo` covering them."""
    datos = qs.aggregate(desde=Min(campo), hasta=Max(campo), n=Count("pk"))
    if not datos["n"]:
        return 0, iter(())
    inicio, fin = datos["desde"], datos["hasta"]
    return datos["n"], ((a, min(a + tamano, fin + 1)) for a in range(inicio, fin + 1, tamano))


def _reloj(at: dt.datetime | None, hoy: dt.date | None) -> tuple[dt.datetime, dt.date]:
    """The run's moment (`at`, default now: every row it writes carries it) and its legal
    date (`hoy`, default the moment's local date)."""
    momento = at or timezone.now()
    return momento, hoy or timezone.localdate(momento)


def _usuario_id(por: Any) -> int | None:
    return por.pk if getattr(por, "is_authenticated", False) else None


def _lote_id(lote: batch.Lote | None) -> int | None:
    return lote.fila.pk if lote is not None else None


# --- Término of a notification --------------------------------------------------------


class _Terminos:
    """Término of glosas notified on one date, per (province, canton): computed once per
    distinct pair (the calendar itself is cached), then written by SQL as a CASE.
    `calcular(provincia_id, canton_id)` replaces the glosa's término by another date of
    the same calendar (the reminder's horizon)."""

    def __init__(
        self, fecha: dt.date, calcular: Callable[[str, str | None], dt.date] | None = None
    ) -> None:
        self.fecha = fecha
        self._calcular = calcular or (
            lambda provincia_id, canton_id: services.termino_glosa(
                fecha=fecha, canton_id=canton_id, provincia_id=provincia_id
            )
        )
        self._cache: dict[tuple[str, str], dt.date] = {}

    def vence(self, provincia_id: str, canton_id: str) -> dt.date:
        clave = (provincia_id, canton_id)
        if clave not in self._cache:
            self._cache[clave] = self._calcular(provincia_id, canton_id or None)
        return self._cache[clave]

    def case_sql(
        self, pares: Sequence[tuple[str, str | None]], *, provincia: str, canton: str
    ) -> tuple[str, list[Any]]:
        """A CASE giving each row its término from its `provincia` and `canton` columns;
        the most common date is the ELSE, so usually it is a single parameter."""
        por_fecha: dict[dt.date, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for provincia_id, canton_id in pares:
            por_fecha[self.vence(provincia_id, canton_id or "")][provincia_id].append(
                canton_id or ""
            )
        fechas = sorted(por_fecha, key=lambda f: -sum(len(c) for c in por_fecha[f].values()))
        comun, otras = fechas[0], fechas[1:]
        if not otras:
            return "%s", [_fecha(comun)]
        ramas, params = [], []
        for fecha in otras:
            for provincia_id, cantones in por_fecha[fecha].items():
                marcas = ", ".join(["%s"] * len(cantones))
                ramas.append(
                    f"WHEN {provincia} = %s AND COALESCE({canton}, '') IN ({marcas}) THEN %s"
                )
                params += [provincia_id, *cantones, _fecha(fecha)]
        return f"CASE {' '.join(ramas)} ELSE %s END", [*params, _fecha(comun)]


MOTIVO_NOTIFICACION = "Notificación en línea."


def _historial_notificacion(
    *, donde: str, params: list[Any], momento: Any, por: User | None, lote: batch.Lote | None
) -> None:
    """EMITIDA → NOTIFICADA history rows for the glosas selected by `donde`."""
    _ejecutar_sql(
        f"INSERT INTO {_t(GlosaHistorial)} (glosa_id, de, a, en, por_id, lote_id, motivo) "  # nosec B608
        f"SELECT id, %s, %s, %s, %s, %s, %s FROM {_t(Glosa)} WHERE {donde}",
        [
            Glosa.Estado.EMITIDA,
            Glosa.Estado.NOTIFICADA,
            momento,
            _usuario_id(por),
            _lote_id(lote),
            MOTIVO_NOTIFICACION,
            *params,
        ],
    )


def _avisar(*, desde: int, hasta: int, creada_en: Any, momento: dt.datetime) -> list[int]:
    """One e-mail per notice of this chunk, written by the database (core.email)."""
    return correos_encolar_sql(
        plantilla=services.PLANTILLA_GLOSAS_NOTIFICADAS,
        asunto=services.ASUNTO_GLOSAS_NOTIFICADAS,
        evento=services.EVENTO_GLOSAS_NOTIFICADAS,
        modelo=NotificacionGlosa,
        campos=["razon_social", "identificacion", "cantidad", "fecha", "vence"],
        origen_sql=(
            "SELECT e.email AS para, n.id AS objeto_id, e.razon_social AS razon_social, "  # nosec B608
            "e.identificacion AS identificacion, n.cantidad AS cantidad, "
            f"{sql_fecha('n.fecha')} AS fecha, {sql_fecha('n.vence_en')} AS vence "
            f"FROM {_t(NotificacionGlosa)} n JOIN {_t(Empleador)} e ON e.id = n.empleador_id "
            "AND e.id >= %s AND e.id < %s "
            "WHERE n.empleador_id >= %s AND n.empleador_id < %s AND n.creada_en = %s"
        ),
        params=[desde, hasta, desde, hasta, creada_en],
        creado_en=momento,
    )


# --- generar_glosas ----------------------------------------------------------------------


def glosas_generar(
    *,
    at: dt.datetime | None = None,
    periodo: dt.date | None = None,
    hoy: dt.date | None = None,
    notificar: bool = False,
    avisar: bool = True,
    por: User | None = None,
    lote: batch.Lote | None = None,
    tamano: int = TAMANO,
) -> dict[str, int]:
    """A glosa for every planilla still PENDIENTE after its due date — of `periodo`
    (first day of the month) or of every period already due — carrying the planilla's
    unpaid components and liquidated interest; the planilla becomes GLOSADA. The unique
    glosa-per-planilla constraint makes a re-run create nothing.

    With `notificar` the glosas are notified online in the same pass, exactly as
    glosas_notificar would (the portal's automatic notification, seed 002): they are
    born EMITIDA and move to NOTIFICADA with their history row, término, the employer's
    notice and, with `avisar`, one e-mail per employer. Chunks are ranges of employers,
    so an employer gets one notice per run."""
    momento, hoy = _reloj(at, hoy)
    terminos = _Terminos(hoy)
    candidatas = Planilla.objects.filter(
        estado=Planilla.Estado.PENDIENTE, fecha_vencimiento__lt=hoy
    )
    filtro_periodo, params_periodo = "", []
    if periodo is not None:
        candidatas = candidatas.filter(periodo=periodo)
        filtro_periodo, params_periodo = " AND p.periodo = %s", [_fecha(periodo)]
    total, rangos = _rangos(candidatas, "empleador_id", tamano)
    if lote is not None:
        lote.set_total(total)
    resumen = {"glosas_emitidas": 0}
    if notificar:
        resumen.update(glosas_notificadas=0, empleadores_notificados=0, correos=0)
    ts, lote_id = _momento(momento), _lote_id(lote)
    pendientes = ", ".join(_resta(f"p.{c}", f"p.pagado_{c}") for c in COMPONENTES)
    # The chunk's planillas: locked and PENDIENTE, so none has a glosa yet (a glosa and
    # its planilla's GLOSADA are written in one transaction); the unique constraint on
    # glosa.planilla still guards it.
    # (The employer range is repeated on e so the join reads only the chunk's employers.)
    tablas = (
        f"FROM {_t(Planilla)} p JOIN {_t(Empleador)} e ON e.id = p.empleador_id "
        "AND e.id >= %s AND e.id < %s"
    )
    condicion = (
        "WHERE p.empleador_id >= %s AND p.empleador_id < %s AND p.estado = %s "
        f"AND p.fecha_vencimiento < %s{filtro_periodo}"
    )
    origen = f"{tablas} {condicion}"
    for desde, hasta in rangos:
        rango = [desde, hasta, Planilla.Estado.PENDIENTE, _fecha(hoy), *params_periodo]
        empleadores_notificados = correos = 0
        with transaction.atomic():
            _inmediato()
            # Lock the chunk's planillas so a payment being registered on one of them
            # cannot cross its glosa (cartera.services.pago_registrar locks them too).
            bloqueadas = list(
                candidatas.filter(empleador_id__gte=desde, empleador_id__lt=hasta)
                .select_for_update()
                .values_list("id", flat=True)
            )
            if not bloqueadas:
                continue
            if notificar:
                pares = list(
                    candidatas.filter(empleador_id__gte=desde, empleador_id__lt=hasta)
                    .values_list("provincia_id", "empleador__canton_id")
                    .distinct()
                )
                case, case_params = terminos.case_sql(
                    pares, provincia="p.provincia_id", canton="e.canton_id"
                )
                empleadores_notificados = _ejecutar_sql(
                    f"INSERT INTO {_t(NotificacionGlosa)} "
                    "(empleador_id, creada_en, fecha, vence_en, cantidad, lote_id, leida_en) "
                    f"SELECT p.empleador_id, %s, %s, MIN({case}), COUNT(*), %s, NULL "
                    f"{origen} GROUP BY p.empleador_id",
                    [ts, _fecha(hoy), *case_params, lote_id, desde, hasta, *rango],
                )
                estado = Glosa.Estado.NOTIFICADA
                notificacion_sql = f"%s, %s, {case}, n.id"
                notificacion_params = [ts, _fecha(hoy), *case_params]
                union_sql = (
                    f" JOIN {_t(NotificacionGlosa)} n ON n.empleador_id = p.empleador_id "
                    "AND n.creada_en = %s"
                )
                union_params = [ts]
            else:
                estado = Glosa.Estado.EMITIDA
                notificacion_sql = "NULL, NULL, NULL, NULL"
                notificacion_params, union_sql, union_params = [], "", []
            insertar_sql = (
                f"INSERT INTO {_t(Glosa)} (origen, planilla_id, empleador_id, sucursal_id, "
                "provincia_id, canton_id, periodo, detalle, estado, emitida_en, emitida_por_id, "
                f"lote_id, {', '.join(COMPONENTES)}, "
                f"{', '.join('pagado_' + c for c in COMPONENTES)}, mora_desde, intereses_hasta, "
                "notificada_en, termino_desde, vence_en, notificacion_id) "
                f"SELECT %s, p.id, p.empleador_id, p.sucursal_id, p.provincia_id, e.canton_id, "
                f"p.periodo, '', %s, %s, %s, %s, {pendientes}, 0, 0, 0, 0, p.mora_desde, "
                f"p.intereses_hasta, {notificacion_sql} {tablas}{union_sql} {condicion}"
            )
            insertar_params = [
                Glosa.Origen.PLANILLA,
                estado,
                ts,
                _usuario_id(por),
                lote_id,
                *notificacion_params,
                desde,
                hasta,
                *union_params,
                *rango,
            ]
            historial_planilla = [
                Planilla.Estado.PENDIENTE,
                Planilla.Estado.GLOSADA,
                ts,
                _usuario_id(por),
                "Glosa emitida por falta de pago de la planilla.",
            ]
            historial_glosa = [
                Glosa.Estado.EMITIDA,
                Glosa.Estado.NOTIFICADA,
                ts,
                _usuario_id(por),
                lote_id,
                MOTIVO_NOTIFICACION,
            ]
            if connection.vendor == "postgresql":
                # One statement: the glosas, their planillas GLOSADA and both history rows
                # come from the rows the INSERT returns, so the chunk's planillas and
                # glosas are read once instead of four times (bench/cartera.py).
                partes = [
                    f"nuevas AS ({insertar_sql} RETURNING id, planilla_id)",
                    f"glosadas AS (UPDATE {_t(Planilla)} p SET estado = %s FROM nuevas "  # nosec B608
                    "WHERE p.id = nuevas.planilla_id RETURNING p.id)",
                    f"h_planillas AS (INSERT INTO {_t(PlanillaHistorial)} "  # nosec B608
                    "(planilla_id, de, a, en, por_id, motivo) "
                    "SELECT id, %s, %s, %s, %s, %s FROM glosadas)",
                ]
                params = [*insertar_params, Planilla.Estado.GLOSADA, *historial_planilla]
                if notificar:
                    partes.append(
                        f"h_glosas AS (INSERT INTO {_t(GlosaHistorial)} "  # nosec B608
                        "(glosa_id, de, a, en, por_id, lote_id, motivo) "
                        "SELECT id, %s, %s, %s, %s, %s, %s FROM nuevas)"
                    )
                    params += historial_glosa
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"WITH {', '.join(partes)} "  # nosec B608
                        "SELECT (SELECT COUNT(*) FROM nuevas), (SELECT COUNT(*) FROM glosadas)",
                        params,
                    )
                    creadas, glosadas = cursor.fetchone()
                if not creadas == glosadas == len(bloqueadas):
                    raise RuntimeError(
                        f"{len(bloqueadas)} planillas, {creadas} glosas y {glosadas} glosadas."
                    )
            else:
                creadas = _ejecutar_sql(insertar_sql, insertar_params)
                if creadas != len(bloqueadas):  # every locked planilla got its glosa
                    raise RuntimeError(f"{len(bloqueadas)} planillas y {creadas} glosas emitidas.")
                # The planillas that got a glosa are exactly the chunk's: locked, PENDIENTE.
                _ejecutar_sql(
                    f"INSERT INTO {_t(PlanillaHistorial)} (planilla_id, de, a, en, por_id, motivo) "  # nosec B608
                    f"SELECT p.id, %s, %s, %s, %s, %s FROM {_t(Planilla)} p {condicion}",
                    [*historial_planilla, *rango],
                )
                _ejecutar_sql(
                    f"UPDATE {_t(Planilla)} SET estado = %s WHERE id IN "  # nosec B608
                    f"(SELECT p.id FROM {_t(Planilla)} p {condicion})",
                    [Planilla.Estado.GLOSADA, *rango],
                )
                if notificar:
                    _historial_notificacion(
                        donde="empleador_id >= %s AND empleador_id < %s AND emitida_en = %s "
                        "AND estado = %s",
                        params=[desde, hasta, ts, Glosa.Estado.NOTIFICADA],
                        momento=ts,
                        por=por,
                        lote=lote,
                    )
            if notificar and avisar:
                correos = len(_avisar(desde=desde, hasta=hasta, creada_en=ts, momento=momento))
        resumen["glosas_emitidas"] += creadas
        if notificar:
            resumen["glosas_notificadas"] += creadas
            resumen["empleadores_notificados"] += empleadores_notificados
            resumen["correos"] += correos
        if lote is not None:
            lote.advance(len(bloqueadas))
            for clave, valor in (
                ("glosas_emitidas", creadas),
                ("glosas_notificadas", creadas if notificar else 0),
                ("empleadores_notificados", empleadores_notificados),
                ("correos", correos),
            ):
                if valor:
                    lote.count(clave, valor)
    return resumen


# --- notificar_glosas ----------------------------------------------------------------


def glosas_notificar(
    *,
    at: dt.datetime | None = None,
    hoy: dt.date | None = None,
    periodo: dt.date | None = None,
    por: User | None = None,
    lote: batch.Lote | None = None,
    avisar: bool = True,
    tamano: int = TAMANO,
) -> dict[str, int]:
    """Notify online every EMITIDA glosa (of `periodo`, or all): the same rule as
    cartera.services.glosa_notificar, set-based. Per employer: one in-portal notice
    (NotificacionGlosa) and, when `avisar`, one e-mail; per glosa: NOTIFICADA with its
    término (GLOSA_TERMINO_DIAS business days from `hoy`, local holidays of the employer's
    canton and of the cartera unit's seat) and a history row."""
    momento, hoy = _reloj(at, hoy)
    terminos = _Terminos(hoy)
    emitidas = Glosa.objects.filter(estado=Glosa.Estado.EMITIDA)
    filtro_periodo, params_periodo = "", []
    if periodo is not None:
        emitidas = emitidas.filter(periodo=periodo)
        filtro_periodo, params_periodo = " AND periodo = %s", [_fecha(periodo)]
    total, rangos = _rangos(emitidas, "empleador_id", tamano)
    if lote is not None:
        lote.set_total(total)
    resumen = {"glosas_notificadas": 0, "empleadores_notificados": 0, "correos": 0}
    ts, lote_id = _momento(momento), _lote_id(lote)
    donde = f"empleador_id >= %s AND empleador_id < %s AND estado = %s{filtro_periodo}"
    for desde, hasta in rangos:
        rango = [desde, hasta, Glosa.Estado.EMITIDA, *params_periodo]
        with transaction.atomic():
            _inmediato()
            bloqueadas = list(
                emitidas.filter(empleador_id__gte=desde, empleador_id__lt=hasta)
                .select_for_update()
                .values_list("id", flat=True)
            )
            if not bloqueadas:
                continue
            pares = list(
                emitidas.filter(empleador_id__gte=desde, empleador_id__lt=hasta)
                .values_list("provincia_id", "canton_id")
                .distinct()
            )
            case, case_params = terminos.case_sql(
                pares, provincia="provincia_id", canton="canton_id"
            )
            empleadores_notificados = _ejecutar_sql(
                f"INSERT INTO {_t(NotificacionGlosa)} "  # nosec B608
                "(empleador_id, creada_en, fecha, vence_en, cantidad, lote_id, leida_en) "
                f"SELECT empleador_id, %s, %s, MIN({case}), COUNT(*), %s, NULL "
                f"FROM {_t(Glosa)} WHERE {donde} GROUP BY empleador_id",
                [ts, _fecha(hoy), *case_params, lote_id, *rango],
            )
            notificadas = _ejecutar_sql(
                f"UPDATE {_t(Glosa)} SET estado = %s, notificada_en = %s, termino_desde = %s, "  # nosec B608
                f"vence_en = {case}, notificacion_id = (SELECT n.id FROM "
                f"{_t(NotificacionGlosa)} n WHERE n.empleador_id = {_t(Glosa)}.empleador_id "
                f"AND n.creada_en = %s) WHERE {donde}",
                [Glosa.Estado.NOTIFICADA, ts, _fecha(hoy), *case_params, ts, *rango],
            )
            _historial_notificacion(
                donde="empleador_id >= %s AND empleador_id < %s AND estado = %s "
                "AND notificada_en = %s",
                params=[desde, hasta, Glosa.Estado.NOTIFICADA, ts],
                momento=ts,
                por=por,
                lote=lote,
            )
            correos = 0
            if avisar:
                correos = len(_avisar(desde=desde, hasta=hasta, creada_en=ts, momento=momento))
        resumen["glosas_notificadas"] += notificadas
        resumen["empleadores_notificados"] += empleadores_notificados
        resumen["correos"] += correos
        if lote is not None:
            lote.advance(len(bloqueadas))
            lote.count("glosas_notificadas", notificadas)
            lote.count("empleadores_notificados", empleadores_notificados)
            lote.count("correos", correos)
    return resumen


# --- emitir_titulos ------------------------------------------------------------------


def glosas_vencer(
    *,
    at: dt.datetime | None = None,
    hoy: dt.date | None = None,
    por: User | None = None,
    lote: batch.Lote | None = None,
    tamano: int = TAMANO,
) -> dict[str, int]:
    """NOTIFICADA glosas whose término ended before `hoy` become VENCIDA (the bulk form of
    cartera.services.glosa_vencer). A glosa with a pending impugnación is IMPUGNADA and
    one under agreement EN_ACUERDO_PAGO, so neither is touched."""
    momento, hoy = _reloj(at, hoy)
    vencibles = Glosa.objects.filter(estado=Glosa.Estado.NOTIFICADA, vence_en__lt=hoy)
    total, rangos = _rangos(vencibles, "id", tamano)
    if lote is not None:
        lote.set_total(total)
    return _vencer(vencibles, rangos, momento=momento, hoy=hoy, por=por, lote=lote)


def _vencer(
    vencibles: QuerySet[Glosa],
    rangos: Iterator[tuple[int, int]],
    *,
    momento: dt.datetime,
    hoy: dt.date,
    por: User | None,
    lote: batch.Lote | None,
) -> dict[str, int]:
    resumen = {"glosas_vencidas": 0}
    donde = "id >= %s AND id < %s AND estado = %s AND vence_en < %s"
    for desde, hasta in rangos:
        rango = [desde, hasta, Glosa.Estado.NOTIFICADA, _fecha(hoy)]
        with transaction.atomic():
            _inmediato()
            bloqueadas = list(
                vencibles.filter(id__gte=desde, id__lt=hasta)
                .select_for_update()
                .values_list("id", flat=True)
            )
            if not bloqueadas:
                continue
            _ejecutar_sql(
                f"INSERT INTO {_t(GlosaHistorial)} (glosa_id, de, a, en, por_id, lote_id, motivo) "  # nosec B608
                f"SELECT id, %s, %s, %s, %s, %s, %s FROM {_t(Glosa)} WHERE {donde}",
                [
                    Glosa.Estado.NOTIFICADA,
                    Glosa.Estado.VENCIDA,
                    _momento(momento),
                    _usuario_id(por),
                    _lote_id(lote),
                    "Término vencido sin pago, impugnación ni acuerdo.",
                    *rango,
                ],
            )
            vencidas = _ejecutar_sql(
                f"UPDATE {_t(Glosa)} SET estado = %s WHERE {donde}",  # nosec B608
                [Glosa.Estado.VENCIDA, *rango],
            )
        resumen["glosas_vencidas"] += vencidas
        if lote is not None:
            lote.advance(len(bloqueadas))
            lote.count("glosas_vencidas", vencidas)
    return resumen


def titulos_emitir(
    *,
    at: dt.datetime | None = None,
    hoy: dt.date | None = None,
    por: User | None = None,
    lote: batch.Lote | None = None,
    avisar: bool = True,
    tamano: int = TAMANO,
) -> dict[str, int]:
    """First glosas_vencer. Then every VENCIDA glosa with no pending impugnación and no
    open título gets its título de crédito (one per glosa, the coactiva process groups
    them): interest liquidated to `hoy`, numbered per province and year without gaps,
    sent to the province's coactiva unit (C.D. 497 3.5.2 i). The same rules as
    cartera.services.titulo_emitir. With `avisar`, each employer gets one e-mail
    listing its new títulos, written in the chunk's transaction (chunks are ranges of
    employers, so one e-mail per employer and run; a re-run issues nothing, so it
    sends nothing)."""
    momento, hoy = _reloj(at, hoy)
    resumen = {"glosas_vencidas": 0, "titulos_emitidos": 0, "sin_unidad_coactiva": 0}
    if avisar:
        resumen["correos"] = 0
    vencibles = Glosa.objects.filter(estado=Glosa.Estado.NOTIFICADA, vence_en__lt=hoy)
    por_emitir = Glosa.objects.filter(estado=Glosa.Estado.VENCIDA)
    n_vencer, rangos_vencer = _rangos(vencibles, "id", tamano)
    if lote is not None:
        # The glosas that fall due now are counted twice: once marked, once issued.
        lote.set_total(2 * n_vencer + por_emitir.count())
    resumen.update(_vencer(vencibles, rangos_vencer, momento=momento, hoy=hoy, por=por, lote=lote))
    _, rangos_emitir = _rangos(por_emitir, "empleador_id", tamano)
    tasas = interes.tabla_tasas()
    unidades: dict[str, Unidad | None] = {}
    for desde, hasta in rangos_emitir:
        correos = 0
        with transaction.atomic():
            _inmediato()
            filas = list(
                por_emitir.filter(empleador_id__gte=desde, empleador_id__lt=hasta)
                .exclude(impugnaciones__estado="pendiente")
                .exclude(lineas_titulo__vigente=True)
                .select_for_update(of=("self",))
                .order_by("id")
            )
            emitidos, sin_unidad = _emitir_chunk(
                filas, hoy=hoy, momento=momento, por=por, lote=lote, tasas=tasas, unidades=unidades
            )
            if avisar and emitidos:
                correos = len(
                    avisos.titulos_avisar_sql(
                        emitidos_en=_momento(momento),
                        desde=desde,
                        hasta=hasta,
                        fecha=hoy,
                        momento=momento,
                    )
                )
        resumen["titulos_emitidos"] += emitidos
        resumen["sin_unidad_coactiva"] += sin_unidad
        if avisar:
            resumen["correos"] += correos
        if lote is not None:
            lote.advance(len(filas))
            lote.count("titulos_emitidos", emitidos)
            if sin_unidad:
                lote.count("sin_unidad_coactiva", sin_unidad)
            if correos:
                lote.count("correos", correos)
    return resumen


def _emitir_chunk(
    filas: list[Glosa],
    *,
    hoy: dt.date,
    momento: dt.datetime,
    por: User | None,
    lote: batch.Lote | None,
    tasas: interes.TablaTasas,
    unidades: dict[str, Unidad | None],
) -> tuple[int, int]:
    por_provincia: dict[str, list[Glosa]] = defaultdict(list)
    sin_unidad = 0
    for glosa in filas:
        if glosa.provincia_id not in unidades:
            unidades[glosa.provincia_id] = unidad_que_atiende(
                provincia_id=glosa.provincia_id, tipo=Unidad.Tipo.COACTIVA
            )
        if unidades[glosa.provincia_id] is None:
            sin_unidad += 1
            continue
        por_provincia[glosa.provincia_id].append(glosa)
    titulos: list[TituloCredito] = []
    lineas: list[dict[str, Decimal]] = []
    glosas: list[Glosa] = []
    for provincia_id, grupo in por_provincia.items():
        primero = sequence_next_block(
            clave=services.titulo_numero_clave(provincia_id=provincia_id, anio=hoy.year),
            cantidad=len(grupo),
        )
        for n, glosa in enumerate(grupo):
            linea = services._linea_titulo(glosa, hoy=hoy, tasas=tasas)
            titulos.append(
                TituloCredito(
                    provincia_id=provincia_id,
                    anio=hoy.year,
                    secuencial=primero + n,
                    empleador_id=glosa.empleador_id,
                    unidad_coactiva=unidades[provincia_id],
                    fecha_emision=hoy,
                    emitido_en=momento,
                    emitido_por_id=_usuario_id(por),
                    lote_id=_lote_id(lote),
                    mora_desde=glosa.mora_desde,
                    intereses_hasta=hoy,
                    **linea,
                )
            )
            lineas.append(linea)
            glosas.append(glosa)
    if not titulos:
        return 0, sin_unidad
    TituloCredito.objects.bulk_create(titulos)
    TituloGlosa.objects.bulk_create(
        TituloGlosa(titulo_id=t.pk, glosa_id=g.pk, **linea)
        for t, g, linea in zip(titulos, glosas, lineas, strict=True)
    )
    GlosaHistorial.objects.bulk_create(
        GlosaHistorial(
            glosa_id=g.pk,
            de=Glosa.Estado.VENCIDA,
            a=Glosa.Estado.TITULO_EMITIDO,
            en=momento,
            por_id=_usuario_id(por),
            lote_id=_lote_id(lote),
            motivo=f"{t} enviado a {unidades[g.provincia_id]}.",
        )
        for t, g in zip(titulos, glosas, strict=True)
    )
    Glosa.objects.filter(id__in=[g.pk for g in glosas]).update(estado=Glosa.Estado.TITULO_EMITIDO)
    return len(titulos), sin_unidad


# --- recordar_glosas -----------------------------------------------------------------


def glosas_recordar(
    *,
    at: dt.datetime | None = None,
    hoy: dt.date | None = None,
    por: User | None = None,
    lote: batch.Lote | None = None,
    tamano: int = TAMANO,
) -> dict[str, int]:
    """Remind the employer of its NOTIFICADA glosas whose término ends within
    GLOSA_RECORDATORIO_DIAS_HABILES business days of `hoy` (the same calendar as the
    término: local holidays of the employer's canton and of the cartera unit's seat),
    the last day included. Once per glosa and término: the glosa records the last day
    it was reminded of (a rejected impugnación restarts the término, and the reminder
    with it). One e-mail per employer and run; employers that switched the reminder off
    (PreferenciasAviso.glosa_por_vencer) get none, and their glosas count as reminded.
    `por` is unused (no state changes); it is accepted like every job's."""
    del por
    momento, hoy = _reloj(at, hoy)
    dias = int(parametros.valor("GLOSA_RECORDATORIO_DIAS_HABILES", en=hoy))
    resumen = {"glosas_recordadas": 0, "correos": 0}
    sin_recordar = Glosa.objects.filter(estado=Glosa.Estado.NOTIFICADA, vence_en__gte=hoy).filter(
        Q(recordatorio_vence_en__isnull=True) | ~Q(recordatorio_vence_en=F("vence_en"))
    )
    pares = list(sin_recordar.values_list("provincia_id", "canton_id").distinct())
    horizontes = _Terminos(
        hoy,
        calcular=lambda provincia_id, canton_id: calendar.add_termino(
            hoy,
            dias,
            cantones=services.cantones_glosa(canton_id=canton_id, provincia_id=provincia_id),
        ),
    )
    if pares:
        sin_recordar = sin_recordar.filter(
            vence_en__lte=max(horizontes.vence(p, c or "") for p, c in pares)
        )
    total, rangos = _rangos(sin_recordar, "empleador_id", tamano)
    if lote is not None:
        lote.set_total(total)
    if not total:
        return resumen
    case, case_params = horizontes.case_sql(pares, provincia="g.provincia_id", canton="g.canton_id")
    donde = (
        "g.empleador_id >= %s AND g.empleador_id < %s AND g.estado = %s AND g.vence_en >= %s "
        f"AND g.vence_en <= {case} "
        "AND (g.recordatorio_vence_en IS NULL OR g.recordatorio_vence_en <> g.vence_en)"
    )
    for desde, hasta in rangos:
        params = [desde, hasta, Glosa.Estado.NOTIFICADA, _fecha(hoy), *case_params]
        with transaction.atomic():
            _inmediato()
            # Locked against an impugnación or a payment moving them meanwhile.
            bloqueadas = list(
                sin_recordar.filter(empleador_id__gte=desde, empleador_id__lt=hasta)
                .select_for_update()
                .values_list("id", flat=True)
            )
            if not bloqueadas:
                continue
            correos = len(avisos.glosas_recordar_sql(donde=donde, params=params, momento=momento))
            recordadas = _ejecutar_sql(
                f"UPDATE {_t(Glosa)} SET recordatorio_vence_en = vence_en WHERE id IN "  # nosec B608
                f"(SELECT g.id FROM {_t(Glosa)} g WHERE {donde})",
                params,
            )
        resumen["glosas_recordadas"] += recordadas
        resumen["correos"] += correos
        if lote is not None:
            lote.advance(len(bloqueadas))
            lote.count("glosas_recordadas", recordadas)
            lote.count("correos", correos)
    return resumen


# --- Running a job -------------------------------------------------------------------

TRABAJOS: dict[str, Callable[..., dict[str, int]]] = {
    GENERAR_GLOSAS: glosas_generar,
    NOTIFICAR_GLOSAS: glosas_notificar,
    EMITIR_TITULOS: titulos_emitir,
    RECORDAR_GLOSAS: glosas_recordar,
}


def ejecutar(
    nombre: str, *, por: Any = None, progress: bool = False, **parametros: Any
) -> dict[str, int]:
    """Run job `nombre` under its lock (core.batch.lote). Raises core.batch.LoteEnCurso
    when another run of it is in progress."""
    registro = {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in parametros.items()}
    with batch.lote(nombre, parametros=registro, por=por, progress=progress) as lote:
        return TRABAJOS[nombre](por=por, lote=lote, **parametros)
