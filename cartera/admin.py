"""Back office for Gestión de Cartera: employers, planillas, glosas, títulos de crédito,
impugnaciones, payments and interest rates. Every queryset is narrowed to the staff
member's province (cartera.selectors.en_alcance); states and amounts are read-only and
change only through the actions, which call cartera.services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from cartera import interes, selectors, services
from cartera.models import (
    AcuerdoHistorial,
    AcuerdoPago,
    CertificadoCumplimiento,
    CuotaAcuerdo,
    Empleador,
    Glosa,
    GlosaHistorial,
    Impugnacion,
    NotificacionGlosa,
    Pago,
    Planilla,
    PlanillaHistorial,
    Sucursal,
    TasaInteresMora,
    TituloCredito,
    TituloGlosa,
    TituloHistorial,
)
from core.admin import (
    RawIdEnAlcanceMixin,
    ReadOnlyAdminMixin,
    accion_con_formulario,
    errores_en_formulario,
)
from core.forms import clean_identificacion
from core.services import audit_log
from core.templatetags.portal import dolares

# --- Shared pieces -------------------------------------------------------------------


class AlcanceCarteraMixin(RawIdEnAlcanceMixin):
    """Rows of the staff member's province only (national roles: all). Rows outside
    the scope are not in the queryset, so their pages answer 404 too, and raw-id fields
    neither label nor accept them."""

    alcance_provincia = "provincia"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return selectors.en_alcance(qs, request.user, provincia=self.alcance_provincia)

    def get_list_filter(self, request: HttpRequest) -> Any:
        """National staff can also filter by province."""
        filtros = list(super().get_list_filter(request))  # type: ignore[misc]
        try:
            nacional = selectors.provincia_de(request.user) is None
        except PermissionError:
            nacional = False
        if nacional:
            filtros.append(self.alcance_provincia)
        return filtros


class AntiguedadFilter(admin.SimpleListFilter):
    """Days in mora (since the day after the due date), in the report's tramos."""

    title = "antigüedad de la mora"
    parameter_name = "antiguedad"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(nombre, f"{nombre} días") for nombre, _, _ in selectors.TRAMOS] + [
            (selectors.TRAMO_FINAL, "más de 365 días")
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        valor = self.value()
        hoy = timezone.localdate()
        for nombre, desde, hasta in selectors.TRAMOS:
            if valor == nombre:
                return queryset.filter(
                    mora_desde__gte=hoy - dt.timedelta(days=hasta - 1),
                    mora_desde__lte=hoy - dt.timedelta(days=max(desde - 1, 0)),
                )
        if valor == selectors.TRAMO_FINAL:
            return queryset.filter(mora_desde__lt=hoy - dt.timedelta(days=364))
        return queryset


class HistorialInline(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    fields = ["en", "de", "a", "por", "motivo"]
    readonly_fields = tuple(fields)  # type: ignore[arg-type]
    ordering = ["en", "id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("por")


class PagoInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Pago
    extra = 0
    can_delete = False
    fields = [
        "fecha",
        "monto",
        "canal",
        "referencia",
        "intereses_liquidados",
        "aplicado_intereses",
        "aplicado_capital",
        "aplicado_multas",
        "aplicado_recargos",
        "registrado_por",
    ]
    readonly_fields = tuple(fields)  # type: ignore[arg-type]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("registrado_por")


def _saldo(obj: Any) -> str:
    return dolares(obj.saldo_registrado)


_SALDO_AYUDA = "Saldo sin el interés devengado desde la última liquidación."

# Amounts of an obligation, shown together on its page.
CAMPOS_DINERO = (
    ("capital", "pagado_capital"),
    ("intereses", "pagado_intereses"),
    ("multas", "pagado_multas"),
    ("recargos", "pagado_recargos"),
    ("mora_desde", "intereses_hasta"),
)


def _deuda_html(obj: Any) -> str:
    """What the obligation owes today, interest included (cartera.interes)."""
    if obj.pk is None:
        return "—"
    linea = selectors.linea_deuda("", obj, "", timezone.localdate(), interes.tabla_tasas())
    return format_html(
        "Capital {} · intereses {} · multas {} · recargos {} · <strong>total {}</strong>",
        dolares(linea.capital),
        dolares(linea.intereses),
        dolares(linea.multas),
        dolares(linea.recargos),
        dolares(linea.total),
    )


class PagoForm(forms.Form):
    fecha = forms.DateField(label="Fecha del pago", widget=forms.DateInput(attrs={"type": "date"}))
    monto = forms.DecimalField(
        label="Monto (USD)", max_digits=14, decimal_places=2, min_value=Decimal("0.01")
    )
    canal = forms.ChoiceField(label="Canal", choices=Pago.Canal.choices)
    referencia = forms.CharField(label="Comprobante", max_length=60, required=False)


def _registrar_pago(request: HttpRequest) -> Callable[[Any, dict[str, Any]], str]:
    def aplicar(obj: Any, datos: dict[str, Any]) -> str:
        pago = services.pago_registrar(
            obligacion=obj,
            monto=datos["monto"],
            fecha=datos["fecha"],
            canal=datos["canal"],
            referencia=datos["referencia"],
            por=request.user,  # type: ignore[arg-type]
        )
        return (
            f"Pago de {dolares(pago.monto)} aplicado a la {pago.obligacion}: intereses "
            f"{dolares(pago.aplicado_intereses)}, capital {dolares(pago.aplicado_capital)}, "
            f"multas {dolares(pago.aplicado_multas)}, recargos {dolares(pago.aplicado_recargos)}."
        )

    return aplicar


class PermisosCarteraMixin:
    """`has_<perm>_permission` for the custom permissions the actions require."""

    def _tiene(self, request: HttpRequest, codigo: str) -> bool:
        return request.user.has_perm(f"cartera.{codigo}")

    def has_registrar_pago_permission(self, request: HttpRequest) -> bool:
        return self._tiene(request, "registrar_pago")

    def has_notificar_glosa_permission(self, request: HttpRequest) -> bool:
        return self._tiene(request, "notificar_glosa")

    def has_impugnacion_registrar_permission(self, request: HttpRequest) -> bool:
        return self._tiene(request, "impugnacion_registrar")

    def has_impugnacion_resolver_permission(self, request: HttpRequest) -> bool:
        return self._tiene(request, "impugnacion_resolver")

    def has_emitir_titulo_permission(self, request: HttpRequest) -> bool:
        return self._tiene(request, "emitir_titulo")

    def has_anular_titulo_permission(self, request: HttpRequest) -> bool:
        return self._tiene(request, "anular_titulo")


# --- Employers -----------------------------------------------------------------------


class SucursalInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Sucursal
    extra = 0
    fields = ["numero", "nombre", "direccion", "provincia", "canton"]
    readonly_fields = tuple(fields)  # type: ignore[arg-type]


class EmpleadorAdminForm(forms.ModelForm):
    """Contact and legal-representative data staff may correct; the representative's
    identification is validated like at registration (python-stdnum, Spanish message
    naming what is wrong)."""

    class Meta:
        model = Empleador
        fields = [
            "representante_nombre",
            "representante_tipo_id",
            "representante_identificacion",
            "direccion",
            "email",
            "telefono",
            "celular",
        ]

    def clean(self) -> dict[str, Any]:
        super().clean()
        clean_identificacion(
            self, numero_field="representante_identificacion", tipo_field="representante_tipo_id"
        )
        return self.cleaned_data


@admin.register(Empleador)
class EmpleadorAdmin(AlcanceCarteraMixin, admin.ModelAdmin):
    form = EmpleadorAdminForm
    list_display = ["identificacion", "razon_social", "provincia", "sector", "email"]
    list_filter = ["sector", "tipo_persona"]
    search_fields = ["^identificacion", "razon_social"]
    list_select_related = ["provincia"]
    show_full_result_count = False
    inlines = [SucursalInline]
    readonly_fields = [
        "identificacion",
        "tipo_persona",
        "extranjero",
        "sector",
        "razon_social",
        "provincia",
        "canton",
        "cuenta",
        "creado_en",
        "deuda_a_la_fecha",
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "identificacion",
                    "razon_social",
                    ("tipo_persona", "sector", "extranjero"),
                    ("provincia", "canton"),
                    "cuenta",
                    "creado_en",
                )
            },
        ),
        (
            "Representante legal",
            {
                "fields": (
                    "representante_nombre",
                    "representante_tipo_id",
                    "representante_identificacion",
                )
            },
        ),
        ("Contacto", {"fields": ("direccion", "email", ("telefono", "celular"))}),
        ("Obligaciones", {"fields": ("deuda_a_la_fecha",)}),
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Deuda a la fecha")
    def deuda_a_la_fecha(self, obj: Empleador) -> str:
        deuda = selectors.deuda_empleador(empleador=obj)
        if not deuda.lineas:
            return "Sin obligaciones pendientes."
        filas = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    linea.referencia,
                    linea.estado,
                    dolares(linea.capital),
                    dolares(linea.intereses),
                    dolares(linea.multas + linea.recargos),
                    dolares(linea.total),
                )
                for linea in deuda.lineas
            ),
        )
        return format_html(
            "<table><thead><tr><th>Obligación</th><th>Estado</th><th>Capital</th>"
            "<th>Intereses</th><th>Multas y recargos</th><th>Total</th></tr></thead>"
            "<tbody>{}</tbody><tfoot><tr><th colspan='5'>Total al {} (en mora: {})</th>"
            "<th>{}</th></tr></tfoot></table>",
            filas,
            deuda.fecha.strftime("%d/%m/%Y"),
            dolares(deuda.en_mora),
            dolares(deuda.total),
        )

    def save_model(self, request: HttpRequest, obj: Empleador, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            accion="empleador.contacto_actualizado",
            obj=obj,
            detalle={"campos": list(form.changed_data)},
            request=request,
        )


