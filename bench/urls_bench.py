"""The project's URLs plus /bench/bare/<name>/: a bare Django view that returns bytes
captured from a real page, the baseline of bench/ventanilla.py."""

import os
from pathlib import Path

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from ventanilla.urls import urlpatterns as proyecto

_CACHE: dict[str, bytes] = {}


@csrf_exempt
def bare(request: HttpRequest, nombre: str) -> HttpResponse:
    if nombre not in _CACHE:
        _CACHE[nombre] = (Path(os.environ["BENCH_CAPTURA"]) / f"{nombre}.html").read_bytes()
    return HttpResponse(_CACHE[nombre], content_type="text/html; charset=utf-8")


urlpatterns = [path("bench/bare/<str:nombre>/", bare), *proyecto]
