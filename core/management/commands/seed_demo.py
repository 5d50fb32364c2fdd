"""Create the demo data set: staff per role, employers, and each app's own demo data
(every app with a `demo.seed(ctx)` function, in dependency order). Idempotent: a
second run only prints the logins. Refuses to run in production."""

from __future__ import annotations

import importlib
import random
import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from core import demo
from core.models import Secuencia

APPS_IN_ORDER = ["cartera", "coactiva", "tramites"]
MARKER = "demo:seeded"


class Command(BaseCommand):
    help = "Crea datos de demostración (empleadores, funcionarios, obligaciones, trámites)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--empleadores", type=int, default=300, help="Empleadores a crear (defecto 300)."
        )
        parser.add_argument(
            "--semilla", type=int, default=2026, help="Semilla del generador aleatorio."
        )
        parser.add_argument(
            "--sin-progreso", action="store_true", help="No mostrar barras de progreso."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("seed_demo no se ejecuta en producción.")
        if options["empleadores"] < 1:
            raise CommandError("--empleadores debe ser al menos 1.")
        ctx = demo.DemoContext(
            rng=random.Random(options["semilla"]),  # noqa: S311 - reproducible demo data  # nosec B311
            empleadores=options["empleadores"],
            stdout=self.stdout,
            progress_enabled=not options["sin_progreso"],
        )
        started = time.monotonic()
        already = Secuencia.objects.filter(clave=MARKER).exists()
        # The demo's e-mails (receipts, notices) are recorded in the outbox but not
        # printed: the console would drown the logins.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"),
            transaction.atomic(),
        ):
            demo.seed_staff(ctx)
            for label in APPS_IN_ORDER:
                try:
                    module = importlib.import_module(f"{label}.demo")
                except ModuleNotFoundError:
                    continue
                if already:
                    getattr(module, "logins", lambda ctx: None)(ctx)
                    continue
                self.stdout.write(f"· {label}: creando datos de demostración…")
                module.seed(ctx)
            Secuencia.objects.get_or_create(clave=MARKER)

        if already:
            self.stdout.write("Los datos de demostración ya existían; no se creó nada nuevo.")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Datos de demostración creados en {time.monotonic() - started:.1f} s."
                )
            )
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING("Ingresos de demostración (solo para pruebas locales):")
        )
        width = max(len(p) for p, _ in ctx.logins)
        for perfil, credenciales in ctx.logins:
            self.stdout.write(f"  {perfil.ljust(width)}  {credenciales}")
