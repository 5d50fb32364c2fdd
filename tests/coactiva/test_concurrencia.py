"""The sorteo under concurrency, on PostgreSQL: two staff members drawing the same
unit's inbox at the same moment give one draw; the other is told there is nothing left
to draw (not a database error)."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import transaction

from coactiva import services
from coactiva.models import JuicioCoactivo, JuicioTitulo, SorteoRegistro
from core.models import Unidad
from tests.cartera.test_concurrencia import en_hilo
from tests.coactiva.test_sorteo import titulos_de
from tests.factories import EmpleadorFactory, SecretarioAbogadoFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sorteos_of_the_same_inbox_at_once_make_one_draw() -> None:
    unidad = Unidad.objects.get(codigo="17-coactiva")
    for _ in range(2):
        SecretarioAbogadoFactory()
    titulos = [t for _ in range(4) for t in titulos_de(EmpleadorFactory(), 1)]
    errores: list[BaseException] = []
    hecho = threading.Event()

    def primero() -> None:
        with transaction.atomic():
            services.sorteo_realizar(unidad=unidad)
            hecho.set()
            time.sleep(1)  # the second sorteo starts meanwhile and must wait

    uno = en_hilo(primero, errores)
    hecho.wait(10)
    otro = en_hilo(lambda: services.sorteo_realizar(unidad=unidad), errores)
    uno.join()
    otro.join()
    assert SorteoRegistro.objects.count() == 1
    assert JuicioCoactivo.objects.count() == 4
    assert JuicioTitulo.objects.count() == len(titulos)
    assert len(errores) == 1, errores
    assert isinstance(errores[0], services.CoactivaError), repr(errores[0])
    assert "No hay títulos" in str(errores[0])
