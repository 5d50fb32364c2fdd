"""Mis obligaciones (amounts owed today, filters, export) and the glosa inbox (last day
of the término by the calendar, countdown, reading recorded)."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from cartera.models import Glosa
from cartera.selectors import deuda_empleador
from core import calendar
from core.models import EventoAuditoria
from core.templatetags.portal import dolares
from tests.cartera.portal import empleador_con_cuenta, glosa_notificada, ingresar
from tests.factories import GlosaFactory, PlanillaFactory

pytestmark = pytest.mark.django_db
TZ = zoneinfo.ZoneInfo("America/Guayaquil")


def test_obligations_show_what_is_owed_today_with_interest(client: Client) -> None:
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    PlanillaFactory(empleador=empleador, pagada=True)
    ingresar(client, empleador)
    response = client.get("/empleador/")
    html = response.content.decode()
    deuda = deuda_empleador(empleador=empleador)
    assert deuda.intereses > 0  # the glosa's planilla is from years ago
    assert dolares(deuda.total) in html and dolares(deuda.intereses) in html
    assert f"/empleador/glosas/{glosa.pk}/" in html
    assert "En mora" in html
    assert "No tiene procesos coactivos" in html  # coactiva's selector knows none yet
    assert response.context["pagina"].paginator.count == 3  # planilla glosada, pagada, glosa


def test_filters_and_export(client: Client) -> None:
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    PlanillaFactory(empleador=empleador, pagada=True)
    ingresar(client, empleador)
    response = client.get("/empleador/", {"tipo": "glosa"})
    filas = list(response.context["pagina"])
    assert [f["id"] for f in filas] == [glosa.pk]
    response = client.get("/empleador/", {"estado": "pagada"})
    assert [f["tipo"] for f in response.context["pagina"]] == ["planilla"]
    response = client.get("/empleador/", {"desde": "2030-01-01", "hasta": "2020-01-01"})
    assert "La fecha final no puede ser anterior" in response.content.decode()

    csv = b"".join(client.get("/empleador/", {"tipo": "glosa", "formato": "csv"}).streaming_content)
    texto = csv.decode("utf-8-sig")
    assert texto.splitlines()[0].startswith("Tipo,Número,Periodo")
    assert glosa.numero in texto and len(texto.splitlines()) == 2
    xlsx = client.get("/empleador/", {"formato": "xlsx"}).content
    hoja = load_workbook(io.BytesIO(xlsx)).active
    assert hoja.max_row == 4
    total = sum(Decimal(str(f[9])) for f in hoja.iter_rows(min_row=2, values_only=True))
    assert total == deuda_empleador(empleador=empleador).total
    assert EventoAuditoria.objects.filter(accion="cartera.obligaciones_exportadas").count() == 2


def test_inbox_shows_the_last_day_and_opening_records_the_reading(client: Client) -> None:
    empleador = empleador_con_cuenta()
    # Notified on Thursday 2026-12-17: 8 business days skip the weekend and Christmas.
    glosa = glosa_notificada(empleador, at=dt.datetime(2026, 12, 17, 9, tzinfo=TZ))
    assert glosa.vence_en == calendar.add_termino(dt.date(2026, 12, 17), 8, cantones=["1701"])
    assert glosa.vence_en == dt.date(2026, 12, 30)
    ingresar(client, empleador)
    html = client.get("/empleador/glosas/").content.decode()
    assert "30/12/2026" in html and "No leída" in html
    assert "glosa(s) notificada(s) sin leer" in client.get("/empleador/").content.decode()

    response = client.get(f"/empleador/glosas/{glosa.pk}/")
    html = response.content.decode()
    assert "30 de diciembre de 2026" in html
    glosa.refresh_from_db()
    assert glosa.notificacion.leida_en is not None
    assert glosa.vence_en == dt.date(2026, 12, 30)  # reading does not restart the término
    assert EventoAuditoria.objects.filter(accion="cartera.notificacion_leida").count() == 1
    client.get(f"/empleador/glosas/{glosa.pk}/")
    assert EventoAuditoria.objects.filter(accion="cartera.notificacion_leida").count() == 1
    assert "No leída" not in client.get("/empleador/glosas/").content.decode()


def test_countdown_in_business_days(client: Client) -> None:
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    ingresar(client, empleador)
    html = client.get(f"/empleador/glosas/{glosa.pk}/").content.decode()
    hoy = timezone.localdate()  # the view's day (Guayaquil), not the machine's
    quedan = calendar.business_days_between(hoy, glosa.vence_en, cantones=["1701"])
    assert f"Quedan {quedan} día(s) hábil(es)" in html
    assert glosa.estado == Glosa.Estado.NOTIFICADA


def test_the_countdown_skips_the_local_holidays_of_the_cartera_units_seat(
    client: Client,
) -> None:
    """The término skips the local holidays of the employer's canton and of the cartera
    unit's seat (services.termino_glosa); the days left shown must count the same."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core.models import Feriado, Unidad
    from core.selectors import unidad_que_atiende

    empleador = empleador_con_cuenta(canton_id="1702")  # Cayambe; the unit sits in Quito
    sede = unidad_que_atiende(provincia_id="17", tipo=Unidad.Tipo.CARTERA).canton_id
    assert sede not in (None, "1702")
    glosas = [glosa_notificada(empleador) for _ in range(3)]
    glosa = glosas[0]
    hoy = timezone.localdate()
    antes = calendar.business_days_between(hoy, glosa.vence_en, cantones=["1702", sede])
    feriado = calendar.next_business_day(hoy, cantones=["1702", sede])
    assert feriado < glosa.vence_en
    Feriado.objects.create(
        fecha=feriado, nombre="Feriado local de la sede", origen="local", canton_id=sede
    )
    calendar.invalidate()
    quedan = calendar.business_days_between(hoy, glosa.vence_en, cantones=["1702", sede])
    solo_empleador = calendar.business_days_between(hoy, glosa.vence_en, cantones=["1702"])
    assert quedan == antes - 1 and quedan < solo_empleador
    ingresar(client, empleador)
    html = client.get(f"/empleador/glosas/{glosa.pk}/").content.decode()
    assert f"Quedan {quedan} día(s) hábil(es)" in html
    # The inbox looks the cantons up once for the page, not once per glosa.
    with CaptureQueriesContext(connection) as consultas:
        html = client.get("/empleador/glosas/").content.decode()
    assert html.count(f"{quedan} día(s) hábil(es)") == len(glosas)
    unidades = [q for q in consultas.captured_queries if '"core_unidad"' in q["sql"]]
    assert len(unidades) == 1


