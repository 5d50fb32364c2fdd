"""Every periodic task, in one place (Celery beat reads this; see ventanilla/celery.py).
Times are America/Guayaquil."""

from __future__ import annotations

from typing import Any

from celery.schedules import crontab

BEAT_SCHEDULE: dict[str, dict[str, Any]] = {
    "cargar-feriados-nacionales": {
        "task": "core.tasks.feriados_nacionales_cargar",
        "schedule": crontab(minute=0, hour=3, day_of_month=1, month_of_year=12),
    },
    "limpieza-diaria": {
        "task": "core.tasks.limpieza_diaria",
        "schedule": crontab(minute=30, hour=2),
    },
    "reenviar-correos-pendientes": {
        "task": "core.tasks.correos_pendientes_reenviar",
        "schedule": crontab(minute="*/5"),
    },
    "enrutar-solicitudes-pendientes": {
        "task": "tramites.tasks.solicitudes_sin_enrutar_barrer",
        "schedule": crontab(minute="*"),
    },
}
