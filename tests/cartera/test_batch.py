"""The nightly jobs: set-based, idempotent, one run at a time (DOMAIN.md §3)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from cartera import batch, services
from cartera.models import (
    Glosa,
    GlosaHistorial,
    NotificacionGlosa,
    PlanillaHistorial,
    TituloCredito,
    TituloGlosa,
)
from core.batch import LoteEnCurso, lote
from core.models import Correo, TrabajoLote, Unidad
from core.schedule import BEAT_SCHEDULE
from tests.factories import EmpleadorFactory, GlosaFactory, PlanillaFactory

pytestmark = pytest.mark.django_db
ENERO = dt.date(2026, 1, 1)


def conteos() -> tuple[int, ...]:
    return (
        Glosa.objects.count(),
        GlosaHistorial.objects.count(),
        PlanillaHistorial.objects.count(),
        NotificacionGlosa.objects.count(),
        Correo.objects.count(),
        TituloCredito.objects.count(),
        TituloGlosa.objects.count(),
    )


def test_generar_glosas_only_for_planillas_unpaid_after_their_due_date() -> None:
    impaga = PlanillaFactory(periodo=ENERO)  # due 15/02/2026
    pagada = PlanillaFactory(periodo=ENERO, pagada=True)
    parcial = PlanillaFactory(
        periodo=ENERO,
        pagado_intereses=Decimal("0.00"),
        pagado_capital=Decimal("89.33"),
        intereses=Decimal("1.50"),
        intereses_hasta=dt.date(2026, 2, 20),
    )
    por_vencer = PlanillaFactory(periodo=dt.date(2026, 2, 1))  # due 15/03/2026
    resumen = batch.glosas_generar(hoy=dt.date(2026, 3, 2), tamano=2)
    assert resumen == {"glosas_emitidas": 2}
    assert set(Glosa.objects.values_list("planilla_id", flat=True)) == {impaga.pk, parcial.pk}
    glosa = Glosa.objects.get(planilla=parcial)
    assert (glosa.capital, glosa.intereses) == (Decimal("200.00"), Decimal("1.50"))
    assert glosa.intereses_hasta == dt.date(2026, 2, 20)
    assert glosa.estado == Glosa.Estado.EMITIDA and glosa.canton_id == "1701"
    for planilla, estado in [
        (impaga, "glosada"),
        (parcial, "glosada"),
        (pagada, "pagada"),
        (por_vencer, "pendiente"),
    ]:
        planilla.refresh_from_db()
        assert planilla.estado == estado
    assert PlanillaHistorial.objects.filter(a="glosada").count() == 2


def test_every_batch_run_twice_creates_nothing_new(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        PlanillaFactory(periodo=ENERO)
    PlanillaFactory(periodo=ENERO, empleador=EmpleadorFactory(guayas=True))
    pasos = [
        lambda: batch.glosas_generar(hoy=dt.date(2026, 3, 2), tamano=2),
        lambda: batch.glosas_notificar(hoy=dt.date(2026, 3, 2), tamano=2),
        lambda: batch.titulos_emitir(hoy=dt.date(2026, 3, 20), tamano=2),
    ]
    for paso in pasos:
        with django_capture_on_commit_callbacks(execute=True):
            primero = paso()
        antes, correos = conteos(), len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            segundo = paso()
        assert any(primero.values())
        assert not any(segundo.values()), segundo
        assert conteos() == antes and len(mail.outbox) == correos
    assert TituloCredito.objects.count() == 4
    assert Glosa.objects.filter(estado=Glosa.Estado.TITULO_EMITIDO).count() == 4


def test_notificar_groups_per_employer_and_computes_the_termino_per_canton(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    quito = EmpleadorFactory(email="quito@correo.test")
    guayaquil = EmpleadorFactory(guayas=True, email="gye@correo.test")
    glosas_quito = [GlosaFactory(planilla__empleador=quito) for _ in range(2)]
    glosa_gye = GlosaFactory(planilla__empleador=guayaquil)
    ya_notificada = GlosaFactory(notificada=True, notificada_el=dt.date(2025, 11, 3))
    lunes = dt.date(2025, 12, 1)  # Fundación de Quito observed on Friday 5 December
    with django_capture_on_commit_callbacks(execute=True):
        resumen = batch.glosas_notificar(hoy=lunes, tamano=1)
    assert resumen == {"glosas_notificadas": 3, "empleadores_notificados": 2, "correos": 2}
    for glosa in glosas_quito:
        glosa.refresh_from_db()
        assert glosa.estado == Glosa.Estado.NOTIFICADA and glosa.vence_en == dt.date(2025, 12, 12)
    glosa_gye.refresh_from_db()
    assert glosa_gye.vence_en == dt.date(2025, 12, 11) and glosa_gye.termino_desde == lunes
    aviso = NotificacionGlosa.objects.get(empleador=quito)
    assert aviso.cantidad == 2 and aviso.vence_en == dt.date(2025, 12, 12)
    assert set(aviso.glosas.all()) == set(glosas_quito)
    assert sorted(m.to[0] for m in mail.outbox) == ["gye@correo.test", "quito@correo.test"]
    cuerpo = next(m.body for m in mail.outbox if m.to == ["quito@correo.test"])
    assert quito.razon_social in cuerpo and quito.identificacion in cuerpo
    assert "el 01/12/2025 2 glosa(s)" in cuerpo and "hasta el 12/12/2025" in cuerpo
    assert "{{" not in cuerpo and "\x00" not in cuerpo
    correo = Correo.objects.get(para=["quito@correo.test"])
    assert correo.object_id == str(aviso.pk) and correo.estado == Correo.Estado.ENVIADO
    assert GlosaHistorial.objects.filter(a="notificada").count() == 3
    ya_notificada.refresh_from_db()
    assert ya_notificada.notificacion_id is None  # untouched


def test_batch_notification_on_the_friday_before_carnaval() -> None:
    glosa = GlosaFactory()
    batch.glosas_notificar(hoy=dt.date(2026, 2, 13), avisar=False)
    glosa.refresh_from_db()
    assert glosa.vence_en == dt.date(2026, 2, 27)
    assert not Correo.objects.exists()


def test_emitir_titulos_skips_impugnadas_agreements_and_glosas_still_in_time() -> None:
    notificada = dt.date(2026, 2, 13)  # término until 27/02/2026
    vencidas = [GlosaFactory(notificada=True, notificada_el=notificada) for _ in range(3)]
    impugnada = GlosaFactory(notificada=True, notificada_el=notificada)
    services.impugnacion_registrar(
        glosa=impugnada, presentada_el=dt.date(2026, 2, 20), fundamentos="No adeudo."
    )
    acuerdo = GlosaFactory(notificada=True, notificada_el=notificada)
    services.glosa_acuerdo_registrar(glosa=acuerdo, motivo="APP 12 meses N.º 1")
    a_tiempo = GlosaFactory(notificada=True, notificada_el=dt.date(2026, 2, 20))  # until 06/03
    gye = GlosaFactory(
        notificada=True, notificada_el=notificada, planilla__empleador=EmpleadorFactory(guayas=True)
    )
    previo = services.titulo_emitir(
        glosas=[GlosaFactory(vencida=True, notificada_el=dt.date(2026, 1, 5))]
    )
    resumen = batch.titulos_emitir(hoy=dt.date(2026, 3, 2), tamano=2)
    assert resumen == {
        "glosas_vencidas": 4,
        "titulos_emitidos": 4,
        "sin_unidad_coactiva": 0,
        "correos": 4,  # one per employer (cartera.avisos; tests/cartera/test_avisos.py)
    }
    numeros = sorted(
        TituloCredito.objects.exclude(pk=previo.pk).values_list("provincia_id", "secuencial")
    )
    assert numeros == [("09", 1), ("17", 2), ("17", 3), ("17", 4)]
    for glosa, estado in [
        (vencidas[0], "titulo_emitido"),
        (impugnada, "impugnada"),
        (acuerdo, "en_acuerdo_pago"),
        (a_tiempo, "notificada"),
        (gye, "titulo_emitido"),
    ]:
        glosa.refresh_from_db()
        assert glosa.estado == estado
    titulo = TituloCredito.objects.get(glosas=gye)
    assert titulo.unidad_coactiva == Unidad.objects.get(codigo="09-coactiva")
    assert (
        titulo.fecha_emision == dt.date(2026, 3, 2)
        and titulo.intereses_hasta == titulo.fecha_emision
    )
    assert titulo.capital == gye.capital and titulo.intereses > 0
    assert [h.a for h in gye.historial.all()] == ["vencida", "titulo_emitido"]


def test_a_job_runs_once_at_a_time_and_records_its_summary() -> None:
    PlanillaFactory(periodo=ENERO)
    with lote(batch.GENERAR_GLOSAS) as otro, pytest.raises(LoteEnCurso):
        batch.ejecutar(batch.GENERAR_GLOSAS, periodo=ENERO)
    assert not Glosa.objects.exists()
    resumen = batch.ejecutar(batch.GENERAR_GLOSAS, periodo=ENERO)
    assert resumen == {"glosas_emitidas": 1}
    fila = TrabajoLote.objects.exclude(pk=otro.fila.pk).get(nombre="generar_glosas")
    assert fila.estado == TrabajoLote.Estado.TERMINADO
    assert fila.resumen == {"glosas_emitidas": 1} and fila.parametros == {"periodo": "2026-01-01"}
    assert Glosa.objects.get().lote_id == fila.pk


def test_commands_print_a_summary_and_refuse_a_bad_period() -> None:
    PlanillaFactory(periodo=ENERO)
    salida = StringIO()
    call_command("generar_glosas", "--periodo", "2026-01", stdout=salida)
    assert "glosas emitidas: 1" in salida.getvalue()
    with pytest.raises(CommandError, match="Periodo no válido"):
        call_command("generar_glosas", "--periodo", "enero")
    salida = StringIO()
    call_command("notificar_glosas", stdout=salida)
    assert "glosas notificadas: 1" in salida.getvalue()
    call_command("emitir_titulos", stdout=StringIO())


def test_beat_runs_the_three_jobs() -> None:
    from ventanilla.celery import app

    app.loader.import_default_modules()  # what a worker does at start (autodiscovery)
    tareas = {entrada["task"] for entrada in BEAT_SCHEDULE.values()}
    for nombre in ("generar_glosas", "notificar_glosas", "emitir_titulos"):
        assert f"cartera.tasks.{nombre}" in tareas
        assert f"cartera.tasks.{nombre}" in app.tasks


def test_the_jobs_are_set_based_their_queries_do_not_grow_with_the_rows() -> None:
    """Set-based (issue: bulk SQL, not a loop of saves): each job issues the same
    number of queries for 2 and for 20 rows of one chunk, in two provinces."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def ronda(periodo: dt.date, n: int, *, notificar_aparte: bool) -> list[int]:
        for i in range(n):
            PlanillaFactory(periodo=periodo, empleador=EmpleadorFactory(guayas=bool(i % 2)))
        hoy = services.fecha_vencimiento(periodo) + dt.timedelta(days=1)
        # Each step, and the counters of its summary that must read n.
        if notificar_aparte:
            pasos = [
                (["glosas_emitidas"], lambda: batch.glosas_generar(hoy=hoy, periodo=periodo)),
                (["glosas_notificadas"], lambda: batch.glosas_notificar(hoy=hoy)),
            ]
        else:
            pasos = [
                (
                    ["glosas_emitidas", "glosas_notificadas"],
                    lambda: batch.glosas_generar(hoy=hoy, periodo=periodo, notificar=True),
                )
            ]
        pasos.append(
            (["titulos_emitidos"], lambda: batch.titulos_emitir(hoy=hoy + dt.timedelta(days=30)))
        )
        conteo = []
        for claves, paso in pasos:
            with CaptureQueriesContext(connection) as capturadas:
                resumen = paso()
            assert {c: resumen[c] for c in claves} == dict.fromkeys(claves, n), resumen
            conteo.append(len(capturadas))
        return conteo

    for notificar_aparte in (True, False):
        base = 3 if notificar_aparte else 6
        # First a round that warms the caches (units, sequences) of both provinces.
        ronda(dt.date(2025, base, 1), 2, notificar_aparte=notificar_aparte)
        pocas = ronda(dt.date(2025, base + 1, 1), 2, notificar_aparte=notificar_aparte)
        muchas = ronda(dt.date(2025, base + 2, 1), 20, notificar_aparte=notificar_aparte)
        assert muchas == pocas, (notificar_aparte, pocas, muchas)
