"""Queries per page, for the tests that compare them at two data sizes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def consultas_por_ruta(
    client: Client, usuarios_y_rutas: Iterable[tuple[Any, Iterable[str]]]
) -> dict[tuple[str, str], int]:
    """For each (user, routes): log `client` in as the user and request each route twice,
    counting the queries of the second request (the first of a session writes it), a
    streamed download read to its end. Every answer must be 200. Returns the counts by
    (username, route)."""
    conteo = {}
    for usuario, rutas in usuarios_y_rutas:
        client.force_login(usuario)
        for ruta in rutas:
            client.get(ruta)
            with CaptureQueriesContext(connection) as capturadas:
                respuesta = client.get(ruta)
                if respuesta.streaming:
                    b"".join(respuesta.streaming_content)
            assert respuesta.status_code == 200, (usuario.username, ruta)
            conteo[usuario.username, ruta] = len(capturadas)
    return conteo
