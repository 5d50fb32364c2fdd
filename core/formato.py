"""How the portal writes numbers: «1.066» for counts, «USD 1.234,56» for money (es-EC:
thousands with a point, decimals with a comma), on pages, charts, e-mails (also those
the database writes: core.email.sql_cifra, sql_dolares), PDFs and the admin.

The separators are those of the portal's language (settings.LANGUAGE_CODE, format
module ventanilla/formats/es_EC), read for that language explicitly: a Celery task or
a command that runs without an active language writes them the same way."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils import numberformat
from django.utils.formats import get_format


def separadores() -> tuple[str, str]:
    """(thousands, decimals) of the portal's language: (".", ",")."""
    idioma = settings.LANGUAGE_CODE
    return (
        str(get_format("THOUSAND_SEPARATOR", lang=idioma, use_l10n=True)),
        str(get_format("DECIMAL_SEPARATOR", lang=idioma, use_l10n=True)),
    )


def _decimal(valor: Any) -> Decimal | None:
    if valor is None or valor == "" or isinstance(valor, bool):
        return None
    try:
        return Decimal(str(valor))
    except (InvalidOperation, TypeError, ValueError):
        return None


def cifra(valor: Any, decimales: int | None = None) -> str:
    """A count or amount with the thousands grouped: 1066 → «1.066», 73239.3 →
    «73.239,3»; `decimales` rounds half up to that many places. Anything that is not a
    number is returned as text, unchanged (None as "")."""
    numero = _decimal(valor)
    if numero is None:
        return "" if valor is None else str(valor)
    if decimales is not None:
        numero = numero.quantize(Decimal(1).scaleb(-decimales), rounding=ROUND_HALF_UP)
    miles, coma = separadores()
    return numberformat.format(
        numero,
        coma,
        decimal_pos=decimales,
        grouping=get_format("NUMBER_GROUPING", lang=settings.LANGUAGE_CODE, use_l10n=True),
        thousand_sep=miles,
        force_grouping=True,
        use_l10n=True,
    )


def dolares(valor: Any) -> str:
    """USD 1.234,56: two places, half up; "" when it is not an amount."""
    monto = _decimal(valor)
    if monto is None:
        return ""
    monto = monto.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    signo = "-" if monto < 0 else ""
    return f"{signo}USD {cifra(abs(monto), 2)}"
