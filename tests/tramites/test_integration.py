"""The Ventanilla with real services: a Celery worker process on Redis routing requests
into PostgreSQL, a broker that dies mid-run, and a real browser."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import reconfigure_celery, wait_for
from tests.tramites.conftest import LEVANTAMIENTO, datos_levantamiento
from tramites.models import HistorialSolicitud, Solicitud
from tramites.tasks import solicitudes_sin_enrutar_barrer

URL = f"/ventanilla/{LEVANTAMIENTO}/"


@pytest.mark.worker
def test_a_submission_is_routed_by_a_real_worker_and_seen_in_postgres(
    celery_worker_process,
) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(URL, datos_levantamiento())
    assert response.status_code == 302
    solicitud = Solicitud.objects.get()
    wait_for(
        lambda: Solicitud.objects.filter(pk=solicitud.pk, estado="asignada").exists(),
        timeout=60,
        message="el worker no enrutó la solicitud:\n" + celery_worker_process.log()[-2000:],
    )
    solicitud.refresh_from_db()
    assert solicitud.unidad.codigo == "17-coactiva"
    assert "tramites.tasks.solicitud_enrutar_task" in celery_worker_process.log()


@pytest.mark.worker
@pytest.mark.slow
def test_redis_stopped_during_twenty_submissions_loses_none_and_routes_each_once(
    private_redis, celery_worker_on
) -> None:  # type: ignore[no-untyped-def]
    worker = celery_worker_on(private_redis.url)
    client = Client()

    def presentar(n: int) -> None:
        for _ in range(n):
            response = client.post(URL, datos_levantamiento())
            assert response.status_code == 302, "una solicitud no fue aceptada"

    presentar(7)  # broker up
    private_redis.stop()  # crashes: whatever it had queued is gone
    presentar(7)  # broker down: still accepted
    private_redis.start()  # back, empty
    reconfigure_celery(broker_url=private_redis.url)  # fresh connections in this process
    presentar(6)

    assert Solicitud.objects.count() == 20
    # Those filed while the broker was down were accepted but never queued.
    wait_for(lambda: Solicitud.objects.filter(estado="asignada").count() >= 6, timeout=60)
    assert Solicitud.objects.filter(estado="recibida").count() >= 7

    # The periodic sweep finds what was never queued or was lost with the broker; run it
    # twice, as beat would, to show a request queued twice is still routed once.
    def barrer_y_contar() -> bool:
        solicitudes_sin_enrutar_barrer.apply(kwargs={"antiguedad_segundos": 0})
        return not Solicitud.objects.filter(estado="recibida").exists()

    wait_for(barrer_y_contar, timeout=90, interval=2, message=worker.log()[-3000:])
    solicitudes_sin_enrutar_barrer.apply(kwargs={"antiguedad_segundos": 0})
    assert Solicitud.objects.filter(estado="asignada", unidad__codigo="17-coactiva").count() == 20
    for solicitud in Solicitud.objects.all():
        assert (
            HistorialSolicitud.objects.filter(solicitud=solicitud, estado="asignada").count() == 1
        )
    numeros = sorted(int(n[-6:]) for n in Solicitud.objects.values_list("numero", flat=True))
    assert numeros == list(range(1, 21))