# --- Planillas -----------------------------------------------------------------------


class PlanillaHistorialInline(HistorialInline):
    model = PlanillaHistorial
    verbose_name_plural = "historial de estados"


@admin.register(Planilla)
class PlanillaAdmin(AlcanceCarteraMixin, PermisosCarteraMixin, admin.ModelAdmin):
    list_display = [
        "id",
        "periodo_mes",
        "empleador",
        "sucursal_numero",
        "capital",
        "fecha_vencimiento",
        "estado",
    ]
    list_filter = ["estado", AntiguedadFilter]
    date_hierarchy = "periodo"
    search_fields = ["=id", "^empleador__identificacion", "empleador__razon_social"]
    list_select_related = ["empleador", "sucursal"]
    show_full_result_count = False
    inlines = [PlanillaHistorialInline, PagoInline]
    actions = ["registrar_pago"]
    fieldsets = (
        (None, {"fields": ("empleador", "sucursal", "provincia", "periodo", "estado")}),
        ("Aportes", {"fields": (("aporte_personal", "aporte_patronal", "fondos_reserva"),)}),
        ("Valores", {"fields": (*CAMPOS_DINERO, "fecha_vencimiento", "saldo", "adeudado_hoy")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Planilla._meta.fields] + ["saldo", "adeudado_hoy", "glosa"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="periodo", ordering="periodo")
    def periodo_mes(self, obj: Planilla) -> str:
        return f"{obj.periodo:%m/%Y}"

    @admin.display(description="sucursal")
    def sucursal_numero(self, obj: Planilla) -> str:
        return obj.sucursal.numero

    @admin.display(description="saldo registrado")
    def saldo(self, obj: Planilla) -> str:
        return _saldo(obj)

    @admin.display(description="adeudado hoy")
    def adeudado_hoy(self, obj: Planilla) -> str:
        return _deuda_html(obj)

    @admin.action(description="Registrar un pago", permissions=["registrar_pago"])
    def registrar_pago(self, request: HttpRequest, queryset: QuerySet[Planilla]) -> Any:
        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=PagoForm,
            titulo="Registrar un pago",
            aplicar=_registrar_pago(request),
            una_sola=True,
        )


# --- Glosas --------------------------------------------------------------------------


class GlosaHistorialInline(HistorialInline):
    model = GlosaHistorial
    verbose_name_plural = "historial de estados"


class ImpugnacionInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Impugnacion
    extra = 0
    fields = [
        ("presentada_el", "estado"),
        "fundamentos",
        ("registrada_en", "registrada_por"),
        ("resolucion", "resuelta_el", "resuelta_por"),
        "resolucion_detalle",
    ]
    readonly_fields = [
        "presentada_el",
        "estado",
        "fundamentos",
        "registrada_en",
        "registrada_por",
        "resolucion",
        "resuelta_el",
        "resuelta_por",
        "resolucion_detalle",
    ]


class TituloDeLaGlosaInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TituloGlosa
    extra = 0
    fields = ["titulo", "capital", "intereses", "multas", "recargos", "vigente"]
    readonly_fields = tuple(fields)  # type: ignore[arg-type]
    verbose_name_plural = "títulos de crédito"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("titulo")


class GlosaAddForm(forms.ModelForm):
    """A glosa for a responsabilidad patronal or a multa (the ones of unpaid planillas
    are issued by generar_glosas)."""

    origen = forms.ChoiceField(
        label="Origen",
        choices=[
            (Glosa.Origen.RESPONSABILIDAD_PATRONAL, Glosa.Origen.RESPONSABILIDAD_PATRONAL.label),
            (Glosa.Origen.MULTA, Glosa.Origen.MULTA.label),
        ],
    )

    class Meta:
        model = Glosa
        fields = ["empleador", "sucursal", "origen", "capital", "multas", "detalle", "mora_desde"]
        help_texts = {
            "mora_desde": "Día desde el que corren los intereses de mora del capital.",
        }

    def clean(self) -> dict[str, Any]:
        datos = super().clean() or {}
        campos = {"empleador", "sucursal", "origen", "capital", "multas", "detalle"}
        if campos <= datos.keys():
            try:
                services.glosa_emitir_validar(**{c: datos[c] for c in campos})
            except ValidationError as exc:
                errores_en_formulario(self, exc)
        return datos

    def _post_clean(self) -> None:
        # The glosa is built by the service; the model's own validation would ask for
        # fields the service fills in.
        pass


@admin.register(Glosa)
class GlosaAdmin(AlcanceCarteraMixin, PermisosCarteraMixin, admin.ModelAdmin):
    list_display = [
        "numero",
        "empleador",
        "origen",
        "periodo_mes",
        "estado",
        "capital",
        "vence_en",
    ]
    list_filter = ["estado", "origen", AntiguedadFilter]
    date_hierarchy = "periodo"
    search_fields = ["=id", "^empleador__identificacion", "empleador__razon_social"]
    list_select_related = ["empleador"]
    show_full_result_count = False
    raw_id_fields = ["empleador", "sucursal"]
    inlines = [GlosaHistorialInline, ImpugnacionInline, TituloDeLaGlosaInline, PagoInline]
    actions = [
        "notificar",
        "registrar_impugnacion",
        "resolver_impugnacion",
        "emitir_titulo",
        "registrar_pago",
    ]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("empleador", "sucursal"),
                    ("origen", "planilla", "periodo"),
                    "detalle",
                    "estado",
                )
            },
        ),
        (
            "Notificación y término",
            {"fields": (("notificada_en", "termino_desde", "vence_en"), "notificacion")},
        ),
        ("Valores", {"fields": (*CAMPOS_DINERO, "saldo", "adeudado_hoy")}),
        ("Emisión", {"fields": (("emitida_en", "emitida_por", "lote"),)}),
    )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = GlosaAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        """Only employers (and their sucursales) of the staff member's province."""
        if db_field.name == "empleador":
            kwargs["queryset"] = selectors.en_alcance(Empleador.objects.all(), request.user)
        elif db_field.name == "sucursal":
            kwargs["queryset"] = selectors.en_alcance(
                Sucursal.objects.all(), request.user, provincia="empleador__provincia"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ((None, {"fields": GlosaAddForm.Meta.fields}),)
        return super().get_fieldsets(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return [f.name for f in Glosa._meta.fields] + ["saldo", "adeudado_hoy"]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[Any]:
        return list(self.inlines) if obj is not None else []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Shown read-only; every change is an action.
        return False if obj is not None else super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Glosa, form: Any, change: bool) -> None:
        datos = form.cleaned_data
        creada = services.glosa_emitir(
            empleador=datos["empleador"],
            sucursal=datos["sucursal"],
            origen=datos["origen"],
            capital=datos["capital"],
            multas=datos["multas"],
            detalle=datos["detalle"],
            mora_desde=datos["mora_desde"],
            por=request.user,  # type: ignore[arg-type]
        )
        obj.pk = creada.pk

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        pass

    @admin.display(description="N.º", ordering="id")
    def numero(self, obj: Glosa) -> str:
        return obj.numero

    @admin.display(description="periodo", ordering="periodo")
    def periodo_mes(self, obj: Glosa) -> str:
        return f"{obj.periodo:%m/%Y}" if obj.periodo else "—"

    @admin.display(description="saldo registrado")
    def saldo(self, obj: Glosa) -> str:
        return _saldo(obj)

    @admin.display(description="adeudado hoy")
    def adeudado_hoy(self, obj: Glosa) -> str:
        return _deuda_html(obj)

    @admin.action(description="Notificar en línea", permissions=["notificar_glosa"])
    def notificar(self, request: HttpRequest, queryset: QuerySet[Glosa]) -> None:
        hechas = 0
        for glosa in queryset[:500]:
            try:
                services.glosa_notificar(glosa=glosa, por=request.user)  # type: ignore[arg-type]
                hechas += 1
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
        if hechas:
            self.message_user(request, f"Glosas notificadas: {hechas}.", messages.SUCCESS)

    @admin.action(description="Registrar una impugnación", permissions=["impugnacion_registrar"])
    def registrar_impugnacion(self, request: HttpRequest, queryset: QuerySet[Glosa]) -> Any:
        def aplicar(glosa: Glosa, datos: dict[str, Any]) -> str:
            services.impugnacion_registrar(
                glosa=glosa,
                presentada_el=datos["presentada_el"],
                fundamentos=datos["fundamentos"],
                por=request.user,  # type: ignore[arg-type]
            )
            return (
                f"Impugnación de la {glosa} registrada; no se emitirá su título "
                "mientras esté pendiente."
            )

        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=ImpugnacionForm,
            titulo="Registrar una impugnación",
            aplicar=aplicar,
            una_sola=True,
        )

    @admin.action(
        description="Registrar la resolución de la impugnación",
        permissions=["impugnacion_resolver"],
    )
    def resolver_impugnacion(self, request: HttpRequest, queryset: QuerySet[Glosa]) -> Any:
        def aplicar(glosa: Glosa, datos: dict[str, Any]) -> str:
            impugnacion = glosa.impugnaciones.filter(estado=Impugnacion.Estado.PENDIENTE).first()
            if impugnacion is None:
                raise services.CarteraError(f"La {glosa} no tiene una impugnación pendiente.")
            return _resolver(request, impugnacion, datos)

        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=ResolucionForm,
            titulo="Registrar la resolución de la impugnación",
            aplicar=aplicar,
            una_sola=True,
        )

    @admin.action(description="Emitir título de crédito", permissions=["emitir_titulo"])
    def emitir_titulo(self, request: HttpRequest, queryset: QuerySet[Glosa]) -> None:
        for glosa in queryset[:200]:
            try:
                titulo = services.titulo_emitir(glosas=[glosa], por=request.user)  # type: ignore[arg-type]
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"{titulo} emitido y enviado a {titulo.unidad_coactiva}.",
                    messages.SUCCESS,
                )

    @admin.action(description="Registrar un pago", permissions=["registrar_pago"])
    def registrar_pago(self, request: HttpRequest, queryset: QuerySet[Glosa]) -> Any:
        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=PagoForm,
            titulo="Registrar un pago",
            aplicar=_registrar_pago(request),
            una_sola=True,
        )


