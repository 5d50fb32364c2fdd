from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from cartera.batch import RECORDAR_GLOSAS
from cartera.management.commands._lote import ejecutar


class Command(BaseCommand):
    help = (
        "Recuerda por correo a los empleadores las glosas notificadas cuyo término termina "
        "dentro de GLOSA_RECORDATORIO_DIAS_HABILES días hábiles (una vez por término; "
        "respeta sus preferencias de aviso). Se puede repetir."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        ejecutar(self, RECORDAR_GLOSAS)
