from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from cartera.batch import NOTIFICAR_GLOSAS
from cartera.management.commands._lote import ejecutar
from cartera.management.commands.generar_glosas import periodo


class Command(BaseCommand):
    help = (
        "Notifica en línea las glosas emitidas: un aviso en el portal y un correo por "
        "empleador; el término para pagar o impugnar corre desde hoy. Se puede repetir."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--periodo", help="Solo las glosas de este periodo, AAAA-MM.")

    def handle(self, *args: Any, **options: Any) -> None:
        parametros = {}
        if options["periodo"]:
            parametros["periodo"] = periodo(options["periodo"])
        ejecutar(self, NOTIFICAR_GLOSAS, **parametros)