class ImpugnacionForm(forms.Form):
    presentada_el = forms.DateField(
        label="Presentada el",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Fecha de recepción en la oficina de Gestión de Cartera.",
    )
    fundamentos = forms.CharField(label="Fundamentos", widget=forms.Textarea(attrs={"rows": 4}))


class ResolucionForm(forms.Form):
    aceptada = forms.TypedChoiceField(
        label="Decisión",
        choices=[("1", "Aceptada: anular la glosa"), ("0", "Rechazada: el término corre de nuevo")],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    resolucion = forms.CharField(label="Resolución N.º", max_length=80)
    resuelta_el = forms.DateField(
        label="Notificada el",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Si se rechaza, el término para pagar corre desde esta fecha.",
    )
    detalle = forms.CharField(
        label="Motivación", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


def _resolver(request: HttpRequest, impugnacion: Impugnacion, datos: dict[str, Any]) -> str:
    impugnacion = services.impugnacion_resolver(
        impugnacion=impugnacion,
        aceptada=datos["aceptada"],
        resolucion=datos["resolucion"],
        resuelta_el=datos["resuelta_el"],
        detalle=datos["detalle"],
        por=request.user,  # type: ignore[arg-type]
    )
    return f"{impugnacion}: registrada la resolución {impugnacion.resolucion}."


# --- Impugnaciones -------------------------------------------------------------------


@admin.register(Impugnacion)
class ImpugnacionAdmin(AlcanceCarteraMixin, PermisosCarteraMixin, admin.ModelAdmin):
    alcance_provincia = "glosa__provincia"
    list_display = ["glosa", "empleador", "presentada_el", "estado", "resolucion", "resuelta_el"]
    list_filter = ["estado"]
    search_fields = ["=glosa__id", "^glosa__empleador__identificacion", "resolucion"]
    list_select_related = ["glosa__empleador"]
    show_full_result_count = False
    actions = ["resolver"]
    date_hierarchy = "presentada_el"

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Impugnacion._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_list_filter(self, request: HttpRequest) -> Any:
        return ["estado"]

    @admin.display(description="empleador")
    def empleador(self, obj: Impugnacion) -> Empleador:
        return obj.glosa.empleador

    @admin.action(description="Registrar la resolución", permissions=["impugnacion_resolver"])
    def resolver(self, request: HttpRequest, queryset: QuerySet[Impugnacion]) -> Any:
        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=ResolucionForm,
            titulo="Registrar la resolución de la impugnación",
            aplicar=lambda impugnacion, datos: _resolver(request, impugnacion, datos),
            una_sola=True,
        )


# --- Títulos de crédito --------------------------------------------------------------


class TituloHistorialInline(HistorialInline):
    model = TituloHistorial
    verbose_name_plural = "historial de estados"


class GlosasDelTituloInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TituloGlosa
    extra = 0
    fields = ["glosa", "capital", "intereses", "multas", "recargos", "vigente"]
    readonly_fields = tuple(fields)  # type: ignore[arg-type]
    verbose_name_plural = "glosas que cubre"


class AnulacionForm(forms.Form):
    motivo = forms.ChoiceField(
        label="Causal", choices=TituloCredito.MotivoAnulacion.choices, widget=forms.RadioSelect
    )
    detalle = forms.CharField(
        label="Fundamento",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Número de resolución o explicación del error evidente.",
    )


@admin.register(TituloCredito)
class TituloCreditoAdmin(AlcanceCarteraMixin, PermisosCarteraMixin, admin.ModelAdmin):
    list_display = [
        "numero",
        "empleador",
        "estado",
        "fecha_emision",
        "total",
        "unidad_coactiva",
    ]
    list_filter = ["estado", "anio", AntiguedadFilter]
    search_fields = ["^empleador__identificacion", "empleador__razon_social"]
    list_select_related = ["empleador", "unidad_coactiva"]
    show_full_result_count = False
    inlines = [GlosasDelTituloInline, TituloHistorialInline, PagoInline]
    actions = ["anular", "registrar_pago"]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("provincia", "anio", "secuencial"),
                    "empleador",
                    "estado",
                    ("fecha_emision", "emitido_en", "emitido_por", "lote"),
                    "unidad_coactiva",
                )
            },
        ),
        ("Valores", {"fields": (*CAMPOS_DINERO, "saldo", "adeudado_hoy")}),
        ("Anulación", {"fields": ("motivo_anulacion", "anulacion_detalle")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in TituloCredito._meta.fields] + ["saldo", "adeudado_hoy"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[TituloCredito], search_term: str
    ) -> tuple[QuerySet[TituloCredito], bool]:
        """Also finds a título by its number, e.g. 17-2026-000123."""
        partes = search_term.strip().split("-")
        if len(partes) == 3 and all(p.isdigit() for p in partes):
            provincia, anio, secuencial = partes
            return (
                queryset.filter(
                    provincia_id=provincia.zfill(2), anio=int(anio), secuencial=int(secuencial)
                ),
                False,
            )
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="N.º", ordering="secuencial")
    def numero(self, obj: TituloCredito) -> str:
        return obj.numero

    @admin.display(description="total emitido")
    def total(self, obj: TituloCredito) -> str:
        return dolares(obj.capital + obj.intereses + obj.multas + obj.recargos)

    @admin.display(description="saldo registrado")
    def saldo(self, obj: TituloCredito) -> str:
        return _saldo(obj)

    @admin.display(description="adeudado hoy")
    def adeudado_hoy(self, obj: TituloCredito) -> str:
        return _deuda_html(obj)

    @admin.action(description="Anular", permissions=["anular_titulo"])
    def anular(self, request: HttpRequest, queryset: QuerySet[TituloCredito]) -> Any:
        def aplicar(titulo: TituloCredito, datos: dict[str, Any]) -> str:
            titulo = services.titulo_anular(
                titulo=titulo,
                motivo=datos["motivo"],
                detalle=datos["detalle"],
                por=request.user,  # type: ignore[arg-type]
            )
            return f"{titulo} anulado ({titulo.get_motivo_anulacion_display()})."

        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=AnulacionForm,
            titulo="Anular títulos de crédito",
            aplicar=aplicar,
        )

    @admin.action(description="Registrar un pago", permissions=["registrar_pago"])
    def registrar_pago(self, request: HttpRequest, queryset: QuerySet[TituloCredito]) -> Any:
        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=PagoForm,
            titulo="Registrar un pago",
            aplicar=_registrar_pago(request),
            una_sola=True,
        )


