from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from core import services


@shared_task(acks_late=True)
def feriados_nacionales_cargar() -> int:
    """Yearly: make sure next year's national holidays are in the table (idempotent)."""
    year = timezone.localdate().year
    return services.feriados_nacionales_cargar(years=range(year, year + 3))
