"""The stages' términos (COA; DOMAIN.md §4) counted by hand across holidays, and the
inventory's due-today and overdue counts."""

from __future__ import annotations

import datetime as dt

import pytest

from coactiva import selectors, services
from coactiva.models import JuicioCoactivo
from core import roles
from core.models import Unidad
from tests.factories import (
    EmpleadorFactory,
    JuicioCoactivoFactory,
    SecretarioAbogadoFactory,
    momento,
    staff,
)

pytestmark = pytest.mark.django_db
Etapa = JuicioCoactivo.Etapa


def test_requerimiento_runs_ten_business_days_across_carnaval() -> None:
    juicio = JuicioCoactivoFactory(n_titulos=1)
    # Friday 13 Feb 2026; Carnaval Mon-Tue 16-17: days 1-10 are 18, 19, 20, 23, 24, 25,
    # 26, 27 February and 2, 3 March.
    juicio = services.juicio_transicion(
        juicio=juicio, a=Etapa.REQUERIMIENTO, at=momento(dt.date(2026, 2, 13))
    )
    assert (juicio.etapa_desde, juicio.vence_en) == (dt.date(2026, 2, 13), dt.date(2026, 3, 3))


@pytest.mark.parametrize(
    ("unidad", "vence"),
    [
        # Quito: Fundación de Quito (Sunday 6 Dec 2026) is observed on Monday the 7th.
        ("17-coactiva", dt.date(2026, 12, 9)),
        ("09-coactiva", dt.date(2026, 12, 8)),
    ],
)
def test_citacion_runs_three_business_days_with_the_units_local_holiday(
    unidad: str, vence: dt.date
) -> None:
    guayas = unidad.startswith("09")
    if guayas:
        SecretarioAbogadoFactory(unidad=Unidad.objects.get(codigo=unidad))
    juicio = JuicioCoactivoFactory(n_titulos=1, empleador=EmpleadorFactory(guayas=guayas))
    assert juicio.unidad.codigo == unidad
    services.juicio_transicion(
        juicio=juicio, a=Etapa.REQUERIMIENTO, at=momento(dt.date(2026, 11, 16))
    )
    # Thursday 3 Dec 2026: days 1-3 are Friday 4 and, in Quito, Tuesday 8 and Wednesday 9.
    juicio = services.juicio_transicion(
        juicio=juicio, a=Etapa.CITACION, at=momento(dt.date(2026, 12, 3))
    )
    assert juicio.vence_en == vence
    # The stages without a término carry none.
    juicio = services.juicio_transicion(
        juicio=juicio, a=Etapa.MEDIDAS, at=momento(dt.date(2026, 12, 10))
    )
    assert juicio.vence_en is None


def test_staff_see_what_is_due_today_and_what_is_overdue() -> None:
    hoy = dt.date(2026, 3, 3)
    vence_hoy = services.juicio_transicion(
        juicio=JuicioCoactivoFactory(n_titulos=1),
        a=Etapa.REQUERIMIENTO,
        at=momento(dt.date(2026, 2, 13)),
    )
    vencido = services.juicio_transicion(
        juicio=JuicioCoactivoFactory(n_titulos=1),
        a=Etapa.REQUERIMIENTO,
        at=momento(dt.date(2026, 2, 12)),
    )
    services.juicio_transicion(
        juicio=JuicioCoactivoFactory(n_titulos=1),
        a=Etapa.REQUERIMIENTO,
        at=momento(dt.date(2026, 2, 20)),
    )
    assert vence_hoy.vence_en == hoy and vencido.vence_en == dt.date(2026, 3, 2)
    jefe = staff(roles.JEFE_UNIDAD, "17-coactiva")
    assert selectors.vencimientos(jefe, hoy=hoy) == {"hoy": 1, "vencidos": 1}
