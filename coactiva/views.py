"""Coactiva staff pages: the expediente of a process (one foliated PDF), an oficio de
levantamiento's PDF (for its signer) and the bimonthly report per unit (C.D. 497 3.5.3
n) with CSV/XLSX export. Staff only, permission-checked and scoped (a Secretario-Abogado
reaches only their processes)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render

from coactiva import pdf, selectors
from coactiva.forms import FiltroBimestreForm, bimestre_actual
from coactiva.models import Levantamiento
from core.db import lee_de_replica
from core.export import FORMATOS, tabla_respuesta
from core.services import audit_log
from core.storage import private_file_response


def _exigir(request: HttpRequest, permiso: str) -> None:
    if not request.user.is_staff or not request.user.has_perm(permiso):
        raise PermissionDenied("No tiene permiso para ver esta página.")


@login_required(login_url="admin:login")
def expediente(request: HttpRequest, pk: int) -> HttpResponse:
    """The process file as one PDF: cover, index and every document in order, each
    page stamped with its folio (C.D. 497 3.5.3 a). Audited."""
    _exigir(request, "coactiva.view_juiciocoactivo")
    juicio = get_object_or_404(
        selectors.juicios_visibles(request.user).select_related(
            "unidad__provincia", "empleador", "secretario"
        ),
        pk=pk,
    )
    actuaciones = list(juicio.actuaciones.select_related("por", "documento").order_by("numero"))
    contenido = pdf.expediente(juicio=juicio, actuaciones=actuaciones)
    audit_log(actor=request.user, accion="coactiva.expediente", obj=juicio, request=request)
    respuesta = HttpResponse(contenido, content_type="application/pdf")
    respuesta["Content-Disposition"] = f'attachment; filename="expediente_{juicio.numero}.pdf"'
    respuesta["Cache-Control"] = "private, no-store"
    return respuesta


@login_required(login_url="admin:login")
def oficio_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """An oficio de levantamiento's PDF, opened in the browser by staff who may see its
    process (the signer reads it before signing; once signed it is the signed one).
    Audited."""
    _exigir(request, "coactiva.view_levantamiento")
    levantamiento = get_object_or_404(
        Levantamiento.objects.filter(juicio__in=selectors.juicios_visibles(request.user))
        .exclude(oficio__isnull=True)
        .exclude(oficio__archivo="")
        .select_related("oficio"),
        pk=pk,
    )
    oficio = levantamiento.oficio
    if oficio is None:  # excluded above; narrows the type
        raise Http404("Oficio no encontrado")
    audit_log(
        actor=request.user,
        accion="coactiva.oficio_visto",
        obj=levantamiento,
        detalle={"oficio": oficio.codigo, "estado": levantamiento.estado},
        request=request,
    )
    return private_file_response(
        oficio.archivo.name,
        download_name=f"oficio-{levantamiento.numero_oficio or oficio.codigo}.pdf",
        content_type="application/pdf",
        inline=True,
    )


INSOLVENCIAS_EN_PAGINA = 200


@login_required(login_url="admin:login")
@lee_de_replica
def reportes(request: HttpRequest) -> HttpResponseBase:
    """Bimonthly report per coactiva unit: processes, money recovered, measures ordered,
    in force and lifted, processes sent to the juicio de insolvencia; and the processes
    in insolvencia with their last reported state (`?lista=insolvencias` exports that
    list instead of the table)."""
    _exigir(request, "coactiva.ver_reportes")
    anio, bimestre = bimestre_actual()
    form = FiltroBimestreForm(request.GET or None, initial={"anio": anio, "bimestre": bimestre})
    if form.is_bound and form.is_valid():
        anio, bimestre = form.cleaned_data["anio"], form.cleaned_data["bimestre"]
    reporte = selectors.reporte_bimestral(user=request.user, anio=anio, bimestre=bimestre)
    formato = request.GET.get("formato", "")
    if formato in FORMATOS and (not form.is_bound or form.is_valid()):
        lista = request.GET.get("lista") == "insolvencias"
        audit_log(
            actor=request.user,
            accion="coactiva.reporte_exportado",
            detalle={
                "anio": anio,
                "bimestre": bimestre,
                "formato": formato,
                **({"lista": "insolvencias"} if lista else {}),
            },
            request=request,
        )
        if lista:
            en_insolvencia = selectors.juicios_en_insolvencia(request.user)
            return tabla_respuesta(
                nombre=f"coactiva_insolvencias_{anio}_{bimestre}",
                encabezados=[
                    "Juicio coactivo",
                    "Unidad",
                    "Deudor",
                    "RUC o cédula",
                    "Remitido el",
                    "Saldo adeudado al remitir (USD)",
                    "Estado del juicio de insolvencia",
                    "Informado el",
                ],
                filas=[
                    [
                        j.numero,
                        j.unidad.nombre,
                        j.empleador.razon_social,
                        j.empleador.identificacion,
                        j.insolvencia_remitido_el,
                        j.insolvencia_saldo,
                        j.insolvencia_estado or "Sin información del Área de Patrocinio",
                        j.insolvencia_estado_el,
                    ]
                    for j in en_insolvencia.iterator()
                ],
                formato=formato,
            )
        return tabla_respuesta(
            nombre=f"coactiva_bimestral_{anio}_{bimestre}",
            encabezados=[
                "Unidad",
                "Procesos abiertos al inicio",
                "Procesos iniciados",
                "Procesos terminados",
                "Procesos abiertos al cierre",
                "Monto recuperado (USD)",
                "Medidas ordenadas",
                "Medidas levantadas",
                "Medidas vigentes al cierre",
                "Remitidos a juicio de insolvencia",
                "Saldo remitido (USD)",
            ],
            filas=[
                [
                    f.unidad,
                    f.abiertos_al_inicio,
                    f.iniciados,
                    f.terminados,
                    f.abiertos_al_cierre,
                    f.monto_recuperado,
                    f.medidas_ordenadas,
                    f.medidas_levantadas,
                    f.medidas_vigentes,
                    f.remitidos_insolvencia,
                    f.saldo_remitido,
                ]
                for f in [*reporte.filas, reporte.total]
            ],
            formato=formato,
        )
    # The page shows the longest remitted (the download has them all); one row more
    # tells whether there are others, without counting them.
    insolvencias = list(
        selectors.juicios_en_insolvencia(request.user)[: INSOLVENCIAS_EN_PAGINA + 1]
    )
    return render(
        request,
        "coactiva/reportes.html",
        {
            "form": form,
            "reporte": reporte,
            "insolvencias": insolvencias[:INSOLVENCIAS_EN_PAGINA],
            "insolvencias_mas": len(insolvencias) > INSOLVENCIAS_EN_PAGINA,
            "insolvencias_en_pagina": INSOLVENCIAS_EN_PAGINA,
        },
    )
