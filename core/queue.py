"""Enqueue Celery tasks only after the transaction commits, and never let a dead broker
turn an accepted request into an error: the row the task works on stays pending and a
periodic sweep (core/schedule.py) sends it again."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def send_now(task: Task, *args: Any, **kwargs: Any) -> bool:
    """Send `task` to the broker (or run it, in eager mode). False if it could not be
    queued; the caller's sweep will find the work again."""
    try:
        task.apply_async(args=args, kwargs=kwargs)
        return True
    except Exception:
        logger.exception(
            "No se pudo encolar %s%r; quedará para el barrido periódico.", task.name, args
        )
        return False


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Queue `task` with ids (never model instances) once the current transaction
    commits; nothing is queued if it rolls back."""
    transaction.on_commit(lambda: send_now(task, *args, **kwargs))