# --- Registries ----------------------------------------------------------------------


@admin.register(Pago)
class PagoAdmin(AlcanceCarteraMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    alcance_provincia = "empleador__provincia"
    list_display = ["fecha", "empleador", "monto", "canal", "referencia", "obligacion"]
    list_filter = ["canal"]
    date_hierarchy = "fecha"
    search_fields = ["^empleador__identificacion", "empleador__razon_social", "=referencia"]
    list_select_related = ["empleador"]
    show_full_result_count = False

    def get_list_filter(self, request: HttpRequest) -> Any:
        return ["canal"]


@admin.register(NotificacionGlosa)
class NotificacionGlosaAdmin(AlcanceCarteraMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    alcance_provincia = "empleador__provincia"
    list_display = ["creada_en", "empleador", "cantidad", "vence_en", "leida_en"]
    date_hierarchy = "creada_en"
    search_fields = ["^empleador__identificacion", "empleador__razon_social"]
    list_select_related = ["empleador"]
    show_full_result_count = False

    def get_list_filter(self, request: HttpRequest) -> Any:
        return []


class TasaInteresMoraForm(forms.ModelForm):
    class Meta:
        model = TasaInteresMora
        fields = ["mes", "tasa_anual", "fuente"]
        help_texts = {"mes": "Cualquier día del mes; se registra el primero."}

    def clean_mes(self) -> dt.date:
        return self.cleaned_data["mes"].replace(day=1)


@admin.register(TasaInteresMora)
class TasaInteresMoraAdmin(admin.ModelAdmin):
    """National table, edited by the national supervision; every change is audited."""

    form = TasaInteresMoraForm

    list_display = ["mes_texto", "tasa_anual", "fuente", "registrado_por", "registrado_en"]
    readonly_fields = ["registrado_por", "registrado_en"]
    fields = ["mes", "tasa_anual", "fuente", "registrado_por", "registrado_en"]

    @admin.display(description="mes", ordering="mes")
    def mes_texto(self, obj: TasaInteresMora) -> str:
        return f"{obj.mes:%m/%Y}"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: TasaInteresMora, form: Any, change: bool
    ) -> None:
        obj.registrado_por = request.user  # type: ignore[assignment]
        obj.registrado_en = timezone.now()
        super().save_model(request, obj, form, change)
        audit_log(
            actor=request.user,
            accion="cartera.tasa_interes",
            obj=obj,
            detalle={"mes": obj.mes.isoformat(), "tasa_anual": str(obj.tasa_anual)},
            request=request,
        )


# --- Employer portal: payment agreements and certificates (read-only) ---------------------
# Agreements are requested by employers and decided through their Ventanilla request
# (cartera.portal resolution hooks); the admin shows them, never edits their state.


class CuotaInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = CuotaAcuerdo
    fields = ["numero", "vence_el", "capital", "interes", "valor", "saldo", "pagada_el"]
    readonly_fields = ["numero", "vence_el", "capital", "interes", "valor", "saldo", "pagada_el"]
    extra = 0


class AcuerdoHistorialInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = AcuerdoHistorial
    fields = ["en", "de", "a", "por", "motivo"]
    readonly_fields = ["en", "de", "a", "por", "motivo"]
    extra = 0


@admin.register(AcuerdoPago)
class AcuerdoPagoAdmin(AlcanceCarteraMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    alcance_provincia = "empleador__provincia"
    list_display = ["__str__", "empleador", "estado", "monto", "meses", "aprueba", "creado_en"]
    list_filter = ["tipo", "estado", "aprueba"]
    search_fields = ["^empleador__identificacion", "empleador__razon_social", "=solicitud__numero"]
    list_select_related = ["empleador", "solicitud"]
    raw_id_fields = ["empleador", "solicitud", "glosas", "titulos"]
    inlines = [CuotaInline, AcuerdoHistorialInline]

    def get_list_filter(self, request: HttpRequest) -> Any:
        return ["tipo", "estado", "aprueba"]


@admin.register(CertificadoCumplimiento)
class CertificadoCumplimientoAdmin(AlcanceCarteraMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    alcance_provincia = "empleador__provincia"
    list_display = ["documento", "empleador", "estado", "emitido_en", "vigente_hasta"]
    list_filter = ["estado"]
    search_fields = ["^empleador__identificacion", "=documento__codigo"]
    list_select_related = ["empleador", "documento"]
    date_hierarchy = "emitido_en"
    show_full_result_count = False

    def get_list_filter(self, request: HttpRequest) -> Any:
        return ["estado"]
