"""Shared body of the cartera batch commands: run the job under its lock with a progress
bar, print the summary, turn "already running" into a clear error."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cartera import batch as cartera_batch
from core.batch import LoteEnCurso

ETIQUETAS = {
    "glosas_emitidas": "glosas emitidas",
    "glosas_notificadas": "glosas notificadas",
    "empleadores_notificados": "empleadores notificados",
    "correos": "correos encolados",
    "glosas_vencidas": "glosas vencidas",
    "titulos_emitidos": "títulos de crédito emitidos",
    "sin_unidad_coactiva": "glosas sin unidad de coactiva activa (no emitidas)",
    "glosas_recordadas": "glosas recordadas",
}


def ejecutar(comando: BaseCommand, nombre: str, **parametros: Any) -> None:
    try:
        resumen = cartera_batch.ejecutar(nombre, progress=comando.stdout.isatty(), **parametros)
    except LoteEnCurso as exc:
        raise CommandError(str(exc)) from None
    comando.stdout.write(comando.style.SUCCESS(f"{nombre}: terminado."))
    for clave, valor in resumen.items():
        comando.stdout.write(f"  {ETIQUETAS.get(clave, clave)}: {valor}")
