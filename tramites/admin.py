"""Back office of the Ventanilla Virtual: the catalogue and routing rules (national
supervisor) and a first, scoped view of the requests (the full work queue builds on
tramites.services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from core.admin import ReadOnlyAdminMixin, ScopedAdminMixin
from core.queue import send_now
from tramites import condiciones, services
from tramites.forms import CAMPOS_FIJOS
from tramites.models import (
    CanalTramite,
    DocumentoSolicitud,
    EstadisticaHistorica,
    HistorialSolicitud,
    Pregunta,
    Queja,
    ReglaEnrutamiento,
    Requisito,
    Solicitud,
    Tramite,
)

# Links typed without a scheme are read as https (Django 6's default, asked for now).
HTTPS_URLS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


class CanalInline(admin.StackedInline):
    model = CanalTramite
    formfield_overrides = HTTPS_URLS
    extra = 0


class PreguntaForm(forms.ModelForm):
    class Meta:
        model = Pregunta
        fields = ["clave", "texto", "ayuda", "tipo", "opciones", "obligatoria", "orden"]

    def clean_clave(self) -> str:
        clave = self.cleaned_data["clave"]
        if clave in CAMPOS_FIJOS or clave.startswith("requisito_"):
            raise ValidationError(f"«{clave}» es un campo fijo del formulario; elija otra clave.")
        return clave

    def clean_opciones(self) -> Any:
        opciones = self.cleaned_data.get("opciones") or []
        if not isinstance(opciones, list) or any(
            not isinstance(o, list) or len(o) != 2 for o in opciones
        ):
            raise ValidationError('Las opciones son una lista de pares: [["valor", "Etiqueta"]].')
        return opciones


class PreguntaInline(admin.TabularInline):
    model = Pregunta
    form = PreguntaForm
    extra = 0


class RequisitoForm(forms.ModelForm):
    class Meta:
        model = Requisito
        fields = [
            "orden",
            "clase",
            "nombre",
            "descripcion",
            "canal_virtual",
            "canal_presencial",
            "descripcion_virtual",
            "descripcion_presencial",
            "forma",
            "etiqueta_dato",
            "condicion_texto",
            "condicion",
            "obligatorio",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        tramite = self.instance.tramite if self.instance.tramite_id else None
        claves = (
            list(tramite.preguntas.values_list("clave", flat=True))
            if tramite and tramite.pk
            else []
        )
        try:
            condiciones.validar(data.get("condicion"), claves=claves)
        except ValidationError as exc:
            self.add_error("condicion", exc)
        if data.get("forma") == Requisito.Forma.DATO and not data.get("etiqueta_dato"):
            self.add_error("etiqueta_dato", "Indique la etiqueta del dato que se pide.")
        return data


class RequisitoInline(admin.StackedInline):
    model = Requisito
    form = RequisitoForm
    extra = 0
    fields = [
        ("orden", "clase", "nombre"),
        "descripcion",
        ("canal_virtual", "canal_presencial"),
        "descripcion_virtual",
        "descripcion_presencial",
        ("forma", "etiqueta_dato", "obligatorio"),
        "condicion_texto",
        "condicion",
    ]


class EstadisticaInline(admin.TabularInline):
    model = EstadisticaHistorica
    extra = 0


@admin.register(Tramite)
class TramiteAdmin(admin.ModelAdmin):
    formfield_overrides = HTTPS_URLS
    list_display = [
        "nombre",
        "unidad_tipo",
        "termino_atencion_dias",
        "recepcion_ventanilla",
        "activo",
        "orden",
    ]
    list_filter = ["activo", "recepcion_ventanilla", "unidad_tipo"]
    search_fields = ["nombre", "descripcion"]
    prepopulated_fields = {"slug": ["nombre"]}
    inlines = [CanalInline, PreguntaInline, RequisitoInline, EstadisticaInline]
    fieldsets = [
        (None, {"fields": ["nombre", "slug", "institucion", "descripcion", "activo", "orden"]}),
        ("¿A quién está dirigido?", {"fields": ["a_quien", "dirigido_a"]}),
        ("Resultado", {"fields": ["tipo_resultado", "resultado"]}),
        (
            "Atención",
            {
                "fields": [
                    "canales_atencion",
                    "costo",
                    "horario",
                    "base_legal",
                    "contacto_dependencia",
                    "contacto_correo",
                    "contacto_telefono",
                    "nota",
                ]
            },
        ),
        (
            "Ventanilla Virtual",
            {
                "fields": [
                    "recepcion_ventanilla",
                    "enlace_en_linea",
                    "unidad_tipo",
                    "termino_atencion_dias",
                    "requiere_empleador",
                    "verificacion_previa",
                ]
            },
        ),
    ]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.catalogo_cambiado()

    def delete_model(self, request: HttpRequest, obj: Tramite) -> None:
        super().delete_model(request, obj)
        services.catalogo_cambiado()


@admin.register(ReglaEnrutamiento)
class ReglaEnrutamientoAdmin(admin.ModelAdmin):
    """First match by ascending priority wins; a rule without trámite and province is
    the default."""

    list_display = ["prioridad", "tramite", "provincia", "unidad_tipo", "unidad", "activa", "nota"]
    list_display_links = ["tramite"]
    list_editable = ["prioridad", "activa"]
    list_filter = ["activa", "unidad_tipo", "tramite", "provincia"]
    list_select_related = ["tramite", "provincia", "unidad"]
    autocomplete_fields = ["unidad"]


_HISTORIAL_CAMPOS = (
    "creado_en",
    "estado_anterior",
    "estado",
    "unidad",
    "actor",
    "nota_publica",
    "nota_interna",
)


class HistorialInline(admin.TabularInline):
    model = HistorialSolicitud
    extra = 0
    can_delete = False
    fields = _HISTORIAL_CAMPOS
    readonly_fields = _HISTORIAL_CAMPOS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


_DOCUMENTO_CAMPOS = (
    "nombre",
    "enlace",
    "tipo",
    "tamano",
    "paginas",
    "sha256",
    "origen",
    "creado_en",
)


class DocumentoInline(admin.TabularInline):
    model = DocumentoSolicitud
    extra = 0
    can_delete = False
    fields = _DOCUMENTO_CAMPOS
    readonly_fields = _DOCUMENTO_CAMPOS

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="archivo")
    def enlace(self, obj: DocumentoSolicitud) -> str:
        url = reverse("tramites:documento_staff", args=[obj.pk])
        return format_html(
            '<a href="{}?ver=1" target="_blank" rel="noopener">{}</a> · <a href="{}">descargar</a>',
            url,
            obj.nombre_original,
            url,
        )


@admin.register(Solicitud)
class SolicitudAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Requests of the staff member's unit (or province, or the country). State and unit
    are read-only: they change only through tramites.services."""

    scope_unidad = "unidad"
    scope_provincia = "provincia"
    list_display = [
        "numero",
        "tramite",
        "provincia",
        "estado",
        "unidad",
        "solicitante_nombre",
        "empleador_razon_social",
        "creado_en",
    ]
    list_filter = ["estado", "tramite", "provincia"]
    list_select_related = ["tramite", "provincia", "unidad"]
    search_fields = [
        "numero",
        "solicitante_identificacion",
        "solicitante_nombre",
        "empleador_identificacion",
        "empleador_razon_social",
    ]
    date_hierarchy = "creado_en"
    show_full_result_count = False
    inlines = [DocumentoInline, HistorialInline]
    actions = ["enrutar_ahora"]
    readonly_fields = [
        "numero",
        "tramite",
        "provincia",
        "estado",
        "unidad",
        "regla",
        "creado_en",
        "recibido_el",
        "enrutada_en",
        "resuelta_en",
        "solicitante_tipo_id",
        "solicitante_identificacion",
        "solicitante_nombre",
        "email",
        "telefono",
        "celular",
        "direccion",
        "calidad",
        "empleador",
        "empleador_identificacion",
        "empleador_razon_social",
        "sucursal",
        "detalle",
        "respuestas_legibles",
        "pendiente_solicitante",
        "acuse",
        "enrutamiento_intentos",
        "enrutamiento_error",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    ("numero", "estado"),
                    ("tramite", "provincia"),
                    ("unidad", "regla"),
                    ("creado_en", "recibido_el", "enrutada_en", "resuelta_en"),
                    "pendiente_solicitante",
                ]
            },
        ),
        (
            "Solicitante",
            {
                "fields": [
                    ("solicitante_tipo_id", "solicitante_identificacion"),
                    "solicitante_nombre",
                    ("email", "telefono", "celular"),
                    "direccion",
                    "calidad",
                ]
            },
        ),
        (
            "Empleador",
            {
                "fields": [
                    "empleador",
                    ("empleador_identificacion", "empleador_razon_social", "sucursal"),
                ]
            },
        ),
        ("Pedido", {"fields": ["detalle", "respuestas_legibles", "acuse"]}),
        (
            "Enrutamiento",
            {"classes": ["collapse"], "fields": ["enrutamiento_intentos", "enrutamiento_error"]},
        ),
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="respuestas del formulario")
    def respuestas_legibles(self, obj: Solicitud) -> str:
        return format_html_join(
            "",
            "<div><strong>{}:</strong> {}</div>",
            (
                (clave, ", ".join(valor) if isinstance(valor, list) else valor)
                for clave, valor in obj.respuestas.items()
            ),
        )

    @admin.action(description="Enrutar ahora las solicitudes recibidas seleccionadas")
    def enrutar_ahora(self, request: HttpRequest, queryset: QuerySet[Solicitud]) -> None:
        from tramites.tasks import solicitud_enrutar_task

        ids = list(queryset.filter(estado=Solicitud.Estado.RECIBIDA).values_list("pk", flat=True))
        enviadas = sum(send_now(solicitud_enrutar_task, pk) for pk in ids)
        self.message_user(
            request,
            f"Se envió a enrutar {enviadas} de {len(ids)} solicitud(es) recibida(s).",
            messages.SUCCESS if enviadas == len(ids) else messages.WARNING,
        )


@admin.register(Queja)
class QuejaAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    scope_unidad = "solicitud__unidad"
    scope_provincia = "solicitud__provincia"
    list_display = ["creado_en", "solicitud", "estado"]
    list_filter = ["estado", "solicitud__tramite"]
    list_select_related = ["solicitud"]
    search_fields = ["solicitud__numero", "motivo"]
    date_hierarchy = "creado_en"
