"""E-mails for the events the employer must act on (issue 7 point 8): títulos de crédito
issued, and the reminder before a glosa's término ends (cartera.avisos, cartera.batch)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.test.utils import CaptureQueriesContext

from cartera import avisos, batch, services
from cartera.models import Glosa, PreferenciasAviso, TituloCredito
from core.formato import dolares
from core.models import Correo
from core.schedule import BEAT_SCHEDULE
from core.services import parametro_set
from tests.cartera.portal import ingresar
from tests.factories import EmpleadorFactory, GlosaFactory, empleador_user

pytestmark = pytest.mark.django_db

NOTIFICADA_EL = dt.date(2026, 2, 13)  # término until Friday 27/02/2026 (Carnaval 16-17/02)
EMISION = dt.date(2026, 3, 2)


def _correos(evento: str) -> dict[str, str]:
    """The e-mails of an event delivered to the outbox, by address."""
    asuntos = set(Correo.objects.filter(evento=evento).values_list("asunto", flat=True))
    return {m.to[0]: m.body for m in mail.outbox if m.subject in asuntos}


# --- Títulos de crédito issued ------------------------------------------------------------


def test_the_nightly_titulos_tell_each_employer_once_what_was_issued_and_for_how_much(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    andina = EmpleadorFactory(email="andina@correo.test")
    gye = EmpleadorFactory(guayas=True, email="gye@correo.test")
    GlosaFactory(
        planilla__empleador=andina,
        notificada=True,
        notificada_el=NOTIFICADA_EL,
        capital=Decimal("1234.50"),
    )
    GlosaFactory(planilla__empleador=andina, notificada=True, notificada_el=NOTIFICADA_EL)
    GlosaFactory(planilla__empleador=gye, notificada=True, notificada_el=NOTIFICADA_EL)
    a_tiempo = EmpleadorFactory(email="a-tiempo@correo.test")
    GlosaFactory(planilla__empleador=a_tiempo, notificada=True, notificada_el=dt.date(2026, 2, 27))

    with django_capture_on_commit_callbacks(execute=True):
        resumen = batch.titulos_emitir(hoy=EMISION, tamano=1)  # one employer per chunk
    assert resumen["titulos_emitidos"] == 3 and resumen["correos"] == 2

    correos = _correos(avisos.EVENTO_TITULOS)
    assert sorted(correos) == ["andina@correo.test", "gye@correo.test"]
    cuerpo = correos["andina@correo.test"]
    titulos = list(TituloCredito.objects.filter(empleador=andina).order_by("secuencial"))
    assert f"Estimado/a {andina.razon_social} ({andina.identificacion})" in cuerpo
    assert "El 02/03/2026 el IESS emitió a su cargo 2 títulos de crédito" in cuerpo
    assert f"por {dolares(sum(t.saldo_registrado for t in titulos))}:" in cuerpo
    for titulo in titulos:
        assert (
            f"- N.º {titulo.numero}: {dolares(titulo.saldo_registrado)}, enviado a "
            "Unidad Provincial de Gestión de Coactiva de Pichincha"
        ) in cuerpo
    assert re.fullmatch(r"USD 1\.\d{3},\d{2}", dolares(titulos[0].saldo_registrado))
    assert f"{settings.SITE_URL}/empleador/?tipo=titulo" in cuerpo
    assert "/empleador/acuerdos/simulador/" in cuerpo and "\x00" not in cuerpo
    assert "emitió a su cargo un título de crédito" in correos["gye@correo.test"]
    assert "Coactiva de Guayas" in correos["gye@correo.test"]
    correo = Correo.objects.get(evento=avisos.EVENTO_TITULOS, para=["andina@correo.test"])
    assert correo.object_id == str(andina.pk) and correo.asunto == avisos.ASUNTO_TITULOS

    enviados = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        otra_vez = batch.titulos_emitir(hoy=EMISION, tamano=1)
    assert otra_vez["titulos_emitidos"] == 0 and otra_vez["correos"] == 0
    assert len(mail.outbox) == enviados
    assert Correo.objects.filter(evento=avisos.EVENTO_TITULOS).count() == 2


def test_the_database_writes_the_notice_exactly_as_the_one_row_service_does(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    """Same template, same fields: the bulk e-mail (amounts, numbers and dates formatted
    in SQL) reads letter for letter as the one rendered in Python."""
    empleador = EmpleadorFactory()
    GlosaFactory(
        planilla__empleador=empleador,
        notificada=True,
        notificada_el=NOTIFICADA_EL,
        capital=Decimal("1234567.89"),
    )
    batch.titulos_emitir(hoy=EMISION)
    titulo = TituloCredito.objects.get(empleador=empleador)
    correo = Correo.objects.get(evento=avisos.EVENTO_TITULOS)
    esperado = render_to_string(
        "correo/titulos_emitidos.txt",
        {
            "site_url": settings.SITE_URL,
            **avisos.contexto_titulos(empleador=empleador, titulos=[titulo], fecha=EMISION),
        },
        using="texto",
    )
    assert correo.cuerpo_texto == esperado
    assert re.search(r": USD 1\.\d{3}\.\d{3},\d{2}, enviado a", correo.cuerpo_texto)


def test_a_titulo_issued_by_staff_is_emailed_too(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    empleador = EmpleadorFactory(email="uno@correo.test")
    glosa = GlosaFactory(planilla__empleador=empleador, vencida=True, notificada_el=NOTIFICADA_EL)
    with django_capture_on_commit_callbacks(execute=True):
        titulo = services.titulo_emitir(glosas=[glosa])
    cuerpo = _correos(avisos.EVENTO_TITULOS)["uno@correo.test"]
    assert "emitió a su cargo un título de crédito" in cuerpo
    assert f"- N.º {titulo.numero}: {dolares(titulo.saldo_registrado)}" in cuerpo


# --- Reminder before the término ends ------------------------------------------------------

LUNES = dt.date(2025, 12, 1)  # notified: Quito's término ends Fri 12/12 (5/12 is a holiday
# in Quito), Guayaquil's on Thu 11/12.


def _notificadas() -> tuple[Glosa, Glosa]:
    quito = GlosaFactory(
        planilla__empleador=EmpleadorFactory(email="quito@correo.test"),
        notificada=True,
        notificada_el=LUNES,
    )
    gye = GlosaFactory(
        planilla__empleador=EmpleadorFactory(guayas=True, email="gye@correo.test"),
        notificada=True,
        notificada_el=LUNES,
    )
    assert (quito.vence_en, gye.vence_en) == (dt.date(2025, 12, 12), dt.date(2025, 12, 11))
    return quito, gye


def test_the_reminder_goes_two_business_days_before_each_glosas_last_day_once(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    quito, gye = _notificadas()
    with django_capture_on_commit_callbacks(execute=True):
        assert batch.glosas_recordar(hoy=dt.date(2025, 12, 8)) == {
            "glosas_recordadas": 0,
            "correos": 0,
        }
        # Tuesday 9/12: two business days before Guayaquil's last day, three before Quito's.
        assert batch.glosas_recordar(hoy=dt.date(2025, 12, 9)) == {
            "glosas_recordadas": 1,
            "correos": 1,
        }
    correos = _correos(avisos.EVENTO_RECORDATORIO)
    assert list(correos) == ["gye@correo.test"]
    cuerpo = correos["gye@correo.test"]
    assert gye.empleador.razon_social in cuerpo
    assert (
        f"- Glosa N.º {gye.numero} (periodo {gye.periodo:%m/%Y}): "
        f"{dolares(gye.saldo_registrado)}; último día: 11/12/2025. "
    ) in cuerpo
    assert f"/empleador/glosas/{gye.pk}/" in cuerpo and "/empleador/preferencias/" in cuerpo

    with django_capture_on_commit_callbacks(execute=True):
        assert batch.glosas_recordar(hoy=dt.date(2025, 12, 10))["correos"] == 1  # Quito's
        assert batch.glosas_recordar(hoy=dt.date(2025, 12, 10))["correos"] == 0
        assert batch.glosas_recordar(hoy=dt.date(2025, 12, 11))["correos"] == 0
    assert sorted(_correos(avisos.EVENTO_RECORDATORIO)) == ["gye@correo.test", "quito@correo.test"]
    assert Correo.objects.filter(evento=avisos.EVENTO_RECORDATORIO).count() == 2
    quito.refresh_from_db()
    assert quito.recordatorio_vence_en == dt.date(2025, 12, 12)


def test_one_reminder_per_employer_lists_its_glosas_and_skips_those_no_longer_notified(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    empleador = EmpleadorFactory(email="varias@correo.test")
    glosas = [
        GlosaFactory(planilla__empleador=empleador, notificada=True, notificada_el=LUNES)
        for _ in range(3)
    ]
    services.impugnacion_registrar(
        glosa=glosas[2], presentada_el=dt.date(2025, 12, 2), fundamentos="No adeudo."
    )
    with django_capture_on_commit_callbacks(execute=True):
        resumen = batch.glosas_recordar(hoy=dt.date(2025, 12, 10))
    assert resumen == {"glosas_recordadas": 2, "correos": 1}
    cuerpo = _correos(avisos.EVENTO_RECORDATORIO)["varias@correo.test"]
    assert f"Glosa N.º {glosas[0].numero}" in cuerpo and f"Glosa N.º {glosas[1].numero}" in cuerpo
    assert f"Glosa N.º {glosas[2].numero}" not in cuerpo  # impugnada


def test_an_employer_who_switched_reminders_off_gets_none(
    client: Client, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    quito, _gye = _notificadas()
    empleador = quito.empleador
    empleador_user(empleador)
    ingresar(client, empleador)
    html = client.get("/empleador/preferencias/").content.decode()
    assert "Recordatorio antes del último día para pagar o impugnar una glosa" in html
    assert "títulos de crédito emitidos" in html  # a legal notice: not optional
    client.post(
        "/empleador/preferencias/",
        {"cuota_por_vencer": "on", "cuota_vencida": "on", "acuerdo_incumplido": "on"},
    )
    assert PreferenciasAviso.objects.get(empleador=empleador).glosa_por_vencer is False
    with django_capture_on_commit_callbacks(execute=True):
        resumen = batch.glosas_recordar(hoy=dt.date(2025, 12, 10))
    assert resumen == {"glosas_recordadas": 2, "correos": 1}
    assert list(_correos(avisos.EVENTO_RECORDATORIO)) == ["gye@correo.test"]
    quito.refresh_from_db()
    assert quito.recordatorio_vence_en == quito.vence_en  # handled, not sent later


def test_a_rejected_impugnacion_restarts_the_termino_and_the_reminder(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    quito, _gye = _notificadas()
    with django_capture_on_commit_callbacks(execute=True):
        batch.glosas_recordar(hoy=dt.date(2025, 12, 10))
    impugnacion = services.impugnacion_registrar(
        glosa=quito, presentada_el=dt.date(2025, 12, 11), fundamentos="No adeudo."
    )
    services.impugnacion_resolver(
        impugnacion=impugnacion,
        aceptada=False,
        resolucion="CPPC-17-2026-001",
        resuelta_el=dt.date(2026, 1, 5),
    )
    quito.refresh_from_db()
    assert quito.estado == Glosa.Estado.NOTIFICADA and quito.vence_en == dt.date(2026, 1, 15)
    with django_capture_on_commit_callbacks(execute=True):
        assert batch.glosas_recordar(hoy=dt.date(2026, 1, 13))["correos"] == 1
        assert batch.glosas_recordar(hoy=dt.date(2026, 1, 14))["correos"] == 0
    cuerpos = [
        m.body for m in mail.outbox if m.to == ["quito@correo.test"] and "recordatorio" in m.body
    ]
    assert len(cuerpos) == 2 and "último día: 15/01/2026" in cuerpos[1]


def test_the_lead_time_is_a_parameter(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    quito, _gye = _notificadas()
    parametro_set(
        clave="GLOSA_RECORDATORIO_DIAS_HABILES", valor=0, vigente_desde=dt.date(2025, 1, 1)
    )
    assert batch.glosas_recordar(hoy=dt.date(2025, 12, 10))["glosas_recordadas"] == 0
    assert batch.glosas_recordar(hoy=dt.date(2025, 12, 12))["glosas_recordadas"] == 1  # last day
    quito.refresh_from_db()
    assert quito.recordatorio_vence_en == quito.vence_en


def test_the_reminder_is_a_daily_beat_job_with_its_lock_command_and_summary() -> None:
    from ventanilla.celery import app

    app.loader.import_default_modules()
    entrada = next(e for e in BEAT_SCHEDULE.values() if e["task"].endswith("recordar_glosas"))
    assert entrada["task"] in app.tasks and entrada["schedule"].day_of_week == set(range(7))
    _notificadas()
    salida = StringIO()
    call_command("recordar_glosas", stdout=salida)  # today: their términos ended long ago
    assert "recordar_glosas: terminado." in salida.getvalue()
    assert "glosas recordadas: 0" in salida.getvalue()


def test_the_reminder_is_set_based_its_queries_do_not_grow_with_the_glosas() -> None:
    def ronda(n: int, hoy: dt.date) -> int:
        for i in range(n):
            glosa = GlosaFactory(
                planilla__empleador=EmpleadorFactory(guayas=bool(i % 2)),
                notificada=True,
                notificada_el=hoy - dt.timedelta(days=10),
            )
            Glosa.objects.filter(pk=glosa.pk).update(vence_en=hoy)  # its last day
        with CaptureQueriesContext(connection) as consultas:
            resumen = batch.glosas_recordar(hoy=hoy)
        assert resumen["glosas_recordadas"] == n, resumen
        return len(consultas)

    ronda(2, dt.date(2025, 6, 13))  # warms the caches (units, calendar)
    assert ronda(2, dt.date(2025, 7, 11)) == ronda(20, dt.date(2025, 8, 13))
