"""The invariants the database itself holds (issue: one glosa per planilla, one open
título per glosa, non-negative amounts), written around the services as a bulk job or
a shell would: the database refuses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.db import IntegrityError, transaction

from cartera import services
from cartera.models import Glosa, Pago, Planilla, TituloCredito, TituloGlosa
from coactiva.models import JuicioTitulo
from tests.factories import GlosaFactory, JuicioCoactivoFactory

pytestmark = pytest.mark.django_db


def rechaza(accion: Callable[[], Any]) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        accion()


def test_one_glosa_per_planilla() -> None:
    glosa = GlosaFactory()
    planilla = glosa.planilla
    rechaza(
        lambda: Glosa.objects.create(
            origen=Glosa.Origen.PLANILLA,
            planilla=planilla,
            empleador=glosa.empleador,
            sucursal=glosa.sucursal,
            provincia=glosa.provincia,
            capital=Decimal("1.00"),
            mora_desde=glosa.mora_desde,
            intereses_hasta=glosa.intereses_hasta,
        )
    )
    assert Glosa.objects.filter(planilla=planilla).count() == 1


def test_one_open_titulo_per_glosa_and_a_new_one_once_it_is_closed() -> None:
    glosa = GlosaFactory(vencida=True, notificada_el=dt.date(2026, 1, 5))
    titulo = services.titulo_emitir(glosas=[glosa])
    otro = TituloCredito.objects.create(
        provincia=titulo.provincia,
        anio=titulo.anio,
        secuencial=titulo.secuencial + 1,
        empleador=titulo.empleador,
        unidad_coactiva=titulo.unidad_coactiva,
        fecha_emision=titulo.fecha_emision,
        mora_desde=titulo.mora_desde,
        intereses_hasta=titulo.intereses_hasta,
    )
    rechaza(lambda: TituloGlosa.objects.create(titulo=otro, glosa=glosa))
    services.titulo_anular(titulo=titulo, motivo="error_evidente", detalle="Duplicado.")
    TituloGlosa.objects.create(titulo=otro, glosa=glosa)  # the first is closed now
    assert TituloGlosa.objects.filter(glosa=glosa, vigente=True).get().titulo == otro


@pytest.mark.parametrize(
    "cambios",
    [
        {"capital": Decimal("-0.01")},
        {"intereses": Decimal("-1.00")},
        {"multas": Decimal("-1.00")},
        {"pagado_capital": Decimal("-1.00")},
        {"pagado_capital": Decimal("999999.00")},  # paid more than owed
    ],
)
def test_amounts_are_never_negative_nor_overpaid(cambios: dict[str, Decimal]) -> None:
    glosa = GlosaFactory(vencida=True, notificada_el=dt.date(2026, 1, 5))
    titulo = services.titulo_emitir(glosas=[glosa])
    for modelo, pk in (
        (Planilla, glosa.planilla_id),
        (Glosa, glosa.pk),
        (TituloCredito, titulo.pk),
    ):
        rechaza(lambda modelo=modelo, pk=pk: modelo.objects.filter(pk=pk).update(**cambios))


def test_titulo_numbers_and_payments_and_processes() -> None:
    juicio = JuicioCoactivoFactory(n_titulos=1)
    titulo = juicio.titulos.get()
    rechaza(
        lambda: TituloCredito.objects.create(
            provincia=titulo.provincia,
            anio=titulo.anio,
            secuencial=titulo.secuencial,  # the same number in the same province and year
            empleador=titulo.empleador,
            unidad_coactiva=titulo.unidad_coactiva,
            fecha_emision=titulo.fecha_emision,
            mora_desde=titulo.mora_desde,
            intereses_hasta=titulo.intereses_hasta,
        )
    )
    otro = JuicioCoactivoFactory(n_titulos=1)
    rechaza(lambda: JuicioTitulo.objects.create(juicio=otro, titulo=titulo))  # one process
    rechaza(
        lambda: Pago.objects.create(
            empleador=titulo.empleador,
            fecha=dt.date(2026, 3, 2),
            monto=Decimal("0.00"),
            canal=Pago.Canal.TRANSFERENCIA,
            titulo=titulo,
        )
    )
