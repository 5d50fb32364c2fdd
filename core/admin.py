from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import widgets
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from core import services
from core.models import (
    Canton,
    Correo,
    DocumentoVerificable,
    EventoAuditoria,
    Feriado,
    Parametro,
    Provincia,
    TrabajoLote,
    Unidad,
    User,
)
from core.parametros import DEFINICIONES, serializar
from core.selectors import Nivel, alcance_de


class RawIdEnAlcanceWidget(widgets.ForeignKeyRawIdWidget):
    """Django's raw-id widget prints the label of whatever id it is given (an add form
    opened with ?empleador=123 shows that employer's name and RUC), reading the related
    model's default manager. This one labels only ids among `queryset`."""

    def __init__(self, *args: Any, queryset: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.queryset = queryset

    def label_and_url_for_value(self, value: Any) -> tuple[str, str]:
        clave = self.rel.get_related_field().name
        try:
            visible = self.queryset.filter(**{clave: value}).exists()
        except (ValueError, TypeError, ValidationError):
            visible = False
        if not visible:
            return "", ""
        return super().label_and_url_for_value(value)


class RawIdEnAlcanceMixin:
    """Foreign keys in `raw_id_fields` that neither show nor accept rows outside the
    staff member's scope. The field's choices are the related model admin's own
    queryset (already narrowed to the scope) unless the admin narrows them itself in
    formfield_for_foreignkey; a related model without an admin offers nothing. Without
    this, a raw-id field accepts any existing id and labels it.

    Only foreign keys: many-to-many raw-id fields are not scoped (today they appear only
    on read-only admins, e.g. AcuerdoPagoAdmin, where no form accepts them)."""

    raw_id_fields: ClassVar[Any] = ()
    admin_site: Any

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name not in self.raw_id_fields:
            return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        if "queryset" not in kwargs:
            modelo = db_field.remote_field.model
            relacionado = self.admin_site._registry.get(modelo)
            kwargs["queryset"] = (
                relacionado.get_queryset(request)
                if relacionado is not None
                else modelo._default_manager.none()
            )
        campo = super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]
        if campo is not None:
            campo.widget = RawIdEnAlcanceWidget(
                db_field.remote_field,
                self.admin_site,
                queryset=campo.queryset,
                using=kwargs.get("using"),
            )
        return campo


class ScopedAdminMixin(RawIdEnAlcanceMixin):
    """Admin querysets narrowed to what the staff member may see (core.selectors):
    their unit, their province, or the country. Objects outside the scope are not in
    the queryset, so their change pages answer 404 as well.

    Set `scope_unidad` to the lookup path of the row's unit (default "unidad") and,
    when the province is reached differently, `scope_provincia`."""

    scope_unidad = "unidad"
    scope_provincia: str | None = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return alcance_de(request.user).filter(
            qs, unidad=self.scope_unidad, provincia=self.scope_provincia
        )


