"""The client's address, for rate limits (django-ratelimit) and login lockout (axes).

Behind the reverse proxy the TCP peer is the proxy, so the address comes from the header
the proxy sets (RATELIMIT_CLIENT_IP_HEADER, e.g. HTTP_X_REAL_IP). Only the entry the
proxy itself wrote is trusted (the last one of a comma-separated list: what a client sends
in the same header comes before it), and it must be a valid IP address; otherwise the
peer address is used. A missing or forged header never turns into an error page.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


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
