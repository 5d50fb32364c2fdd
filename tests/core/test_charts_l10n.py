"""Charts in a Spanish-locale page: SVG coordinates keep the decimal point."""

from __future__ import annotations

import re
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation


def test_svg_numbers_are_not_localized_with_a_decimal_comma() -> None:
    with translation.override("es-ec"):
        html = Template("{% load charts %}{% bar_chart series title='Saldo' %}").render(
            Context({"series": [("17", Decimal("73239337.39")), ("09", Decimal("66725216.75"))]})
        )
    svg = html[html.index("<svg") : html.index("</svg>")]
    atributos = re.findall(r'(?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', svg)
    assert atributos and all("," not in valor for valor in atributos), atributos
