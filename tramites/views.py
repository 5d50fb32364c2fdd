"""Public pages of the Ventanilla Virtual: catalogue, request form, confirmation, public
status, transparency and complaints; plus the staff download of a request's files."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from core.db import lee_de_replica
from core.ratelimit import limitar
from core.selectors import alcance_de
from core.services import audit_log
from core.storage import private_file_response
from core.uploads import limited_uploads
from tramites import selectors, services
from tramites.forms import (
    CatalogoFiltroForm,
    ConsultaForm,
    QuejaForm,
    SeleccionForm,
    SolicitudForm,
    SubsanacionForm,
)
from tramites.models import DocumentoSolicitud, Solicitud, Tramite

SESION_PRESENTADAS = "tramites:presentadas"
CONSULTA_RATE_IP = "30/m"
CONSULTA_RATE_NUMERO = "20/h"


def numero_consultado(group: str, request: HttpRequest) -> str:
    """Rate-limit key of the pages that take a tracking number: the number as the
    lookup reads it (case and spaces ignored), so writing one number in different ways
    does not multiply its limit."""
    return "".join(request.POST.get("numero", "").split()).upper()[:30]


# --- Catalogue --------------------------------------------------------------------------


def catalogo(request: HttpRequest) -> HttpResponse:
    """The catalogue. Without a search text the page depends only on the audience filter
    (a handful of values), so for cookie-less visitors it is served from the cache like
    the trámite pages; searches are not cached (free text would flood the cache)."""
    form = CatalogoFiltroForm(request.GET or None)
    q = dirigido_a = ""
    if form.is_valid():
        q = form.cleaned_data["q"]
        dirigido_a = form.cleaned_data["dirigido_a"]
    clave = ""
    if not q and not form.errors and _visitante_sin_estado(request):
        clave = f"tramites:catalogo:{selectors.catalogo_version()}:{dirigido_a or '-'}"
        if (guardada := cache.get(clave)) is not None:
            return HttpResponse(guardada)
    tramites = selectors.catalogo(q=q, dirigido_a=dirigido_a)
    response = render(
        request,
        "tramites/catalogo.html",
        {"form": form, "tramites": tramites, "filtrado": bool(q or dirigido_a)},
    )
    if clave:
        cache.set(clave, response.content, selectors.TRANSPARENCIA_CACHE_SEGUNDOS)
    return response


def _visitante_sin_estado(request: HttpRequest) -> bool:
    """A visitor without session or pending messages sees the same page as everyone."""
    return not (settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES)


def detalle(request: HttpRequest, slug: str) -> HttpResponse:
    """A catalogue page. Public and identical for every anonymous visitor, so it is
    served from the cache (dropped when staff edit the catalogue; the transparency
    figures in it are minutes old at most)."""
    clave = selectors.pagina_tramite_clave(slug)
    cacheable = _visitante_sin_estado(request)
    if cacheable and (guardada := cache.get(clave)) is not None:
        return HttpResponse(guardada)
    response = _detalle(request, slug)
    if cacheable:
        cache.set(clave, response.content, selectors.TRANSPARENCIA_CACHE_SEGUNDOS)
    return response


def _detalle(request: HttpRequest, slug: str) -> HttpResponse:
    tramite = selectors.tramite_detalle(slug=slug)
    if tramite is None:
        raise Http404("Trámite no encontrado")
    requisitos = list(tramite.requisitos.all())
    return render(
        request,
        "tramites/detalle.html",
        {
            "tramite": tramite,
            "generales": [r for r in requisitos if r.clase == r.Clase.GENERAL],
            # Grouped under a heading per class, in the order of the seed pages
            # (específico, alternativo, adicional), each in its own order.
            "especificos": sorted(
                (r for r in requisitos if r.clase != r.Clase.GENERAL),
                key=lambda r: (r.Clase.values.index(r.clase), r.orden),
            ),
            "canales": list(tramite.canales.all()),
            "transparencia": selectors.transparencia(tramite_id=tramite.pk),
            "base_legal": [b for b in tramite.base_legal.splitlines() if b.strip()],
        },
    )


# --- Ventanilla ---------------------------------------------------------------------------


def ventanilla(request: HttpRequest) -> HttpResponse:
    """Step one: province and trámite."""
    form = SeleccionForm(request.GET or None)
    if request.GET and form.is_valid():
        url = reverse("tramites:solicitud", args=[form.cleaned_data["tramite"].slug])
        return redirect(f"{url}?provincia={form.cleaned_data['provincia'].pk}")
    return render(request, "tramites/ventanilla.html", {"form": form})


def _empleador_de(request: HttpRequest) -> Any:
    user = request.user
    if getattr(user, "is_authenticated", False) and getattr(user, "es_empleador", False):
        return getattr(user, "empleador", None)
    return None


@never_cache
@limited_uploads
def solicitud(request: HttpRequest, slug: str) -> HttpResponse:
    """Step two: the request form of one trámite. Works without JavaScript."""
    tramite = (
        Tramite.objects.filter(slug=slug, activo=True)
        .prefetch_related("preguntas", "requisitos")
        .first()
    )
    if tramite is None:
        raise Http404("Trámite no encontrado")
    if not tramite.recepcion_ventanilla:
        return redirect(tramite.get_absolute_url())
    empleador = _empleador_de(request) if tramite.requiere_empleador else None
    precheck = None
    if (
        empleador is not None
        and tramite.verificacion_previa == Tramite.VerificacionPrevia.LEVANTAMIENTO
    ):
        precheck = selectors.precheck_levantamiento(empleador=empleador)

    inicial: dict[str, Any] = {"provincia": request.GET.get("provincia", "")}
    if empleador is not None:
        inicial.update(
            {
                "provincia": request.GET.get("provincia") or empleador.provincia_id,
                "tipo_identificacion": "cedula"
                if empleador.representante_tipo_id == "cedula"
                else "extranjero",
                "identificacion": empleador.representante_identificacion,
                "nombre": empleador.representante_nombre,
                "email": empleador.email,
                "telefono": empleador.telefono,
                "celular": empleador.celular,
                "direccion": empleador.direccion,
            }
        )
    if request.method == "POST":
        form = SolicitudForm(
            request.POST, request.FILES, tramite=tramite, empleador=empleador, precheck=precheck
        )
        if form.is_valid():
            data = form.cleaned_data
            try:
                nueva = services.solicitud_presentar(
                    tramite=tramite,
                    provincia=data["provincia"],
                    solicitante=services.Solicitante(
                        tipo_identificacion=data["tipo_identificacion"],
                        identificacion=data["identificacion"],
                        nombre=data["nombre"],
                        email=data["email"],
                        direccion=data["direccion"],
                        telefono=data.get("telefono") or "",
                        celular=data.get("celular") or "",
                    ),
                    calidad=data["calidad"],
                    detalle=data["detalle"],
                    respuestas=form.respuestas(),
                    archivos=form.validados,
                    datos=form.datos_requisitos,
                    empleador_identificacion=data.get("empleador_identificacion") or "",
                    empleador_razon_social=data.get("empleador_razon_social") or "",
                    sucursal=data.get("sucursal") or "",
                    cuenta=request.user,
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for campo, errores in exc.error_dict.items():
                        form.add_error(campo if campo in form.fields else None, errores)
                else:
                    form.add_error(None, exc)
            else:
                presentadas = request.session.get(SESION_PRESENTADAS, [])
                request.session[SESION_PRESENTADAS] = [*presentadas[-19:], nueva.numero]
                return redirect("tramites:recibida", numero=nueva.numero)
    else:
        form = SolicitudForm(
            initial=inicial, tramite=tramite, empleador=empleador, precheck=precheck
        )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "tramites/solicitud.html",
        {"tramite": tramite, "form": form, "precheck": precheck, "empleador": empleador},
        status=status,
    )


def _presentada_en_sesion(request: HttpRequest, numero: str) -> Solicitud:
    if numero not in request.session.get(SESION_PRESENTADAS, []):
        raise Http404("Solicitud no encontrada")
    solicitud = (
        Solicitud.objects.select_related("tramite", "provincia", "unidad", "acuse")
        .filter(numero=numero)
        .first()
    )
    if solicitud is None:
        raise Http404("Solicitud no encontrada")
    return solicitud


@never_cache
def recibida(request: HttpRequest, numero: str) -> HttpResponse:
    """Confirmation, shown only in the browser session that filed the request."""
    solicitud = _presentada_en_sesion(request, numero)
    return render(
        request,
        "tramites/recibida.html",
        {
            "solicitud": solicitud,
            "documentos": selectors.documentos_presentados(solicitud),
        },
    )


def recibida_acuse(request: HttpRequest, numero: str) -> FileResponse:
    solicitud = _presentada_en_sesion(request, numero)
    if solicitud.acuse is None or not solicitud.acuse.archivo:
        raise Http404("Acuse no disponible")
    return private_file_response(
        solicitud.acuse.archivo.name,
        download_name=f"acuse-{solicitud.numero}.pdf",
        content_type="application/pdf",
    )


# --- Public status ------------------------------------------------------------------------


@never_cache
@limitar(("ip", CONSULTA_RATE_IP), (numero_consultado, CONSULTA_RATE_NUMERO))
def consulta(request: HttpRequest) -> HttpResponse:
    """Status of a request: tracking number + the filer's identification, both required.
    A wrong pair gets the same answer whether or not the number exists."""
    form = ConsultaForm(request.POST or None)
    solicitud = None
    no_encontrada = False
    if request.method == "POST" and form.is_valid():
        solicitud = selectors.estado_publico(
            numero=form.cleaned_data["numero"],
            identificacion=form.cleaned_data["identificacion"],
        )
        no_encontrada = solicitud is None
    contexto: dict[str, Any] = {"form": form, "no_encontrada": no_encontrada}
    clave = ""
    if solicitud is not None and _visitante_sin_estado(request):
        # The status page of a request is the same for everyone holding its credentials
        # until the request changes (every change moves `actualizado_en`): a person who
        # checks again gets it without rendering.
        clave = (
            f"tramites:consulta:{selectors.catalogo_version()}:{solicitud.pk}:"
            f"{solicitud.actualizado_en.replace(' ', 'T')}"
        )
        if (guardada := cache.get(clave)) is not None:
            return HttpResponse(guardada)
    if solicitud is not None:
        contexto.update(
            {
                "solicitud": solicitud,
                "historial": solicitud.historial,
                "resultados": solicitud.resultados,
                "descripcion": services.DESCRIPCION_PUBLICA[solicitud.estado],
                "credenciales": form.cleaned_data,
            }
        )
    response = render(
        request,
        "tramites/consulta.html",
        contexto,
        status=404 if no_encontrada else 200,
    )
    if clave:
        cache.set(clave, response.content, selectors.TRANSPARENCIA_CACHE_SEGUNDOS)
    return response


@never_cache
@csrf_exempt
@require_POST
@limitar(("ip", CONSULTA_RATE_IP), (numero_consultado, CONSULTA_RATE_NUMERO))
def consulta_documento(request: HttpRequest, documento_id: int) -> FileResponse:
    """Download of the result document (or the acuse, id 0) by the filer: checks the
    same credentials as /consulta/. It changes nothing and a forged cross-site request
    would need the credentials anyway, so it takes no CSRF token (which keeps the status
    page free of per-visitor content, and cacheable)."""
    form = ConsultaForm(request.POST)
    if not form.is_valid():
        raise Http404("Documento no encontrado")
    solicitud = selectors.solicitud_por_credenciales(
        numero=form.cleaned_data["numero"], identificacion=form.cleaned_data["identificacion"]
    )
    if solicitud is None:
        raise Http404("Documento no encontrado")
    if documento_id == 0:
        if solicitud.acuse is None or not solicitud.acuse.archivo:
            raise Http404("Documento no encontrado")
        return private_file_response(
            solicitud.acuse.archivo.name,
            download_name=f"acuse-{solicitud.numero}.pdf",
            content_type="application/pdf",
        )
    documento = (
        selectors.documentos_resultado(solicitud_id=solicitud.pk, estado=solicitud.estado)
        .filter(pk=documento_id)
        .first()
    )
    if documento is None:
        raise Http404("Documento no encontrado")
    audit_log(
        actor=None,
        accion="tramites.resultado_descargado",
        obj=documento,
        detalle={"solicitud": solicitud.numero},
        request=request,
    )
    return private_file_response(
        documento.archivo.name,
        download_name=documento.download_name,
        content_type=documento.content_type,
    )


# --- Transparency and complaints ------------------------------------------------------------


def transparencia(request: HttpRequest) -> HttpResponse:
    tramites = list(Tramite.objects.filter(activo=True).order_by("orden").only("slug", "nombre"))
    elegido = next((t for t in tramites if t.slug == request.GET.get("tramite")), None)
    transparencia = selectors.transparencia(tramite_id=elegido.pk if elegido else None)
    meses = transparencia.meses
    return render(
        request,
        "tramites/transparencia.html",
        {
            "tramites": tramites,
            "elegido": elegido,
            "transparencia": transparencia,
            "desde": meses[0] if meses else None,
            "hasta": meses[-1] if meses else None,
            "total_quejas": sum(m.quejas for m in meses),
            "total_atenciones": sum(m.atenciones for m in meses),
        },
    )


@never_cache
@limitar(("ip", "10/m"), (numero_consultado, "10/h"))
def queja(request: HttpRequest) -> HttpResponse:
    form = QuejaForm(request.POST or None, initial={"numero": request.GET.get("numero", "")})
    if request.method == "POST" and form.is_valid():
        solicitud = selectors.solicitud_por_credenciales(
            numero=form.cleaned_data["numero"], identificacion=form.cleaned_data["identificacion"]
        )
        if solicitud is None:
            form.add_error(
                None,
                "No encontramos una solicitud con ese número de trámite y esa identificación. "
                "Revise ambos datos como aparecen en su acuse de recibo.",
            )
        else:
            try:
                services.queja_presentar(solicitud=solicitud, motivo=form.cleaned_data["motivo"])
            except ValidationError as exc:
                form.add_error("motivo", exc)
            else:
                return render(request, "tramites/queja_recibida.html", {"solicitud": solicitud})
    return render(
        request, "tramites/queja.html", {"form": form}, status=400 if form.errors else 200
    )


# --- Staff ------------------------------------------------------------------------------------


@staff_member_required
def documento_staff(request: HttpRequest, documento_id: int) -> FileResponse:
    """A request's file for staff in whose scope the request is (inline for reading in
    the browser, as PDF or JPEG only)."""
    if not request.user.has_perm("tramites.view_documentosolicitud"):
        raise PermissionDenied
    alcance = alcance_de(request.user)
    documento = (
        DocumentoSolicitud.objects.filter(pk=documento_id)
        .filter(alcance.q(unidad="solicitud__unidad", provincia="solicitud__provincia"))
        .select_related("solicitud")
        .first()
    )
    if documento is None:
        raise Http404("Documento no encontrado")
    audit_log(
        actor=request.user,
        accion="tramites.documento_visto",
        obj=documento,
        detalle={"solicitud": documento.solicitud.numero},
        request=request,
    )
    return private_file_response(
        documento.archivo.name,
        download_name=documento.download_name,
        content_type=documento.content_type,
        inline=request.GET.get("ver") == "1",
    )


# --- Subsanación (public) ---------------------------------------------------------------------


@never_cache
@limited_uploads  # first: the rate limit reads the body, after the size limit is in place
@limitar(("ip", CONSULTA_RATE_IP), (numero_consultado, CONSULTA_RATE_NUMERO))
def subsanar(request: HttpRequest) -> HttpResponse:
    """The filer completes an observed request: same credentials as /consulta/, files
    checked like the original requisites. A wrong pair gets the same answer whether or
    not the number exists."""
    if request.method == "POST":
        form = SubsanacionForm(request.POST, request.FILES)
    else:
        form = SubsanacionForm(initial={"numero": request.GET.get("numero", "")[:30]})
    if request.method == "POST" and form.is_valid():
        solicitud = selectors.solicitud_por_credenciales(
            numero=form.cleaned_data["numero"], identificacion=form.cleaned_data["identificacion"]
        )
        if solicitud is None:
            form.add_error(
                None,
                "No encontramos un trámite con ese número y esa identificación. Revise ambos "
                "datos tal como aparecen en su acuse de recibo.",
            )
        elif solicitud.estado != Solicitud.Estado.OBSERVADA:
            form.add_error(
                None,
                f"El trámite {solicitud.numero} no está esperando documentos "
                f"(estado: {solicitud.get_estado_display()}).",
            )
        else:
            try:
                solicitud = services.subsanacion_responder(
                    solicitud=solicitud,
                    archivos=form.validados,
                    comentario=form.cleaned_data.get("comentario") or "",
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return render(
                    request, "tramites/subsanada.html", {"solicitud": solicitud}, status=200
                )
    return render(
        request,
        "tramites/subsanar.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Back office (staff) ------------------------------------------------------------------------


def _solicitud_en_alcance(request: HttpRequest, solicitud_id: int) -> Solicitud:
    if not request.user.has_perm("tramites.view_solicitud"):
        raise PermissionDenied
    solicitud = (
        alcance_de(request.user)
        .filter(Solicitud.objects.all(), unidad="unidad", provincia="provincia")
        .select_related("tramite", "unidad", "provincia")
        .filter(pk=solicitud_id)
        .first()
    )
    if solicitud is None:
        raise Http404("Solicitud no encontrada")
    return solicitud


@staff_member_required
def expediente(request: HttpRequest, solicitud_id: int) -> HttpResponse:
    """The whole request as one PDF (cover + every document), for staff in scope.
    Audited like every document view."""
    solicitud = _solicitud_en_alcance(request, solicitud_id)
    pdf = services.expediente_pdf(solicitud)
    audit_log(
        actor=request.user,
        accion="tramites.expediente_descargado",
        obj=solicitud,
        detalle={"bytes": len(pdf)},
        request=request,
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="expediente-{solicitud.numero}.pdf"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_member_required
@lee_de_replica
def tablero(request: HttpRequest) -> HttpResponse:
    """Dashboard for heads and directors (their scope)."""
    if not request.user.has_perm("tramites.ver_tablero"):
        raise PermissionDenied
    from django.utils import timezone

    datos = selectors.tablero(alcance=alcance_de(request.user), hoy=timezone.localdate())
    etiquetas = dict(Solicitud.Estado.choices)
    estados = [*selectors.Plazo.ABIERTAS, Solicitud.Estado.OBSERVADA]
    return render(
        request,
        "tramites/tablero.html",
        {
            "datos": datos,
            "estados": [etiquetas[e] for e in estados],
            "etiquetas_plazo": selectors.Plazo.ETIQUETAS,
            "serie_estados": [(f["unidad"], f.get("total", 0)) for f in datos.por_unidad_estado],
        },
    )


@staff_member_required
def auditoria_exportar(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """Audit trail of the requests in the staff member's scope, for auditors (CSV or
    XLSX, by date range). The export itself is audited."""
    if not request.user.has_perm("tramites.exportar_auditoria"):
        raise PermissionDenied
    from core.export import tabla_respuesta
    from tramites.forms import AuditoriaForm

    form = AuditoriaForm(request.GET or None)
    if not (request.GET and form.is_valid()):
        return render(
            request,
            "tramites/auditoria.html",
            {"form": form},
            status=400 if request.GET and form.errors else 200,
        )
    desde, hasta = form.cleaned_data["desde"], form.cleaned_data["hasta"]
    eventos = selectors.auditoria(alcance=alcance_de(request.user), desde=desde, hasta=hasta)
    audit_log(
        actor=request.user,
        accion="tramites.auditoria_exportada",
        detalle={"desde": str(desde), "hasta": str(hasta)},
        request=request,
    )
    from django.utils import timezone

    filas = (
        (
            timezone.localtime(e.creado_en).replace(tzinfo=None),
            e.actor.username if e.actor else "(solicitante / sistema)",
            e.accion,
            e.objeto,
            json.dumps(e.detalle, ensure_ascii=False, default=str),
            e.ip or "",
        )
        for e in eventos.iterator(chunk_size=2000)
    )
    return tabla_respuesta(
        nombre=f"auditoria-solicitudes-{desde:%Y%m%d}-{hasta:%Y%m%d}",
        encabezados=["Fecha", "Usuario", "Acción", "Objeto", "Detalle", "IP"],
        filas=filas,
        formato=form.cleaned_data["formato"],
    )
