"""Invariants under concurrency, on PostgreSQL: a payment and the nightly job never both
take the same planilla, and a glosa never gets two títulos."""

from __future__ import annotations

import datetime as dt
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from cartera import batch, services
from cartera.models import Glosa, Pago, Planilla, TituloCredito
from tests.factories import GlosaFactory, PlanillaFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def en_hilo(funcion, errores: list[BaseException]) -> threading.Thread:  # type: ignore[no-untyped-def]
    def correr() -> None:
        try:
            funcion()
        except BaseException as exc:  # reported by the test
            errores.append(exc)
        finally:
            connection.close()

    hilo = threading.Thread(target=correr)
    hilo.start()
    return hilo


def test_a_planilla_paid_while_the_job_runs_gets_no_glosa() -> None:
    planilla = PlanillaFactory(periodo=dt.date(2026, 1, 1))
    errores: list[BaseException] = []
    bloqueada = threading.Event()

    def pagar() -> None:
        with transaction.atomic():
            Planilla.objects.select_for_update().get(pk=planilla.pk)
            bloqueada.set()
            time.sleep(1)  # the job starts meanwhile and waits for the row
            services.pago_registrar(
                obligacion=planilla,
                monto=planilla.capital,
                fecha=dt.date(2026, 2, 14),
                canal=Pago.Canal.DEBITO,
            )

    pago = en_hilo(pagar, errores)
    bloqueada.wait(5)
    trabajo = en_hilo(lambda: batch.glosas_generar(hoy=dt.date(2026, 3, 2)), errores)
    pago.join()
    trabajo.join()
    assert not errores
    planilla.refresh_from_db()
    assert planilla.estado == Planilla.Estado.PAGADA
    assert not Glosa.objects.exists()


def test_two_staff_issuing_the_same_titulo_get_one() -> None:
    glosa = GlosaFactory(vencida=True, notificada_el=dt.date(2026, 1, 5))
    errores: list[BaseException] = []
    barrera = threading.Barrier(2)

    def emitir() -> None:
        barrera.wait()
        services.titulo_emitir(glosas=[glosa])

    hilos = [en_hilo(emitir, errores) for _ in range(2)]
    for hilo in hilos:
        hilo.join()
    assert TituloCredito.objects.count() == 1
    assert len(errores) == 1 and isinstance(errores[0], services.TransicionInvalida)
    titulo = TituloCredito.objects.get()
    assert titulo.secuencial == 1 and titulo.capital == Decimal(glosa.capital)
