from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from core.cleanup import expired_data_delete
from core.services import documento_verificable_emitir
from core.storage import private_storage

pytestmark = pytest.mark.django_db


def _age(name: str, days: int) -> None:
    path = private_storage().path(name)
    old = (timezone.now() - dt.timedelta(days=days)).timestamp()
    os.utime(path, (old, old))


def test_cleanup_removes_only_old_orphans_and_expired_sessions() -> None:
    kept = documento_verificable_emitir(
        tipo="resolucion", titulo="R", datos_publicos={}, pdf=b"%PDF-1.4 r"
    )
    _age(kept.archivo.name, 30)
    storage = private_storage()
    old_orphan = storage.save("solicitudes/zz/perdido.pdf", ContentFile(b"x"))
    _age(old_orphan, 3)
    fresh_orphan = storage.save("solicitudes/zz/en-curso.pdf", ContentFile(b"y"))

    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session.set_expiry(-10)
    session.save()

    result = expired_data_delete()
    assert result["archivos_huerfanos"] == 1 and result["sesiones"] == 1
    assert not storage.exists(old_orphan)
    assert storage.exists(fresh_orphan) and storage.exists(kept.archivo.name)