class ReadOnlyAdminMixin:
    """History and registries: visible, never edited or deleted from the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Provincia)
class ProvinciaAdmin(admin.ModelAdmin):
    list_display = ["codigo", "nombre", "capital", "nivel"]
    search_fields = ["nombre", "codigo"]

    def save_model(self, request: HttpRequest, obj: Provincia, form: Any, change: bool) -> None:
        # The nivel decides whether its Cartera and Afiliación units are Unidades
        # Provinciales or groups (C.D. 497 art. 3): changed through the service only.
        nivel = obj.nivel
        if change and "nivel" in form.changed_data:
            obj.nivel = form.initial["nivel"]
        super().save_model(request, obj, form, change)
        if obj.nivel != nivel:
            services.provincia_nivel_cambiar(
                provincia=obj, nivel=nivel, por=request.user, request=request
            )
            obj.nivel = nivel


@admin.register(Canton)
class CantonAdmin(admin.ModelAdmin):
    list_display = ["codigo", "nombre", "provincia"]
    list_filter = ["provincia"]
    search_fields = ["nombre", "codigo"]
    list_select_related = ["provincia"]


@admin.register(Unidad)
class UnidadAdmin(admin.ModelAdmin):
    list_display = ["nombre", "tipo", "categoria", "provincia", "activa"]
    list_filter = ["tipo", "categoria", "provincia", "activa"]
    search_fields = ["nombre", "codigo"]
    list_select_related = ["provincia"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "get_full_name", "tipo", "unidad", "is_staff", "is_active"]
    list_filter = ["tipo", "is_staff", "is_active", "groups", "unidad__provincia"]
    list_select_related = ["unidad"]
    search_fields = ["username", "first_name", "last_name", "email", "identificacion"]
    autocomplete_fields = ["unidad"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("Ventanilla Virtual", {"fields": ("tipo", "unidad", "identificacion")}),
    )
    add_fieldsets = (
        *(DjangoUserAdmin.add_fieldsets or ()),
        ("Ventanilla Virtual", {"fields": ("tipo", "unidad", "identificacion", "email")}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        qs = super().get_queryset(request)
        alcance = alcance_de(request.user)
        if alcance.nivel is Nivel.NACIONAL:
            return qs
        return qs.filter(alcance.q(unidad="unidad"))


@admin.register(Feriado)
class FeriadoAdmin(admin.ModelAdmin):
    list_display = ["fecha", "nombre", "origen", "canton"]
    list_filter = ["origen", ("canton", admin.EmptyFieldListFilter)]
    date_hierarchy = "fecha"
    search_fields = ["nombre"]
    autocomplete_fields = ["canton"]
    list_select_related = ["canton__provincia"]

    def save_model(self, request: HttpRequest, obj: Feriado, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.audit_log(actor=request.user, accion="feriado.guardado", obj=obj, request=request)
        services.feriado_changed()

    def delete_model(self, request: HttpRequest, obj: Feriado) -> None:
        services.audit_log(actor=request.user, accion="feriado.eliminado", obj=obj, request=request)
        super().delete_model(request, obj)
        services.feriado_changed()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Feriado]) -> None:
        for feriado in queryset:
            services.audit_log(
                actor=request.user, accion="feriado.eliminado", obj=feriado, request=request
            )
        super().delete_queryset(request, queryset)
        services.feriado_changed()


class ParametroForm(forms.ModelForm):
    class Meta:
        model = Parametro
        fields = ["clave", "valor", "vigente_desde", "base_legal"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        clave, valor = data.get("clave"), data.get("valor")
        if clave is not None and clave not in DEFINICIONES:
            self.add_error("clave", f"«{clave}» no es un parámetro declarado.")
        elif clave is not None and valor is not None:
            try:
                data["valor"] = serializar(clave, valor)
            except ValidationError as exc:
                self.add_error("valor", exc)
        return data


@admin.register(Parametro)
class ParametroAdmin(admin.ModelAdmin):
    """New values are added with their validity date; old rows stay as history."""

    form = ParametroForm

    list_display = [
        "clave",
        "valor",
        "vigente_desde",
        "base_legal",
        "registrado_por",
        "registrado_en",
    ]
    list_filter = ["clave"]
    search_fields = ["clave"]
    readonly_fields = ["registrado_por", "registrado_en"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Parametro, form: Any, change: bool) -> None:
        saved = services.parametro_set(
            clave=obj.clave,
            valor=obj.valor,
            vigente_desde=obj.vigente_desde,
            base_legal=obj.base_legal,
            por=request.user,  # type: ignore[arg-type]
        )
        obj.pk = saved.pk

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "clave" in form.base_fields:
            form.base_fields["clave"].help_text = "Claves: " + ", ".join(sorted(DEFINICIONES))
        return form


@admin.register(EventoAuditoria)
class EventoAuditoriaAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["creado_en", "actor", "accion", "objeto", "ip"]
    list_filter = ["accion"]
    date_hierarchy = "creado_en"
    search_fields = ["objeto", "actor__username", "object_id"]
    list_select_related = ["actor"]
    show_full_result_count = False


@admin.register(DocumentoVerificable)
class DocumentoVerificableAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "codigo",
        "tipo",
        "titulo",
        "emitido_en",
        "vigente_hasta",
        "pendiente_firma",
        "anulado_en",
    ]
    list_filter = ["tipo", "pendiente_firma"]
    search_fields = ["codigo", "titulo"]
    date_hierarchy = "emitido_en"
    show_full_result_count = False


@admin.register(Correo)
class CorreoAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["creado_en", "evento", "asunto", "estado", "intentos", "enviado_en"]
    list_filter = ["estado", "evento"]
    search_fields = ["asunto", "para"]
    date_hierarchy = "creado_en"
    show_full_result_count = False


@admin.register(TrabajoLote)
class TrabajoLoteAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = [
        "nombre",
        "estado",
        "procesados",
        "total",
        "iniciado_por",
        "iniciado_en",
        "terminado_en",
    ]
    list_filter = ["nombre", "estado"]
    readonly_fields = [f.name for f in TrabajoLote._meta.fields]


# --- Actions with a form -------------------------------------------------------------


def accion_con_formulario(
    modeladmin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    *,
    formulario: type[forms.Form],
    titulo: str,
    aplicar: Callable[[Any, dict[str, Any]], str] | None = None,
    aplicar_lote: Callable[[list[Any], dict[str, Any]], tuple[list[str], list[str]]] | None = None,
    una_sola: bool = False,
    plantilla: str = "admin/accion_formulario.html",
) -> HttpResponse | None:
    """An admin action that first asks for data (a form on an intermediate page), then
    calls `aplicar(obj, cleaned_data)` (a service) for each selected row, or
    `aplicar_lote(objs, cleaned_data)` once for all of them (a service that takes the
    batch; it returns the messages of what was done and of what could not be). Errors
    of the service are shown next to the form's fields, in Spanish; nothing is
    half-done for a row whose service call failed. `plantilla` may extend the default
    one (blocks `objetos`, `boton`)."""
    objetos = list(queryset[:51])
    if una_sola and len(objetos) != 1:
        modeladmin.message_user(request, "Seleccione un solo registro.", messages.WARNING)
        return None
    if len(objetos) > 50:
        modeladmin.message_user(request, "Seleccione como máximo 50 registros.", messages.WARNING)
        return None
    form = formulario(request.POST if "aplicar" in request.POST else None)
    if "aplicar" in request.POST and form.is_valid():
        hechos: list[str] = []
        errores: list[str] = []
        if aplicar_lote is not None:
            hechos, errores = aplicar_lote(objetos, form.cleaned_data)
        elif aplicar is not None:
            for obj in objetos:
                try:
                    hechos.append(aplicar(obj, form.cleaned_data))
                except ValidationError as exc:
                    if len(objetos) == 1:
                        errores_en_formulario(form, exc)
                    else:
                        errores.append(f"{obj}: {' '.join(exc.messages)}")
        for texto in hechos:
            modeladmin.message_user(request, texto, messages.SUCCESS)
        for texto in errores:
            modeladmin.message_user(request, texto, messages.ERROR)
        if hechos or errores:
            return None
    contexto = {
        **modeladmin.admin_site.each_context(request),
        "title": titulo,
        "objetos": objetos,
        "form": form,
        "accion": request.POST.get("action", ""),
        "opts": modeladmin.model._meta,
        "errores_resumen": bool(form.errors),
    }
    return TemplateResponse(request, plantilla, contexto)


def errores_en_formulario(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: next to its field when it names
    one, else at the top."""
    if hasattr(exc, "error_dict"):
        for campo, errores in exc.message_dict.items():
            form.add_error(campo if campo in form.fields else None, errores)
    else:
        form.add_error(None, exc.messages)
