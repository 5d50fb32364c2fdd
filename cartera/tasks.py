"""Celery beat entries of the cartera batch jobs (schedule in core/schedule.py). Thin:
the work and its lock are in cartera.batch; a run that finds another in progress
returns quietly (the next beat tick tries again)."""

from __future__ import annotations

import logging

from celery import shared_task
from django.utils import timezone

from cartera import batch
from core import calendar
from core.batch import LoteEnCurso

logger = logging.getLogger(__name__)


def _ejecutar(nombre: str, **parametros: bool) -> dict[str, int]:
    try:
        return batch.ejecutar(nombre, **parametros)
    except LoteEnCurso as exc:
        logger.info("%s", exc)
        return {}


@shared_task(acks_late=True)
def generar_glosas() -> dict[str, int]:
    """Glosas for every planilla unpaid after its due date (all due periods), notified
    online in the same pass (seed 002: the notification is automatic) on business days;
    on other days they wait, EMITIDA, for the next business day's notificar_glosas."""
    return _ejecutar(batch.GENERAR_GLOSAS, notificar=calendar.is_business_day(timezone.localdate()))


@shared_task(acks_late=True)
def notificar_glosas() -> dict[str, int]:
    """Notices go out on business days only (a notification on a holiday would count
    from the same next business day anyway, but nobody is at the offices to answer)."""
    if not calendar.is_business_day(timezone.localdate()):
        return {}
    return _ejecutar(batch.NOTIFICAR_GLOSAS)


@shared_task(acks_late=True)
def emitir_titulos() -> dict[str, int]:
    return _ejecutar(batch.EMITIR_TITULOS)


@shared_task(acks_late=True)
def recordar_glosas() -> dict[str, int]:
    """Daily; on business days only (the reminder counts business days, and one sent
    on a Saturday would only repeat Friday's horizon). Once per glosa and término."""
    if not calendar.is_business_day(timezone.localdate()):
        return {}
    return _ejecutar(batch.RECORDAR_GLOSAS)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def revisar_acuerdos() -> dict[str, int]:
    """Daily: break the payment agreements with missed installments and remind the
    employers of installments due soon or overdue (idempotent: cartera.acuerdos)."""
    from cartera.acuerdos import acuerdos_revisar

    return acuerdos_revisar()
