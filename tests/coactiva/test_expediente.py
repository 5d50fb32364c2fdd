"""The expediente: one PDF, cover and index, every document in order, each page
stamped with its folio (C.D. 497 3.5.3 a); staff only, in scope."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from pypdf import PdfReader
from reportlab.pdfgen import canvas

from coactiva import services
from coactiva.models import Actuacion
from core import roles
from core.models import EventoAuditoria
from tests.factories import JuicioCoactivoFactory, SecretarioAbogadoFactory, staff

pytestmark = pytest.mark.django_db


def pdf_de(paginas: int) -> bytes:
    buffer = io.BytesIO()
    lienzo = canvas.Canvas(buffer)
    for i in range(paginas):
        lienzo.drawString(100, 700, f"Escrito del coactivado, hoja {i + 1}")
        lienzo.showPage()
    lienzo.save()
    return buffer.getvalue()


def test_page_count_and_folio_stamps_match_the_documents(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    services.actuacion_registrar(
        juicio=juicio,
        tipo=Actuacion.Tipo.ESCRITO,
        descripcion="Escrito de excepciones del coactivado.",
        pdf=pdf_de(3),
    )
    actuaciones = list(juicio.actuaciones.order_by("numero"))
    # Folios run on without gaps, a three-page document takes three.
    esperado = 1
    for a in actuaciones:
        assert a.folio_desde == esperado
        esperado += a.paginas
    escrito = actuaciones[-1]
    assert (escrito.folio_desde, escrito.folio_hasta) == (esperado - 3, esperado - 1)
    fojas = esperado - 1

    client.force_login(juicio.secretario.usuario)
    respuesta = client.get(f"/coactiva/procesos/{juicio.pk}/expediente/")
    assert respuesta.status_code == 200 and respuesta["Content-Type"] == "application/pdf"
    paginas = PdfReader(io.BytesIO(respuesta.content)).pages
    textos = [" ".join(p.extract_text().split()) for p in paginas]
    portada = [t for t in textos if "Índice" in t]
    assert portada and juicio.numero in textos[0]
    sin_folio = len(paginas) - fojas
    assert sin_folio == len(portada)  # cover + index are the only unnumbered pages
    for folio, texto in enumerate(textos[sin_folio:], start=1):
        assert re.findall(r"Folio (\d+)", texto) == [str(folio)]
    # The escrito's pages are where the index says.
    for n in range(3):
        assert f"hoja {n + 1}" in textos[sin_folio + escrito.folio_desde - 1 + n]
    assert EventoAuditoria.objects.filter(accion="coactiva.expediente").count() == 1


def test_a_lawyer_cannot_open_another_lawyers_process(client: Client) -> None:
    propio = JuicioCoactivoFactory()
    otra = SecretarioAbogadoFactory()
    ajeno = JuicioCoactivoFactory()
    assert ajeno.secretario_id == otra.pk != propio.secretario_id
    abogado = propio.secretario.usuario
    client.force_login(abogado)
    assert client.get(f"/coactiva/procesos/{propio.pk}/expediente/").status_code == 200
    assert client.get(f"/coactiva/procesos/{ajeno.pk}/expediente/").status_code == 404
    assert client.get(f"/admin/coactiva/juiciocoactivo/{ajeno.pk}/change/").status_code in (
        302,
        404,
    )
    assert client.get(f"/admin/coactiva/juiciocoactivo/{propio.pk}/change/").status_code == 200
    lista = client.get("/admin/coactiva/juiciocoactivo/").content.decode()
    assert propio.numero in lista and ajeno.numero not in lista
    # Their head of unit sees both.
    client.force_login(staff(roles.JEFE_UNIDAD, "17-coactiva"))
    lista = client.get("/admin/coactiva/juiciocoactivo/").content.decode()
    assert propio.numero in lista and ajeno.numero in lista


def test_staff_of_another_unit_and_employers_cannot(client: Client) -> None:
    juicio = JuicioCoactivoFactory()
    client.force_login(staff(roles.JEFE_UNIDAD, "09-coactiva"))
    assert client.get(f"/coactiva/procesos/{juicio.pk}/expediente/").status_code == 404
    assert client.get(f"/admin/coactiva/juiciocoactivo/{juicio.pk}/change/").status_code in (
        302,
        404,
    )
    assert juicio.numero not in client.get("/admin/coactiva/juiciocoactivo/").content.decode()
    client.force_login(staff(roles.ANALISTA_CARTERA, "17-cartera"))
    assert client.get(f"/coactiva/procesos/{juicio.pk}/expediente/").status_code == 403
    client.logout()
    assert client.get(f"/coactiva/procesos/{juicio.pk}/expediente/").status_code == 302


def test_the_oficios_of_the_levantamiento_are_foliated_where_the_index_says(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    """Once the Director signs them, the expediente holds each oficio's signed PDF: the
    file has the cover plus one page per recorded foja, stamped 1..n in order, and
    each oficio's first page carries its verification code and the signature under
    the folio recorded for it."""
    from tests.coactiva.test_levantamiento import firmar_todo, pagar_todo

    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    with django_capture_on_commit_callbacks(execute=True):
        pagar_todo(juicio.titulos.get())
    assert not juicio.actuaciones.filter(documento__isnull=False).exists()  # not signed yet
    firmar_todo(juicio)
    actuaciones = list(juicio.actuaciones.select_related("documento").order_by("numero"))
    oficios = [a for a in actuaciones if a.documento_id]
    assert len(oficios) == 3
    fojas = actuaciones[-1].folio_hasta
    assert fojas == sum(a.paginas for a in actuaciones)
    client.force_login(staff(roles.JEFE_UNIDAD, "17-coactiva"))
    paginas = PdfReader(
        io.BytesIO(client.get(f"/coactiva/procesos/{juicio.pk}/expediente/").content)
    ).pages
    textos = [" ".join(p.extract_text().split()) for p in paginas]
    portada = len(paginas) - fojas
    assert portada >= 1 and not any(re.search(r"Folio \d", t) for t in textos[:portada])
    for folio, texto in enumerate(textos[portada:], start=1):
        assert re.findall(r"Folio (\d+)", texto) == [str(folio)]
    for a in oficios:
        assert a.documento.codigo in textos[portada + a.folio_desde - 1]
        assert "FIRMADO POR" in textos[portada + a.folio_hasta - 1]
