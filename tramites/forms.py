"""Forms of the Ventanilla Virtual. The request form is built from the catalogue: one
field per question of the trámite and one slot per requisite (conditional slots carry
their rule for the browser to reveal them in place; the server decides which apply)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy

from cartera.models import Empleador
from core import identificacion as ident
from core.forms import DocumentoField, clean_identificacion
from core.models import Provincia
from core.uploads import ValidatedFile, regla_archivos, validate_upload
from tramites import condiciones, services
from tramites.models import Pregunta, Requisito, Solicitud, Tramite

# MedidaCautelar.Tipo values (coactiva) → the declared kind of measure of the form.
TIPO_MEDIDA_A_RESPUESTA = {
    "prohibicion_inmueble": "inmueble",
    "retencion_fondos": "entidad_financiera",
    "prohibicion_vehiculo": "vehiculo",
}

CAMPOS_FIJOS = {
    "provincia",
    "tipo_identificacion",
    "identificacion",
    "nombre",
    "email",
    "email_confirmacion",
    "telefono",
    "celular",
    "direccion",
    "calidad",
    "empleador_identificacion",
    "empleador_razon_social",
    "sucursal",
    "medidas_ids",
    "detalle",
    "declaracion",
}


class SeleccionForm(forms.Form):
    """Step one on /ventanilla/: the province and the trámite."""

    provincia = forms.ModelChoiceField(
        Provincia.objects.all(), label="Provincia donde presenta el trámite", empty_label="Elija…"
    )
    tramite = forms.ModelChoiceField(
        Tramite.objects.none(),
        label="Trámite",
        to_field_name="slug",
        empty_label="Elija…",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tramite"].queryset = Tramite.objects.filter(  # type: ignore[attr-defined]
            activo=True, recepcion_ventanilla=True
        ).order_by("orden")


class SolicitudForm(forms.Form):
    provincia = forms.ModelChoiceField(
        Provincia.objects.all(), label="Provincia donde presenta el trámite", empty_label="Elija…"
    )
    tipo_identificacion = forms.ChoiceField(
        label="Tipo de identificación",
        choices=ident.TIPO_IDENTIFICACION_CHOICES,
        widget=forms.RadioSelect,
        initial="cedula",
    )
    identificacion = forms.CharField(
        label="Número de identificación", max_length=20, help_text="Cédula, RUC o código."
    )
    nombre = forms.CharField(label="Nombres y apellidos completos", max_length=200)
    # 254: the column's length (RFC 5321); a longer address would otherwise pass the
    # form and fail in the database.
    email = forms.EmailField(
        label="Correo electrónico",
        max_length=254,
        help_text="Aquí recibirá el acuse de recibo y los avisos.",
    )
    email_confirmacion = forms.EmailField(label="Confirme su correo electrónico", max_length=254)
    telefono = forms.RegexField(
        label="Teléfono convencional",
        regex=r"^0[2-7][0-9]{7}$",
        required=False,
        max_length=9,
        error_messages={"invalid": "Ingrese el teléfono con el código de provincia: 022555100."},
    )
    celular = forms.RegexField(
        label="Teléfono celular",
        regex=r"^09[0-9]{8}$",
        required=False,
        max_length=10,
        error_messages={"invalid": "El celular tiene 10 dígitos y empieza con 09."},
    )
    direccion = forms.CharField(label="Dirección", max_length=250)
    calidad = forms.ChoiceField(label="Presenta el trámite como", widget=forms.RadioSelect)
    empleador_identificacion = forms.CharField(
        label="RUC o cédula del empleador", max_length=13, required=False
    )
    empleador_razon_social = forms.CharField(
        label="Razón social del empleador", max_length=200, required=False
    )
    sucursal = forms.RegexField(
        label="Sucursal",
        regex=r"^[0-9]{3}$",
        required=False,
        initial="001",
        max_length=3,
        error_messages={"invalid": "La sucursal son 3 dígitos (p. ej. 001)."},
    )
    detalle = forms.CharField(
        label="Detalle de su pedido",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Explique qué solicita y por qué (hasta 4000 caracteres).",
    )
    declaracion = forms.BooleanField(
        label="Declaro que la información es verdadera y que los documentos cargados están "
        "firmados de forma manuscrita y son legibles."
    )

    def __init__(
        self,
        *args: Any,
        tramite: Tramite,
        empleador: Empleador | None = None,
        precheck: list[Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.tramite = tramite
        self.empleador = empleador
        self.precheck = precheck or []
        self.preguntas: list[Pregunta] = list(tramite.preguntas.all())
        self.requisitos: list[Requisito] = list(tramite.requisitos.all())
        self.validados: dict[int, ValidatedFile] = {}

        if tramite.requiere_empleador:
            calidades = [Solicitud.Calidad.REPRESENTANTE, Solicitud.Calidad.TERCERO]
            self.fields["empleador_identificacion"].required = True
            self.fields["empleador_razon_social"].required = empleador is None
        else:
            calidades = [Solicitud.Calidad.TITULAR, Solicitud.Calidad.TERCERO]
            for campo in ("empleador_identificacion", "empleador_razon_social", "sucursal"):
                del self.fields[campo]
        self.fields["calidad"].choices = [  # type: ignore[attr-defined]
            (c.value, c.label) for c in calidades
        ]
        self.fields["calidad"].initial = calidades[0].value
        if empleador is not None:
            self.fields["empleador_identificacion"].initial = empleador.identificacion
            self.fields["empleador_identificacion"].disabled = True
            self.fields["empleador_razon_social"].initial = empleador.razon_social
            self.fields["empleador_razon_social"].disabled = True

        for pregunta in self.preguntas:
            self.fields[pregunta.clave] = _campo_pregunta(pregunta)
        self.medidas_tipos: dict[str, str | None] = {}

        medidas = [
            (str(m.id), f"{m.descripcion} · {m.entidad} (proceso {p.numero})")
            for p in self.precheck
            if p.elegible
            for m in p.medidas
        ]
        if medidas:
            self.fields["medidas_ids"] = forms.MultipleChoiceField(
                label="Medidas cautelares que pide levantar",
                choices=medidas,
                widget=forms.CheckboxSelectMultiple,
            )
            self.medidas_tipos = {  # chosen measure id → declared kind
                str(m.id): TIPO_MEDIDA_A_RESPUESTA.get(m.tipo)
                for p in self.precheck
                for m in p.medidas
            }

        for requisito in self.requisitos:
            if not requisito.en_ventanilla:
                continue
            slot: forms.Field
            if requisito.forma == Requisito.Forma.DATO:
                slot = forms.CharField(
                    label=requisito.etiqueta_dato or requisito.nombre,
                    max_length=200,
                    required=False,
                )
            else:
                slot = DocumentoField(label=requisito.nombre, required=False)
            self.fields[requisito.campo] = slot

    # -- Layout helpers for the template -----------------------------------------------

    def requisito_slots(self) -> list[dict[str, Any]]:
        slots = []
        for requisito in self.requisitos:
            if not requisito.en_ventanilla:
                continue
            slots.append(
                {
                    "requisito": requisito,
                    "field": self[requisito.campo],
                    "revelar": condiciones.revelar_cuando(requisito.condicion),
                    "condicional": bool(requisito.condicion),
                    "es_archivo": requisito.forma == Requisito.Forma.ARCHIVO,
                }
            )
        return slots

    def pregunta_fields(self) -> list[Any]:
        return [self[p.clave] for p in self.preguntas]

    # -- Validation --------------------------------------------------------------------

    def respuestas(self) -> dict[str, Any]:
        data = self.cleaned_data
        respuestas: dict[str, Any] = {}
        for pregunta in self.preguntas:
            valor = data.get(pregunta.clave)
            if valor not in (None, "", []):
                respuestas[pregunta.clave] = valor
        elegidas = data.get("medidas_ids") or []
        if elegidas:
            respuestas["medidas_elegidas"] = elegidas
        respuestas["calidad"] = data.get("calidad")
        respuestas["tipo_identificacion"] = data.get("tipo_identificacion")
        return respuestas

    def clean_empleador_identificacion(self) -> str:
        if self.empleador is not None:
            return self.empleador.identificacion
        valor = self.cleaned_data.get("empleador_identificacion") or ""
        if not valor:
            return ""
        return ident.validar_empleador(valor).numero

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clean_identificacion(self, numero_field="identificacion", tipo_field="tipo_identificacion")
        if (
            data.get("email")
            and data.get("email_confirmacion")
            and data["email"].lower() != data["email_confirmacion"].lower()
        ):
            self.add_error("email_confirmacion", "Los dos correos electrónicos no coinciden.")
        if (
            not data.get("telefono")
            and not data.get("celular")
            and "celular" not in self.errors
            and "telefono" not in self.errors
        ):
            self.add_error("celular", "Ingrese al menos un teléfono (celular o convencional).")
        self._clean_precheck(data)
        self._clean_tercero(data)
        if self.errors and any(
            k in self.errors for k in ("calidad", "tipo_identificacion", *self._claves())
        ):
            return data  # the requisites depend on these answers
        respuestas = self.respuestas()
        aplicables = {r.pk for r in services.requisitos_aplicables(self.requisitos, respuestas)}
        datos: dict[int, str] = {}
        for requisito in self.requisitos:
            if requisito.pk not in aplicables:
                continue  # a file sent for a slot that does not apply is ignored
            valor = data.get(requisito.campo)
            if requisito.forma == Requisito.Forma.DATO:
                datos[requisito.pk] = (valor or "").strip()
            elif valor:
                try:
                    self.validados[requisito.pk] = validate_upload(
                        valor, name_for_messages=requisito.nombre
                    )
                except ValidationError as exc:
                    self.add_error(requisito.campo, exc)
        faltan = services.requisitos_faltantes(
            requisitos=self.requisitos,
            respuestas=respuestas,
            archivos=dict.fromkeys(self.validados, True)
            | {
                r.pk: True
                for r in self.requisitos
                if r.campo in self.errors and r.forma == Requisito.Forma.ARCHIVO
            },
            datos=datos,
        )
        for campo, mensaje in faltan.items():
            self.add_error(campo, mensaje)
        self.datos_requisitos = datos
        return data

    def _claves(self) -> list[str]:
        return [p.clave for p in self.preguntas]

    def _clean_precheck(self, data: dict[str, Any]) -> None:
        elegidas = data.get("medidas_ids") or []
        if not elegidas or "medidas" not in self.fields:
            return
        declaradas = set(data.get("medidas") or [])
        necesarias = {t for m in elegidas if (t := self.medidas_tipos.get(m))}
        faltan = necesarias - declaradas
        if faltan:
            etiquetas = dict(self.fields["medidas"].choices)  # type: ignore[attr-defined]
            self.add_error(
                "medidas",
                "Las medidas que eligió incluyen: "
                + ", ".join(str(etiquetas.get(f, f)) for f in sorted(faltan))
                + ". Márquelas aquí para adjuntar sus certificados.",
            )

    def _clean_tercero(self, data: dict[str, Any]) -> None:
        if data.get("calidad") != Solicitud.Calidad.TERCERO:
            return
        empleador_id = data.get("empleador_identificacion") or ""
        if not empleador_id or not data.get("identificacion"):
            return
        if not services.autorizacion_terceros_vigente(
            empleador_identificacion=empleador_id,
            tercero_identificacion=data["identificacion"],
            tramite=self.tramite,
            en=timezone.localdate(),
        ):
            self.add_error(
                "calidad",
                "No encontramos una autorización a terceros vigente del empleador a su nombre "
                "para este trámite. Pida al empleador que la genere en el portal del IESS.",
            )


def _campo_pregunta(pregunta: Pregunta) -> forms.Field:
    opciones = [(str(v), str(e)) for v, e in pregunta.opciones]
    if pregunta.tipo == Pregunta.Tipo.MULTIPLE:
        return forms.MultipleChoiceField(
            label=pregunta.texto,
            help_text=pregunta.ayuda,
            choices=opciones,
            required=pregunta.obligatoria,
            widget=forms.CheckboxSelectMultiple,
        )
    if pregunta.tipo == Pregunta.Tipo.UNICA:
        return forms.ChoiceField(
            label=pregunta.texto,
            help_text=pregunta.ayuda,
            choices=opciones,
            required=pregunta.obligatoria,
            widget=forms.RadioSelect,
        )
    return forms.CharField(
        label=pregunta.texto,
        help_text=pregunta.ayuda,
        required=pregunta.obligatoria,
        max_length=200,
    )


class ConsultaForm(forms.Form):
    numero = forms.RegexField(
        label="Número de trámite",
        regex=r"^\s*[Vv][Vv]-[0-9]{2}-[0-9]{4}-[0-9]{6}\s*$",
        max_length=30,
        help_text="Como aparece en su acuse de recibo: VV-17-2026-000123.",
        error_messages={
            "invalid": "El número de trámite tiene la forma VV-17-2026-000123.",
            "required": "Ingrese el número de trámite.",
        },
    )
    identificacion = forms.CharField(
        label="Identificación de quien presentó el trámite",
        max_length=20,
        help_text="La cédula, RUC o código ingresado al presentar la solicitud.",
        error_messages={"required": "Ingrese la identificación."},
    )

    def clean_numero(self) -> str:
        return self.cleaned_data["numero"].strip().upper()

    def clean_identificacion(self) -> str:
        return "".join(self.cleaned_data["identificacion"].split()).replace("-", "").upper()


class QuejaForm(ConsultaForm):
    motivo = forms.CharField(
        label="Motivo de su queja",
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"min_length": "Describa el motivo de su queja (al menos 10 caracteres)."},
    )


class CatalogoFiltroForm(forms.Form):
    q = forms.CharField(label="Buscar", required=False, max_length=100)
    dirigido_a = forms.ChoiceField(label="Dirigido a", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from tramites.models import DIRIGIDO_A_CHOICES

        super().__init__(*args, **kwargs)
        self.fields["dirigido_a"].choices = [  # type: ignore[attr-defined]
            ("", "Todos"),
            *DIRIGIDO_A_CHOICES,
        ]


class SubsanacionForm(ConsultaForm):
    """The filer's answer to a request for documents: the same credentials as
    /consulta/ and up to three files, checked like the original requisites."""

    archivo_1 = DocumentoField(
        label="Documento",
        required=False,
        help_text=lazy(
            lambda: f"{regla_archivos()}, legible y con la firma cuando corresponda.", str
        )(),
    )
    archivo_2 = DocumentoField(label="Otro documento (opcional)", required=False)
    archivo_3 = DocumentoField(label="Otro documento (opcional)", required=False)
    comentario = forms.CharField(
        label="Comentario para la unidad (opcional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    CAMPOS_ARCHIVO = ("archivo_1", "archivo_2", "archivo_3")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.validados: list[ValidatedFile] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for campo in self.CAMPOS_ARCHIVO:
            archivo = data.get(campo)
            if not archivo:
                continue
            try:
                self.validados.append(
                    validate_upload(archivo, name_for_messages=str(self.fields[campo].label))
                )
            except ValidationError as exc:
                self.add_error(campo, exc)
        if not self.validados and not any(c in self.errors for c in self.CAMPOS_ARCHIVO):
            self.add_error("archivo_1", f"Adjunte al menos un documento ({regla_archivos()}).")
        return data


class AuditoriaForm(forms.Form):
    desde = forms.DateField(
        label="Desde", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    hasta = forms.DateField(
        label="Hasta", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    formato = forms.ChoiceField(
        label="Formato", choices=[("csv", "CSV"), ("xlsx", "Excel (XLSX)")], initial="csv"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        desde, hasta = data.get("desde"), data.get("hasta")
        if desde and hasta and hasta < desde:
            self.add_error("hasta", "La fecha final no puede ser anterior a la inicial.")
        elif desde and hasta and (hasta - desde).days > 366:
            self.add_error("hasta", "Exporte como máximo un año por vez.")
        return data
