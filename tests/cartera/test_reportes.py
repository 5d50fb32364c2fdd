"""Management reports: scoped, exportable, and a fixed number of queries whatever the
data size."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from cartera import batch, services
from cartera.models import Glosa
from core import roles
from core.models import EventoAuditoria
from tests.factories import EmpleadorFactory, GlosaFactory, PlanillaFactory, staff

pytestmark = pytest.mark.django_db
REPORTES = [
    "/cartera/reportes/",
    "/cartera/reportes/mora/",
    "/cartera/reportes/antiguedad/",
    "/cartera/reportes/cambios/",
]


def cartera(n: int) -> None:
    """n employers per province of Pichincha and Guayas, with obligations in every
    state: planillas in mora, glosas EMITIDA / NOTIFICADA / IMPUGNADA / VENCIDA,
    títulos EMITIDO and CANCELADO, state changes this month."""
    hoy = timezone.localdate()
    for i in range(n):
        for guayas in (False, True):
            empleador = EmpleadorFactory(guayas=guayas)
            hace = [hoy.replace(day=1) - dt.timedelta(days=31 * k) for k in (2, 4, 8, 14)]
            PlanillaFactory(empleador=empleador, periodo=hace[0].replace(day=1))
            GlosaFactory(planilla__empleador=empleador, planilla__periodo=hace[1].replace(day=1))
            notificada = GlosaFactory(
                planilla__empleador=empleador,
                planilla__periodo=hace[2].replace(day=1),
                notificada=True,
                notificada_el=hoy - dt.timedelta(days=2),
            )
            if i % 2:
                services.impugnacion_registrar(
                    glosa=notificada, presentada_el=hoy - dt.timedelta(days=1), fundamentos="x"
                )
            vencida = GlosaFactory(
                planilla__empleador=empleador,
                planilla__periodo=hace[3].replace(day=1),
                vencida=True,
                notificada_el=hoy - dt.timedelta(days=40),
            )
            titulo = services.titulo_emitir(glosas=[vencida])
            if i % 3 == 0:
                services.titulo_anular(titulo=titulo, motivo="error_evidente", detalle="x")


@pytest.fixture
def director(client: Client) -> Client:
    client.force_login(staff(roles.DIRECTOR_PROVINCIAL, "17-direccion"))
    return client


@pytest.fixture
def supervisor(client: Client) -> Client:
    client.force_login(staff(roles.SUPERVISOR_NACIONAL, "nacional-recaudacion"))
    return client


@pytest.mark.parametrize("ruta", REPORTES)
def test_reports_issue_the_same_number_of_queries_at_any_size(
    supervisor: Client, django_assert_num_queries, ruta: str
) -> None:  # type: ignore[no-untyped-def]
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cartera(1)
    supervisor.get(ruta)  # the first request of a session writes it
    with CaptureQueriesContext(connection) as pequeno:
        assert supervisor.get(ruta).status_code == 200
    assert len(pequeno) <= 14, [q["sql"][:80] for q in pequeno.captured_queries]
    cartera(6)  # seven times the rows, in every state
    with django_assert_num_queries(len(pequeno)):
        assert supervisor.get(ruta).status_code == 200


def test_downloads_and_provincial_views_also_issue_a_fixed_number_of_queries(
    client: Client,
) -> None:
    """The CSV/XLSX downloads and the pages as a Director Provincial and a head of unit
    see them, at two data sizes (the previous test covers the national pages)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    usuarios = [
        staff(roles.SUPERVISOR_NACIONAL, "nacional-recaudacion"),
        staff(roles.DIRECTOR_PROVINCIAL, "17-direccion"),
        staff(roles.JEFE_UNIDAD, "17-cartera"),
    ]
    rutas = [
        *REPORTES[1:],
        *(f"{r}?formato={f}" for r in REPORTES[1:] for f in ("csv", "xlsx")),
    ]

    def consultas() -> dict[tuple[str, str], int]:
        conteo = {}
        for usuario in usuarios:
            client.force_login(usuario)
            for ruta in rutas:
                client.get(ruta)  # the first request of a session writes it
                with CaptureQueriesContext(connection) as capturadas:
                    respuesta = client.get(ruta)
                    if respuesta.streaming:
                        b"".join(respuesta.streaming_content)
                assert respuesta.status_code == 200, (usuario.username, ruta)
                conteo[usuario.username, ruta] = len(capturadas)
        return conteo

    cartera(1)
    pequeno = consultas()
    cartera(6)
    assert consultas() == pequeno
    assert max(pequeno.values()) <= 16, pequeno


