from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from cartera.batch import GENERAR_GLOSAS
from cartera.management.commands._lote import ejecutar


def periodo(valor: str) -> dt.date:
    try:
        return dt.datetime.strptime(valor, "%Y-%m").date()
    except ValueError:
        raise CommandError(f"Periodo no válido: «{valor}». Use AAAA-MM, p. ej. 2026-01.") from None


class Command(BaseCommand):
    help = (
        "Emite una glosa por cada planilla impaga después de su vencimiento (del periodo "
        "indicado o de todos los ya vencidos). Se puede repetir: no duplica glosas."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--periodo", help="Periodo de las planillas, AAAA-MM.")
        parser.add_argument(
            "--notificar",
            action="store_true",
            help="Notificar en línea las glosas en la misma pasada (como notificar_glosas).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        parametros: dict[str, Any] = {}
        if options["periodo"]:
            parametros["periodo"] = periodo(options["periodo"])
        if options["notificar"]:
            parametros["notificar"] = True
        ejecutar(self, GENERAR_GLOSAS, **parametros)
