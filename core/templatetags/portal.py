"""Formatting for Spanish (Ecuador) pages: money in US dollars, identifiers."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django import template

register = template.Library()


@register.filter
def dolares(value: Any) -> str:
    """USD 1.234,56: Decimal, two places, half-up, Spanish separators."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return ""
    sign = "-" if amount < 0 else ""
    entero, _, decimales = f"{abs(amount):.2f}".partition(".")
    grupos: list[str] = []
    while entero:
        grupos.insert(0, entero[-3:])
        entero = entero[:-3]
    return f"{sign}USD {'.'.join(grupos)},{decimales}"


@register.simple_tag
def regla_archivos() -> str:
    """«JPG o PDF de hasta 1 MB», from the upload parameters in force."""
    from core.uploads import regla_archivos as regla

    return regla()
