"""The employer portal in a real browser (Chromium), with a real Celery worker behind the
live server (the `journey` fixture), as a new employer would use it:
log in, find a notified glosa and its last day, simulate a 12-month agreement, challenge
another glosa with a PDF, download and verify the certificate, and authorize an
accountant who then files a levantamiento."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cartera.models import CertificadoCumplimiento, Glosa
from core.identificacion import generar_cedula
from core.models import Correo
from tests import archivos
from tests.cartera.portal import empleador_con_cuenta, glosa_notificada
from tests.conftest import screenshot, wait_for
from tests.factories import PASSWORD
from tramites.models import AutorizacionTercero, Solicitud

pytestmark = pytest.mark.browser
CONTADOR = generar_cedula(17, 777123)


def _descargar(page, accion) -> bytes:  # type: ignore[no-untyped-def]
    with page.expect_download() as info:
        accion()
    return Path(info.value.path()).read_bytes()


def test_an_employer_uses_the_portal_end_to_end(journey, axe) -> None:  # type: ignore[no-untyped-def]
    page = journey
    empleador = empleador_con_cuenta(razon_social="Comercial Andina S.A.")
    primera = glosa_notificada(empleador)
    segunda = glosa_notificada(empleador)

    # Log in.
    page.goto("/empleador/")
    page.wait_for_url("**/empleador/ingresar/**")
    page.get_by_label("RUC o cédula").fill(empleador.identificacion)
    page.get_by_label("Clave patronal").fill(PASSWORD)
    screenshot(page, "empleador-ingreso")
    page.get_by_role("button", name="Ingresar").click()
    page.wait_for_url("**/empleador/")
    assert page.locator("#estado-empleador").inner_text() == "En mora"
    assert page.locator("#total-adeudado").inner_text().startswith("USD ")
    assert axe(page) == []
    screenshot(page, "empleador-obligaciones")

    # The glosa inbox and the last day of the término.
    page.get_by_role("link", name="Glosas notificadas", exact=True).click()
    fila = page.locator("#tabla-glosas tr", has_text=f"Glosa {primera.numero}")
    assert f"{primera.vence_en:%d/%m/%Y}" in fila.inner_text() and "No leída" in fila.inner_text()
    screenshot(page, "empleador-glosas")
    fila.get_by_role("link").click()
    assert (
        page.locator("#ultimo-dia time").get_attribute("datetime") == f"{primera.vence_en:%Y-%m-%d}"
    )
    assert "día(s) hábil(es)" in page.locator("#cuenta-regresiva").inner_text()
    screenshot(page, "empleador-glosa")

    # Simulate a 12-month agreement for it.
    page.get_by_role("link", name="Simular un acuerdo de pagos parciales").click()
    page.wait_for_selector("#tabla-amortizacion")
    assert page.locator("#tabla-amortizacion tbody tr").count() == 12
    assert (
        page.locator("#total-capital").inner_text() == page.locator("#monto-simulado").inner_text()
    )
    screenshot(page, "empleador-simulador")

    # Challenge the other glosa with a PDF.
    page.goto(f"/empleador/glosas/{segunda.pk}/")
    page.get_by_role("link", name="Impugnar esta glosa").click()
    page.get_by_label("Fundamentos de la impugnación").fill(
        "La sucursal no tuvo trabajadores en el periodo; adjunto el aviso de salida."
    )
    page.get_by_label("Documento de sustento (JPG o PDF de hasta 1 MB)").set_input_files(
        files=[
            {
                "name": "aviso-salida.pdf",
                "mimeType": "application/pdf",
                "buffer": archivos.pdf_bytes(),
            }
        ]
    )
    screenshot(page, "empleador-impugnacion")
    page.get_by_role("button", name="Presentar la impugnación").click()
    page.wait_for_url(f"**/empleador/glosas/{segunda.pk}/")
    assert page.locator("#estado-glosa").inner_text() == "Impugnada"
    numero = Solicitud.objects.get(tramite__slug="impugnacion-de-glosa").numero
    assert numero in page.locator(".alert-success").inner_text()
    assert Glosa.objects.get(pk=segunda.pk).estado == Glosa.Estado.IMPUGNADA
    # The worker process routes the request to the province's cartera unit.
    wait_for(
        lambda: Solicitud.objects.filter(numero=numero, unidad__codigo="17-cartera").exists(),
        message="el worker no enrutó la impugnación",
    )

    # Download and verify the certificate (public page).
    page.get_by_role("link", name="Certificado de cumplimiento").click()
    page.get_by_label("RUC o cédula del empleador").fill(empleador.identificacion)
    page.get_by_role("button", name="Emitir el certificado").click()
    assert page.locator("#estado-certificado").inner_text() == "En mora"
    codigo = page.locator("#codigo-certificado").inner_text()
    pdf = _descargar(
        page, lambda: page.get_by_role("link", name="Descargar el certificado (PDF)").click()
    )
    assert pdf.startswith(b"%PDF")
    screenshot(page, "certificado-emitido")
    page.get_by_role("link", name="Verificar el certificado").click()
    assert codigo in page.content() and "En mora" in page.content()
    assert CertificadoCumplimiento.objects.get().documento.codigo == codigo
    # ...and delivers the e-mail telling the employer a certificate was issued.
    wait_for(
        lambda: Correo.objects.filter(
            asunto__icontains="certificado", estado=Correo.Estado.ENVIADO
        ).exists(),
        message="el worker no envió el aviso del certificado",
    )
    screenshot(page, "certificado-verificado")

    # Authorize an accountant and download the authorization.
    page.goto("/empleador/autorizaciones/")
    page.get_by_label("Cédula de la persona autorizada").fill(CONTADOR)
    page.get_by_label("Nombres y apellidos").fill("Carlos Andrés Contador Ruiz")
    page.get_by_label("Correo electrónico de la persona autorizada").fill("contador@correo.test")
    page.get_by_label("Levantamiento de medidas cautelares").check()
    page.get_by_label("Vigente hasta").fill(f"{dt.date.today() + dt.timedelta(days=90):%Y-%m-%d}")
    page.get_by_role("button", name="Autorizar").click()
    fila = page.locator("#tabla-autorizaciones tr", has_text="Carlos Andrés Contador Ruiz")
    assert "Vigente" in fila.inner_text()
    autorizacion_pdf = _descargar(
        page, lambda: fila.get_by_role("link", name="Descargar PDF").click()
    )
    screenshot(page, "empleador-autorizacion")
    page.get_by_role("button", name="Cerrar sesión").click()
    page.wait_for_url("**/empleador/ingresar/")

    # The accountant files a levantamiento for the employer, attaching it.
    page.goto("/ventanilla/levantamiento-medidas-cautelares/?provincia=17")
    page.get_by_label("Fondos en una entidad financiera (retención de fondos)").check()
    page.get_by_label("Cédula", exact=True).check()
    page.locator("[name=identificacion]").fill(CONTADOR)
    page.locator("[name=nombre]").fill("Carlos Andrés Contador Ruiz")
    page.locator("[name=email]").fill("contador@correo.test")
    page.locator("[name=email_confirmacion]").fill("contador@correo.test")
    page.locator("[name=celular]").fill("0991234567")
    page.locator("[name=direccion]").fill("Av. Amazonas N34-120, Quito")
    page.get_by_label("Tercero autorizado").check()
    page.locator("[name=empleador_identificacion]").fill(empleador.identificacion)
    page.locator("[name=empleador_razon_social]").fill(empleador.razon_social)
    page.get_by_label("Anulados", exact=True).check()
    page.locator("[name=detalle]").fill("Solicito el levantamiento de la retención de fondos.")
    for etiqueta, nombre, contenido in [
        ("Solicitud de levantamiento de medidas cautelares", "carta.pdf", archivos.pdf_bytes()),
        ("Certificado de retención de fondos", "retencion.pdf", archivos.pdf_bytes()),
        ("Autorización a terceros", "autorizacion.pdf", autorizacion_pdf),
    ]:
        page.locator(".requisito-slot", has_text=etiqueta).locator(
            "input[type=file]"
        ).set_input_files(
            files=[{"name": nombre, "mimeType": "application/pdf", "buffer": contenido}]
        )
    page.get_by_label("Declaro que la información es verdadera", exact=False).check()
    screenshot(page, "tercero-levantamiento")
    page.get_by_role("button", name="Enviar solicitud").click()
    page.wait_for_url("**/ventanilla/recibida/**")
    solicitud = Solicitud.objects.get(tramite__slug="levantamiento-medidas-cautelares")
    assert solicitud.autorizacion == AutorizacionTercero.objects.get()
    assert solicitud.calidad == "tercero_autorizado"
    wait_for(
        lambda: Solicitud.objects.filter(pk=solicitud.pk, unidad__codigo="17-coactiva").exists(),
        message="el worker no enrutó el levantamiento",
    )
    screenshot(page, "tercero-levantamiento-recibida")
