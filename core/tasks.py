from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.utils import timezone

from core import services
from core.models import Correo
from core.queue import send_now

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def feriados_nacionales_cargar() -> int:
    """Yearly: make sure the next years' national holidays are in the table (idempotent)."""
    year = timezone.localdate().year
    return services.feriados_nacionales_cargar(years=range(year, year + 3))


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=5,
)
def correo_enviar_task(correo_id: int) -> bool:
    from core.email import correo_entregar

    return correo_entregar(correo_id=correo_id)


@shared_task(acks_late=True)
def limpieza_diaria() -> dict[str, int]:
    """Retention cleanup: expired sessions, old lockout records, orphaned files."""
    from core.cleanup import expired_data_delete

    return expired_data_delete()


@shared_task(acks_late=True)
def correos_enviar_lote_task(correo_ids: list[int]) -> int:
    """Deliver a batch of queued e-mails (bulk notices). A failure leaves that e-mail
    PENDIENTE for the sweep and does not stop the rest."""
    from core.email import correo_entregar

    enviados = 0
    for correo_id in correo_ids:
        try:
            enviados += correo_entregar(correo_id=correo_id)
        except Exception:
            logger.warning("Correo %s no enviado; quedará para el barrido.", correo_id)
    return enviados


@shared_task(acks_late=True)
def correos_pendientes_reenviar() -> int:
    """Sweep: e-mails still PENDIENTE a few minutes after being queued (broker was down,
    worker died) are queued again. Delivery is idempotent, so a duplicate is harmless."""
    limite = timezone.now() - dt.timedelta(minutes=3)
    ids = list(
        Correo.objects.filter(estado=Correo.Estado.PENDIENTE, creado_en__lt=limite)
        .order_by("creado_en")
        .values_list("pk", flat=True)[:500]
    )
    for correo_id in ids:
        send_now(correo_enviar_task, correo_id)
    return len(ids)
