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


def test_counts_and_money_are_written_the_same_with_or_without_an_active_language() -> None:
    """A Celery task or a command may run with no language active (Django then falls
    back to the generic separators): the portal's numbers do not depend on it."""
    from core.formato import cifra, dolares

    def escritos() -> tuple[str, ...]:
        return (
            cifra(1066),
            cifra(Decimal("73239.3")),
            cifra(2.5),
            dolares(Decimal("1234567.5")),
            dolares(Decimal("-0.005")),
            cifra(None),
        )

    esperado = ("1.066", "73.239,3", "2,5", "USD 1.234.567,50", "-USD 0,01", "")
    with translation.override("es-ec"):
        assert escritos() == esperado
    with translation.override(None):  # deactivate_all(), as a bare worker has it
        assert escritos() == esperado


def test_chart_axis_labels_below_ten_keep_the_decimal_comma() -> None:
    html = Template("{% load charts %}{% bar_chart series %}").render(
        Context({"series": [("a", 1), ("b", Decimal("2.5"))]})
    )
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert re.findall(r'dominant-baseline="middle">([^<]*)</text>', svg) == [
        "0",
        "0,6",
        "1,3",
        "1,9",
        "2,5",
    ]
