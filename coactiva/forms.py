"""Forms of the coactiva staff pages."""

from __future__ import annotations

from django import forms
from django.utils import timezone

BIMESTRES = [
    (1, "enero-febrero"),
    (2, "marzo-abril"),
    (3, "mayo-junio"),
    (4, "julio-agosto"),
    (5, "septiembre-octubre"),
    (6, "noviembre-diciembre"),
]


def bimestre_actual() -> tuple[int, int]:
    hoy = timezone.localdate()
    return hoy.year, (hoy.month + 1) // 2


class FiltroBimestreForm(forms.Form):
    anio = forms.IntegerField(
        label="Año",
        min_value=2015,
        max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={
            "invalid": "Ingrese el año con cuatro cifras.",
            "min_value": "El año debe ser 2015 o posterior.",
            "max_value": "Ingrese un año válido.",
        },
    )
    bimestre = forms.TypedChoiceField(
        label="Bimestre",
        choices=BIMESTRES,
        coerce=int,
        widget=forms.Select(attrs={"class": "form-select"}),
        error_messages={"invalid_choice": "Elija un bimestre de la lista."},
    )
