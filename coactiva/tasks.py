"""Celery tasks of coactiva: thin, by id, idempotent (documentos queue)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.utils import timezone

from coactiva import services
from coactiva.models import Levantamiento
from core.queue import send_now


@shared_task(bind=True, acks_late=True, max_retries=6, default_retry_delay=30)
def oficio_generar(self: Any, levantamiento_id: int) -> bool:
    """Render one oficio de levantamiento. An oficio already issued is left alone;
    failures are recorded on the row and retried with backoff, and the sweep finds
    whatever is still pending."""
    try:
        return services.levantamiento_oficio_generar(levantamiento_id=levantamiento_id) is not None
    except Exception as exc:
        services.levantamiento_oficio_fallo(
            levantamiento_id=levantamiento_id, error=f"{type(exc).__name__}: {exc}"
        )
        raise self.retry(exc=exc, countdown=min(30 * 2**self.request.retries, 1800)) from exc


@shared_task(acks_late=True)
def oficios_pendientes_barrer(antiguedad_segundos: int = 180) -> int:
    """Sweep (core/schedule.py): queue again every oficio still in preparation a while
    after its levantamiento was opened (broker down, worker lost the message)."""
    limite = timezone.now() - dt.timedelta(seconds=antiguedad_segundos)
    ids = list(
        Levantamiento.objects.filter(estado=Levantamiento.Estado.PENDIENTE, abierto_en__lt=limite)
        .order_by("abierto_en")
        .values_list("pk", flat=True)[:500]
    )
    for levantamiento_id in ids:
        send_now(oficio_generar, levantamiento_id)
    return len(ids)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def oficios_por_firmar_recordar() -> int:
    """Daily on business days (core/schedule.py): remind each Director Provincial of the
    oficios de levantamiento waiting for their signature too long (once per province
    and day)."""
    return services.oficios_por_firmar_recordar()
