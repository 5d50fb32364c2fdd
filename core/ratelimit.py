"""The client's address, for rate limits and login lockout (axes); and `limitar`, the rate
limits of the public pages, counted in one round trip to the cache.

Behind the reverse proxy the TCP peer is the proxy, so the address comes from the header
the proxy sets (RATELIMIT_CLIENT_IP_HEADER, e.g. HTTP_X_REAL_IP). Only the entry the
proxy itself wrote is trusted (the last one of a comma-separated list: what a client sends
in the same header comes before it), and it must be a valid IP address; otherwise the
peer address is used. A missing or forged header never turns into an error page.
"""

from __future__ import annotations

import hashlib
import ipaddress
import time
from collections.abc import Callable, Sequence
from functools import wraps
from typing import Any, TypeVar, cast

from django.conf import settings
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse
from django_ratelimit.exceptions import Ratelimited


def _valid(value: str) -> str | None:
    value = value.strip()
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str:
    header = getattr(settings, "RATELIMIT_CLIENT_IP_HEADER", "")
    if header:
        raw = request.META.get(header, "")
        if raw and (ip := _valid(raw.split(",")[-1])):
            return ip
    return _valid(request.META.get("REMOTE_ADDR", "") or "") or "0.0.0.0"  # noqa: S104 - a key, not a bind  # nosec B104


# --- Rate limits counted in one round trip ------------------------------------------------

Clave = str | Callable[[str, HttpRequest], str]
_UNIDADES = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _tasa(tasa: str) -> tuple[int, int]:
    """'30/m' → (30, 60); '5/10m' → (5, 600)."""
    cuantas, _, periodo = tasa.partition("/")
    multiplo = int(periodo[:-1] or 1)
    return int(cuantas), multiplo * _UNIDADES[periodo[-1]]


def _valor(clave: Clave, grupo: str, request: HttpRequest) -> str:
    if callable(clave):
        return clave(grupo, request)
    if clave == "ip":
        return client_ip(request)
    if clave.startswith("post:"):
        return request.POST.get(clave[5:], "")
    raise ImproperlyConfigured(f"Clave de límite desconocida: {clave}")


def _reloj() -> float:
    return time.time()  # tests hold it still (tests/conftest.py, ratelimit_clock)


def contar(claves: list[tuple[str, int]]) -> list[int]:
    """Add one to each counter (key, seconds to live) and return the new counts. On the
    project's Redis cache all of them go in one round trip (core.cache); on any other
    cache (the embedded locmem) one add/incr per counter."""
    cache = caches[getattr(settings, "RATELIMIT_USE_CACHE", "default")]
    if hasattr(cache, "contar"):
        return list(cache.contar(claves))
    cuentas = []
    for clave, ttl in claves:
        if cache.add(clave, 1, ttl):
            cuentas.append(1)
            continue
        try:
            cuentas.append(int(cache.incr(clave)))
        except ValueError:  # expired between add and incr
            cache.set(clave, 1, ttl)
            cuentas.append(1)
    return cuentas


def excedido(request: HttpRequest, grupo: str, limites: Sequence[tuple[Clave, str]]) -> bool:
    """Count this request against every limit (fixed windows, as django-ratelimit) and
    say whether any is exceeded."""
    ahora = int(_reloj())
    claves, topes = [], []
    for i, (clave, tasa) in enumerate(limites):
        tope, periodo = _tasa(tasa)
        ventana = ahora - ahora % periodo
        valor = _valor(clave, grupo, request)
        resumen = hashlib.sha256(f"{grupo}|{i}|{tasa}|{ventana}|{valor}".encode()).hexdigest()
        claves.append((f"rl:{resumen}", periodo + 60))
        topes.append(tope)
    return any(cuenta > tope for cuenta, tope in zip(contar(claves), topes, strict=True))


_Vista = TypeVar("_Vista", bound=Callable[..., Any])


def limitar(
    *limites: tuple[Clave, str], metodos: tuple[str, ...] = ("POST",)
) -> Callable[[_Vista], _Vista]:
    """Decorate a public view with rate limits, e.g.
    `@limitar(("ip", "30/m"), (numero_consultado, "20/h"))`. Keys are "ip", "post:<field>"
    or a function (group, request) → str, as in django-ratelimit; a request over any limit
    raises django-ratelimit's `Ratelimited`, which its middleware turns into the portal's
    429 page (RATELIMIT_VIEW). Unlike stacking its decorators (three round trips to Redis
    per limit), every limit of the view is counted in one round trip: the public status
    lookup is the portal's busiest page."""

    def decorador(vista: _Vista) -> _Vista:
        grupo = f"{vista.__module__}.{vista.__qualname__}"

        @wraps(vista)
        def envuelta(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (
                getattr(settings, "RATELIMIT_ENABLE", True)
                and request.method in metodos
                and excedido(request, grupo, limites)
            ):
                raise Ratelimited()
            return vista(request, *args, **kwargs)

        return cast(_Vista, envuelta)

    return decorador
