"""Formatting for Spanish (Ecuador) pages: counts and money (core.formato), the upload
rule in force."""

from __future__ import annotations

from typing import Any

from django import template

from core import formato

register = template.Library()


@register.filter
def dolares(value: Any) -> str:
    """USD 1.234,56 (core.formato.dolares)."""
    return formato.dolares(value)


@register.filter
def cifra(value: Any, decimales: Any = None) -> str:
    """A count with its thousands grouped, «1.066» (core.formato.cifra);
    `{{ x|cifra:2 }}` rounds to two places."""
    return formato.cifra(value, None if decimales in (None, "") else int(decimales))


@register.simple_tag
def regla_archivos() -> str:
    """«JPG o PDF de hasta 1 MB», from the upload parameters in force."""
    from core.uploads import regla_archivos as regla

    return regla()
