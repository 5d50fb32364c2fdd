"""The Celery application. Tasks are discovered in each app's tasks.py; the periodic
schedule (beat) is declared once, in core/schedule.py."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")

app = Celery("ventanilla")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_finalize.connect
def _load_schedule(sender: Celery, **kwargs: object) -> None:
    from core.schedule import BEAT_SCHEDULE

    sender.conf.beat_schedule = BEAT_SCHEDULE
