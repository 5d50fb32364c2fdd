"""Forms of the employer portal. They check input and show Spanish errors next to each
field; the rules live in the services they feed (cartera.portal, cartera.acuerdos,
tramites.services)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import timezone

from cartera import acuerdos
from cartera.models import AcuerdoPago, Empleador, Glosa, PreferenciasAviso, TituloCredito
from cartera.portal import AVISOS_OPCIONALES
from core import identificacion as ident
from core.email import correo_enviar
from core.forms import DocumentoField, etiqueta_archivo
from core.models import User
from core.uploads import ValidatedFile, validate_upload
from tramites.models import Tramite


class IngresoForm(AuthenticationForm):
    """RUC/cédula + clave patronal. Only employer accounts log in here."""

    error_messages = {
        "invalid_login": "El RUC o cédula o la clave patronal no son correctos.",
        "inactive": "Esta cuenta está desactivada.",
        "no_empleador": (
            "Esta cuenta no es de un empleador. Los funcionarios ingresan por el back office."
        ),
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "RUC o cédula"
        self.fields["username"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "username"}
        )
        self.fields["password"].label = "Clave patronal"
        self.fields["username"].error_messages["required"] = "Ingrese su RUC o cédula."
        self.fields["password"].error_messages["required"] = "Ingrese su clave patronal."

    def clean_username(self) -> str:
        return "".join((self.cleaned_data.get("username") or "").split())

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if getattr(user, "tipo", None) != User.Tipo.EMPLEADOR:
            raise ValidationError(self.error_messages["no_empleador"], code="no_empleador")


class ClaveOlvidadaForm(PasswordResetForm):
    """Password reset for employer accounts only, through the e-mail outbox."""

    email = forms.EmailField(
        label="Correo electrónico registrado del empleador",
        max_length=254,
        error_messages={
            "required": "Ingrese su correo electrónico.",
            "invalid": "Ingrese un correo electrónico válido.",
        },
    )

    def get_users(self, email: str) -> Any:
        return (u for u in super().get_users(email) if u.tipo == User.Tipo.EMPLEADOR)

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        correo_enviar(
            para=[to_email],
            asunto="IESS: restablecer su clave patronal",
            plantilla="clave_restablecer",
            contexto={
                "uid": context["uid"],
                "token": context["token"],
                "usuario": context["user"].username,
            },
            evento="cartera.clave_restablecer",
        )


class FiltroObligacionesForm(forms.Form):
    tipo = forms.ChoiceField(
        label="Tipo",
        required=False,
        choices=[
            ("", "Todas"),
            ("planilla", "Planillas"),
            ("glosa", "Glosas"),
            ("titulo", "Títulos de crédito"),
        ],
    )
    estado = forms.ChoiceField(label="Estado", required=False)
    desde = forms.DateField(
        label="Desde", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    hasta = forms.DateField(
        label="Hasta", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        estados: dict[str, str] = {}
        for modelo in (Glosa, TituloCredito):
            estados.update({v: str(e) for v, e in modelo.Estado.choices})
        estados.update({"pendiente": "Pendiente de pago", "glosada": "Glosada", "pagada": "Pagada"})
        opciones = [("", "Todos"), *sorted(estados.items(), key=lambda x: x[1])]
        self.fields["estado"].choices = opciones  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("desde") and data.get("hasta") and data["desde"] > data["hasta"]:
            self.add_error("hasta", "La fecha final no puede ser anterior a la inicial.")
        return data


def _validar_archivo(valor: Any, nombre: str) -> ValidatedFile | None:
    if not valor:
        return None
    return validate_upload(valor, name_for_messages=nombre)


class ImpugnacionForm(forms.Form):
    fundamentos = forms.CharField(
        label="Fundamentos de la impugnación",
        min_length=20,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Explique por qué la glosa no corresponde (al menos 20 caracteres).",
        error_messages={
            "required": "Explique por qué impugna la glosa.",
            "min_length": "Explique por qué impugna la glosa (al menos 20 caracteres).",
        },
    )
    sustento = DocumentoField(
        label=etiqueta_archivo("Documento de sustento"),
        error_messages={"required": "Adjunte al menos un documento que sustente la impugnación."},
    )
    sustento_adicional = DocumentoField(
        label="Otro documento de sustento (opcional)", required=False
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.sustentos: list[ValidatedFile] = []
        for campo in ("sustento", "sustento_adicional"):
            try:
                if validado := _validar_archivo(data.get(campo), "Documento de sustento"):
                    self.sustentos.append(validado)
            except ValidationError as exc:
                self.add_error(campo, exc)
        return data


class _ObligacionesMixin(forms.Form):
    glosas = forms.ModelMultipleChoiceField(
        label="Glosas",
        queryset=Glosa.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    titulos = forms.ModelMultipleChoiceField(
        label="Títulos de crédito",
        queryset=TituloCredito.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    meses = forms.IntegerField(
        label="Plazo (meses)",
        min_value=1,
        max_value=600,
        error_messages={
            "required": "Ingrese el plazo en meses.",
            "invalid": "Ingrese un número entero de meses.",
        },
    )
    tipo = AcuerdoPago.Tipo.APP

    def __init__(self, *args: Any, empleador: Empleador, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.empleador = empleador
        financiables = acuerdos.obligaciones_financiables(empleador=empleador, tipo=self.tipo)
        self.fields["glosas"].queryset = financiables["glosas"]  # type: ignore[attr-defined]
        self.fields["titulos"].queryset = financiables["titulos"]  # type: ignore[attr-defined]
        self.fields["glosas"].label_from_instance = lambda g: (  # type: ignore[attr-defined]
            f"Glosa {g.numero}" + (f" · periodo {g.periodo:%m/%Y}" if g.periodo else "")
        )
        self.fields["titulos"].label_from_instance = lambda t: f"Título {t.numero}"  # type: ignore[attr-defined]

    def clean_meses(self) -> int:
        meses = self.cleaned_data["meses"]
        errores = acuerdos.plazo_validar(tipo=self.tipo, meses=meses, en=timezone.localdate())
        if errores:
            raise ValidationError(errores)
        return meses


class SimuladorForm(_ObligacionesMixin):
    monto = forms.DecimalField(
        label="Deuda a financiar (USD)",
        required=False,
        min_value=Decimal("1.00"),
        max_digits=14,
        decimal_places=2,
        help_text="Si elige glosas o títulos, se usa lo que adeudan hoy.",
        error_messages={"invalid": "Ingrese un valor en dólares, p. ej. 1250.50."},
    )
    cuota_inicial = forms.DecimalField(
        label="Cuota inicial (USD, opcional)",
        required=False,
        min_value=Decimal("0.00"),
        max_digits=14,
        decimal_places=2,
        error_messages={"invalid": "Ingrese un valor en dólares, p. ej. 200.00."},
    )


class PurgaMoraForm(_ObligacionesMixin):
    tipo = AcuerdoPago.Tipo.PURGA_MORA
    fuerza_mayor = forms.CharField(
        label="Causa de fuerza mayor",
        min_length=20,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Describa la causa de fuerza mayor.",
            "min_length": "Describa la causa de fuerza mayor (al menos 20 caracteres).",
        },
    )
    garantia_tipo = forms.CharField(
        label="Garantía que ofrece",
        max_length=120,
        help_text="P. ej. hipoteca del inmueble N.º…, garantía bancaria, póliza.",
        error_messages={"required": "Indique la garantía que ofrece."},
    )
    garantia_valor = forms.DecimalField(
        label="Valor de la garantía (USD)",
        min_value=Decimal("0.01"),
        max_digits=14,
        decimal_places=2,
        error_messages={
            "required": "Ingrese el valor de la garantía.",
            "invalid": "Ingrese un valor en dólares.",
        },
    )
    pruebas = DocumentoField(
        label=etiqueta_archivo("Pruebas de la fuerza mayor"),
        error_messages={"required": "Adjunte las pruebas de la fuerza mayor."},
    )
    propuesta_garantia = DocumentoField(
        label=etiqueta_archivo("Propuesta de garantía"),
        error_messages={"required": "Adjunte la propuesta de garantía."},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        self.archivos: dict[str, ValidatedFile] = {}
        for campo, nombre in (
            ("pruebas", "Pruebas de la fuerza mayor"),
            ("propuesta_garantia", "Propuesta de garantía"),
        ):
            try:
                if validado := _validar_archivo(data.get(campo), nombre):
                    self.archivos[nombre] = validado
            except ValidationError as exc:
                self.add_error(campo, exc)
        return data


class AutorizacionForm(forms.Form):
    cedula = forms.CharField(
        label="Cédula de la persona autorizada",
        max_length=10,
        error_messages={"required": "Ingrese la cédula de la persona autorizada."},
    )
    nombre = forms.CharField(
        label="Nombres y apellidos",
        max_length=200,
        error_messages={"required": "Ingrese los nombres y apellidos."},
    )
    email = forms.EmailField(
        label="Correo electrónico de la persona autorizada",
        error_messages={
            "required": "Ingrese el correo electrónico.",
            "invalid": "Ingrese un correo electrónico válido.",
        },
    )
    tramites = forms.ModelMultipleChoiceField(
        label="Trámites que puede presentar",
        queryset=Tramite.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Elija al menos un trámite."},
    )
    vigente_hasta = forms.DateField(
        label="Vigente hasta",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Indique hasta qué fecha vale la autorización.",
            "invalid": "Ingrese una fecha válida.",
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["tramites"].queryset = Tramite.objects.filter(  # type: ignore[attr-defined]
            activo=True, recepcion_ventanilla=True, requiere_empleador=True
        ).order_by("orden", "nombre")

    def clean_cedula(self) -> str:
        return ident.validar_cedula(self.cleaned_data["cedula"])


class PreferenciasForm(forms.ModelForm):
    class Meta:
        model = PreferenciasAviso
        fields = list(AVISOS_OPCIONALES)


class CertificadoForm(forms.Form):
    identificacion = forms.CharField(
        label="RUC o cédula del empleador",
        max_length=20,
        error_messages={"required": "Ingrese el RUC o la cédula del empleador."},
    )

    def clean_identificacion(self) -> Empleador:
        numero = ident.validar_empleador(self.cleaned_data["identificacion"]).numero
        empleador = Empleador.objects.filter(identificacion=numero).first()
        if empleador is None:
            raise ValidationError(
                "No hay un empleador registrado en el IESS con esa identificación."
            )
        return empleador
