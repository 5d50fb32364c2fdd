"""Back office for Gestión de Coactiva: the inventory of processes, the títulos received
for the sorteo, the Secretarios-Abogados, measures, levantamientos and the sorteo log.
Every queryset is narrowed to the staff member's unit (province for the Director,
country for national roles), and a Secretario-Abogado sees only the processes assigned
to them (coactiva.selectors.juicios_visibles). Stages and states are read-only; the
actions call coactiva.services."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from cartera.admin import HistorialInline
from coactiva import selectors, services
from coactiva.models import (
    Actuacion,
    Entidad,
    FirmaOficio,
    JuicioCoactivo,
    JuicioTitulo,
    Levantamiento,
    LevantamientoHistorial,
    MedidaCautelar,
    MedidaHistorial,
    OficioPorFirmar,
    SecretarioAbogado,
    SorteoRegistro,
    TituloRecibido,
)
from core import parametros
from core.admin import ReadOnlyAdminMixin, ScopedAdminMixin, accion_con_formulario
from core.models import Canton, Unidad
from core.selectors import alcance_de
from core.templatetags.portal import dolares

Etapa = JuicioCoactivo.Etapa


class PermisosCoactivaMixin:
    """`has_<perm>_permission` for the custom permissions the actions require."""

    def has_gestionar_juicio_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("coactiva.gestionar_juicio")

    def has_sortear_titulos_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("coactiva.sortear_titulos")

    def has_anular_oficio_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("coactiva.anular_oficio")

    def has_firmar_oficio_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("coactiva.firmar_oficio")


class SoloLecturaMixin(ReadOnlyAdminMixin):
    """Visible and acted on through actions only."""

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields] + list(  # type: ignore[attr-defined]
            getattr(self, "campos_calculados", [])
        )


class DeJuiciosVisiblesMixin:
    """Rows of processes the staff member may open."""

    ruta_juicio = "juicio"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return qs.filter(**{f"{self.ruta_juicio}__in": selectors.juicios_visibles(request.user)})


# --- Filters ----------------------------------------------------------------------------


class VencimientoFilter(admin.SimpleListFilter):
    title = "término de la etapa"
    parameter_name = "termino"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("hoy", "Vence hoy"),
            ("vencido", "Vencido"),
            ("semana", "Vence en los próximos 7 días"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        hoy = timezone.localdate()
        abiertos = queryset.filter(etapa__in=selectors.etapas_abiertas())
        if self.value() == "hoy":
            return abiertos.filter(vence_en=hoy)
        if self.value() == "vencido":
            return abiertos.filter(vence_en__lt=hoy)
        if self.value() == "semana":
            return abiertos.filter(vence_en__gt=hoy, vence_en__lte=hoy + dt.timedelta(days=7))
        return queryset


class SecretarioFilter(admin.SimpleListFilter):
    """The lawyers of the staff member's scope only (not every unit's)."""

    title = "secretario-abogado"
    parameter_name = "secretario"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        abogados = alcance_de(request.user).filter(
            SecretarioAbogado.objects.order_by("nombre"), unidad="unidad"
        )
        return [(str(pk), nombre) for pk, nombre in abogados.values_list("pk", "nombre")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        valor = self.value()
        if valor and valor.isdigit():
            return queryset.filter(secretario_id=int(valor))
        return queryset


TRAMOS_ANTIGUEDAD = [("0-90", 0, 90), ("91-180", 91, 180), ("181-365", 181, 365)]


class AntiguedadFilter(admin.SimpleListFilter):
    """Days since the process was opened."""

    title = "antigüedad del proceso"
    parameter_name = "antiguedad"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(n, f"{n} días") for n, _, _ in TRAMOS_ANTIGUEDAD] + [("365+", "más de 365 días")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        ahora = timezone.now()
        for nombre, desde, hasta in TRAMOS_ANTIGUEDAD:
            if self.value() == nombre:
                return queryset.filter(
                    abierto_en__gt=ahora - dt.timedelta(days=hasta + 1),
                    abierto_en__lte=ahora - dt.timedelta(days=desde),
                )
        if self.value() == "365+":
            return queryset.filter(abierto_en__lte=ahora - dt.timedelta(days=366))
        return queryset


# --- Inlines ------------------------------------------------------------------------------


class _InlineLectura(ReadOnlyAdminMixin, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class TitulosInline(_InlineLectura):
    model = JuicioTitulo
    fields = ["titulo", "estado", "saldo_registrado"]
    readonly_fields = ["titulo", "estado", "saldo_registrado"]
    verbose_name_plural = "títulos de crédito"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("titulo")

    @admin.display(description="estado")
    def estado(self, obj: JuicioTitulo) -> str:
        return obj.titulo.get_estado_display()

    @admin.display(description="saldo registrado")
    def saldo_registrado(self, obj: JuicioTitulo) -> str:
        return dolares(obj.titulo.saldo_registrado)


class MedidasInline(_InlineLectura):
    model = MedidaCautelar
    fields = ["tipo", "descripcion", "entidad_nombre", "estado", "ordenada_en"]
    readonly_fields = tuple(fields)  # type: ignore[arg-type]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("canton__provincia")


class LevantamientosInline(_InlineLectura):
    model = Levantamiento
    fields = ["entidad_nombre", "origen", "estado", "oficio", "abierto_en", "emitido_en"]
    verbose_name_plural = "levantamientos (oficios)"
    readonly_fields = tuple(fields)  # type: ignore[arg-type]
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("oficio")


class ActuacionesInline(_InlineLectura):
    model = Actuacion
    fields = ["numero", "en", "tipo", "etapa", "descripcion", "folios", "por"]
    readonly_fields = tuple(fields)  # type: ignore[arg-type]
    ordering = ["numero"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("por")

    @admin.display(description="folios")
    def folios(self, obj: Actuacion) -> str:
        return f"{obj.folio_desde}-{obj.folio_hasta}" if obj.paginas > 1 else str(obj.folio_desde)


# --- Action forms ----------------------------------------------------------------------


class AvanzarForm(forms.Form):
    etapa = forms.ChoiceField(label="Nueva etapa", choices=Etapa.choices)
    # The actuación holds 1000 characters with the stage change and its término.
    motivo = forms.CharField(
        label="Providencia o motivo",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=500,
        error_messages={
            "max_length": "Resuma la providencia en %(limit_value)d caracteres como máximo "
            "(tiene %(show_value)d); el texto completo va en el expediente como escrito."
        },
    )


class InsolvenciaForm(forms.Form):
    estado = forms.CharField(
        label="Estado del juicio de insolvencia",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Lo que el Área de Patrocinio informó: demanda presentada, auto de "
        "calificación, sentencia, bienes del concurso…",
        error_messages={"required": "Escriba el estado del juicio de insolvencia."},
    )


class MedidaForm(forms.Form):
    tipo = forms.ChoiceField(label="Tipo de medida", choices=MedidaCautelar.Tipo.choices)
    entidad_tipo = forms.ChoiceField(label="Tipo de entidad", choices=Entidad.choices)
    entidad_nombre = forms.CharField(label="Entidad", max_length=200)
    cuenta = forms.CharField(label="Número de cuenta", max_length=30, required=False)
    predio = forms.CharField(label="Número de predio", max_length=30, required=False)
    canton = forms.ModelChoiceField(
        label="Cantón del inmueble", queryset=Canton.objects.all(), required=False
    )
    placa = forms.CharField(label="Placa", max_length=10, required=False)
    bien = forms.CharField(label="Descripción del bien", max_length=300, required=False)
    monto = forms.DecimalField(
        label="Monto (USD)", max_digits=14, decimal_places=2, required=False, min_value=Decimal(0)
    )


class AnularOficioForm(forms.Form):
    motivo = forms.CharField(label="Motivo de la anulación", max_length=200)


# --- Processes ----------------------------------------------------------------------------


@admin.register(JuicioCoactivo)
class JuicioCoactivoAdmin(PermisosCoactivaMixin, SoloLecturaMixin, admin.ModelAdmin):
    list_display = [
        "numero",
        "empleador",
        "secretario",
        "etapa",
        "etapa_desde",
        "termino",
        "dias_abierto",
        "monto_inicial",
    ]
    list_filter = ["etapa", VencimientoFilter, AntiguedadFilter]
    search_fields = ["^empleador__identificacion", "empleador__razon_social"]
    list_select_related = ["empleador", "secretario", "unidad"]
    show_full_result_count = False
    list_per_page = 50
    inlines = [TitulosInline, MedidasInline, LevantamientosInline, ActuacionesInline]
    actions = ["avanzar", "ordenar_medida", "levantar_medidas", "insolvencia_informar"]
    campos_calculados = ["numero", "expediente"]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "numero",
                    ("unidad", "secretario"),
                    "empleador",
                    ("etapa", "etapa_desde", "vence_en"),
                    "etapa_antes_convenio",
                    ("abierto_en", "cerrado_en"),
                    ("monto_inicial", "sorteo"),
                    "expediente",
                )
            },
        ),
        (
            "Juicio de insolvencia (C.D. 497, disposición general sexta)",
            {
                "classes": ("collapse",),
                "fields": (
                    ("insolvencia_remitido_el", "insolvencia_saldo"),
                    ("insolvencia_estado", "insolvencia_estado_el"),
                ),
            },
        ),
    )
    change_list_template = "admin/coactiva/juiciocoactivo/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[JuicioCoactivo]:
        return selectors.juicios_visibles(request.user, super().get_queryset(request))

    def get_list_filter(self, request: HttpRequest) -> Any:
        filtros: list[Any] = list(super().get_list_filter(request))
        if not selectors.solo_asignados(request.user):
            filtros.append(SecretarioFilter)
        return filtros

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        contexto = {**(extra_context or {}), "vencimientos": selectors.vencimientos(request.user)}
        return super().changelist_view(request, extra_context=contexto)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[JuicioCoactivo], search_term: str
    ) -> tuple[QuerySet[JuicioCoactivo], bool]:
        """Also finds a process by its number, e.g. 17-JC-2026-00012."""
        partes = search_term.strip().upper().split("-")
        if len(partes) == 4 and partes[1] == "JC" and partes[2].isdigit() and partes[3].isdigit():
            return (
                queryset.filter(
                    unidad__provincia_id=partes[0], anio=int(partes[2]), secuencial=int(partes[3])
                ),
                False,
            )
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description="N.º", ordering="secuencial")
    def numero(self, obj: JuicioCoactivo) -> str:
        return obj.numero

    @admin.display(description="término", ordering="vence_en")
    def termino(self, obj: JuicioCoactivo) -> str:
        if not obj.vence_en or not obj.abierto:
            return "—"
        hoy = timezone.localdate()
        if obj.vence_en < hoy:
            return format_html('<strong style="color:#b00">Vencido el {}</strong>', obj.vence_en)
        if obj.vence_en == hoy:
            return format_html("<strong>Vence hoy</strong>")
        return f"Hasta {obj.vence_en:%d/%m/%Y}"

    @admin.display(description="días abierto", ordering="abierto_en")
    def dias_abierto(self, obj: JuicioCoactivo) -> int:
        fin = obj.cerrado_en or timezone.now()
        return (fin - obj.abierto_en).days

    @admin.display(description="expediente")
    def expediente(self, obj: JuicioCoactivo) -> str:
        if obj.pk is None:
            return "—"
        return format_html(
            '<a href="{}">Descargar el expediente foliado (PDF)</a>',
            reverse("coactiva:expediente", args=[obj.pk]),
        )

    @admin.action(description="Pasar a otra etapa", permissions=["gestionar_juicio"])
    def avanzar(self, request: HttpRequest, queryset: QuerySet[JuicioCoactivo]) -> Any:
        def aplicar(juicio: JuicioCoactivo, datos: dict[str, Any]) -> str:
            juicio = services.juicio_transicion(
                juicio=juicio, a=datos["etapa"], por=request.user, motivo=datos["motivo"]
            )
            return f"{juicio}: etapa «{juicio.get_etapa_display()}»."

        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=AvanzarForm,
            titulo="Pasar los procesos a otra etapa",
            aplicar=aplicar,
        )

    @admin.action(
        description="Registrar el estado del juicio de insolvencia",
        permissions=["gestionar_juicio"],
    )
    def insolvencia_informar(self, request: HttpRequest, queryset: QuerySet[JuicioCoactivo]) -> Any:
        def aplicar(juicio: JuicioCoactivo, datos: dict[str, Any]) -> str:
            juicio = services.insolvencia_seguimiento(
                juicio=juicio, estado=datos["estado"], por=request.user
            )
            return f"{juicio}: estado del juicio de insolvencia registrado."

        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=InsolvenciaForm,
            titulo="Registrar el estado del juicio de insolvencia",
            aplicar=aplicar,
        )

    @admin.action(description="Ordenar una medida cautelar", permissions=["gestionar_juicio"])
    def ordenar_medida(self, request: HttpRequest, queryset: QuerySet[JuicioCoactivo]) -> Any:
        def aplicar(juicio: JuicioCoactivo, datos: dict[str, Any]) -> str:
            medida = services.medida_ordenar(
                juicio=juicio,
                tipo=datos["tipo"],
                entidad_tipo=datos["entidad_tipo"],
                entidad_nombre=datos["entidad_nombre"],
                cuenta=datos["cuenta"],
                predio=datos["predio"],
                canton=datos["canton"],
                placa=datos["placa"],
                bien=datos["bien"],
                monto=datos["monto"],
                por=request.user,
            )
            return f"{juicio}: ordenada «{medida}»."

        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=MedidaForm,
            titulo="Ordenar una medida cautelar",
            aplicar=aplicar,
            una_sola=True,
        )

    @admin.action(
        description="Levantar las medidas (títulos extinguidos)", permissions=["gestionar_juicio"]
    )
    def levantar_medidas(self, request: HttpRequest, queryset: QuerySet[JuicioCoactivo]) -> None:
        for juicio in queryset[:50]:
            try:
                levantamientos = services.levantamiento_abrir(
                    juicio=juicio, origen=Levantamiento.Origen.MANUAL, por=request.user
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                continue
            self.message_user(
                request,
                f"{juicio}: {len(levantamientos)} oficio(s) de levantamiento; pasan a la firma "
                f"del/de la {services.cargo_firmante(juicio)}.",
                messages.SUCCESS,
            )


# --- Títulos received for the sorteo ------------------------------------------------------


@admin.register(TituloRecibido)
class TituloRecibidoAdmin(PermisosCoactivaMixin, ScopedAdminMixin, admin.ModelAdmin):
    scope_unidad = "unidad_coactiva"
    list_display = ["numero", "empleador", "estado", "fecha_emision", "saldo", "unidad_coactiva"]
    list_filter = ["anio"]
    search_fields = ["^empleador__identificacion", "empleador__razon_social"]
    list_select_related = ["empleador", "unidad_coactiva"]
    show_full_result_count = False
    actions = ["sortear"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .filter(
                estado__in=["emitido", "sorteado", "en_coactiva"],
                juicio_linea__isnull=True,
            )
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="N.º", ordering="secuencial")
    def numero(self, obj: TituloRecibido) -> str:
        return obj.numero

    @admin.display(description="saldo registrado")
    def saldo(self, obj: TituloRecibido) -> str:
        return dolares(obj.saldo_registrado)

    @admin.action(description="Sortear los títulos seleccionados", permissions=["sortear_titulos"])
    def sortear(self, request: HttpRequest, queryset: QuerySet[TituloRecibido]) -> None:
        por_unidad: dict[int, list[int]] = defaultdict(list)
        for titulo_id, unidad_id in queryset.values_list("pk", "unidad_coactiva_id"):
            por_unidad[unidad_id].append(titulo_id)
        for unidad in Unidad.objects.filter(pk__in=por_unidad).order_by("provincia_id"):
            try:
                registro = services.sorteo_realizar(
                    unidad=unidad, por=request.user, titulos=por_unidad[unidad.pk]
                )
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
                continue
            self.message_user(
                request,
                f"{registro} de {unidad.nombre}: {len(registro.resultado)} proceso(s) asignado(s) "
                f"(semilla {registro.semilla}, generada al azar por el sistema).",
                messages.SUCCESS,
            )


# --- Secretarios-Abogados -------------------------------------------------------------------


@admin.register(SecretarioAbogado)
class SecretarioAbogadoAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ["nombre", "vinculo", "unidad", "activo", "procesos_abiertos", "usuario"]
    list_filter = ["activo", "vinculo"]
    search_fields = ["nombre", "identificacion"]
    list_select_related = ["unidad", "usuario"]
    raw_id_fields = ["usuario"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                abiertos=Count("juicios", filter=~Q(juicios__etapa__in=JuicioCoactivo.TERMINALES))
            )
            # Meta.ordering is dropped by the GROUP BY; the autocomplete pages need one.
            .order_by("unidad_id", "nombre", "pk")
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "unidad":
            kwargs["queryset"] = selectors.unidades_coactiva(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="procesos abiertos", ordering="abiertos")
    def procesos_abiertos(self, obj: Any) -> int:
        return obj.abiertos


# --- Measures and levantamientos --------------------------------------------------------------


class MedidaHistorialInline(HistorialInline):
    model = MedidaHistorial
    verbose_name_plural = "historial de estados"


@admin.register(MedidaCautelar)
class MedidaCautelarAdmin(
    PermisosCoactivaMixin, DeJuiciosVisiblesMixin, SoloLecturaMixin, admin.ModelAdmin
):
    list_display = ["juicio", "tipo", "descripcion", "entidad_nombre", "estado", "ordenada_en"]
    list_filter = ["estado", "tipo", "entidad_tipo"]
    search_fields = [
        "entidad_nombre",
        "cuenta",
        "predio",
        "placa",
        "^juicio__empleador__identificacion",
    ]
    list_select_related = ["juicio__unidad", "canton__provincia"]
    show_full_result_count = False
    inlines = [MedidaHistorialInline]
    actions = ["registrar_vigencia"]
    campos_calculados = ["descripcion"]

    @admin.action(
        description="Registrar que la entidad inscribió la medida (vigente)",
        permissions=["gestionar_juicio"],
    )
    def registrar_vigencia(self, request: HttpRequest, queryset: QuerySet[MedidaCautelar]) -> None:
        for medida in queryset[:50]:
            try:
                services.medida_registrar_vigencia(medida=medida, por=request.user)
            except ValidationError as exc:
                self.message_user(request, " ".join(exc.messages), messages.ERROR)
            else:
                self.message_user(request, f"{medida}: vigente.", messages.SUCCESS)


class LevantamientoHistorialInline(HistorialInline):
    model = LevantamientoHistorial
    verbose_name_plural = "historial del oficio"


class FirmaInline(_InlineLectura):
    model = FirmaOficio
    fields = ["firmado_en", "nombre", "cargo", "origen", "sha256_revisado", "sha256_firmado"]
    readonly_fields = tuple(fields)  # type: ignore[arg-type]
    verbose_name_plural = "firma"


def _enlace_pdf(obj: Levantamiento) -> str:
    if not (obj.oficio_id and obj.oficio and obj.oficio.archivo):
        return "—"
    return format_html(
        '<a href="{}" target="_blank" rel="noopener">Abrir el PDF</a>',
        reverse("coactiva:oficio_pdf", args=[obj.pk]),
    )


@admin.register(Levantamiento)
class LevantamientoAdmin(
    PermisosCoactivaMixin, DeJuiciosVisiblesMixin, SoloLecturaMixin, admin.ModelAdmin
):
    list_display = [
        "juicio",
        "entidad_nombre",
        "origen",
        "estado",
        "oficio",
        "abierto_en",
        "emitido_en",
        "pdf",
    ]
    list_filter = ["estado", "origen", "entidad_tipo"]
    search_fields = ["entidad_nombre", "oficio__codigo", "^juicio__empleador__identificacion"]
    list_select_related = ["juicio__unidad", "oficio"]
    show_full_result_count = False
    actions = ["anular_oficio", "generar_oficio"]
    inlines = [FirmaInline, LevantamientoHistorialInline]
    campos_calculados = ["pdf"]

    @admin.display(description="oficio (PDF)")
    def pdf(self, obj: Levantamiento) -> str:
        return _enlace_pdf(obj)

    @admin.action(description="Anular el oficio", permissions=["anular_oficio"])
    def anular_oficio(self, request: HttpRequest, queryset: QuerySet[Levantamiento]) -> Any:
        def aplicar(levantamiento: Levantamiento, datos: dict[str, Any]) -> str:
            services.oficio_anular(
                levantamiento=levantamiento, motivo=datos["motivo"], por=request.user
            )
            return f"{levantamiento}: oficio anulado."

        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=AnularOficioForm,
            titulo="Anular oficios de levantamiento",
            aplicar=aplicar,
        )

    @admin.action(description="Generar el oficio pendiente", permissions=["gestionar_juicio"])
    def generar_oficio(self, request: HttpRequest, queryset: QuerySet[Levantamiento]) -> None:
        for levantamiento in queryset.filter(estado=Levantamiento.Estado.PENDIENTE)[:50]:
            oficio = services.levantamiento_oficio_generar(levantamiento_id=levantamiento.pk)
            self.message_user(request, f"{levantamiento}: {oficio}.", messages.SUCCESS)


# --- The signer's queue ----------------------------------------------------------------------


class FirmarForm(forms.Form):
    confirmo = forms.BooleanField(
        label="Revisé los oficios y los firmo",
        help_text=(
            "Quedarán firmados con su nombre, cargo, fecha y hora (firma registrada en la "
            "plataforma; no es una firma electrónica certificada). Desde ese momento están en "
            "vigor, las medidas quedan levantadas y se avisa al coactivado."
        ),
        error_messages={"required": "Confirme que revisó los oficios para firmarlos."},
    )


@admin.register(OficioPorFirmar)
class OficioPorFirmarAdmin(PermisosCoactivaMixin, SoloLecturaMixin, admin.ModelAdmin):
    """The Director Provincial's signing desk: the oficios de levantamiento of their
    province waiting for the signature, the one waiting longest first, with how long
    each has waited; open the PDF, select, sign (coactiva.services.oficios_firmar)."""

    list_display = ["oficio_n", "juicio", "deudor", "entidad_nombre", "medidas", "pdf"]
    list_display_links = ["oficio_n"]
    ordering = ["abierto_en", "id"]  # the one waiting longest first
    search_fields = ["entidad_nombre", "oficio__codigo", "^juicio__empleador__identificacion"]
    show_full_result_count = False
    list_per_page = 50
    actions = ["firmar"]
    campos_calculados = ["pdf"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return selectors.oficios_por_firmar(request.user, super().get_queryset(request))

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> Any:
        titulo = "Oficios de levantamiento por firmar (primero, el que más espera)"
        return super().changelist_view(request, {"title": titulo, **(extra_context or {})})

    @admin.display(description="oficio N.º")
    def oficio_n(self, obj: OficioPorFirmar) -> str:
        return obj.numero_oficio

    @admin.display(description="deudor")
    def deudor(self, obj: OficioPorFirmar) -> str:
        return f"{obj.juicio.empleador.razon_social} ({obj.juicio.empleador.identificacion})"

    @admin.display(description="medidas")
    def medidas(self, obj: Any) -> int:
        return getattr(obj, "n_medidas", 0)

    def get_list_display(self, request: HttpRequest) -> Any:
        """Adds «en espera»: business days since the levantamiento was ordered, in red
        past the reminder limit (selectors.espera_firma), the limit read once a page."""
        hoy = timezone.localdate()
        limite = parametros.valor("COACTIVA_FIRMA_RECORDATORIO_DIAS", en=hoy)

        @admin.display(description="en espera", ordering="abierto_en")
        def espera(obj: OficioPorFirmar) -> str:
            e = selectors.espera_firma(obj, hoy=hoy, limite=limite)
            texto = f"{e.dias} día{'s' if e.dias != 1 else ''} hábil{'es' if e.dias != 1 else ''}"
            detalle = f"desde el {timezone.localtime(obj.abierto_en):%d/%m/%Y %H:%M}"
            if e.atrasado:
                return format_html(
                    '<strong style="color:#b00">{}</strong><br><small>{}</small>', texto, detalle
                )
            return format_html("{}<br><small>{}</small>", texto, detalle)

        return [*self.list_display[:-1], espera, self.list_display[-1]]

    @admin.display(description="oficio (PDF)")
    def pdf(self, obj: OficioPorFirmar) -> str:
        return _enlace_pdf(obj)

    @admin.action(description="Firmar los oficios seleccionados", permissions=["firmar_oficio"])
    def firmar(
        self, request: HttpRequest, queryset: QuerySet[OficioPorFirmar]
    ) -> HttpResponse | None:
        def firmar_lote(
            objetos: list[OficioPorFirmar], datos: dict[str, Any]
        ) -> tuple[list[str], list[str]]:
            resultado = services.oficios_firmar(levantamientos=objetos, por=request.user)
            hechos = [
                f"Oficio N.º {lev.numero_oficio}, dirigido a {lev.entidad_nombre}: firmado y "
                "en vigor; medidas levantadas."
                for lev in resultado.firmados
            ]
            return hechos, resultado.errores

        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=FirmarForm,
            titulo="Firmar oficios de levantamiento",
            aplicar_lote=firmar_lote,
            plantilla="admin/coactiva/firmar.html",
        )


# --- Sorteo log ----------------------------------------------------------------------------


@admin.register(SorteoRegistro)
class SorteoRegistroAdmin(ScopedAdminMixin, SoloLecturaMixin, admin.ModelAdmin):
    list_display = [
        "__str__",
        "unidad",
        "realizado_por",
        "metodo",
        "semilla",
        "origen_de_la_semilla",
        "procesos",
    ]
    list_filter = ["semilla_origen"]
    list_select_related = ["unidad", "realizado_por"]
    date_hierarchy = "realizado_en"
    actions = ["reproducir"]

    @admin.display(description="procesos")
    def procesos(self, obj: SorteoRegistro) -> int:
        return len(obj.resultado)

    @admin.display(description="origen de la semilla", ordering="semilla_origen")
    def origen_de_la_semilla(self, obj: SorteoRegistro) -> str:
        if obj.semilla_origen == SorteoRegistro.SemillaOrigen.SISTEMA:
            return obj.get_semilla_origen_display()
        return format_html(
            '<strong style="color:#b00">{}</strong>', obj.get_semilla_origen_display()
        )

    @admin.action(description="Reproducir el sorteo desde su registro y comparar")
    def reproducir(self, request: HttpRequest, queryset: QuerySet[SorteoRegistro]) -> None:
        from core.services import audit_log

        for registro in queryset[:50]:
            verificacion = selectors.sorteo_reproducir(registro=registro)
            audit_log(
                actor=request.user,
                accion="coactiva.sorteo_reproducido",
                obj=registro,
                detalle={
                    "coincide": verificacion.coincide,
                    "reproducido": verificacion.reproducido,
                    "aplicado": verificacion.aplicado,
                },
                request=request,
            )
            if verificacion.coincide:
                self.message_user(
                    request,
                    f"{registro}: reproducido con la semilla registrada, el resultado coincide "
                    "con el registro y con los procesos abiertos.",
                    messages.SUCCESS,
                )
                if registro.semilla_origen != SorteoRegistro.SemillaOrigen.SISTEMA:
                    self.message_user(
                        request,
                        f"{registro}: {selectors.SEMILLA_FIJADA_AVISO}",
                        messages.WARNING,
                    )
            else:
                self.message_user(
                    request,
                    f"{registro}: {selectors.sorteo_discrepancia(verificacion)}",
                    messages.ERROR,
                )
