"""Management reports: scoped, exportable, and a fixed number of queries whatever the
data size."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.formats import date_format
from openpyxl import load_workbook

from cartera import batch, services
from cartera.models import Glosa
from core import roles
from core.calendar import add_plazo
from core.models import EventoAuditoria
from tests.consultas import consultas_por_ruta
from tests.factories import EmpleadorFactory, GlosaFactory, PlanillaFactory, momento, staff

pytestmark = pytest.mark.django_db
REPORTES = [
    "/cartera/reportes/",
    "/cartera/reportes/mora/",
    "/cartera/reportes/antiguedad/",
    "/cartera/reportes/cambios/",
    "/cartera/reportes/impugnaciones/",
]
# The impugnaciones report opens on last month, where cartera() files nothing: it is
# left out of the query counts at two sizes of cartera(), and has its own test with
# impugnaciones() (test_impugnaciones_report_queries_do_not_grow_with_the_data).
CON_DATOS = [r for r in REPORTES if r != "/cartera/reportes/impugnaciones/"]


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


@pytest.mark.parametrize("ruta", CON_DATOS)
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
    usuarios = [
        staff(roles.SUPERVISOR_NACIONAL, "nacional-recaudacion"),
        staff(roles.DIRECTOR_PROVINCIAL, "17-direccion"),
        staff(roles.JEFE_UNIDAD, "17-cartera"),
    ]
    rutas = [
        *CON_DATOS[1:],
        *(f"{r}?formato={f}" for r in CON_DATOS[1:] for f in ("csv", "xlsx")),
    ]
    cartera(1)
    pequeno = consultas_por_ruta(client, [(u, rutas) for u in usuarios])
    cartera(6)
    assert consultas_por_ruta(client, [(u, rutas) for u in usuarios]) == pequeno
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
    # A month still to come is refused as in the impugnaciones report, not shown empty.
    este = timezone.localdate().replace(day=1)
    futuro = supervisor.get(f"/cartera/reportes/cambios/?mes={add_plazo(este, months=1):%Y-%m}")
    html = futuro.content.decode()
    assert futuro.status_code == 200 and "El mes no puede ser posterior al actual." in html
    assert f"Cambios de estado de {date_format(este, MES)}" in html
    assert f'max="{este:%Y-%m}"' in html
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


# --- Impugnaciones de glosas (C.D. 497, 2nd general disposition) ----------------------------


MES = r"F \d\e Y"  # «marzo de 2026», as the page heads it


def _impugnada(*, guayas: bool, notificada_el: dt.date, presentada_el: dt.date, **kwargs):  # type: ignore[no-untyped-def]
    glosa = GlosaFactory(
        planilla__empleador__guayas=guayas, notificada=True, notificada_el=notificada_el
    )
    return services.impugnacion_registrar(
        glosa=glosa,
        presentada_el=presentada_el,
        fundamentos="La planilla fue pagada a tiempo.",
        at=momento(kwargs.get("registrada_el", presentada_el)),
    )


def _resolver(impugnacion, *, aceptada: bool, el: dt.date) -> None:  # type: ignore[no-untyped-def]
    services.impugnacion_resolver(
        impugnacion=impugnacion,
        aceptada=aceptada,
        resolucion=f"CPPC-{impugnacion.pk}",
        resuelta_el=el,
        at=momento(el, 16),
    )


def _meses() -> tuple[dt.date, dt.date, dt.date]:
    """The month the report opens on (the previous one), the one before it and this one."""
    este = timezone.localdate().replace(day=1)
    return add_plazo(este, months=-1), add_plazo(este, months=-2), este


def impugnaciones(n: int) -> None:
    """Per province (Pichincha, Guayas) and n times, in the previous month M: one
    impugnación received and accepted (17 days), one received, registered two days late
    and rejected (21 days), one received and still pending; one received the month
    before M and resolved after M ended (pending at M's close); one received and
    resolved two months before M (outside M, in the trend only)."""
    mes, antes, este = _meses()
    for _ in range(n):
        for guayas in (False, True):
            dia = mes.replace
            aceptada = _impugnada(guayas=guayas, notificada_el=dia(day=2), presentada_el=dia(day=3))
            _resolver(aceptada, aceptada=True, el=dia(day=20))
            rechazada = _impugnada(
                guayas=guayas,
                notificada_el=dia(day=2),
                presentada_el=dia(day=4),
                registrada_el=dia(day=6),
            )
            _resolver(rechazada, aceptada=False, el=dia(day=25))
            _impugnada(guayas=guayas, notificada_el=dia(day=2), presentada_el=dia(day=5))
            previa = _impugnada(
                guayas=guayas,
                notificada_el=antes.replace(day=2),
                presentada_el=antes.replace(day=3),
            )
            _resolver(previa, aceptada=False, el=este)
            vieja_mes = add_plazo(antes, months=-1)
            vieja = _impugnada(
                guayas=guayas,
                notificada_el=vieja_mes.replace(day=2),
                presentada_el=vieja_mes.replace(day=3),
            )
            _resolver(vieja, aceptada=True, el=vieja_mes.replace(day=10))


def _hoja(client: Client, ruta: str) -> dict[str, tuple]:  # type: ignore[type-arg]
    respuesta = client.get(ruta)
    assert respuesta.status_code == 200
    hoja = load_workbook(io.BytesIO(respuesta.content)).active
    return {fila[0]: fila for fila in hoja.iter_rows(values_only=True)}


def test_impugnaciones_report_opens_on_last_month_with_its_figures_per_province(
    supervisor: Client,
) -> None:
    impugnaciones(1)
    mes, _, _ = _meses()
    indice = supervisor.get("/cartera/reportes/").content.decode()
    assert 'href="/cartera/reportes/impugnaciones/"' in indice
    html = supervisor.get("/cartera/reportes/impugnaciones/").content.decode()
    assert f"Impugnaciones de glosas de {date_format(mes, MES)}" in html
    assert "Pichincha" in html and "Guayas" in html and "Total nacional" in html
    assert 'role="img"' in html  # the chart of received vs resolved per month
    # The month picker shows that month, also when only a province was chosen.
    filtrado = supervisor.get("/cartera/reportes/impugnaciones/?provincia=17").content.decode()
    assert f'value="{mes:%Y-%m}"' in html and f'value="{mes:%Y-%m}"' in filtrado
    assert "USD 867,99" in html  # three glosas of USD 289,33 challenged in Pichincha

    filas = _hoja(supervisor, "/cartera/reportes/impugnaciones/?formato=xlsx")
    cierre = add_plazo(mes, months=1) - dt.timedelta(days=1)
    assert filas["Provincia"] == (
        "Provincia",
        "Recibidas",
        "Resueltas",
        "Aceptadas (glosa anulada)",
        "Rechazadas (término reiniciado)",
        f"Pendientes al {cierre:%d/%m/%Y}",
        "Capital impugnado",
        "Total registrado impugnado",
        "Días promedio hasta la resolución",
        "Días máximos hasta la resolución",
        "Registradas después del día de recepción",
    )
    # Received 3, resolved 2 (one accepted, one rejected), pending at the close 2 (the
    # one received this month and the one of the month before, resolved after it).
    pichincha = filas["Pichincha"]
    assert pichincha[1:6] == (3, 2, 1, 1, 2)
    assert pichincha[6] == pytest.approx(867.99)
    assert pichincha[8:11] == (19, 21, 1)  # (17 + 21) / 2 days; one registered late
    assert filas["Total nacional"][1:6] == (6, 4, 2, 2, 4)
    assert filas["Total nacional"][8:11] == (19, 21, 2)
    assert filas["Azuay"][1:6] == (0, 0, 0, 0, 0) and filas["Azuay"][8] is None
    evento = EventoAuditoria.objects.get(accion="cartera.reporte_exportado")
    assert evento.detalle["reporte"] == f"impugnaciones_{mes:%Y%m}"


def test_impugnaciones_report_of_another_month_trend_and_empty_state(supervisor: Client) -> None:
    impugnaciones(1)
    mes, antes, este = _meses()
    texto = b"".join(
        supervisor.get(
            f"/cartera/reportes/impugnaciones/?mes={antes:%Y-%m}&provincia=09&formato=csv"
        ).streaming_content
    ).decode("utf-8-sig")
    lineas = texto.splitlines()
    assert len(lineas) == 2 and lineas[1].startswith("Guayas,1,0,0,0,1,289.33,289.33,,,0")
    # The chart's table: per month, received and resolved, for the twelve months to M.
    from cartera.selectors import impugnaciones_del_mes

    reporte = impugnaciones_del_mes(
        user=staff(roles.AUDITOR, "nacional-recaudacion", username="aud"), mes=mes
    )
    assert len(reporte.tendencia) == 12 and reporte.tendencia[-1] == (mes, 6, 4)
    vieja = add_plazo(antes, months=-1)
    assert reporte.tendencia[-3:-1] == [(vieja, 2, 2), (antes, 2, 0)]

    vacio = supervisor.get("/cartera/reportes/impugnaciones/?mes=2020-01").content.decode()
    assert "No hubo impugnaciones recibidas, resueltas ni pendientes en enero de 2020" in vacio
    assert "No hay impugnaciones en los doce meses" in vacio and 'role="img"' not in vacio
    futuro = supervisor.get(
        f"/cartera/reportes/impugnaciones/?mes={add_plazo(este, months=1):%Y-%m}"
    )
    assert "El mes no puede ser posterior al actual." in futuro.content.decode()


def test_impugnaciones_value_stays_what_was_challenged_after_later_payments(
    supervisor: Client,
) -> None:
    """A payment on a glosa after its challenge was rejected liquidates interest on the
    glosa; last month's report must still show what was challenged."""
    mes, _, _ = _meses()
    glosa = GlosaFactory(notificada=True, notificada_el=mes.replace(day=2))
    impugnacion = services.impugnacion_registrar(
        glosa=glosa,
        presentada_el=mes.replace(day=3),
        fundamentos="x",
        at=momento(mes.replace(day=3)),
    )
    _resolver(impugnacion, aceptada=False, el=mes.replace(day=10))
    antes = _hoja(supervisor, "/cartera/reportes/impugnaciones/?formato=xlsx")["Pichincha"]
    services.pago_registrar(
        obligacion=glosa, monto=Decimal("10.00"), fecha=timezone.localdate(), canal="pago_en_linea"
    )
    glosa.refresh_from_db()
    assert glosa.intereses > 0  # the payment liquidated interest on the glosa
    despues = _hoja(supervisor, "/cartera/reportes/impugnaciones/?formato=xlsx")["Pichincha"]
    assert despues[6:8] == antes[6:8] == (pytest.approx(289.33), pytest.approx(289.33))


def test_impugnaciones_report_is_scoped_to_the_province(director: Client) -> None:
    impugnaciones(1)
    html = director.get("/cartera/reportes/impugnaciones/?provincia=09").content.decode()
    assert "Guayas" not in html and "Total nacional" not in html and 'name="provincia"' not in html
    texto = b"".join(
        director.get("/cartera/reportes/impugnaciones/?formato=csv").streaming_content
    ).decode("utf-8-sig")
    assert texto.splitlines()[1:] == [texto.splitlines()[1]]
    assert texto.splitlines()[1].startswith("Pichincha,3,2,1,1,2,")


def test_impugnaciones_report_queries_do_not_grow_with_the_data(client: Client) -> None:
    """Every view of the report (national, narrowed to a province, provincial; page and
    downloads) issues the same number of queries with five times the impugnaciones."""
    usuarios = [
        staff(roles.SUPERVISOR_NACIONAL, "nacional-recaudacion"),
        staff(roles.DIRECTOR_PROVINCIAL, "17-direccion"),
        staff(roles.JEFE_UNIDAD, "17-cartera"),
    ]
    base = "/cartera/reportes/impugnaciones/"
    rutas = [
        base,
        f"{base}?provincia=17",
        *(f"{base}?formato={f}" for f in ("csv", "xlsx")),
    ]

    impugnaciones(1)
    pequeno = consultas_por_ruta(client, [(u, rutas) for u in usuarios])
    impugnaciones(4)
    assert consultas_por_ruta(client, [(u, rutas) for u in usuarios]) == pequeno
    assert max(pequeno.values()) <= 13, pequeno
