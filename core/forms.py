"""Shared form pieces: identifiers validated with python-stdnum, Spanish messages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import lazy

from core import identificacion as ident


class IdentificacionField(forms.CharField):
    """A cédula, RUC or foreigner ID, validated against the type chosen in the field
    named by `tipo_field` (checked in the form's clean) or against a fixed `tipo`."""

    def __init__(self, *args: Any, tipo: str | None = None, **kwargs: Any) -> None:
        self.tipo = tipo
        kwargs.setdefault("max_length", 20)
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if value and self.tipo:
            return ident.validar(value, self.tipo).numero
        return value


def clean_identificacion(form: forms.BaseForm, *, numero_field: str, tipo_field: str) -> None:
    """Validate `numero_field` as the type selected in `tipo_field`; errors go next to
    the number field."""
    numero = form.cleaned_data.get(numero_field)
    tipo = form.cleaned_data.get(tipo_field)
    if not numero or not tipo:
        return
    try:
        form.cleaned_data[numero_field] = ident.validar(numero, tipo).numero
    except forms.ValidationError as exc:
        form.add_error(numero_field, exc)


def etiqueta_archivo(texto: str) -> str:
    """«Documento de sustento (JPG o PDF de hasta 1 MB)»: a slot's label with the upload
    rule in force (core.uploads.regla_archivos), read when the page is rendered."""
    from core.uploads import regla_archivos

    return lazy(lambda: f"{texto} ({regla_archivos()})", str)()


class DocumentoField(forms.FileField):
    """An upload slot whose file core.uploads.validate_upload checks. Empty files get
    through to it, so that they too are refused with a message naming the file and the
    slot (Django's own says only «El fichero enviado está vacío»)."""

    default_error_messages = {
        "invalid": "No recibimos el archivo: vuelva a seleccionarlo.",
        "missing": "No recibimos el archivo: vuelva a seleccionarlo.",
        "contradiction": "Seleccione un archivo o quite el actual, no ambos.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from core.uploads import tipos_aceptados

        kwargs.setdefault("allow_empty_file", True)
        # Lazy: the types are a parameter, read when the page is rendered.
        acepta = lazy(tipos_aceptados, str)()
        kwargs.setdefault("widget", forms.ClearableFileInput(attrs={"accept": acepta}))
        super().__init__(*args, **kwargs)
