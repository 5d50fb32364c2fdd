"""Daily retention cleanup (docs/deploy.md, *Retention*).

Removes what has no value: expired sessions, lockout records older than the retention
period, and private files no row refers to (an upload stored and then lost to a failed
transaction). Requests, documents, histories and the audit trail are never touched.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.apps import apps
from django.contrib.sessions.models import Session
from django.core.files.storage import Storage
from django.db import models
from django.utils import timezone

from core.storage import private_storage

ORPHAN_GRACE = dt.timedelta(days=1)
LOCKOUT_RETENTION = dt.timedelta(days=90)


def _walk(storage: Storage, path: str = "") -> Iterator[str]:
    directories, files = storage.listdir(path)
    for name in files:
        yield f"{path}/{name}" if path else name
    for directory in directories:
        yield from _walk(storage, f"{path}/{directory}" if path else directory)


def referenced_private_files() -> set[str]:
    """Every file name stored in a FileField of any model (all use private storage)."""
    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(
                    n
                    for n in model._default_manager.exclude(**{field.name: ""}).values_list(
                        field.name, flat=True
                    )
                    if n
                )
    return names


def orphan_files_delete(*, now: dt.datetime | None = None) -> int:
    now = now or timezone.now()
    storage = private_storage()
    referenced = referenced_private_files()
    removed = 0
    try:
        candidates = list(_walk(storage))
    except FileNotFoundError:
        return 0
    for name in candidates:
        if name in referenced:
            continue
        if now - storage.get_modified_time(name) < ORPHAN_GRACE:
            continue  # may belong to a transaction still in flight
        storage.delete(name)
        removed += 1
    return removed


def expired_data_delete(*, now: dt.datetime | None = None) -> dict[str, int]:
    now = now or timezone.now()
    result = {"sesiones": Session.objects.filter(expire_date__lt=now).delete()[0]}
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    limite = now - LOCKOUT_RETENTION
    result["intentos_de_ingreso"] = (
        AccessAttempt.objects.filter(attempt_time__lt=limite).delete()[0]
        + AccessFailureLog.objects.filter(attempt_time__lt=limite).delete()[0]
        + AccessLog.objects.filter(attempt_time__lt=limite).delete()[0]
    )
    result["archivos_huerfanos"] = orphan_files_delete(now=now)
    return result
