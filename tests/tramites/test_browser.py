"""The Ventanilla in a real browser (Chromium), as a new user would use it."""

from __future__ import annotations

import pytest

from tests import archivos
from tests.conftest import screenshot, wait_for
from tests.tramites.conftest import CEDULA, RUC_EMPLEADOR
from tramites.models import Solicitud

pytestmark = pytest.mark.browser


def _llenar_datos(page) -> None:  # type: ignore[no-untyped-def]
    page.get_by_label("Cédula", exact=True).check()
    page.locator("[name=identificacion]").fill(CEDULA)
    page.locator("[name=nombre]").fill("María Fernanda Salazar Pérez")
    page.locator("[name=email]").fill("maria@empresa.test")
    page.locator("[name=email_confirmacion]").fill("maria@empresa.test")
    page.locator("[name=celular]").fill("0991234567")
    page.locator("[name=direccion]").fill("Av. Amazonas N34-120, Quito")
    page.get_by_label("Representante legal").check()
    page.locator("[name=empleador_identificacion]").fill(RUC_EMPLEADOR)
    page.locator("[name=empleador_razon_social]").fill("Comercial Andina S.A.")
    page.get_by_label("Pagados en su totalidad (cancelados)").check()
    page.get_by_label("Número del título de crédito cancelado").fill("TC-17-2024-000981")
    page.locator("[name=detalle]").fill(
        "Solicito el levantamiento de la prohibición de enajenar del predio 12345 (Quito)."
    )


def _adjuntar(page, etiqueta: str, nombre: str, tipo: str, contenido: bytes) -> None:  # type: ignore[no-untyped-def]
    page.locator(".requisito-slot", has_text=etiqueta).locator("input[type=file]").set_input_files(
        files=[{"name": nombre, "mimeType": tipo, "buffer": contenido}]
    )


def test_a_new_user_files_a_levantamiento_and_looks_it_up(journey) -> None:  # type: ignore[no-untyped-def]
    page = journey
    page.goto("/ventanilla/")
    page.locator("select[name=provincia]").select_option(label="Pichincha")
    page.locator("select[name=tramite]").select_option(label="Levantamiento de medidas cautelares")
    page.get_by_role("button", name="Continuar").click()
    page.wait_for_url("**/ventanilla/levantamiento-medidas-cautelares/**")

    hipotecas = page.locator("#form-solicitud [data-reveal-when='medidas=inmueble']")
    assert hipotecas.is_hidden()  # conditional slot hidden until it applies
    assert page.locator("[data-reveal-when='calidad=tercero_autorizado']").is_hidden()
    screenshot(page, "ventanilla-formulario-vacio")
    page.get_by_label("Un bien inmueble (prohibición de enajenar)").check()
    assert hipotecas.is_visible()  # revealed in place
    assert page.locator("[data-reveal-when='medidas=vehiculo']").is_hidden()

    _llenar_datos(page)
    _adjuntar(
        page,
        "Solicitud de levantamiento de medidas cautelares",
        "carta-firmada.pdf",
        "application/pdf",
        archivos.pdf_bytes(),
    )
    _adjuntar(
        page,
        "Certificado de hipotecas y gravámenes",
        "certificado.jpg",
        "image/jpeg",
        archivos.jpeg_bytes(),
    )
    page.get_by_label("Declaro que la información es verdadera", exact=False).check()
    screenshot(page, "ventanilla-formulario-lleno")
    page.get_by_role("button", name="Enviar solicitud").click()

    page.wait_for_url("**/ventanilla/recibida/**")
    numero = page.locator("#numero-tramite").inner_text()
    assert numero.startswith("VV-17-") and numero.endswith("000001")
    assert page.get_by_text("certificado.jpg").is_visible()
    # The worker process routes it; the filer sees that by looking again.
    wait_for(
        lambda: Solicitud.objects.filter(numero=numero, estado="asignada").exists(),
        message="el worker no enrutó la solicitud",
    )
    assert Solicitud.objects.get(numero=numero).unidad.codigo == "17-coactiva"
    page.reload()
    assert (
        "Unidad Provincial de Gestión de Coactiva de Pichincha"
        in page.locator("#estado-solicitud").inner_text()
    )
    screenshot(page, "ventanilla-recibida")

    page.get_by_role("link", name="Consultar el estado").click()
    page.locator("[name=numero]").fill(numero)
    page.locator("[name=identificacion]").fill(CEDULA)
    page.get_by_role("button", name="Consultar").click()
    assert page.locator("#estado-solicitud").inner_text() == "Asignada a la unidad"
    assert "Pichincha" in page.locator("#unidad-solicitud").inner_text()
    screenshot(page, "consulta-estado")


def test_the_form_works_without_javascript(browser, live_server) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        locale="es-EC",
        timezone_id="America/Guayaquil",
        base_url=live_server.url,
        java_script_enabled=False,
    )
    page = context.new_page()
    try:
        page.goto("/ventanilla/levantamiento-medidas-cautelares/?provincia=17")
        # Every slot is there, each saying when it applies.
        assert page.locator(
            ".requisito-slot", has_text="Certificado del historial vehicular"
        ).is_visible()
        assert page.locator(".requisito-slot", has_text="Autorización a terceros").is_visible()
        page.get_by_label("Un bien inmueble (prohibición de enajenar)").check()
        _llenar_datos(page)
        _adjuntar(
            page,
            "Solicitud de levantamiento de medidas cautelares",
            "carta.pdf",
            "application/pdf",
            archivos.pdf_bytes(),
        )
        # A disguised file is refused next to its slot, with the rest of the form kept.
        _adjuntar(
            page,
            "Certificado de hipotecas y gravámenes",
            "certificado.jpg",
            "image/jpeg",
            archivos.png_bytes(),
        )
        page.get_by_label("Declaro que la información es verdadera", exact=False).check()
        page.get_by_role("button", name="Enviar solicitud").click()
        assert page.get_by_text(
            "«certificado.jpg» (Certificado de hipotecas y gravámenes)"
        ).first.is_visible()
        assert page.locator("[name=nombre]").input_value() == ("María Fernanda Salazar Pérez")
        screenshot(page, "ventanilla-sin-javascript-error")
        _adjuntar(
            page,
            "Solicitud de levantamiento de medidas cautelares",
            "carta.pdf",
            "application/pdf",
            archivos.pdf_bytes(),
        )
        _adjuntar(
            page,
            "Certificado de hipotecas y gravámenes",
            "certificado.jpg",
            "image/jpeg",
            archivos.jpeg_bytes(),
        )
        page.get_by_role("button", name="Enviar solicitud").click()
        page.wait_for_url("**/ventanilla/recibida/**")
        assert page.locator("#numero-tramite").inner_text().startswith("VV-17-")
        screenshot(page, "ventanilla-sin-javascript-recibida")
    finally:
        context.close()