def test_mora_report_adds_up_by_state_and_province(supervisor: Client) -> None:
    cartera(2)
    html = supervisor.get("/cartera/reportes/mora/").content.decode()
    assert "Total nacional" in html and "Pichincha" in html and "Guayas" in html
    assert 'role="img"' in html  # the SVG chart
    respuesta = supervisor.get("/cartera/reportes/mora/?formato=xlsx")
    hoja = load_workbook(io.BytesIO(respuesta.content)).active
    filas = {fila[0]: fila for fila in hoja.iter_rows(values_only=True)}
    # Per province and employer: a planilla in mora, two open glosas (emitida and
    # notificada or impugnada; the vencida one became a título), one título (the first
    # employer's was annulled).
    assert filas["Pichincha"][1] == 2 and filas["Guayas"][1] == 2
    assert filas["Pichincha"][3] == 4 and filas["Pichincha"][5] == 1
    assert filas["Total nacional"][1] == 4 and filas["Total nacional"][5] == 2
    assert EventoAuditoria.objects.filter(accion="cartera.reporte_exportado").count() == 1


def test_a_province_sees_only_its_own_figures(director: Client) -> None:
    cartera(1)
    for ruta in REPORTES[1:]:
        html = director.get(ruta).content.decode()
        assert "Guayas" not in html, ruta
    cuerpo = b"".join(director.get("/cartera/reportes/mora/?formato=csv").streaming_content)
    texto = cuerpo.decode("utf-8")
    assert "Pichincha" in texto and "Guayas" not in texto and "Total nacional" not in texto
    # A province's director cannot ask for another province either.
    html = director.get("/cartera/reportes/antiguedad/?provincia=09").content.decode()
    assert "Guayas" not in html


def test_aging_buckets_by_days_since_the_due_date(supervisor: Client) -> None:
    hoy = timezone.localdate()
    for dias in (5, 45, 120, 200, 400):
        vence = hoy - dt.timedelta(days=dias)
        PlanillaFactory(
            fecha_vencimiento=vence,
            periodo=(vence.replace(day=1) - dt.timedelta(days=1)).replace(day=1),
            mora_desde=vence + dt.timedelta(days=1),
            intereses_hasta=vence,
        )
    from cartera.selectors import antiguedad

    reporte = antiguedad(user=staff(roles.AUDITOR, "nacional-recaudacion", username="aud"))
    planillas = dict(reporte.filas)["Planillas en mora"]
    assert [c.cantidad for c in planillas] == [1, 1, 1, 1, 1]


def test_state_changes_of_the_month(supervisor: Client) -> None:
    PlanillaFactory(periodo=dt.date(2026, 1, 1))
    batch.glosas_generar(hoy=dt.date(2026, 3, 2), notificar=True, avisar=False)
    html = supervisor.get("/cartera/reportes/cambios/").content.decode()
    assert "Pendiente de pago" in html and "Glosada" in html and "Notificada" in html
    vacio = supervisor.get("/cartera/reportes/cambios/?mes=2020-01").content.decode()
    assert "No hubo cambios de estado" in vacio
    malo = supervisor.get("/cartera/reportes/cambios/?mes=enero")
    assert malo.status_code == 200 and "Ingrese el mes como AAAA-MM." in malo.content.decode()
    assert Glosa.objects.filter(estado="notificada").count() == 1
    # Both downloads carry the same rows (the XLSX one used to fail on the state labels).
    respuesta = supervisor.get("/cartera/reportes/cambios/?formato=xlsx")
    assert respuesta.status_code == 200
    hoja = load_workbook(io.BytesIO(respuesta.content)).active
    filas = list(hoja.iter_rows(values_only=True))
    assert filas[0] == ("Obligación", "De", "A", "Cantidad")
    assert ("Planilla", "Pendiente de pago", "Glosada", 1) in filas
    assert ("Glosa", "Emitida", "Notificada", 1) in filas
    texto = b"".join(supervisor.get("/cartera/reportes/cambios/?formato=csv").streaming_content)
    assert "Planilla,Pendiente de pago,Glosada,1" in texto.decode("utf-8-sig")


@pytest.mark.parametrize("ruta", REPORTES)
def test_reports_need_staff_with_the_permission(client: Client, ruta: str) -> None:
    assert client.get(ruta).status_code == 302  # to the login
    client.force_login(staff(roles.SECRETARIO_ABOGADO, "17-coactiva"))
    assert client.get(ruta).status_code == 403
    empleador = EmpleadorFactory()
    from tests.factories import empleador_user

    client.force_login(empleador_user(empleador))
    assert client.get(ruta).status_code == 403
