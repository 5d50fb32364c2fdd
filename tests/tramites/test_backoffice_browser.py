"""The levantamiento from payment to verifiable oficio, in a real browser (Chromium)
with a real Celery worker: the last título of a process is paid and the worker renders
the oficios, which are not in force until Pichincha's Director Provincial opens them in
the signing queue of the admin and signs them; the employer finds the trámite in the
catalogue and files the levantamiento in the Ventanilla Virtual; Pichincha's coactiva
unit takes it, asks for a clearer certificate, the filer uploads it, the unit approves,
and the filer downloads the signed oficios de levantamiento and verifies one by its
code."""

from __future__ import annotations

import re

import pytest

from core.models import Correo, DocumentoVerificable
from tests import archivos
from tests.coactiva.test_levantamiento import pagar_todo
from tests.conftest import screenshot, wait_for
from tests.factories import PASSWORD, ROLE, EmpleadorFactory, JuicioCoactivoFactory, staff
from tests.tramites.conftest import CEDULA, RUC_EMPLEADOR
from tests.tramites.test_browser import _adjuntar, _llenar_datos
from tramites.models import Solicitud

pytestmark = pytest.mark.browser


def _accion(page, numero: str, accion: str) -> None:  # type: ignore[no-untyped-def]
    page.goto("/admin/tramites/solicitud/")
    fila = page.locator("#result_list tbody tr", has_text=numero)
    fila.locator("input.action-select").check()
    page.locator("select[name=action]").select_option(accion)
    page.locator("button[name=index]").first.click()
    page.wait_for_load_state()


