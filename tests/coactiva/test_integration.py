"""The automatic levantamiento with real services: the payment commits in PostgreSQL,
a real Celery worker on Redis renders the oficios (documentos queue) into the
Director's queue, and the signature lifts the measures."""

from __future__ import annotations

import pytest

from coactiva.models import Levantamiento, MedidaCautelar
from tests.coactiva.test_levantamiento import firmar_todo, pagar_todo
from tests.conftest import wait_for
from tests.factories import JuicioCoactivoFactory


@pytest.mark.worker
def test_the_worker_issues_the_oficios_after_the_last_payment_commits(
    celery_worker_on,
) -> None:  # type: ignore[no-untyped-def]
    from tests import services as test_services

    # A worker sharing this test's private-file folder: the signature reads the PDF the
    # worker rendered.
    celery_worker_process = celery_worker_on(test_services.REDIS_URL)
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    pagar_todo(juicio.titulos.get())  # commits: the task is sent after it
    levantamientos = Levantamiento.objects.filter(juicio=juicio)
    assert levantamientos.count() == 3
    wait_for(
        lambda: not levantamientos.exclude(estado="por_firmar").exists(),
        timeout=60,
        message="el worker no generó los oficios:\n" + celery_worker_process.log()[-2000:],
    )
    assert all(lev.oficio.sha256 for lev in levantamientos.select_related("oficio"))
    medidas = MedidaCautelar.objects.filter(juicio=juicio)
    assert set(medidas.values_list("estado", flat=True)) == {"levantamiento"}  # not yet
    assert "coactiva.tasks.oficio_generar" in celery_worker_process.log()
    firmar_todo(juicio)
    assert set(levantamientos.values_list("estado", flat=True)) == {"emitido"}
    assert set(medidas.values_list("estado", flat=True)) == {"levantada"}
