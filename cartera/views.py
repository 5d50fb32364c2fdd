"""Staff report pages (C.D. 497, 7th general disposition: the monthly mora in its three
states; 2.3.2.2 j-k: aging and state changes; 2nd general disposition: the monthly
impugnación processes). Staff only, permission-checked (cartera.ver_reportes) and
narrowed to the staff member's province; every export is audited. Each page issues a
fixed number of queries whatever the data size."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from cartera import selectors
from cartera.forms import FiltroMesForm, FiltroProvinciaForm
from cartera.models import Glosa, TituloCredito
from core.calendar import add_plazo
from core.db import lee_de_replica
from core.export import FORMATOS, tabla_respuesta
from core.services import audit_log


def _miles(valor: Decimal) -> Decimal:
    """Chart values in thousands of dollars (the axis labels stay short)."""
    return (valor / 1000).quantize(Decimal("0.1"))


def _reporte(vista: Any) -> Any:
    # Reads go to the replica when there is one; the checks before run on the primary.
    return login_required(
        permission_required("cartera.ver_reportes", raise_exception=True)(lee_de_replica(vista)),
        login_url="admin:login",
    )


def _provincia_propia(request: HttpRequest) -> str | None:
    try:
        return selectors.provincia_de(request.user)
    except PermissionError:
        raise PermissionDenied("Sin alcance territorial sobre la cartera.") from None


def _exportar(
    request: HttpRequest, *, nombre: str, encabezados: list[str], filas: list[list[Any]]
) -> HttpResponseBase | None:
    formato = request.GET.get("formato", "")
    if formato not in FORMATOS:
        return None
    audit_log(
        actor=request.user,
        accion="cartera.reporte_exportado",
        detalle={"reporte": nombre, "formato": formato, "parametros": request.GET.dict()},
        request=request,
    )
    return tabla_respuesta(nombre=nombre, encabezados=encabezados, filas=filas, formato=formato)


@_reporte
def reportes(request: HttpRequest) -> HttpResponse:
    provincia = _provincia_propia(request)
    return render(request, "cartera/reportes/indice.html", {"provincia": provincia})


@_reporte
def reporte_mora(request: HttpRequest) -> HttpResponseBase:
    """The mora by state (planilla, glosa, título de crédito), per province and in total,
    today."""
    _provincia_propia(request)
    reporte = selectors.mora_por_estado(user=request.user)
    filas = [*reporte.filas, reporte.nacional] if reporte.es_nacional else reporte.filas
    exportado = _exportar(
        request,
        nombre=f"mora_por_estado_{reporte.fecha:%Y%m%d}",
        encabezados=[
            "Provincia",
            "Planillas en mora",
            "Saldo planillas",
            "Glosas abiertas",
            "Saldo glosas",
            "Títulos abiertos",
            "Saldo títulos",
            "Saldo total",
        ],
        filas=[
            [
                f.nombre,
                f.planilla.cantidad,
                f.planilla.saldo,
                f.glosa.cantidad,
                f.glosa.saldo,
                f.titulo.cantidad,
                f.titulo.saldo,
                f.total.saldo,
            ]
            for f in filas
        ],
    )
    if exportado is not None:
        return exportado
    if reporte.es_nacional:
        grafico = [(f.provincia, _miles(f.total.saldo)) for f in reporte.filas]
        titulo_grafico = "Saldo en mora por provincia (miles de USD; provincias por código)"
        categoria = "Provincia"
    else:
        fila = reporte.filas[0]
        grafico = [
            ("Planillas", _miles(fila.planilla.saldo)),
            ("Glosas", _miles(fila.glosa.saldo)),
            ("Títulos", _miles(fila.titulo.saldo)),
        ]
        titulo_grafico = f"Saldo en mora de {fila.nombre} por estado (miles de USD)"
        categoria = "Estado"
    estados_glosa = [
        (Glosa.Estado(e).label, reporte.nacional.glosa_por_estado[e].cantidad)
        for e in Glosa.ABIERTOS
    ]
    estados_titulo = [
        (TituloCredito.Estado(e).label, reporte.nacional.titulo_por_estado[e].cantidad)
        for e in TituloCredito.ABIERTOS
    ]
    return render(
        request,
        "cartera/reportes/mora.html",
        {
            "reporte": reporte,
            "grafico": grafico,
            "titulo_grafico": titulo_grafico,
            "categoria": categoria,
            "estados_glosa": estados_glosa,
            "estados_titulo": estados_titulo,
        },
    )


@_reporte
def reporte_antiguedad(request: HttpRequest) -> HttpResponseBase:
    """Aging of the mora today: 0-30, 31-90, 91-180, 181-365 and more than 365 days."""
    propia = _provincia_propia(request)
    form = FiltroProvinciaForm(request.GET or None) if propia is None else None
    provincia = form.cleaned_data.get("provincia") if form and form.is_valid() else None
    reporte = selectors.antiguedad(
        user=request.user, provincia=provincia.codigo if provincia else None
    )
    exportado = _exportar(
        request,
        nombre=f"antiguedad_mora_{reporte.fecha:%Y%m%d}",
        encabezados=[
            "Estado",
            *[f"{t} días (n.º)" for t in reporte.tramos],
            *[f"{t} días (USD)" for t in reporte.tramos],
        ],
        filas=[
            [etiqueta, *[c.cantidad for c in celdas], *[c.saldo for c in celdas]]
            for etiqueta, celdas in [*reporte.filas, ("Total", reporte.total)]
        ],
    )
    if exportado is not None:
        return exportado
    grafico = [
        (f"{t} días", _miles(c.saldo)) for t, c in zip(reporte.tramos, reporte.total, strict=True)
    ]
    return render(
        request,
        "cartera/reportes/antiguedad.html",
        {"form": form, "reporte": reporte, "grafico": grafico, "provincia": provincia},
    )


@_reporte
def reporte_cambios(request: HttpRequest) -> HttpResponseBase:
    """State changes of a month, from the history rows."""
    propia = _provincia_propia(request)
    este_mes = timezone.localdate().replace(day=1)
    form = FiltroMesForm(
        request.GET or None, nacional=propia is None, initial={"mes": este_mes}, ultimo=este_mes
    )
    datos: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        datos = form.cleaned_data  # the fields that are valid, even if another is not
    mes = datos.get("mes") or este_mes
    provincia = datos.get("provincia")
    reporte = selectors.cambios_del_mes(
        user=request.user, mes=mes, provincia=provincia.codigo if provincia else None
    )
    exportado = _exportar(
        request,
        nombre=f"cambios_de_estado_{reporte.mes:%Y%m}",
        encabezados=["Obligación", "De", "A", "Cantidad"],
        filas=[list(f) for f in reporte.filas],
    )
    if exportado is not None:
        return exportado
    return render(
        request,
        "cartera/reportes/cambios.html",
        {"form": form, "reporte": reporte, "provincia": provincia},
    )


@_reporte
def reporte_impugnaciones(request: HttpRequest) -> HttpResponseBase:
    """The impugnaciones de glosas of a month per province (C.D. 497, 2nd general
    disposition: a monthly report); by default the month before this one, the last
    complete one."""
    propia = _provincia_propia(request)
    este_mes = timezone.localdate().replace(day=1)
    anterior = add_plazo(este_mes, months=-1)
    parametros = request.GET.copy()
    if not parametros.get("mes"):  # the picker shows the month the page reports
        parametros["mes"] = f"{anterior:%Y-%m}"
    form = FiltroMesForm(parametros, nacional=propia is None, ultimo=este_mes)
    form.is_valid()
    datos = form.cleaned_data  # the fields that are valid, even if another is not
    mes = datos.get("mes") or anterior
    provincia = datos.get("provincia")
    reporte = selectors.impugnaciones_del_mes(
        user=request.user, mes=mes, provincia=provincia.codigo if provincia else None
    )
    filas = [*reporte.filas, reporte.total] if reporte.es_nacional else reporte.filas
    exportado = _exportar(
        request,
        nombre=f"impugnaciones_{reporte.mes:%Y%m}",
        encabezados=[
            "Provincia",
            "Recibidas",
            "Resueltas",
            "Aceptadas (glosa anulada)",
            "Rechazadas (término reiniciado)",
            f"Pendientes al {reporte.corte:%d/%m/%Y}",
            "Capital impugnado",
            "Total registrado impugnado",
            "Días promedio hasta la resolución",
            "Días máximos hasta la resolución",
            "Registradas después del día de recepción",
        ],
        filas=[
            [
                f.nombre,
                f.recibidas,
                f.resueltas,
                f.aceptadas,
                f.rechazadas,
                f.pendientes,
                f.capital,
                f.valor,
                # A day count, not money: written as 12.5, not as an amount (12.50).
                float(f.dias_promedio) if f.dias_promedio is not None else None,
                f.dias_maximo,
                f.registradas_tarde,
            ]
            for f in filas
        ],
    )
    if exportado is not None:
        return exportado
    return render(
        request,
        "cartera/reportes/impugnaciones.html",
        {
            "form": form,
            "reporte": reporte,
            "provincia": provincia,
            "grafico": [(f"{m:%m/%Y}", r, s) for m, r, s in reporte.tendencia],
            "hay_tendencia": any(r or s for _, r, s in reporte.tendencia),
        },
    )
