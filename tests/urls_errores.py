"""The portal's URLs plus views that fail on purpose, to see the error pages as a
visitor would (used with @pytest.mark.urls("tests.urls_errores"))."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django_ratelimit.exceptions import Ratelimited

from ventanilla.urls import handler400, handler403, handler404
from ventanilla.urls import urlpatterns as portal

__all__ = ["handler400", "handler403", "handler404", "urlpatterns"]


def _falla(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("falla de prueba")


def _prohibido(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def _incorrecta(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation("solicitud de prueba")


def _limitada(request: HttpRequest) -> HttpResponse:
    raise Ratelimited


urlpatterns = [
    path("_errores/500/", _falla),
    path("_errores/403/", _prohibido),
    path("_errores/400/", _incorrecta),
    path("_errores/429/", _limitada),
    *portal,
]
