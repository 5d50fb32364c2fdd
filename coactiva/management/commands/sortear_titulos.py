"""Run the sorteo of the títulos received by the coactiva units, or re-run a logged
one to check it (an auditor's check).

A real draw's seed comes from the system (coactiva.services.sorteo_realizar), never
from the operator: a seed someone chose would let them choose the result. There is
no option to pass one; re-running a draw from its log is --verificar."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from coactiva import selectors, services
from coactiva.models import SorteoRegistro
from core.models import Unidad, User


class Command(BaseCommand):
    help = (
        "Sortea los títulos de crédito recibidos por las unidades de coactiva entre sus "
        "Secretarios-Abogados activos (C.D. 497 3.5.3 d), o reproduce un sorteo registrado "
        "con --verificar y compara el resultado."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--unidad", help="Código de la unidad (p. ej. 17-coactiva); por defecto, todas."
        )
        # Kept only to answer whoever still passes it (it used to exist): see handle().
        parser.add_argument("--semilla", help=argparse.SUPPRESS)
        parser.add_argument("--usuario", help="Usuario que realiza el sorteo (queda registrado).")
        parser.add_argument(
            "--verificar", type=int, metavar="N", help="Reproduce el sorteo N.º N y compara."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["semilla"] is not None:
            raise CommandError(
                "La semilla de un sorteo la genera el sistema al azar y queda registrada; "
                "no se puede elegir. Para reproducir un sorteo registrado use --verificar N."
            )
        if options["verificar"]:
            self._verificar(options["verificar"])
            return
        por = None
        if options["usuario"]:
            por = User.objects.filter(username=options["usuario"], is_staff=True).first()
            if por is None:
                raise CommandError(f"No existe el funcionario «{options['usuario']}».")
        unidades = Unidad.objects.filter(tipo=Unidad.Tipo.COACTIVA, activa=True)
        if options["unidad"]:
            unidades = unidades.filter(codigo=options["unidad"])
            if not unidades.exists():
                raise CommandError(f"No existe la unidad de coactiva «{options['unidad']}».")
        for unidad in unidades.order_by("provincia_id"):
            if not services.titulos_por_sortear(unidad=unidad).exists():
                continue
            try:
                registro = services.sorteo_realizar(unidad=unidad, por=por)
            except ValidationError as exc:
                self.stderr.write(f"{unidad.nombre}: {' '.join(exc.messages)}")
                continue
            self.stdout.write(
                self.style.SUCCESS(
                    f"{unidad.nombre}: {registro}, {len(registro.resultado)} proceso(s), "
                    f"semilla {registro.semilla} (generada al azar por el sistema)."
                )
            )

    def _verificar(self, pk: int) -> None:
        registro = SorteoRegistro.objects.filter(pk=pk).first()
        if registro is None:
            raise CommandError(f"No existe el sorteo N.º {pk}.")
        verificacion = selectors.sorteo_reproducir(registro=registro)
        if not verificacion.coincide:
            raise CommandError(f"{registro}: {selectors.sorteo_discrepancia(verificacion)}")
        self.stdout.write(
            self.style.SUCCESS(
                f"{registro}: reproducido; el resultado coincide con el registro y con los "
                "procesos abiertos."
            )
        )
        if registro.semilla_origen != SorteoRegistro.SemillaOrigen.SISTEMA:
            self.stdout.write(self.style.WARNING(f"ATENCIÓN: {selectors.SEMILLA_FIJADA_AVISO}"))
