"""Late-payment interest (DOMAIN.md §3): for every day in mora the unpaid capital earns
the annual rate in force in that day's month divided by 360:

    interest = Σ capital × annual_rate / 360 × days in each month

counted from the day after the due date (day 16) to the payment date, both included.
Rates come from the staff-editable table cartera.TasaInteresMora; a month without its
own row uses the latest earlier one. The sum is kept exact and rounded once, half up,
to cents.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError

CENTAVO = Decimal("0.01")
CERO = Decimal("0.00")
_DIAS_ANIO = Decimal(360)


def centavos(valor: Decimal) -> Decimal:
    return valor.quantize(CENTAVO, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TablaTasas:
    """The rate table read once (a few rows a year), for computing many obligations."""

    meses: tuple[dt.date, ...]
    tasas: tuple[Decimal, ...]

    def tasa(self, dia: dt.date) -> Decimal:
        """Annual rate (percent) in force in `dia`'s month."""
        i = bisect.bisect_right(self.meses, dia.replace(day=1)) - 1
        if i < 0:
            raise ValidationError(
                f"No hay tasa de interés de mora registrada para {dia:%m/%Y}; "
                "regístrela en Tasas de interés de mora."
            )
        return self.tasas[i]


def tabla_tasas() -> TablaTasas:
    from cartera.models import TasaInteresMora

    filas = list(TasaInteresMora.objects.order_by("mes").values_list("mes", "tasa_anual"))
    return TablaTasas(meses=tuple(m for m, _ in filas), tasas=tuple(t for _, t in filas))


def interes_mora(
    *, capital: Decimal, liquidado_hasta: dt.date, hasta: dt.date, tasas: TablaTasas
) -> Decimal:
    """Interest on `capital` for the days after `liquidado_hasta` up to `hasta`
    (inclusive). Zero when there is no capital or no day to count."""
    if capital <= 0 or hasta <= liquidado_hasta:
        return CERO
    total = Decimal(0)
    dia = liquidado_hasta + dt.timedelta(days=1)
    while dia <= hasta:
        fin_mes = dia.replace(day=calendar.monthrange(dia.year, dia.month)[1])
        ultimo = min(fin_mes, hasta)
        dias = (ultimo - dia).days + 1
        total += capital * tasas.tasa(dia) / 100 / _DIAS_ANIO * dias
        dia = ultimo + dt.timedelta(days=1)
    return centavos(total)
