"""Database aliases: heavy read-only reports go to the replica when one is configured
(DATABASE_REPLICA_URL), so they never compete with request traffic on the primary.

A report view is wrapped in `lee_de_replica`; while it runs, ReplicaRouter sends its
reads to the "replica" alias (writes, such as the audit event of an export, still go to
the primary). Without a replica configured nothing changes. Reports tolerate the
replica's lag of a few seconds; nothing that reads its own writes is wrapped.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from django.conf import settings

REPLICA = "replica"
_en_reporte: ContextVar[bool] = ContextVar("en_reporte", default=False)

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def lectura_de_replica() -> Iterator[None]:
    token = _en_reporte.set(True)
    try:
        yield
    finally:
        _en_reporte.reset(token)


def lee_de_replica(vista: F) -> F:
    """Decorator for report views: their reads go to the replica (when configured)."""

    @functools.wraps(vista)
    def envuelta(*args: Any, **kwargs: Any) -> Any:
        with lectura_de_replica():
            return vista(*args, **kwargs)

    return envuelta  # type: ignore[return-value]


class ReplicaRouter:
    """DATABASE_ROUTERS entry: reads inside `lectura_de_replica` go to the replica."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _en_reporte.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return "default"

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # Both aliases hold the same data: a row read from the replica may be linked
        # to one written on the primary (e.g. the audit event of an export).
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary by streaming replication
