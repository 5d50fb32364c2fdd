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
    # Cartera (cartera/tasks.py), every night in order: glosas for planillas unpaid after
    # their due date (notified in the same pass on business days), títulos for glosas
    # whose término ended, then notices for glosas still EMITIDA (issued by staff or on a
    # non-business day). Each job is idempotent and holds its own lock.
    "cartera-generar-glosas": {
        "task": "cartera.tasks.generar_glosas",
        "schedule": crontab(minute=0, hour=1),
    },
    "cartera-emitir-titulos": {
        "task": "cartera.tasks.emitir_titulos",
        "schedule": crontab(minute=0, hour=2),
    },
    "cartera-notificar-glosas": {
        "task": "cartera.tasks.notificar_glosas",
        "schedule": crontab(minute=0, hour=6, day_of_week="mon-fri"),
    },
    # The reminder before a glosa's término ends (GLOSA_RECORDATORIO_DIAS_HABILES):
    # every day, acting on business days only; once per glosa and término.
    "cartera-recordar-glosas": {
        "task": "cartera.tasks.recordar_glosas",
        "schedule": crontab(minute=30, hour=6),
    },
    # Coactiva (coactiva/tasks.py): oficios de levantamiento still in preparation a few
    # minutes after their levantamiento was opened are queued again.
    "coactiva-oficios-pendientes": {
        "task": "coactiva.tasks.oficios_pendientes_barrer",
        "schedule": crontab(minute="*/5"),
    },
    # ...and each Director Provincial hears of the oficios waiting for their signature
    # longer than COACTIVA_FIRMA_RECORDATORIO_DIAS business days.
    "coactiva-recordar-oficios-por-firmar": {
        "task": "coactiva.tasks.oficios_por_firmar_recordar",
        "schedule": crontab(minute=15, hour=7, day_of_week="mon-fri"),
    },
    # Ventanilla back office (tramites/tasks.py): archive requests whose filer did not
    # answer a request for documents in time, then tell each unit's heads what is due.
    "tramites-archivar-abandonadas": {
        "task": "tramites.tasks.solicitudes_abandonadas_archivar",
        "schedule": crontab(minute=15, hour=0),
    },
    "tramites-escalar-vencidas": {
        "task": "tramites.tasks.solicitudes_escalar",
        "schedule": crontab(minute=0, hour=7, day_of_week="mon-fri"),
    },
    # Employer portal: payment agreements with missed installments break, reminders of
    # installments due (cartera.acuerdos.acuerdos_revisar, idempotent).
    "cartera-revisar-acuerdos": {
        "task": "cartera.tasks.revisar_acuerdos",
        "schedule": crontab(minute=30, hour=5),
    },
}
