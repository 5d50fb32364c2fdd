"""Readable answers where Django would send an empty error body."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


class MetodoNoPermitidoMiddleware:
    """A 405 (a link or bookmark opening an action that only accepts a form submission,
    like «Cerrar sesión») gets the portal's Spanish page instead of the browser's blank
    error; the Allow header is kept."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            response.content = render_to_string("405.html", request=request).encode()
            response["Content-Type"] = "text/html; charset=utf-8"
            response["Content-Length"] = str(len(response.content))
        return response
