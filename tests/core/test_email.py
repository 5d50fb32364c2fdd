"""E-mail bodies (core.email): the plain text is text, not HTML."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core import mail

from core.email import correo_enviar
from tests.factories import EmpleadorFactory

pytestmark = pytest.mark.django_db

RAZON_SOCIAL = "Pérez & Hijos O'Neil"


def test_the_plain_text_of_an_email_is_not_html_escaped(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    empleador = EmpleadorFactory(razon_social=RAZON_SOCIAL, email="perez@correo.test")
    with django_capture_on_commit_callbacks(execute=True):
        correo_enviar(
            para=[empleador.email],
            asunto="Levantamiento de medidas cautelares",
            plantilla="levantamiento_abierto",
            contexto={
                "empleador": empleador,
                "juicio": SimpleNamespace(numero="JC-17-2026-000001"),
                "levantamientos": [SimpleNamespace(entidad_nombre="Banco del Pacífico & Cía.")],
                "cargo": "Director/a Provincial",
            },
        )
    cuerpo = mail.outbox[0].body
    assert f"Estimados señores de {RAZON_SOCIAL} (RUC/cédula" in cuerpo
    assert "- Banco del Pacífico & Cía." in cuerpo
    assert "&amp;" not in cuerpo and "&#x27;" not in cuerpo


def test_the_html_part_is_still_escaped(
    settings, tmp_path, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    carpeta = tmp_path / "correo"
    carpeta.mkdir()
    (carpeta / "aviso_doble.txt").write_text("Estimado/a {{ razon_social }}")
    (carpeta / "aviso_doble.html").write_text("<p>Estimado/a {{ razon_social }}</p>")
    settings.TEMPLATES = [
        {**motor, "DIRS": [tmp_path, *motor["DIRS"]]} for motor in settings.TEMPLATES
    ]
    with django_capture_on_commit_callbacks(execute=True):
        correo = correo_enviar(
            para=["perez@correo.test"],
            asunto="Aviso",
            plantilla="aviso_doble",
            contexto={"razon_social": RAZON_SOCIAL},
        )
    assert correo is not None
    assert correo.cuerpo_texto == f"Estimado/a {RAZON_SOCIAL}"
    assert correo.cuerpo_html == "<p>Estimado/a Pérez &amp; Hijos O&#x27;Neil</p>"
    enviado = mail.outbox[0]
    assert enviado.body == f"Estimado/a {RAZON_SOCIAL}"
    assert enviado.alternatives[0][0] == correo.cuerpo_html
