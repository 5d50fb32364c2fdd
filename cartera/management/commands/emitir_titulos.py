from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cartera.batch import EMITIR_TITULOS
from cartera.management.commands._lote import ejecutar


class Command(BaseCommand):
    help = (
        "Marca vencidas las glosas cuyo término terminó sin pago, impugnación ni acuerdo "
        "y emite sus títulos de crédito, enviados a la unidad de coactiva de la provincia. "
        "Se puede repetir."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ejecutar(self, EMITIR_TITULOS)
