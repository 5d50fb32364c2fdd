"""Late-payment interest (DOMAIN.md §3) against hand-computed examples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cartera.interes import TablaTasas, interes_mora, tabla_tasas
from cartera.models import TasaInteresMora

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasas() -> TablaTasas:
    TasaInteresMora.objects.all().delete()
    for mes, tasa in [
        (dt.date(2025, 2, 1), "9.00"),
        (dt.date(2025, 3, 1), "9.36"),
        (dt.date(2025, 4, 1), "9.72"),
    ]:
        TasaInteresMora.objects.create(mes=mes, tasa_anual=Decimal(tasa))
    return tabla_tasas()


def test_interest_by_month_matches_the_hand_computation(tasas: TablaTasas) -> None:
    # Planilla of January 2025, due 15/02/2025, paid 10/04/2025:
    #   February 16-28: 13 days × 1000 × 9.00 % / 360 = 3.25
    #   March 1-31:     31 days × 1000 × 9.36 % / 360 = 8.06
    #   April 1-10:     10 days × 1000 × 9.72 % / 360 = 2.70
    interes = interes_mora(
        capital=Decimal("1000.00"),
        liquidado_hasta=dt.date(2025, 2, 15),
        hasta=dt.date(2025, 4, 10),
        tasas=tasas,
    )
    assert interes == Decimal("14.01")


def test_no_interest_on_or_before_the_due_date(tasas: TablaTasas) -> None:
    for hasta in (dt.date(2025, 2, 15), dt.date(2025, 2, 10)):
        assert (
            interes_mora(
                capital=Decimal("1000"),
                liquidado_hasta=dt.date(2025, 2, 15),
                hasta=hasta,
                tasas=tasas,
            )
            == 0
        )


def test_one_day_late_is_one_day_of_interest(tasas: TablaTasas) -> None:
    # 1000 × 9 % / 360 = 0.25 per day
    assert interes_mora(
        capital=Decimal("1000"),
        liquidado_hasta=dt.date(2025, 2, 15),
        hasta=dt.date(2025, 2, 16),
        tasas=tasas,
    ) == Decimal("0.25")


def test_a_month_without_its_rate_uses_the_latest_earlier_one(tasas: TablaTasas) -> None:
    # June 2025 has no row: April's 9.72 % applies. 30 days × 1000 × 9.72 % / 360 = 8.10
    assert interes_mora(
        capital=Decimal("1000"),
        liquidado_hasta=dt.date(2025, 5, 31),
        hasta=dt.date(2025, 6, 30),
        tasas=tasas,
    ) == Decimal("8.10")


def test_a_month_before_any_rate_is_refused_in_spanish(tasas: TablaTasas) -> None:
    with pytest.raises(ValidationError, match="No hay tasa de interés de mora registrada"):
        interes_mora(
            capital=Decimal("1000"),
            liquidado_hasta=dt.date(2024, 12, 15),
            hasta=dt.date(2025, 1, 10),
            tasas=tasas,
        )


def test_the_migration_seeds_a_rate_for_every_month_since_2015() -> None:
    assert tabla_tasas().tasa(dt.date(2015, 1, 1)) > 0
