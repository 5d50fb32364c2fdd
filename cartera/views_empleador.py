"""The employer portal (/empleador/) and the public certificate page (/certificado/).

Employers log in with RUC/cédula and clave patronal; every page reads only the logged-in
employer's rows (another employer's id answers 404). A form posted after the session
expired is kept in the new session and shown filled again after logging in. Views are
thin: reads in cartera.selectors, writes in cartera.portal / acuerdos / certificados and
tramites.services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from cartera import acuerdos, certificados, portal, selectors
from cartera.forms_empleador import (
    AutorizacionForm,
    CertificadoForm,
    ClaveOlvidadaForm,
    FiltroObligacionesForm,
    ImpugnacionForm,
    IngresoForm,
    PreferenciasForm,
    PurgaMoraForm,
    SimuladorForm,
)
from cartera.models import AcuerdoPago, CertificadoCumplimiento, Empleador, Glosa
from cartera.services import cantones_glosa
from coactiva.selectors import procesos_de_empleador
from core import calendar
from core.export import FORMATOS, tabla_respuesta
from core.ratelimit import limitar
from core.services import audit_log
from core.storage import private_file_response
from core.uploads import limited_uploads
from tramites import services as tramites_services
from tramites.models import AutorizacionTercero

SESION_FORMULARIO = "empleador:formulario_pendiente"
# Outlives the session cookie: an anonymous request that still carries it comes from
# an employer whose session expired (not from a visitor who never logged in).
COOKIE_SESION_ABIERTA = "empleador_sesion"
COOKIE_SESION_ABIERTA_SEGUNDOS = 12 * 3600
SESION_CERTIFICADOS = "empleador:certificados"
CERTIFICADO_RATE_IP = "10/m"
CERTIFICADO_RATE_ID = "20/h"
CLAVE_RATE_IP = "20/h"
CLAVE_RATE_EMAIL = "3/h"
POR_PAGINA = 25


# --- Access ----------------------------------------------------------------------------------


def empleador_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Only a logged-in employer account reaches the view (request.empleador is set).
    Staff get 403. Anonymous users go to the login page; if they were posting a form
    (their session expired meanwhile), the form's fields are kept in the session so
    the page shows them filled again after logging in."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated:
            empleador = (
                getattr(user, "empleador", None) if getattr(user, "es_empleador", False) else None
            )
            if empleador is None:
                raise PermissionDenied("Solo para cuentas de empleador.")
            request.empleador = empleador  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)
        if request.method == "POST":
            datos = request.POST.copy()
            datos.pop("csrfmiddlewaretoken", None)
            request.session[SESION_FORMULARIO] = {"ruta": request.path, "datos": datos.urlencode()}
            messages.warning(
                request,
                "Su sesión expiró por inactividad. Ingrese de nuevo: conservamos los datos que "
                "escribió en el formulario (los archivos adjuntos debe cargarlos otra vez).",
            )
        elif request.COOKIES.get(COOKIE_SESION_ABIERTA):
            messages.warning(request, "Su sesión expiró por inactividad. Ingrese de nuevo.")
        respuesta = redirect(f"{reverse('cartera:ingresar')}?next={request.path}")
        respuesta.delete_cookie(COOKIE_SESION_ABIERTA)
        return respuesta

    return wrapper


def datos_recuperados(request: HttpRequest) -> dict[str, Any] | None:
    """The fields of a form posted when the session had expired, for this page."""
    pendiente = request.session.get(SESION_FORMULARIO)
    if not pendiente or pendiente.get("ruta") != request.path:
        return None
    del request.session[SESION_FORMULARIO]
    datos = QueryDict(pendiente["datos"])
    return {k: (v if len(v) > 1 else v[0]) for k, v in datos.lists()}


def _empleador(request: HttpRequest) -> Empleador:
    return request.empleador  # type: ignore[attr-defined]


class Ingresar(auth_views.LoginView):
    template_name = "cartera/empleador/ingresar.html"
    authentication_form = IngresoForm
    redirect_authenticated_user = False

    def get_default_redirect_url(self) -> str:
        return reverse("cartera:obligaciones")

    def form_valid(self, form: Any) -> HttpResponse:
        respuesta = super().form_valid(form)
        respuesta.set_cookie(
            COOKIE_SESION_ABIERTA,
            "1",
            max_age=COOKIE_SESION_ABIERTA_SEGUNDOS,
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )
        return respuesta

    def get_success_url(self) -> str:
        # Back to the portal, or to the Ventanilla form the employer signed in from
        # (the levantamiento form shows its processes' eligibility once signed in).
        url = self.get_redirect_url()
        if (
            url
            and url.startswith(("/empleador/", "/ventanilla/"))
            and url_has_allowed_host_and_scheme(url, None)
        ):
            return url
        return self.get_default_redirect_url()


@require_POST
def salir(request: HttpRequest) -> HttpResponse:
    logout(request)
    messages.info(request, "Cerró su sesión del portal del empleador.")
    respuesta = redirect("cartera:ingresar")
    respuesta.delete_cookie(COOKIE_SESION_ABIERTA)
    return respuesta


# Each request e-mails the employer: limited per address and per IP, so the form cannot
# be used to flood an inbox.
clave_olvidada = limitar(("ip", CLAVE_RATE_IP), ("post:email", CLAVE_RATE_EMAIL))(
    auth_views.PasswordResetView.as_view(
        form_class=ClaveOlvidadaForm,
        template_name="cartera/empleador/clave_olvidada.html",
        success_url=reverse_lazy("cartera:clave_enviada"),
    )
)
clave_enviada = auth_views.PasswordResetDoneView.as_view(
    template_name="cartera/empleador/clave_enviada.html"
)
clave_nueva = auth_views.PasswordResetConfirmView.as_view(
    template_name="cartera/empleador/clave_nueva.html",
    success_url=reverse_lazy("cartera:clave_lista"),
)
clave_lista = auth_views.PasswordResetCompleteView.as_view(
    template_name="cartera/empleador/clave_lista.html"
)


# --- Mis obligaciones -----------------------------------------------------------------------

ENCABEZADOS = [
    "Tipo",
    "Número",
    "Periodo",
    "Fecha",
    "Sucursal",
    "Estado",
    "Capital",
    "Intereses",
    "Multas y recargos",
    "Total adeudado hoy",
]


@never_cache
@empleador_required
def obligaciones(request: HttpRequest) -> HttpResponseBase:
    empleador = _empleador(request)
    hoy = timezone.localdate()
    form = FiltroObligacionesForm(request.GET or None)
    filtro = selectors.FiltroObligaciones()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filtro = selectors.FiltroObligaciones(
            tipo=d["tipo"] or "", estado=d["estado"] or "", desde=d["desde"], hasta=d["hasta"]
        )
    filas = selectors.obligaciones_empleador(empleador=empleador, filtro=filtro, en=hoy)
    formato = request.GET.get("formato", "")
    if formato in FORMATOS:
        audit_log(
            actor=request.user,
            accion="cartera.obligaciones_exportadas",
            obj=empleador,
            request=request,
        )
        return tabla_respuesta(
            nombre=f"obligaciones-{empleador.identificacion}-{hoy:%Y%m%d}",
            encabezados=ENCABEZADOS,
            filas=(
                [
                    f["tipo_display"],
                    f["referencia"],
                    f"{f['periodo']:%m/%Y}" if f["periodo"] else "",
                    f["fecha"],
                    f["sucursal"],
                    f["estado_display"],
                    f["capital"],
                    f["intereses"],
                    f["multas"],
                    f["total"],
                ]
                for f in filas
            ),
            formato=formato,
        )
    pagina = Paginator(filas, POR_PAGINA).get_page(request.GET.get("pagina"))
    consulta = request.GET.copy()
    consulta.pop("pagina", None)
    return render(
        request,
        "cartera/empleador/obligaciones.html",
        {
            "empleador": empleador,
            "form": form,
            "pagina": pagina,
            "consulta": consulta.urlencode(),
            "deuda": selectors.deuda_empleador(empleador=empleador, en=hoy),
            "estado": CertificadoCumplimiento.Estado(
                selectors.estado_cumplimiento(empleador=empleador, en=hoy)
            ),
            "procesos": procesos_de_empleador(empleador=empleador),
            "acuerdos": acuerdos.acuerdos_vigentes_de(empleador),
            "sin_leer": selectors.glosas_notificadas(empleador=empleador)
            .filter(notificacion__leida_en__isnull=True, estado=Glosa.Estado.NOTIFICADA)
            .count(),
            "hoy": hoy,
        },
    )


# --- Glosas -------------------------------------------------------------------------------


Cantones = dict[tuple[str, str | None], list[str]]


def _termino(glosa: Glosa, hoy: dt.date, cantones_de: Cantones | None = None) -> dict[str, Any]:
    """Last day of the término and what is left of it (business and calendar days),
    counted with the cantons the término itself skips (services.cantones_glosa: the
    employer's and the cartera unit's seat). `cantones_de` keeps them per (province,
    canton) across the rows of one page, one query each."""
    if glosa.vence_en is None:
        return {}
    cantones_de = {} if cantones_de is None else cantones_de
    clave = (glosa.provincia_id, glosa.canton_id)
    if clave not in cantones_de:
        cantones_de[clave] = cantones_glosa(
            canton_id=glosa.canton_id, provincia_id=glosa.provincia_id
        )
    cantones = cantones_de[clave]
    return {
        "vence_en": glosa.vence_en,
        "dias_habiles": calendar.business_days_between(hoy, glosa.vence_en, cantones=cantones),
        "dias": (glosa.vence_en - hoy).days,
        "corre": glosa.estado == Glosa.Estado.NOTIFICADA and glosa.vence_en >= hoy,
    }


@never_cache
@empleador_required
def glosas(request: HttpRequest) -> HttpResponse:
    empleador = _empleador(request)
    hoy = timezone.localdate()
    pagina = Paginator(selectors.glosas_notificadas(empleador=empleador), POR_PAGINA).get_page(
        request.GET.get("pagina")
    )
    cantones_de: Cantones = {}
    filas = [{"glosa": g, **_termino(g, hoy, cantones_de)} for g in pagina]
    return render(
        request,
        "cartera/empleador/glosas.html",
        {"empleador": empleador, "pagina": pagina, "filas": filas, "hoy": hoy},
    )


def _glosa_de(request: HttpRequest, pk: int) -> Glosa:
    return get_object_or_404(
        Glosa.objects.select_related("notificacion", "sucursal"),
        pk=pk,
        empleador=_empleador(request),
        notificada_en__isnull=False,
    )


@never_cache
@empleador_required
def glosa(request: HttpRequest, pk: int) -> HttpResponse:
    empleador = _empleador(request)
    fila = _glosa_de(request, pk)
    if fila.notificacion is not None:
        portal.notificacion_leer(
            empleador=empleador, notificacion=fila.notificacion, por=request.user
        )
        fila.notificacion.refresh_from_db(fields=["leida_en"])
    hoy = timezone.localdate()
    deuda = selectors.deuda_empleador(empleador=empleador, en=hoy)
    linea = next(
        (linea for linea in deuda.lineas if linea.tipo == "glosa" and linea.id == fila.pk), None
    )
    return render(
        request,
        "cartera/empleador/glosa.html",
        {
            "empleador": empleador,
            "glosa": fila,
            "linea": linea,
            "termino": _termino(fila, hoy),
            "impugnaciones": fila.impugnaciones.order_by("-registrada_en"),
            "puede_impugnar": fila.estado in (Glosa.Estado.NOTIFICADA, Glosa.Estado.VENCIDA)
            and fila.vence_en is not None
            and fila.vence_en >= hoy,
        },
    )


def _errores_servicio(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for campo, errores in exc.error_dict.items():
            form.add_error(campo if campo in form.fields else None, errores)
    else:
        form.add_error(None, exc.messages)


@never_cache
@limited_uploads  # first: CSRF and the size limit apply before an expired session's form is kept
@empleador_required
def impugnar(request: HttpRequest, pk: int) -> HttpResponse:
    empleador = _empleador(request)
    fila = _glosa_de(request, pk)
    if request.method == "POST":
        form = ImpugnacionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                solicitud = portal.impugnacion_presentar(
                    empleador=empleador,
                    glosa=fila,
                    fundamentos=form.cleaned_data["fundamentos"],
                    sustentos=form.sustentos,
                    cuenta=request.user,
                )
            except ValidationError as exc:
                _errores_servicio(form, exc)
            else:
                messages.success(
                    request,
                    f"Su impugnación fue presentada con el trámite {solicitud.numero}. La glosa "
                    "queda impugnada mientras se resuelve.",
                )
                return redirect("cartera:glosa", pk=fila.pk)
    else:
        form = ImpugnacionForm(initial=datos_recuperados(request))
    return render(
        request,
        "cartera/empleador/impugnar.html",
        {"empleador": empleador, "glosa": fila, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Payment agreements --------------------------------------------------------------------


def _monto_simulado(form: SimuladorForm, empleador: Empleador, hoy: dt.date) -> Decimal:
    d = form.cleaned_data
    elegidas = {("glosa", g.pk) for g in d.get("glosas") or []} | {
        ("titulo", t.pk) for t in d.get("titulos") or []
    }
    deuda = selectors.deuda_empleador(empleador=empleador, en=hoy)
    if elegidas:
        return sum((x.total for x in deuda.lineas if (x.tipo, x.id) in elegidas), Decimal("0.00"))
    if d.get("monto"):
        return Decimal(d["monto"])
    financiables = acuerdos.obligaciones_financiables(
        empleador=empleador, tipo=AcuerdoPago.Tipo.APP
    )
    ids = {("glosa", pk) for pk in financiables["glosas"].values_list("pk", flat=True)} | {
        ("titulo", pk) for pk in financiables["titulos"].values_list("pk", flat=True)
    }
    return sum((x.total for x in deuda.lineas if (x.tipo, x.id) in ids), Decimal("0.00"))


@never_cache
@empleador_required
def simulador(request: HttpRequest) -> HttpResponse:
    """Simulate an APP (GET, nothing is saved) and request it (POST)."""
    empleador = _empleador(request)
    hoy = timezone.localdate()
    datos = (
        request.POST
        if request.method == "POST"
        else (request.GET if "meses" in request.GET else None)
    )
    form = SimuladorForm(datos, empleador=empleador, initial=datos_recuperados(request))
    contexto: dict[str, Any] = {
        "empleador": empleador,
        "form": form,
        "tramos": acuerdos.app_tramos(hoy),
    }
    if form.is_bound and form.is_valid():
        monto = _monto_simulado(form, empleador, hoy)
        cuota_inicial = form.cleaned_data.get("cuota_inicial") or Decimal("0.00")
        if monto <= 0:
            form.add_error(
                "monto", "No hay deuda que financiar: ingrese un monto o elija obligaciones."
            )
        elif cuota_inicial >= monto:
            form.add_error(
                "cuota_inicial", "La cuota inicial debe ser menor que la deuda a financiar."
            )
        else:
            tasa = acuerdos.tasa_vigente(hoy)
            aprobacion = acuerdos.aprobacion_requerida(empleador=empleador, monto=monto, en=hoy)
            tabla = acuerdos.tabla_amortizacion(
                monto=monto,
                meses=form.cleaned_data["meses"],
                tasa_anual=tasa,
                desde=hoy,
                cuota_inicial=cuota_inicial,
                vence_inicial=acuerdos.vence_cuota_inicial(hoy, empleador=empleador),
            )
            contexto.update(
                {
                    "monto": monto,
                    "tasa": tasa,
                    "tabla": tabla,
                    "total_capital": sum((f.capital for f in tabla), Decimal("0.00")),
                    "total_interes": sum((f.interes for f in tabla), Decimal("0.00")),
                    "total_pagar": sum((f.valor for f in tabla), Decimal("0.00")),
                    "aprobacion": aprobacion,
                    "aprueba_display": AcuerdoPago.Aprueba(aprobacion.aprueba).label,
                }
            )
            if request.method == "POST":
                try:
                    acuerdo = portal.acuerdo_solicitar(
                        empleador=empleador,
                        tipo=AcuerdoPago.Tipo.APP,
                        glosas=list(form.cleaned_data["glosas"]),
                        titulos=list(form.cleaned_data["titulos"]),
                        meses=form.cleaned_data["meses"],
                        cuota_inicial=cuota_inicial,
                        cuenta=request.user,
                    )
                except ValidationError as exc:
                    _errores_servicio(form, exc)
                else:
                    messages.success(
                        request,
                        f"Su solicitud de acuerdo de pagos parciales fue presentada con el trámite "
                        f"{acuerdo.solicitud.numero if acuerdo.solicitud else ''}.",
                    )
                    return redirect("cartera:acuerdo", pk=acuerdo.pk)
    return render(
        request,
        "cartera/empleador/simulador.html",
        contexto,
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@limited_uploads  # first: CSRF and the size limit apply before an expired session's form is kept
@empleador_required
def purga_mora(request: HttpRequest) -> HttpResponse:
    empleador = _empleador(request)
    hoy = timezone.localdate()
    if request.method == "POST":
        form = PurgaMoraForm(request.POST, request.FILES, empleador=empleador)
        if form.is_valid():
            d = form.cleaned_data
            try:
                acuerdo = portal.acuerdo_solicitar(
                    empleador=empleador,
                    tipo=AcuerdoPago.Tipo.PURGA_MORA,
                    glosas=list(d["glosas"]),
                    titulos=list(d["titulos"]),
                    meses=d["meses"],
                    fuerza_mayor=d["fuerza_mayor"],
                    garantia_tipo=d["garantia_tipo"],
                    garantia_valor=d["garantia_valor"],
                    archivos=form.archivos,
                    cuenta=request.user,
                )
            except ValidationError as exc:
                _errores_servicio(form, exc)
            else:
                messages.success(
                    request, "Su solicitud de convenio de purga de mora fue presentada."
                )
                return redirect("cartera:acuerdo", pk=acuerdo.pk)
    else:
        form = PurgaMoraForm(empleador=empleador, initial=datos_recuperados(request))
    return render(
        request,
        "cartera/empleador/purga_mora.html",
        {
            "empleador": empleador,
            "form": form,
            "max_anios": acuerdos.parametros.valor("PURGA_MORA_MAX_ANIOS", en=hoy),
            "garantia_pct": acuerdos.parametros.valor("PURGA_MORA_GARANTIA_PCT", en=hoy),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@never_cache
@empleador_required
def acuerdos_lista(request: HttpRequest) -> HttpResponse:
    empleador = _empleador(request)
    return render(
        request,
        "cartera/empleador/acuerdos.html",
        {
            "empleador": empleador,
            "acuerdos": AcuerdoPago.objects.filter(empleador=empleador).select_related("solicitud"),
        },
    )


@never_cache
@empleador_required
def acuerdo(request: HttpRequest, pk: int) -> HttpResponse:
    empleador = _empleador(request)
    fila = get_object_or_404(
        AcuerdoPago.objects.select_related("solicitud").prefetch_related(
            "cuotas", "glosas", "titulos"
        ),
        pk=pk,
        empleador=empleador,
    )
    return render(
        request,
        "cartera/empleador/acuerdo.html",
        {"empleador": empleador, "acuerdo": fila, "hoy": timezone.localdate()},
    )


# --- Third-party authorizations --------------------------------------------------------------


@never_cache
@empleador_required
def autorizaciones(request: HttpRequest) -> HttpResponse:
    empleador = _empleador(request)
    if request.method == "POST":
        form = AutorizacionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                nueva = tramites_services.autorizacion_otorgar(
                    empleador=empleador,
                    cedula=d["cedula"],
                    nombre=d["nombre"],
                    email=d["email"],
                    tramites=list(d["tramites"]),
                    vigente_hasta=d["vigente_hasta"],
                    por=request.user,
                )
            except ValidationError as exc:
                _errores_servicio(form, exc)
            else:
                messages.success(
                    request,
                    f"Autorizó a {nueva.tercero_nombre}. Descargue el PDF y entrégueselo: lo "
                    "adjunta a su solicitud.",
                )
                return redirect("cartera:autorizaciones")
    else:
        form = AutorizacionForm(initial=datos_recuperados(request))
    lista = (
        AutorizacionTercero.objects.filter(empleador=empleador)
        .select_related("documento")
        .prefetch_related("tramites")
    )
    return render(
        request,
        "cartera/empleador/autorizaciones.html",
        {
            "empleador": empleador,
            "form": form,
            "autorizaciones": lista,
            "hoy": timezone.localdate(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


def _autorizacion_de(request: HttpRequest, pk: int) -> AutorizacionTercero:
    return get_object_or_404(
        AutorizacionTercero.objects.select_related("documento"),
        pk=pk,
        empleador=_empleador(request),
    )


@empleador_required
def autorizacion_pdf(request: HttpRequest, pk: int) -> FileResponse:
    fila = _autorizacion_de(request, pk)
    if fila.documento is None or not fila.documento.archivo:
        raise Http404("Documento no disponible")
    return private_file_response(
        fila.documento.archivo.name,
        download_name=f"autorizacion-terceros-{fila.tercero_identificacion}.pdf",
        content_type="application/pdf",
    )


@require_POST
@empleador_required
def autorizacion_revocar(request: HttpRequest, pk: int) -> HttpResponse:
    fila = _autorizacion_de(request, pk)
    tramites_services.autorizacion_revocar(autorizacion=fila, por=request.user)
    messages.success(request, f"Revocó la autorización de {fila.tercero_nombre}.")
    return redirect("cartera:autorizaciones")


# --- Preferences --------------------------------------------------------------------------


@never_cache
@empleador_required
def preferencias(request: HttpRequest) -> HttpResponse:
    empleador = _empleador(request)
    actuales = portal.preferencias_de(empleador)
    if request.method == "POST":
        form = PreferenciasForm(request.POST, instance=actuales)
        if form.is_valid():
            portal.preferencias_guardar(empleador=empleador, **form.cleaned_data)
            messages.success(request, "Guardamos sus preferencias de aviso.")
            return redirect("cartera:preferencias")
    else:
        form = PreferenciasForm(instance=actuales, initial=datos_recuperados(request))
    return render(
        request, "cartera/empleador/preferencias.html", {"empleador": empleador, "form": form}
    )


# --- Public certificate -----------------------------------------------------------------------


@never_cache
@limitar(("ip", CERTIFICADO_RATE_IP), ("post:identificacion", CERTIFICADO_RATE_ID))
def certificado(request: HttpRequest) -> HttpResponse:
    """Anyone may get an employer's certificate from its RUC or cédula (public, no
    login): it states the standing, never amounts."""
    form = CertificadoForm(request.POST or None)
    emitido = None
    if request.method == "POST" and form.is_valid():
        emitido = certificados.certificado_emitir(empleador=form.cleaned_data["identificacion"])
        codigos = request.session.get(SESION_CERTIFICADOS, [])
        request.session[SESION_CERTIFICADOS] = [*codigos[-19:], emitido.documento.codigo]
    return render(
        request,
        "cartera/certificado.html",
        {"form": form, "certificado": emitido},
        status=400 if form.is_bound and form.errors else 200,
    )


def certificado_pdf(request: HttpRequest, codigo: str) -> FileResponse:
    """The PDF, for the browser session that issued it (anyone else verifies it at
    /verificar/<codigo>/)."""
    if codigo not in request.session.get(SESION_CERTIFICADOS, []):
        raise Http404("Certificado no encontrado")
    fila = get_object_or_404(
        CertificadoCumplimiento.objects.select_related("documento"), documento__codigo=codigo
    )
    return private_file_response(
        fila.documento.archivo.name,
        download_name=f"certificado-cumplimiento-{fila.empleador.identificacion}.pdf",
        content_type="application/pdf",
    )
