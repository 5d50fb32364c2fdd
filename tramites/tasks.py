"""Celery tasks of the Ventanilla Virtual: thin, by id, idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task

from core.queue import send_now
from tramites import services


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=8,
    default_retry_delay=15,
)
def solicitud_enrutar_task(self: Any, solicitud_id: int) -> bool:
    """Route one request to its unit. Safe to run any number of times: a request
    already routed is left alone. Failures are recorded on the row and retried with
    backoff; the sweep picks up whatever is still unrouted."""
    try:
        return services.solicitud_enrutar(solicitud_id=solicitud_id)
    except Exception as exc:
        services.solicitud_enrutamiento_fallido(
            solicitud_id=solicitud_id, error=f"{type(exc).__name__}: {exc}"
        )
        raise self.retry(exc=exc, countdown=min(15 * 2**self.request.retries, 900)) from exc


@shared_task(acks_late=True)
def solicitudes_sin_enrutar_barrer(antiguedad_segundos: int = 120) -> int:
    """Sweep (core/schedule.py): queue again the routing of every request still
    unrouted a while after it was filed (the broker was down when it was accepted, or
    the worker lost the message)."""
    ids = services.solicitudes_sin_enrutar(antiguedad=dt.timedelta(seconds=antiguedad_segundos))
    for solicitud_id in ids:
        send_now(solicitud_enrutar_task, solicitud_id)
    return len(ids)


@shared_task(acks_late=True)
def solicitudes_abandonadas_archivar() -> int:
    """Daily (core/schedule.py): archive the requests whose filer did not answer a
    request for documents within their término. Idempotent: an archived request is no
    longer OBSERVADA."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from tramites.models import Solicitud

    hoy = timezone.localdate()
    archivadas = 0
    for solicitud_id in services.solicitudes_abandonadas(hoy=hoy):
        try:
            services.solicitud_archivar_abandono(solicitud=Solicitud(pk=solicitud_id), hoy=hoy)
            archivadas += 1
        except ValidationError:
            continue  # answered meanwhile
    return archivadas


@shared_task(acks_late=True, max_retries=3, default_retry_delay=300)
def solicitudes_escalar() -> int:
    """Daily on business days (core/schedule.py): e-mail each unit's heads the requests
    overdue tomorrow and those already overdue (once per unit and day)."""
    return services.escalamiento_enviar()
