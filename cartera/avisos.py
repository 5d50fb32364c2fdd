"""E-mails to the employer about its obligations, so that it hears of every event it must
act on (issue 7 point 8; seed 004: e-mail alerts):

* títulos de crédito issued for its glosas: a legal notice, always sent;
* a rejected impugnación, with the glosa's new last day: a legal notice, always sent;
* the reminder before the last day of a glosa's término: optional, the employer
  switches it off in /empleador/preferencias/ (PreferenciasAviso.glosa_por_vencer).

(The glosa notification itself is cartera.services / cartera.batch's; the coactiva
process and its measures are coactiva.avisos'.)

Each notice has one plain-text template with every value already formatted. The
nightly jobs (cartera.batch) have the database write one e-mail per employer of a chunk
(core.email.correos_encolar_sql), the fields formatted in SQL exactly as core.formato
formats them for the one-row services, so both read the same."""

# The SQL below interpolates only table names from the models and expressions written
# here or in cartera.batch; every value is passed as a parameter.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import connection

from cartera.models import (
    COMPONENTES,
    Empleador,
    Glosa,
    Impugnacion,
    PreferenciasAviso,
    TituloCredito,
)
from core.email import (
    correo_enviar,
    correos_encolar_sql,
    sql_ceros,
    sql_cifra,
    sql_dolares,
    sql_fecha,
    sql_lista,
    sql_mes,
)
from core.formato import cifra, dolares
from core.models import Correo, Unidad

PLANTILLA_TITULOS = "titulos_emitidos"
ASUNTO_TITULOS = "IESS: títulos de crédito emitidos a su cargo"
EVENTO_TITULOS = "cartera.titulos_emitidos"
CAMPOS_TITULOS = ["razon_social", "identificacion", "cantidad", "total", "detalle"]

PLANTILLA_RECORDATORIO = "glosas_por_vencer"
ASUNTO_RECORDATORIO = "IESS: se acerca el último día para pagar o impugnar sus glosas"
PREFERENCIA_RECORDATORIO = "glosa_por_vencer"
EVENTO_RECORDATORIO = f"cartera.{PREFERENCIA_RECORDATORIO}"
CAMPOS_RECORDATORIO = ["razon_social", "identificacion", "detalle"]


def _t(modelo: Any) -> str:
    return connection.ops.quote_name(modelo._meta.db_table)


def _saldo_sql(alias: str) -> str:
    """What an obligation owes without the interest accrued since its liquidation
    (Saldo.saldo_registrado), exact to the cent on SQLite too."""
    suma = " + ".join(f"({alias}.{c} - {alias}.pagado_{c})" for c in COMPONENTES)
    return suma if connection.vendor == "postgresql" else f"ROUND({suma}, 2)"


# --- Títulos de crédito issued ----------------------------------------------------------


def _cantidad_titulos(n: int) -> str:
    return "un título de crédito" if n == 1 else f"{cifra(n)} títulos de crédito"


def contexto_titulos(
    *, empleador: Empleador, titulos: Sequence[TituloCredito], fecha: dt.date
) -> dict[str, str]:
    """The template's fields for `titulos` of one employer, formatted as the bulk path
    formats them in SQL (titulos_avisar_sql)."""
    return {
        "razon_social": empleador.razon_social,
        "identificacion": empleador.identificacion,
        "fecha": f"{fecha:%d/%m/%Y}",
        "cantidad": _cantidad_titulos(len(titulos)),
        "total": dolares(sum(t.saldo_registrado for t in titulos)),
        "detalle": "\n".join(
            f"- N.º {t.numero}: {dolares(t.saldo_registrado)}, enviado a {t.unidad_coactiva.nombre}"
            for t in sorted(titulos, key=lambda t: (t.provincia_id, t.anio, t.secuencial))
        ),
    }


def titulo_avisar(*, titulo: TituloCredito) -> Correo | None:
    """E-mail the employer the título issued by staff (cartera.services.titulo_emitir);
    queued in the caller's transaction, delivered after commit."""
    return correo_enviar(
        para=[titulo.empleador.email],
        asunto=ASUNTO_TITULOS,
        plantilla=PLANTILLA_TITULOS,
        contexto=contexto_titulos(
            empleador=titulo.empleador, titulos=[titulo], fecha=titulo.fecha_emision
        ),
        evento=EVENTO_TITULOS,
        obj=titulo.empleador,
    )


