"""Forms of the cartera staff pages (report filters)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from core.models import Provincia


class FiltroProvinciaForm(forms.Form):
    """National staff may narrow a report to one province."""

    provincia = forms.ModelChoiceField(
        label="Provincia",
        queryset=Provincia.objects.order_by("codigo"),
        required=False,
        empty_label="Todas",
        widget=forms.Select(attrs={"class": "form-select"}),
    )


class FiltroMesForm(forms.Form):
    mes = forms.DateField(
        label="Mes",
        required=False,
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month", "class": "form-control"}, format="%Y-%m"),
        error_messages={"invalid": "Ingrese el mes como AAAA-MM."},
    )
    provincia = forms.ModelChoiceField(
        label="Provincia",
        queryset=Provincia.objects.order_by("codigo"),
        required=False,
        empty_label="Todas",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(
        self, *args: Any, nacional: bool = True, ultimo: dt.date | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.ultimo = ultimo
        if not nacional:
            del self.fields["provincia"]
        if ultimo is not None:
            self.fields["mes"].widget.attrs["max"] = f"{ultimo:%Y-%m}"

    def clean_mes(self) -> dt.date | None:
        mes: dt.date | None = self.cleaned_data.get("mes")
        if mes is not None and self.ultimo is not None and mes > self.ultimo:
            raise forms.ValidationError("El mes no puede ser posterior al actual.")
        return mes
