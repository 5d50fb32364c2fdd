"""Certificado de cumplimiento de obligaciones patronales: public, instant, rate-limited;
states al día / en mora / en trámite de pago; PDF with QR; verification; no amounts."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from cartera.models import AcuerdoPago, CertificadoCumplimiento, Glosa
from cartera.services import glosa_acuerdo_registrar
from core.models import Correo
from core.templatetags.portal import dolares
from tests.cartera.portal import empleador_con_cuenta, glosa_notificada
from tests.factories import EmpleadorFactory, PlanillaFactory

pytestmark = pytest.mark.django_db


def _emitir(client: Client, identificacion: str, capture):  # type: ignore[no-untyped-def]
    with capture(execute=True):
        return client.post("/certificado/", {"identificacion": identificacion})


def _texto_pdf(client: Client, certificado: CertificadoCumplimiento) -> str:
    response = client.get(f"/certificado/{certificado.documento.codigo}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    contenido = b"".join(response.streaming_content)
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(contenido)).pages)


def test_employer_al_dia_gets_a_verifiable_certificate_valid_30_days(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    empleador = EmpleadorFactory()
    PlanillaFactory(empleador=empleador, pagada=True)
    response = _emitir(client, empleador.identificacion, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    certificado = CertificadoCumplimiento.objects.get()
    assert certificado.estado == CertificadoCumplimiento.Estado.AL_DIA
    hoy = timezone.localdate()
    assert certificado.vigente_hasta == hoy + dt.timedelta(days=30)
    html = response.content.decode()
    assert "Al día en sus obligaciones patronales" in html and certificado.documento.codigo in html
    texto = _texto_pdf(client, certificado)
    assert "no registra obligaciones patronales vencidas" in texto
    assert certificado.documento.codigo in texto
    assert f"{certificado.vigente_hasta:%d/%m/%Y}" in texto

    verificacion = Client().get(f"/verificar/{certificado.documento.codigo}/")
    assert verificacion.status_code == 200
    assert "Al día en sus obligaciones patronales" in verificacion.content.decode()
    assert verificacion.context["estado"] == "vigente"
    assert Correo.objects.filter(evento="cartera.certificado_emitido", para=[empleador.email])


def test_the_pdf_is_served_only_to_the_session_that_issued_it(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    empleador = EmpleadorFactory()
    _emitir(client, empleador.identificacion, django_capture_on_commit_callbacks)
    codigo = CertificadoCumplimiento.objects.get().documento.codigo
    assert Client().get(f"/certificado/{codigo}/pdf/").status_code == 404


def test_states_in_mora_and_en_tramite_de_pago_without_amounts(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    response = _emitir(client, empleador.identificacion, django_capture_on_commit_callbacks)
    en_mora = CertificadoCumplimiento.objects.get()
    assert en_mora.estado == "en_mora"
    texto = _texto_pdf(client, en_mora)
    assert "registra obligaciones patronales en mora" in texto
    assert "$" not in texto and "USD" not in texto and dolares(glosa.capital) not in texto
    assert "$" not in response.content.decode()
    assert "$" not in str(en_mora.documento.datos_publicos)

    acuerdo = AcuerdoPago.objects.create(
        empleador=empleador,
        tipo="app",
        estado="vigente",
        monto=glosa.capital,
        meses=12,
        tasa_anual=9,
        aprueba="jefe_unidad",
        monto_en_sbu=1,
    )
    acuerdo.glosas.set([glosa])
    glosa_acuerdo_registrar(glosa=glosa, motivo="Acuerdo vigente.")
    assert Glosa.objects.get(pk=glosa.pk).estado == "en_acuerdo_pago"
    _emitir(client, empleador.identificacion, django_capture_on_commit_callbacks)
    ultimo = CertificadoCumplimiento.objects.order_by("-id").first()
    assert ultimo is not None and ultimo.estado == "en_tramite_de_pago"
    assert "acuerdo de pago vigente" in _texto_pdf(client, ultimo)


def test_unknown_or_invalid_identification_is_told_next_to_the_field(client: Client) -> None:
    response = client.post("/certificado/", {"identificacion": "1790001009001"})
    assert response.status_code == 400
    assert "dígito verificador" in response.context["form"].errors["identificacion"][0]
    sin_registro = EmpleadorFactory.build().identificacion
    response = client.post("/certificado/", {"identificacion": sin_registro})
    assert "No hay un empleador registrado" in response.context["form"].errors["identificacion"][0]
    assert not CertificadoCumplimiento.objects.exists()


def test_issuing_is_rate_limited(  # type: ignore[no-untyped-def]
    client: Client, django_capture_on_commit_callbacks, ratelimit_clock
) -> None:
    empleador = EmpleadorFactory()
    codigos = [
        _emitir(client, empleador.identificacion, django_capture_on_commit_callbacks).status_code
        for _ in range(12)
    ]
    assert codigos[:10] == [200] * 10 and codigos[10:] == [429, 429]
    assert CertificadoCumplimiento.objects.count() == 10