def titulos_avisar_sql(
    *, emitidos_en: Any, desde: int, hasta: int, fecha: dt.date, momento: dt.datetime
) -> list[int]:
    """One e-mail per employer of [desde, hasta) with the títulos issued at
    `emitidos_en` (one run of cartera.batch.titulos_emitir), written by the database."""
    numero = (
        f"t.provincia_id || '-' || CAST(t.anio AS TEXT) || '-' || {sql_ceros('t.secuencial', 6)}"
    )
    linea = (
        f"'- N.º ' || {numero} || ': ' || {sql_dolares(_saldo_sql('t'))} || ', enviado a ' "
        "|| u.nombre"
    )
    cantidad = (
        "CASE WHEN COUNT(*) = 1 THEN 'un título de crédito' "
        f"ELSE {sql_cifra('COUNT(*)')} || ' títulos de crédito' END"
    )
    origen = (
        "SELECT e.email AS para, e.id AS objeto_id, e.razon_social AS razon_social, "  # nosec B608
        f"e.identificacion AS identificacion, {cantidad} AS cantidad, "
        f"{sql_dolares('SUM(' + _saldo_sql('t') + ')')} AS total, "
        f"{sql_lista(linea, orden='t.provincia_id, t.anio, t.secuencial')} AS detalle "
        f"FROM (SELECT * FROM {_t(TituloCredito)} WHERE emitido_en = %s AND empleador_id >= %s "
        "AND empleador_id < %s ORDER BY provincia_id, anio, secuencial) t "
        f"JOIN {_t(Empleador)} e ON e.id = t.empleador_id "
        f"JOIN {_t(Unidad)} u ON u.id = t.unidad_coactiva_id "
        "GROUP BY e.id, e.email, e.razon_social, e.identificacion"
    )
    return correos_encolar_sql(
        plantilla=PLANTILLA_TITULOS,
        asunto=ASUNTO_TITULOS,
        evento=EVENTO_TITULOS,
        modelo=Empleador,
        campos=CAMPOS_TITULOS,
        contexto={"fecha": f"{fecha:%d/%m/%Y}"},
        origen_sql=origen,
        params=[emitidos_en, desde, hasta],
        creado_en=momento,
    )


# --- Impugnación rejected: the término runs again ---------------------------------------

EVENTO_IMPUGNACION_RECHAZADA = "cartera.impugnacion_rechazada"


def impugnacion_rechazada_avisar(
    *, impugnacion: Impugnacion, glosa: Glosa, tramite: str = ""
) -> Correo | None:
    """Tell the employer that its impugnación was rejected and the glosa's término
    started over (cartera.services.impugnacion_resolver): by its new last day it must pay
    or agree to pay, or the título de crédito is issued. Whoever registered the decision
    (the Ventanilla request's resolution, `tramite` its tracking number, or staff in the
    admin), the employer hears of it. Queued in the caller's transaction."""
    return correo_enviar(
        para=[glosa.empleador.email],
        asunto=f"IESS: nuevo término para la glosa N.º {glosa.numero}",
        plantilla="impugnacion_rechazada",
        contexto={
            "empleador": glosa.empleador,
            "glosa": glosa,
            "impugnacion": impugnacion,
            "tramite": tramite,
        },
        evento=EVENTO_IMPUGNACION_RECHAZADA,
        obj=glosa,
    )


# --- Reminder before a glosa's término ends ----------------------------------------------


def glosas_recordar_sql(*, donde: str, params: Sequence[Any], momento: dt.datetime) -> list[int]:
    """One reminder per employer for the glosas selected by `donde` (a condition on the
    glosa aliased `g`, with its `params`), listing each with what it owes, its last day
    and its page; employers that switched the reminder off get none."""
    linea = (
        f"'- Glosa N.º ' || {sql_ceros('g.id', 8)} || "
        f"COALESCE(' (periodo ' || {sql_mes('g.periodo')} || ')', '') || ': ' || "
        f"{sql_dolares(_saldo_sql('g'))} || '; último día: ' || {sql_fecha('g.vence_en')} || "
        "'. ' || CAST(%s AS TEXT) || '/empleador/glosas/' || CAST(g.id AS TEXT) || '/'"
    )
    origen = (
        "SELECT e.email AS para, e.id AS objeto_id, e.razon_social AS razon_social, "  # nosec B608
        f"e.identificacion AS identificacion, {sql_lista(linea, orden='g.vence_en, g.id')} "
        f"AS detalle FROM (SELECT g.* FROM {_t(Glosa)} g WHERE {donde} "
        "ORDER BY g.vence_en, g.id) g "
        f"JOIN {_t(Empleador)} e ON e.id = g.empleador_id "
        f"LEFT JOIN {_t(PreferenciasAviso)} p ON p.empleador_id = e.id "
        f"WHERE COALESCE(p.{PREFERENCIA_RECORDATORIO}, %s) = %s "
        "GROUP BY e.id, e.email, e.razon_social, e.identificacion"
    )
    return correos_encolar_sql(
        plantilla=PLANTILLA_RECORDATORIO,
        asunto=ASUNTO_RECORDATORIO,
        evento=EVENTO_RECORDATORIO,
        modelo=Empleador,
        campos=CAMPOS_RECORDATORIO,
        origen_sql=origen,
        params=[settings.SITE_URL, *params, True, True],
        creado_en=momento,
    )
