"""Server-rendered SVG bar charts: no script (the CSP forbids inline script), readable by
screen readers (role="img", a title, and the same numbers in a table), printable.

    {% load charts %}
    {% bar_chart series title="Atenciones por mes" %}

`series` is a list of (label, value) or (label, value, value2) tuples; with a second value
the bars are grouped and `legend` names the two series. `categoria` heads the labels'
column of the data table (default "Periodo").
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django import template

from core.formato import cifra

register = template.Library()
_ids = itertools.count(1)


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        top = step * magnitude
        if top >= value:
            return top
    return value


@register.inclusion_tag("partials/bar_chart.html")
def bar_chart(
    series: Sequence[Sequence[Any]],
    title: str = "",
    legend: str = "",
    width: int = 720,
    height: int = 260,
    value_format: str = "",
    categoria: str = "Periodo",
) -> dict[str, Any]:
    rows = [tuple(row) for row in series]
    grouped = any(len(r) > 2 for r in rows)
    names = [n.strip() for n in legend.split("|")] if legend else []
    values = [float(Decimal(str(v or 0))) for r in rows for v in r[1:]]
    top = _nice_max(max(values, default=0))
    left, bottom, top_pad = 56, 48, 16
    plot_w, plot_h = width - left - 12, height - bottom - top_pad
    slot = plot_w / max(len(rows), 1)
    bar_w = slot * (0.38 if grouped else 0.7)
    bars = []
    for i, row in enumerate(rows):
        for j, raw in enumerate(row[1:]):
            v = float(Decimal(str(raw or 0)))
            h = plot_h * v / top if top else 0
            x = left + i * slot + (slot - bar_w * (2 if grouped else 1)) / 2 + j * bar_w
            bars.append(
                {
                    "x": round(x, 1),
                    "y": round(top_pad + plot_h - h, 1),
                    "w": round(bar_w - 2, 1),
                    "h": round(h, 1),
                    "cls": "bar" if j == 0 else "bar-alt",
                    "label": row[0],
                    "value": cifra(raw or 0),
                    "serie": names[j] if j < len(names) else "",
                }
            )
    ticks = [
        {"y": round(top_pad + plot_h - plot_h * k / 4, 1), "value": _fmt(top * k / 4)}
        for k in range(5)
    ]
    step = max(1, len(rows) // 12)
    labels = [
        {"x": round(left + i * slot + slot / 2, 1), "text": str(row[0])}
        for i, row in enumerate(rows)
        if i % step == 0
    ]
    return {
        "chart_id": f"grafico-{next(_ids)}",
        "title": title,
        "names": names,
        "rows": [(row[0], *(cifra(v or 0) for v in row[1:])) for row in rows],
        "grouped": grouped,
        "bars": bars,
        "ticks": ticks,
        "labels": labels,
        "width": width,
        "height": height,
        "left": left,
        "axis_y": top_pad + plot_h,
        "right": width - 12,
        "label_y": top_pad + plot_h + 16,
        "legend_y": height - 8,
        "empty": not rows,
        "categoria": categoria,
    }


def _fmt(value: float) -> str:
    """An axis label, grouped like every count of the portal: «1.250», «2,5»."""
    return cifra(value, 0 if value >= 10 or value == int(value) else 1)
