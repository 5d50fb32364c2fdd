from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from core.models import DocumentoVerificable
from core.ratelimit import limitar
from core.services import verification_code_is_well_formed


def favicon(request: HttpRequest) -> HttpResponse:
    from django.templatetags.static import static

    return HttpResponsePermanentRedirect(static("img/favicon.svg"))


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


def _broker_status() -> tuple[bool, str]:
    from django.conf import settings

    from ventanilla.celery import app

    if settings.CELERY_TASK_ALWAYS_EAGER:
        return True, "sin broker: tareas en proceso"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:
        return False, f"error: {type(exc).__name__}"


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Liveness for the load balancer and for people: database and broker status."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        db_ok, db_msg = True, "ok"
    except Exception as exc:
        db_ok, db_msg = False, f"error: {type(exc).__name__}"
    broker_ok, broker_msg = _broker_status()
    ok = db_ok and broker_ok
    return JsonResponse(
        {
            "estado": "ok" if ok else "degradado",
            "base_de_datos": db_msg,
            "broker": broker_msg,
            "hora": timezone.localtime().isoformat(timespec="seconds"),
        },
        status=200 if ok else 503,
    )


@limitar(("ip", "60/m"), metodos=("GET", "HEAD", "POST"))
def verificar(request: HttpRequest, codigo: str) -> HttpResponse:
    """Public verification of an issued document. Shows only what the document itself
    states, and whether it is authentic and in force."""
    codigo = codigo.strip().upper()
    documento = None
    estado = "mal_formado"
    if verification_code_is_well_formed(codigo):
        documento = DocumentoVerificable.objects.filter(codigo=codigo).first()
        estado = "desconocido" if documento is None else documento.estado_en(timezone.localdate())
    status = 200 if documento else 404
    return render(
        request,
        "core/verificar.html",
        {"codigo": codigo, "documento": documento, "estado": estado},
        status=status,
    )


def verificar_buscar(request: HttpRequest) -> HttpResponse:
    """The form on /verificar/: redirects to the code's page."""
    from django.shortcuts import redirect

    codigo = (request.GET.get("codigo") or "").strip().upper()
    if codigo:
        return redirect("core:verificar", codigo=codigo[:40])
    return render(request, "core/verificar_buscar.html")


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "403.html", status=403)


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check (CSRF_FAILURE_VIEW): the portal's page, in
    Spanish, saying what to do, instead of Django's technical one."""
    return render(request, "403_csrf.html", status=403)


def error_429(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "429.html", status=429)
