"""The automatic levantamiento with real services: the payment commits in PostgreSQL
and a real Celery worker on Redis renders the oficios (documentos queue)."""

from __future__ import annotations

import pytest

from coactiva.models import Levantamiento, MedidaCautelar
from tests.coactiva.test_levantamiento import pagar_todo
from tests.conftest import wait_for
from tests.factories import JuicioCoactivoFactory


@pytest.mark.worker
def test_the_worker_issues_the_oficios_after_the_last_payment_commits(
    celery_worker_process,
) -> None:  # type: ignore[no-untyped-def]
    juicio = JuicioCoactivoFactory(con_medidas=True, n_titulos=1)
    pagar_todo(juicio.titulos.get())  # commits: the task is sent after it
    levantamientos = Levantamiento.objects.filter(juicio=juicio)
    assert levantamientos.count() == 3
    wait_for(
        lambda: not levantamientos.exclude(estado="emitido").exists(),
        timeout=60,
        message="el worker no emitió los oficios:\n" + celery_worker_process.log()[-2000:],
    )
    assert all(lev.oficio.sha256 for lev in levantamientos.select_related("oficio"))
    assert set(MedidaCautelar.objects.filter(juicio=juicio).values_list("estado", flat=True)) == {
        "levantada"
    }
    assert "coactiva.tasks.oficio_generar" in celery_worker_process.log()