def test_the_inbox_pages_through_more_than_one_page_of_glosas(client: Client) -> None:
    empleador = empleador_con_cuenta()
    inicio = dt.datetime(2026, 1, 5, 9, tzinfo=TZ)
    glosas = [glosa_notificada(empleador, at=inicio + dt.timedelta(days=i)) for i in range(26)]
    ingresar(client, empleador)
    html = client.get("/empleador/glosas/").content.decode()
    assert f"Glosa {glosas[-1].numero}<" in html and f"Glosa {glosas[0].numero}<" not in html
    assert "Página 1 de 2" in html and 'href="?pagina=2"' in html
    html = client.get("/empleador/glosas/", {"pagina": 2}).content.decode()
    assert f"Glosa {glosas[0].numero}<" in html and 'href="?pagina=1"' in html


def test_on_the_last_day_the_countdown_says_so(client: Client) -> None:
    """ "Quedan 0 días hábiles" read as if the término had ended while it still runs today."""
    empleador = empleador_con_cuenta()
    glosa = glosa_notificada(empleador)
    Glosa.objects.filter(pk=glosa.pk).update(vence_en=timezone.localdate())
    ingresar(client, empleador)
    for url in (f"/empleador/glosas/{glosa.pk}/", "/empleador/glosas/"):
        html = client.get(url).content.decode()
        assert "Hoy es el último día" in html and "Quedan 0" not in html, url
        assert "0 día(s) hábil(es)" not in html, url
    assert "Impugnar esta glosa" in client.get(f"/empleador/glosas/{glosa.pk}/").content.decode()


def test_a_glosa_not_yet_notified_is_listed_without_a_dead_link(client: Client) -> None:
    empleador = empleador_con_cuenta()
    emitida = GlosaFactory(planilla__empleador=empleador)
    notificada = glosa_notificada(empleador)
    ingresar(client, empleador)
    html = client.get("/empleador/", {"tipo": "glosa"}).content.decode()
    assert emitida.numero in html and f"/empleador/glosas/{emitida.pk}/" not in html
    assert f'href="/empleador/glosas/{notificada.pk}/"' in html
    assert client.get(f"/empleador/glosas/{notificada.pk}/").status_code == 200
