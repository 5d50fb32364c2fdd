"""Back office of the Ventanilla Virtual: the catalogue and routing rules (national
supervisor) and a first, scoped view of the requests (the full work queue builds on
tramites.services)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from core.admin import ReadOnlyAdminMixin, ScopedAdminMixin, accion_con_formulario
from core.queue import send_now
from core.selectors import Nivel, alcance_de
from tramites import condiciones, selectors, services
from tramites.forms import CAMPOS_FIJOS
from tramites.models import (
    CanalTramite,
    DocumentoSolicitud,
    EstadisticaHistorica,
    HistorialSolicitud,
    PeriodoSuspension,
    PlantillaMensaje,
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
    "tipo",
    "estado_anterior",
    "estado",
    "unidad",
    "actor",
    "asignado_a",
    "nota_publica",
    "nota_interna",
)


class HistorialInline(admin.TabularInline):
    """The append-only trail of the request: states, assignments, messages."""

    model = HistorialSolicitud
    extra = 0
    can_delete = False
    fields = _HISTORIAL_CAMPOS
    readonly_fields = _HISTORIAL_CAMPOS

    def get_queryset(self, request: HttpRequest) -> QuerySet[HistorialSolicitud]:
        return super().get_queryset(request).select_related("unidad", "actor", "asignado_a")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


_SUSPENSION_CAMPOS = ("desde", "hasta", "dias_habiles", "motivo")


class SuspensionInline(admin.TabularInline):
    model = PeriodoSuspension
    extra = 0
    can_delete = False
    fields = _SUSPENSION_CAMPOS
    readonly_fields = _SUSPENSION_CAMPOS

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
    """Each file with its checks (type, pages, SHA-256); «ver» opens it inline."""

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
            '<a href="{}?ver=1" target="_blank" rel="noopener">ver {}</a> · '
            '<a href="{}">descargar</a>',
            url,
            obj.nombre_original,
            url,
        )


class PlazoFilter(admin.SimpleListFilter):
    title = "plazo"
    parameter_name = "plazo"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return list(selectors.Plazo.ETIQUETAS.items())

    def queryset(self, request: HttpRequest, queryset: QuerySet[Solicitud]) -> Any:
        valor = self.value()
        if valor in selectors.Plazo.ETIQUETAS:
            return queryset.filter(selectors.Plazo.q(valor, timezone.localdate()))
        return queryset


class AsignadoFilter(admin.SimpleListFilter):
    """Mine, unassigned, or a colleague of the unit (one query for the names)."""

    title = "asignada a"
    parameter_name = "asignado"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        opciones = [("yo", "Mis solicitudes"), ("nadie", "Sin asignar")]
        alcance = alcance_de(request.user)
        if alcance.nivel is Nivel.UNIDAD:
            personas = selectors.asignables(alcance.unidad_id)  # type: ignore[arg-type]
        elif alcance.nivel is Nivel.PROVINCIA:  # a director: the staff of every unit
            personas = selectors.asignables_provincia(alcance.provincia_id)  # type: ignore[arg-type]
        else:  # the whole country: too many names for a list
            return opciones
        opciones += [
            (str(pk), nombre.strip() or usuario)
            for pk, nombre, usuario in personas.annotate(
                nombre=Concat("first_name", Value(" "), "last_name")
            ).values_list("pk", "nombre", "username")
        ]
        return opciones

    def queryset(self, request: HttpRequest, queryset: QuerySet[Solicitud]) -> Any:
        valor = self.value()
        if valor == "yo":
            return queryset.filter(asignado_a_id=request.user.pk)
        if valor == "nadie":
            return queryset.filter(asignado_a__isnull=True)
        if valor and valor.isdigit():
            return queryset.filter(asignado_a_id=int(valor))
        return queryset


_NUMERO = re.compile(r"^VV-\d{2}-\d{4}-\d{1,6}$")
_PLAZO_CLASE = {
    "a_tiempo": ("#1e7e34", "A tiempo"),
    "por_vencer": ("#b35c00", "Por vencer"),
    "vencida": ("#c00", "Vencida"),
    "muy_vencida": ("#7a0000", "Vencida > 3×"),
    "suspendida": ("#555", "Suspendida"),
}


def _plantilla_form(tipo: str, queryset: QuerySet[Solicitud], campo: str) -> type[forms.Form]:
    """A form with the templates of `tipo` that fit the selected requests' trámites and
    the text itself (the template's text is used when left empty)."""
    tramites = set(queryset.values_list("tramite_id", flat=True)[:51])
    plantillas = PlantillaMensaje.objects.filter(tipo=tipo, activa=True).filter(
        Q(tramite__isnull=True) | Q(tramite_id__in=tramites)
    )
    etiqueta = {"mensaje": "Mensaje para el solicitante", "motivo": "Motivo"}[campo]

    class PlantillaForm(forms.Form):
        plantilla = forms.ModelChoiceField(
            label="Plantilla", queryset=plantillas, required=False, empty_label="(ninguna)"
        )

        def clean(self) -> dict[str, Any]:
            data = super().clean() or {}
            if not (data.get(campo) or "").strip() and not data.get("plantilla"):
                self.add_error(campo, "Elija una plantilla o escriba el texto.")
            return data

    PlantillaForm.base_fields[campo] = forms.CharField(
        label=etiqueta,
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text="Vacío: se usa el texto de la plantilla. Puede usar {numero}, {nombre}, "
        "{tramite} y {unidad}.",
    )
    return PlantillaForm


def _texto(obj: Solicitud, datos: dict[str, Any], campo: str) -> str:
    texto = (datos.get(campo) or "").strip()
    if texto:
        return PlantillaMensaje(texto=texto).texto_para(obj)
    return datos["plantilla"].texto_para(obj)


@admin.register(Solicitud)
class SolicitudAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """The back-office queue: requests of the staff member's unit (or province, or the
    country), most urgent first. State, unit and assignee are read-only: they change
    only through the actions, which call tramites.services."""

    scope_unidad = "unidad"
    scope_provincia = "provincia"
    list_display = [
        "numero",
        "tramite",
        "estado_marcado",
        "plazo_badge",
        "vence_el",
        "asignado_a",
        "unidad",
        "solicitante_nombre",
        "recibido_el",
    ]
    list_filter = ["estado", PlazoFilter, AsignadoFilter, "tramite", "provincia"]
    show_facets = admin.ShowFacets.NEVER  # per-option counts would scan the whole queue
    list_select_related = ["tramite", "unidad", "asignado_a"]
    list_per_page = 50
    ordering = ["vence_el", "id"]
    search_fields = ["numero"]  # see get_search_results: indexed lookups only
    search_help_text = (
        "Número de trámite (VV-17-2026-000123), cédula o RUC, o el inicio del nombre del "
        "solicitante o de la razón social."
    )
    show_full_result_count = False
    inlines = [DocumentoInline, SuspensionInline, HistorialInline]
    actions = [
        "tomar",
        "asignar",
        "pedir_documentos",
        "aprobar",
        "negar",
        "archivar_abandono",
        "enrutar_ahora",
    ]
    readonly_fields = [
        "numero",
        "tramite",
        "provincia",
        "estado",
        "unidad",
        "regla",
        "asignado_a",
        "asignado_en",
        "creado_en",
        "recibido_el",
        "vence_el",
        "plazo_badge",
        "dias_suspendidos",
        "subsanar_hasta",
        "subsanada_en",
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
        "autorizacion_tercero",
        "empleador",
        "empleador_identificacion",
        "empleador_razon_social",
        "sucursal",
        "detalle",
        "respuestas_legibles",
        "pendiente_solicitante",
        "acuse",
        "expediente",
        "auditoria",
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
                    ("asignado_a", "asignado_en"),
                    ("creado_en", "recibido_el", "enrutada_en", "resuelta_en"),
                    ("vence_el", "plazo_badge", "dias_suspendidos"),
                    ("subsanar_hasta", "subsanada_en"),
                    "pendiente_solicitante",
                    "expediente",
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
                    ("calidad", "autorizacion_tercero"),
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
        ("Auditoría", {"classes": ["collapse"], "fields": ["auditoria"]}),
        (
            "Enrutamiento",
            {"classes": ["collapse"], "fields": ["enrutamiento_intentos", "enrutamiento_error"]},
        ),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Solicitud]:
        return selectors.cola(super().get_queryset(request))

    def get_list_display(self, request: HttpRequest) -> Any:
        # Staff of one unit do not need the unit column (nor the province filter).
        if alcance_de(request.user).nivel is Nivel.UNIDAD:
            return [c for c in self.list_display if c not in {"unidad", "recibido_el"}]
        return self.list_display

    def get_list_filter(self, request: HttpRequest) -> Any:
        if alcance_de(request.user).nivel is not Nivel.NACIONAL:
            return [f for f in self.list_filter if f != "provincia"]
        return self.list_filter

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Solicitud], search_term: str
    ) -> tuple[QuerySet[Solicitud], bool]:
        """Only lookups an index serves: the full tracking number, an identification
        (filer's or employer's), or the beginning of a name."""
        termino = " ".join(search_term.split())[:200]
        if not termino:
            return queryset, False
        mayus = termino.upper()
        if _NUMERO.match(mayus):
            prefijo, secuencia = mayus.rsplit("-", 1)
            return queryset.filter(numero=f"{prefijo}-{int(secuencia):06d}"), False
        if mayus.isdigit() or (mayus[:-1].isdigit() and len(mayus) > 5):
            return (
                queryset.filter(
                    Q(solicitante_identificacion=mayus) | Q(empleador_identificacion=mayus)
                ),
                False,
            )
        return (
            queryset.filter(
                Q(solicitante_nombre__istartswith=termino)
                | Q(empleador_razon_social__istartswith=termino)
            ),
            False,
        )

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> Any:
        # Nothing on the page is edited: it changes through the queue's actions only.
        contexto = {
            **(extra_context or {}),
            "acciones_disponibles": self._acciones_para(request, object_id),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().change_view(request, object_id, form_url, contexto)

    def _acciones_para(self, request: HttpRequest, object_id: str) -> list[tuple[str, str]]:
        """The queue's actions that apply to this request now, as buttons on its page
        (each posts the action for this one request, like the queue does)."""
        fila = (
            self.get_queryset(request)
            .filter(pk=object_id)
            .values("estado", "asignado_a_id")
            .first()
            if str(object_id).isdigit()
            else None
        )
        if fila is None or not self.has_change_permission(request):
            return []
        estado = fila["estado"]
        acciones = []
        if estado in services.ASIGNABLES and fila["asignado_a_id"] != request.user.pk:
            acciones.append(("tomar", "Tomar"))
        if estado in services.ASIGNABLES and self.has_asignar_permission(request):
            acciones.append(("asignar", "Asignar…"))
        if services.Estado.OBSERVADA in services.TRANSICIONES[estado]:
            acciones.append(("pedir_documentos", "Pedir documentos…"))
        if services.Estado.ATENDIDA in services.TRANSICIONES[estado]:
            acciones += [("aprobar", "Aprobar…"), ("negar", "Negar…")]
        if estado == services.Estado.OBSERVADA:
            acciones.append(("archivar_abandono", "Archivar por abandono"))
        return acciones

    def save_model(self, request: HttpRequest, obj: Solicitud, form: Any, change: bool) -> None:
        """Never saved from its form (every change goes through tramites.services)."""

    def _get_obj_does_not_exist_redirect(
        self, request: HttpRequest, opts: Any, object_id: str
    ) -> Any:
        # A request outside the staff member's scope is simply not there: 404, not a
        # redirect that would tell it apart from a request that does not exist.
        raise Http404("Solicitud no encontrada")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_asignar_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("tramites.asignar_solicitud")

    # --- columns ---

    @admin.display(description="estado", ordering="estado")
    def estado_marcado(self, obj: Solicitud) -> str:
        if obj.subsanada_en and obj.estado == Solicitud.Estado.EN_ATENCION:
            return format_html(
                '{} <strong class="subsanada">(subsanada)</strong>', obj.get_estado_display()
            )
        return obj.get_estado_display()

    @admin.display(description="plazo")
    def plazo_badge(self, obj: Solicitud) -> str:
        valor = getattr(obj, "plazo", "")
        if valor not in _PLAZO_CLASE:
            return "—"
        color, texto = _PLAZO_CLASE[valor]
        return format_html(
            '<span class="plazo plazo-{}" style="color:{};font-weight:bold">{}</span>',
            valor,
            color,
            texto,
        )

    @admin.display(description="expediente")
    def expediente(self, obj: Solicitud) -> str:
        return format_html(
            '<a href="{}">Descargar el expediente completo (PDF)</a>',
            reverse("tramites:expediente", args=[obj.pk]),
        )

    @admin.display(description="registro de auditoría")
    def auditoria(self, obj: Solicitud) -> str:
        eventos = selectors.eventos_de_solicitud(obj)[:200]
        filas = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    f"{timezone.localtime(e.creado_en):%d/%m/%Y %H:%M:%S}",
                    e.actor.username if e.actor else "(solicitante / sistema)",
                    e.accion,
                    e.objeto,
                )
                for e in eventos
            ),
        )
        return format_html(
            '<table id="auditoria"><thead><tr><th>Fecha</th><th>Usuario</th><th>Acción</th>'
            "<th>Objeto</th></tr></thead><tbody>{}</tbody></table>",
            filas,
        )

    @admin.display(description="autorización a terceros")
    def autorizacion_tercero(self, obj: Solicitud) -> str:
        """The employer's authorization a third party filed with, checked when filed;
        its verification page says whether it was revoked since."""
        autorizacion = obj.autorizacion
        if autorizacion is None:
            return "—"
        texto = format_html(
            "{} (cédula {}), otorgada por {} hasta el {}",
            autorizacion.tercero_nombre,
            autorizacion.tercero_identificacion,
            autorizacion.empleador.razon_social,
            f"{autorizacion.vigente_hasta:%d/%m/%Y}",
        )
        if autorizacion.revocada_en:
            texto = format_html(
                "{} · <strong>revocada el {}</strong>",
                texto,
                f"{timezone.localtime(autorizacion.revocada_en):%d/%m/%Y}",
            )
        if autorizacion.documento is not None:
            texto = format_html(
                '{} · <a href="{}" target="_blank" rel="noopener">verificar</a>',
                texto,
                reverse("core:verificar", args=[autorizacion.documento.codigo]),
            )
        return texto

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

    # --- actions (each calls a service) ---

    def _cada(
        self,
        request: HttpRequest,
        queryset: QuerySet[Solicitud],
        hacer: Any,
        exito: str,
    ) -> None:
        hechas, errores = 0, []
        for solicitud in queryset[:200]:
            try:
                hacer(solicitud)
                hechas += 1
            except ValidationError as exc:
                errores.append(f"{solicitud.numero}: {' '.join(exc.messages)}")
        if hechas:
            self.message_user(request, exito.format(n=hechas), messages.SUCCESS)
        for texto in errores:
            self.message_user(request, texto, messages.ERROR)

    @admin.action(description="Tomar (asignármelas)", permissions=["change"])
    def tomar(self, request: HttpRequest, queryset: QuerySet[Solicitud]) -> None:
        self._cada(
            request,
            queryset,
            lambda s: services.solicitud_tomar(solicitud=s, por=request.user),
            "Tomó {n} solicitud(es).",
        )

    @admin.action(description="Asignar a un funcionario de la unidad…", permissions=["asignar"])
    def asignar(self, request: HttpRequest, queryset: QuerySet[Solicitud]) -> Any:
        unidades = set(queryset.values_list("unidad_id", flat=True)[:51])
        if len(unidades) != 1:
            self.message_user(
                request, "Seleccione solicitudes de una sola unidad.", messages.WARNING
            )
            return None

        class AsignarForm(forms.Form):
            asignado_a = forms.ModelChoiceField(
                label="Funcionario", queryset=selectors.asignables(unidades.pop())
            )
            nota = forms.CharField(label="Nota interna", required=False, max_length=500)

        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=AsignarForm,
            titulo="Asignar solicitudes",
            aplicar=lambda s, d: (
                f"{services.solicitud_asignar(solicitud=s, a=d['asignado_a'], por=request.user, nota=d['nota'])}"  # noqa: E501
                f" asignada a {d['asignado_a']}."
            ),
        )

    @admin.action(description="Pedir documentos al solicitante…", permissions=["change"])
    def pedir_documentos(self, request: HttpRequest, queryset: QuerySet[Solicitud]) -> Any:
        def aplicar(s: Solicitud, d: dict[str, Any]) -> str:
            fila = services.subsanacion_solicitar(
                solicitud=s, mensaje=_texto(s, d, "mensaje"), por=request.user
            )
            return (
                f"{fila.numero}: se pidieron documentos (hasta el {fila.subsanar_hasta:%d/%m/%Y})."
            )

        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=_plantilla_form(PlantillaMensaje.Tipo.SUBSANACION, queryset, "mensaje"),
            titulo="Pedir documentos al solicitante",
            aplicar=aplicar,
        )

    def _resolver(
        self, request: HttpRequest, queryset: QuerySet[Solicitud], *, aprobada: bool
    ) -> Any:
        def aplicar(s: Solicitud, d: dict[str, Any]) -> str:
            fila = services.solicitud_resolver(
                solicitud=s, aprobada=aprobada, motivo=_texto(s, d, "motivo"), por=request.user
            )
            return (
                f"{fila.numero}: {fila.get_estado_display().lower()}; se notificó al solicitante."
            )

        tipo = PlantillaMensaje.Tipo.APROBACION if aprobada else PlantillaMensaje.Tipo.NEGACION
        return accion_con_formulario(
            self,
            request,
            queryset,
            formulario=_plantilla_form(tipo, queryset, "motivo"),
            titulo="Aprobar solicitudes" if aprobada else "Negar solicitudes",
            aplicar=aplicar,
        )

    @admin.action(description="Aprobar (atender) y emitir la respuesta…", permissions=["change"])
    def aprobar(self, request: HttpRequest, queryset: QuerySet[Solicitud]) -> Any:
        return self._resolver(request, queryset, aprobada=True)

    @admin.action(description="Negar con motivo…", permissions=["change"])
    def negar(self, request: HttpRequest, queryset: QuerySet[Solicitud]) -> Any:
        return self._resolver(request, queryset, aprobada=False)

    @admin.action(
        description="Archivar por abandono (sin respuesta en el término)", permissions=["change"]
    )
    def archivar_abandono(self, request: HttpRequest, queryset: QuerySet[Solicitud]) -> None:
        self._cada(
            request,
            queryset,
            lambda s: services.solicitud_archivar_abandono(solicitud=s, por=request.user),
            "Se archivaron {n} solicitud(es) y se avisó a los solicitantes.",
        )

    @admin.action(
        description="Enrutar ahora las solicitudes recibidas seleccionadas", permissions=["change"]
    )
    def enrutar_ahora(self, request: HttpRequest, queryset: QuerySet[Solicitud]) -> None:
        from tramites.tasks import solicitud_enrutar_task

        ids = list(queryset.filter(estado=Solicitud.Estado.RECIBIDA).values_list("pk", flat=True))
        enviadas = sum(send_now(solicitud_enrutar_task, pk) for pk in ids)
        self.message_user(
            request,
            f"Se envió a enrutar {enviadas} de {len(ids)} solicitud(es) recibida(s).",
            messages.SUCCESS if enviadas == len(ids) else messages.WARNING,
        )


@admin.register(PlantillaMensaje)
class PlantillaMensajeAdmin(admin.ModelAdmin):
    """Texts staff start from when they ask for documents or resolve."""

    list_display = ["nombre", "tipo", "tramite", "activa", "orden"]
    list_filter = ["tipo", "activa", "tramite"]
    list_select_related = ["tramite"]
    search_fields = ["nombre", "texto"]


@admin.register(Queja)
class QuejaAdmin(ScopedAdminMixin, ReadOnlyAdminMixin, admin.ModelAdmin):
    scope_unidad = "solicitud__unidad"
    scope_provincia = "solicitud__provincia"
    list_display = ["creado_en", "solicitud", "estado"]
    list_filter = ["estado", "solicitud__tramite"]
    list_select_related = ["solicitud"]
    search_fields = ["solicitud__numero", "motivo"]
    date_hierarchy = "creado_en"