def test_coactiva_attends_a_levantamiento_from_filing_to_the_verifiable_result(journey) -> None:  # type: ignore[no-untyped-def]
    from playwright.sync_api import expect

    page = journey
    staff(ROLE.ANALISTA_CARTERA, "17-coactiva", username="analista.coactiva")
    # The employer's process had measures at a bank, a Registro de la Propiedad and the
    # ANT; its only título is paid, so the worker already issued the oficios.
    juicio = JuicioCoactivoFactory(
        con_medidas=True, n_titulos=1, empleador=EmpleadorFactory(identificacion=RUC_EMPLEADOR)
    )
    pagar_todo(juicio.titulos.get())
    wait_for(
        lambda: (
            DocumentoVerificable.objects.filter(tipo="oficio_levantamiento")
            .exclude(archivo="")
            .count()
            == 3
        ),
        message="el worker no generó los oficios de levantamiento",
    )

    # Rendered, the oficios wait for the Director Provincial: not in force yet.
    pendiente = DocumentoVerificable.objects.filter(tipo="oficio_levantamiento").first()
    page.goto(f"/verificar/{pendiente.codigo}/")
    expect(page.get_by_text("Documento pendiente de firma")).to_be_visible()
    staff(
        ROLE.DIRECTOR_PROVINCIAL,
        "17-direccion",
        username="directora.17",
        first_name="Gabriela",
        last_name="Mena",
    )
    despacho = page.context.browser.new_context(
        locale="es-EC", base_url=page.url.split("/verificar")[0]
    )
    firma = despacho.new_page()
    firma.goto("/admin/login/?next=/admin/coactiva/oficioporfirmar/")
    firma.locator("[name=username]").fill("directora.17")
    firma.locator("[name=password]").fill(PASSWORD)
    firma.locator("[type=submit]").click()
    firma.wait_for_url("**/admin/coactiva/oficioporfirmar/")
    filas = firma.locator("#result_list tbody tr")
    expect(filas).to_have_count(3)
    expect(filas.first).to_contain_text(juicio.numero)
    expect(filas.first).to_contain_text("0 días hábiles")
    screenshot(firma, "firma-cola")
    # She reads each oficio before signing it (the link opens the PDF).
    enlace = filas.first.get_by_role("link", name="Abrir el PDF")
    pdf = firma.request.get(enlace.get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    firma.locator("#action-toggle").check()
    firma.locator("select[name=action]").select_option("firmar")
    firma.locator("button[name=index]").first.click()
    expect(firma.get_by_text("Va a firmar 3 oficios")).to_be_visible()
    firma.get_by_label("Revisé los oficios y los firmo").check()
    screenshot(firma, "firma-confirmar")
    firma.get_by_role("button", name="Firmar").click()
    expect(firma.get_by_text("firmado y en vigor")).to_have_count(3)
    expect(firma.locator("#result_list")).to_have_count(0)  # the queue is empty
    despacho.close()

    # The filer finds the trámite in the catalogue and starts it in the Ventanilla.
    page.goto("/tramites/")
    page.get_by_label("Buscar").fill("medidas cautelares")
    page.get_by_role("button", name="Filtrar").click()
    page.get_by_role("link", name="Levantamiento de medidas cautelares").click()
    page.wait_for_url("**/tramites/levantamiento-medidas-cautelares/")
    screenshot(page, "catalogo-levantamiento")
    page.get_by_role("link", name="Iniciar este trámite en la Ventanilla Virtual").click()
    page.wait_for_url("**/ventanilla/levantamiento-medidas-cautelares/")
    page.locator("select[name=provincia]").select_option(label="Pichincha")
    page.get_by_label("Un bien inmueble (prohibición de enajenar)").check()
    _llenar_datos(page)
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
        "certificado-borroso.jpg",
        "image/jpeg",
        archivos.jpeg_bytes(),
    )
    page.get_by_label("Declaro que la información es verdadera", exact=False).check()
    page.get_by_role("button", name="Enviar solicitud").click()
    page.wait_for_url("**/ventanilla/recibida/**")
    numero = page.locator("#numero-tramite").inner_text()
    wait_for(
        lambda: Solicitud.objects.filter(numero=numero, estado="asignada").exists(),
        message="el worker no enrutó la solicitud",
    )

    # Staff of Pichincha's coactiva unit log in and take it from their queue.
    page.goto("/admin/login/?next=/admin/tramites/solicitud/")
    page.locator("[name=username]").fill("analista.coactiva")
    page.locator("[name=password]").fill(PASSWORD)
    page.locator("[type=submit]").click()
    page.wait_for_url("**/admin/tramites/solicitud/")
    fila = page.locator("#result_list tbody tr", has_text=numero)
    assert "A tiempo" in fila.inner_text()
    screenshot(page, "backoffice-cola")
    _accion(page, numero, "tomar")
    expect(page.get_by_text("Tomó 1 solicitud(es).")).to_be_visible()
    fila = page.locator("#result_list tbody tr", has_text=numero)
    expect(fila).to_contain_text("En atención")
    expect(fila).to_contain_text("analista.coactiva")

    # They open the certificate inline, then ask for a clearer one from a template.
    page.locator("#result_list a", has_text=numero).click()
    with page.expect_popup() as popup:
        page.get_by_role("link", name="ver certificado-borroso.jpg").click()
    visor = popup.value
    visor.wait_for_load_state()
    assert visor.locator("img").count() == 1  # the JPEG shown in the browser
    visor.close()
    screenshot(page, "backoffice-solicitud")
    page.get_by_role("button", name="Pedir documentos…").click()  # on the request's page
    page.locator("select[name=plantilla]").select_option(label="Documento ilegible")
    page.locator("[name=mensaje]").fill(
        "El certificado de hipotecas y gravámenes de {numero} está borroso. Cargue un "
        "certificado legible, escaneado completo."
    )
    screenshot(page, "backoffice-pedir-documentos")
    page.get_by_role("button", name="Confirmar").click()
    expect(page.get_by_text("se pidieron documentos")).to_be_visible()

    # The filer follows the e-mail's link and uploads the clearer certificate.
    correo = Correo.objects.filter(asunto__contains=numero, evento="tramites.estado").latest(
        "creado_en"
    )
    enlace = re.search(r"/consulta/subsanar/\?numero=\S+", correo.cuerpo_texto)
    assert enlace is not None and f"{numero} está borroso" in correo.cuerpo_texto
    filer = page.context.browser.new_context(locale="es-EC", base_url=page.url.split("/admin")[0])
    subsanar = filer.new_page()
    subsanar.goto(enlace.group(0))
    assert subsanar.locator("[name=numero]").input_value() == numero
    subsanar.locator("[name=identificacion]").fill(CEDULA)
    subsanar.locator("[name=archivo_1]").set_input_files(
        files=[
            {
                "name": "certificado-legible.jpg",
                "mimeType": "image/jpeg",
                "buffer": archivos.jpeg_bytes(),
            }
        ]
    )
    screenshot(subsanar, "subsanar-formulario")
    subsanar.get_by_role("button", name="Enviar documentos").click()
    expect(subsanar.get_by_text("Recibimos sus documentos")).to_be_visible()
    expect(subsanar.locator("#estado-solicitud")).to_have_text("En atención")

    # Back in the queue, marked; staff approve it with the reason.
    page.goto("/admin/tramites/solicitud/?asignado=yo")
    fila = page.locator("#result_list tbody tr", has_text=numero)
    assert "(subsanada)" in fila.inner_text()
    screenshot(page, "backoffice-cola-subsanada")
    _accion(page, numero, "aprobar")
    page.locator("[name=motivo]").fill(
        "Los títulos de crédito del proceso están cancelados; se dispone el levantamiento."
    )
    page.get_by_role("button", name="Confirmar").click()
    expect(page.get_by_text("se notificó al solicitante")).to_be_visible()

    # The filer sees the result on /consulta/ and downloads it; its QR code verifies.
    subsanar.goto("/consulta/")
    subsanar.locator("[name=numero]").fill(numero)
    subsanar.locator("[name=identificacion]").fill(CEDULA)
    subsanar.get_by_role("button", name="Consultar").click()
    expect(subsanar.locator("#estado-solicitud")).to_have_text("Atendida")
    boton = subsanar.get_by_role("button", name=re.compile("Descargar «"))
    assert boton.count() >= 1
    screenshot(subsanar, "consulta-resultado")
    with subsanar.expect_download() as descarga:
        boton.first.click()
    assert descarga.value.suggested_filename.endswith(".pdf")
    # The result is coactiva's oficios, one per entity, each verifiable by its code.
    solicitud = Solicitud.objects.get(numero=numero)
    resultados = list(solicitud.documentos.filter(origen="resultado"))
    assert boton.count() == len(resultados) == 3
    oficio = DocumentoVerificable.objects.get(sha256=resultados[0].sha256)
    assert oficio.tipo == "oficio_levantamiento"
    subsanar.goto(f"/verificar/{oficio.codigo}/")
    expect(subsanar.get_by_text("Documento auténtico y vigente")).to_be_visible()
    assert juicio.numero in subsanar.content() and "Gabriela Mena" in subsanar.content()
    screenshot(subsanar, "verificar-oficio")
    filer.close()
