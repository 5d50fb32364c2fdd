"""Helpers shared by the employer-portal tests: an employer with an account and a
notified glosa, logged in; the forms they fill in."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.utils import timezone

from cartera.models import Empleador, Glosa
from cartera.services import glosa_notificar
from tests import archivos
from tests.factories import PASSWORD, EmpleadorFactory, GlosaFactory, empleador_user


def empleador_con_cuenta(**kwargs: Any) -> Empleador:
    empleador = EmpleadorFactory(**kwargs)
    empleador_user(empleador)
    return empleador


def glosa_notificada(empleador: Empleador, *, at: dt.datetime | None = None) -> Glosa:
    """A glosa notified through the service (notice row, término, e-mail)."""
    glosa = GlosaFactory(planilla__empleador=empleador)
    return glosa_notificar(glosa=glosa, at=at or timezone.now())


def ingresar(client: Client, empleador: Empleador) -> Client:
    response = client.post(
        "/empleador/ingresar/",
        {"username": empleador.identificacion, "password": PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return client


def datos_purga_mora(**cambios: Any) -> dict[str, Any]:
    """The convenio de purga de mora form (/empleador/acuerdos/purga-de-mora/), complete
    but for what it covers: pass `glosas=[…]` or `titulos=[…]`, and any field to change.
    The evidence and the guarantee proposal are new uploads on every call (a post reads
    them to the end)."""
    return {
        "meses": 24,
        "fuerza_mayor": "Inundación de la planta en marzo; paralización de tres meses.",
        "garantia_tipo": "Hipoteca del inmueble 12345",
        "garantia_valor": "100000.00",
        "pruebas": archivos.subido("pruebas.pdf", archivos.pdf_bytes(), "application/pdf"),
        "propuesta_garantia": archivos.subido("garantia.pdf", archivos.pdf_bytes()),
        **cambios,
    }
