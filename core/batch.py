"""Batch jobs as rows (core.TrabajoLote): one run at a time per job, counters, a progress
bar in the terminal and a summary at the end. Management commands, beat tasks and admin
actions all go through `lote()`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from tqdm import tqdm

from core.models import TrabajoLote

# A run that has not reported for this long is considered dead (its process crashed).
STALE_AFTER = dt.timedelta(minutes=30)


class LoteEnCurso(Exception):
    """Another run of the same job is in progress."""


@dataclass
class Lote:
    fila: TrabajoLote
    barra: Any = None
    resumen: dict[str, Any] = field(default_factory=dict)

    def set_total(self, total: int) -> None:
        self.fila.total = total
        TrabajoLote.objects.filter(pk=self.fila.pk).update(total=total, latido_en=timezone.now())
        if self.barra is not None:
            self.barra.reset(total=total)

    def advance(self, n: int) -> None:
        self.fila.procesados += n
        TrabajoLote.objects.filter(pk=self.fila.pk).update(
            procesados=self.fila.procesados, latido_en=timezone.now()
        )
        if self.barra is not None:
            self.barra.update(n)

    def count(self, key: str, n: int = 1) -> None:
        self.resumen[key] = self.resumen.get(key, 0) + n


def _claim(nombre: str, parametros: dict[str, Any], por: Any) -> TrabajoLote:
    with transaction.atomic():
        viejo = (
            TrabajoLote.objects.select_for_update()
            .filter(nombre=nombre, estado=TrabajoLote.Estado.EN_CURSO)
            .first()
        )
        if viejo is not None:
            if timezone.now() - viejo.latido_en < STALE_AFTER:
                raise LoteEnCurso(
                    f"Ya hay una ejecución de «{nombre}» en curso desde "
                    f"{timezone.localtime(viejo.iniciado_en):%d/%m/%Y %H:%M}."
                )
            viejo.estado = TrabajoLote.Estado.FALLIDO
            viejo.error = "Abandonado: sin señales por más de 30 minutos."
            viejo.terminado_en = timezone.now()
            viejo.save(update_fields=["estado", "error", "terminado_en"])
        try:
            with transaction.atomic():
                return TrabajoLote.objects.create(
                    nombre=nombre,
                    parametros=parametros,
                    iniciado_por=por if getattr(por, "is_authenticated", False) else None,
                )
        except IntegrityError:
            raise LoteEnCurso(f"Ya hay una ejecución de «{nombre}» en curso.") from None


@contextmanager
def lote(
    nombre: str,
    *,
    parametros: dict[str, Any] | None = None,
    por: Any = None,
    progress: bool = False,
) -> Iterator[Lote]:
    """Run a batch job under its lock. Work inside should be idempotent and done in
    chunks that each commit, so a crash loses at most one chunk and a re-run resumes."""
    fila = _claim(nombre, parametros or {}, por)
    barra = tqdm(total=0, desc=nombre, unit="", leave=False) if progress else None
    handle = Lote(fila=fila, barra=barra)
    try:
        yield handle
    except BaseException as exc:
        TrabajoLote.objects.filter(pk=fila.pk).update(
            estado=TrabajoLote.Estado.FALLIDO,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            resumen=handle.resumen,
            terminado_en=timezone.now(),
        )
        raise
    else:
        TrabajoLote.objects.filter(pk=fila.pk).update(
            estado=TrabajoLote.Estado.TERMINADO, resumen=handle.resumen, terminado_en=timezone.now()
        )
        fila.refresh_from_db()
    finally:
        if barra is not None:
            barra.close()


def chunks(ids: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]
