"""The trámite catalogue (DOMAIN.md §5) and the requests filed through the Ventanilla
Virtual: their documents, public history, routing rules and complaints."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identificacion import TIPO_IDENTIFICACION_CHOICES
from core.models import AppendOnlyModel, DocumentoVerificable, Provincia, Unidad
from core.storage import private_storage

# "Dirigido a" categories of the catalogue pages.
DIRIGIDO_A_CHOICES = [
    ("juridica_privada", _("Persona Jurídica - Privada")),
    ("juridica_publica", _("Persona Jurídica - Pública")),
    ("natural_ecuatoriana", _("Persona Natural - Ecuatoriana")),
    ("natural_extranjera", _("Persona Natural - Extranjera")),
]


class Tramite(models.Model):
    """A catalogue entry, with every field of the institution's trámite pages."""

    class VerificacionPrevia(models.TextChoices):
        NINGUNA = "", _("Ninguna")
        LEVANTAMIENTO = "levantamiento", _("Elegibilidad para el levantamiento (coactiva)")

    slug = models.SlugField(_("identificador en la URL"), max_length=80, unique=True)
    nombre = models.CharField(_("nombre"), max_length=250)
    institucion = models.CharField(
        _("institución"), max_length=120, default="Instituto Ecuatoriano de Seguridad Social"
    )
    descripcion = models.TextField(_("descripción"))
    a_quien = models.TextField(_("¿a quién está dirigido?"), blank=True)
    dirigido_a = models.JSONField(
        _("dirigido a"),
        default=list,
        blank=True,
        help_text=_(
            "Códigos: juridica_privada, juridica_publica, natural_ecuatoriana, natural_extranjera."
        ),
    )
    tipo_resultado = models.CharField(_("tipo de resultado"), max_length=200, blank=True)
    resultado = models.TextField(_("resultado a obtener"), blank=True)
    canales_atencion = models.CharField(_("canales de atención"), max_length=250, blank=True)
    costo = models.CharField(_("costo"), max_length=120, default="El trámite no tiene costo")
    horario = models.TextField(_("dónde y horario de atención"), blank=True)
    base_legal = models.TextField(
        _("base legal"), blank=True, help_text=_("Una norma por línea, con su artículo.")
    )
    contacto_dependencia = models.CharField(
        _("contacto: dependencia"), max_length=120, default="Atención al ciudadano"
    )
    contacto_correo = models.EmailField(_("contacto: correo"), blank=True)
    contacto_telefono = models.CharField(_("contacto: teléfono"), max_length=40, blank=True)
    nota = models.TextField(
        _("nota para el solicitante"),
        blank=True,
        help_text=_("Advertencias de la página del trámite (p. ej. calidad de las imágenes)."),
    )

    recepcion_ventanilla = models.BooleanField(
        _("se recibe por la Ventanilla Virtual"),
        default=True,
        help_text=_("Si no, el catálogo lo describe y enlaza a su canal en línea."),
    )
    enlace_en_linea = models.URLField(_("enlace del servicio en línea"), blank=True)
    unidad_tipo = models.CharField(
        _("tipo de unidad que lo atiende"),
        max_length=30,
        choices=Unidad.Tipo.choices,
        help_text=_("Las reglas de enrutamiento deciden la unidad concreta."),
    )
    termino_atencion_dias = models.PositiveSmallIntegerField(
        _("término de atención (días hábiles)"),
        default=15,
        help_text=_("Días hábiles para atender una solicitud, contados desde su recepción."),
    )
    requiere_empleador = models.BooleanField(
        _("se presenta por un empleador"),
        default=True,
        help_text=_("Pide el RUC o cédula del empleador representado."),
    )
    verificacion_previa = models.CharField(
        _("verificación previa"),
        max_length=30,
        choices=VerificacionPrevia.choices,
        default=VerificacionPrevia.NINGUNA,
        blank=True,
    )
    orden = models.PositiveSmallIntegerField(_("orden"), default=100)
    activo = models.BooleanField(_("publicado"), default=True)
    actualizado_en = models.DateTimeField(_("actualizado en"), auto_now=True)

    class Meta:
        ordering = ["orden", "nombre"]
        verbose_name = _("trámite")
        verbose_name_plural = _("trámites (catálogo)")

    def __str__(self) -> str:
        return self.nombre

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tramites:detalle", args=[self.slug])

    def get_dirigido_a_display(self) -> list[str]:
        etiquetas = dict(DIRIGIDO_A_CHOICES)
        return [str(etiquetas.get(c, c)) for c in self.dirigido_a]


class Canal(models.TextChoices):
    VIRTUAL = "virtual", _("Virtual (Ventanilla Virtual / portal web)")
    PRESENCIAL = "presencial", _("Presencial")


class CanalTramite(models.Model):
    """How the trámite is done through one channel: what the channel is (the intro of
    its requisitos generales) and its step-by-step instructions. The institution's
    pages head the two parts differently for the same channel (seed 003: «Trámite por
    ventanilla virtual» over the requisites, «Procedimiento para el trámite de ventanilla
    virtual» over the steps), hence two titles."""

    tramite = models.ForeignKey(Tramite, on_delete=models.CASCADE, related_name="canales")
    canal = models.CharField(_("canal"), max_length=12, choices=Canal.choices)
    titulo = models.CharField(
        _("título en «¿Qué necesito para hacer el trámite?»"),
        max_length=200,
        help_text=_("Encabeza los requisitos generales del canal."),
    )
    titulo_pasos = models.CharField(
        _("título en «¿Cómo hago el trámite?»"),
        max_length=200,
        blank=True,
        help_text=_("Encabeza los pasos del canal. Vacío: el mismo título de los requisitos."),
    )
    descripcion = models.TextField(_("descripción del canal"), blank=True)
    indicaciones = models.TextField(_("¿cómo hago el trámite? (un paso por línea)"), blank=True)
    enlace = models.URLField(_("enlace"), blank=True)
    orden = models.PositiveSmallIntegerField(_("orden"), default=1)

    class Meta:
        ordering = ["tramite", "orden"]
        verbose_name = _("canal del trámite")
        verbose_name_plural = _("canales del trámite")

    def __str__(self) -> str:
        return self.titulo

    @property
    def titulo_indicaciones(self) -> str:
        """The heading of the channel's steps."""
        return self.titulo_pasos or self.titulo

    @property
    def pasos(self) -> list[str]:
        return [linea.strip() for linea in self.indicaciones.splitlines() if linea.strip()]


class Pregunta(models.Model):
    """A question the Ventanilla form asks for a trámite (e.g. on what the measure is
    imposed). Conditional requisites refer to the answers by `clave`."""

    class Tipo(models.TextChoices):
        UNICA = "unica", _("Una opción")
        MULTIPLE = "multiple", _("Varias opciones")
        TEXTO = "texto", _("Texto")

    tramite = models.ForeignKey(Tramite, on_delete=models.CASCADE, related_name="preguntas")
    clave = models.SlugField(_("clave"), max_length=40)
    texto = models.CharField(_("pregunta"), max_length=250)
    ayuda = models.CharField(_("ayuda"), max_length=300, blank=True)
    tipo = models.CharField(_("tipo"), max_length=10, choices=Tipo.choices)
    opciones = models.JSONField(
        _("opciones"), default=list, blank=True, help_text=_('[["valor", "Etiqueta"], …]')
    )
    obligatoria = models.BooleanField(_("obligatoria"), default=True)
    orden = models.PositiveSmallIntegerField(_("orden"), default=1)

    class Meta:
        ordering = ["tramite", "orden"]
        verbose_name = _("pregunta del formulario")
        verbose_name_plural = _("preguntas del formulario")
        constraints = [
            models.UniqueConstraint(fields=["tramite", "clave"], name="pregunta_clave_unica"),
        ]

    def __str__(self) -> str:
        return self.texto


class Requisito(models.Model):
    """One requisite of a trámite, as data: what it is, through which channels, whether
    it is uploaded, typed in the form or presented in person, and when it applies
    (`condicion`, a rule on the form's answers; see tramites.condiciones)."""

    class Clase(models.TextChoices):
        GENERAL = "general", _("Requisito general")
        ESPECIFICO = "especifico", _("Requisito específico")
        ALTERNATIVO = "alternativo", _("Requisito alternativo")
        ADICIONAL = "adicional", _("Requisito adicional")

    class Forma(models.TextChoices):
        ARCHIVO = "archivo", _("Se carga un archivo (JPG o PDF)")
        DATO = "dato", _("Se escribe un dato en el formulario")
        PRESENCIAL = "presencial", _("Solo se presenta en persona")

    tramite = models.ForeignKey(Tramite, on_delete=models.CASCADE, related_name="requisitos")
    orden = models.PositiveSmallIntegerField(_("orden"), default=1)
    clase = models.CharField(_("clase"), max_length=12, choices=Clase.choices)
    nombre = models.CharField(_("nombre"), max_length=200)
    descripcion = models.TextField(_("descripción"), blank=True)
    canal_virtual = models.BooleanField(_("canal virtual"), default=True)
    canal_presencial = models.BooleanField(_("canal presencial"), default=True)
    descripcion_virtual = models.TextField(_("indicación para el canal virtual"), blank=True)
    descripcion_presencial = models.TextField(_("indicación para el canal presencial"), blank=True)
    forma = models.CharField(
        _("cómo se entrega en la Ventanilla"),
        max_length=12,
        choices=Forma.choices,
        default=Forma.ARCHIVO,
    )
    etiqueta_dato = models.CharField(
        _("etiqueta del dato"), max_length=200, blank=True, help_text=_("Si se escribe un dato.")
    )
    condicion_texto = models.CharField(
        _("aplica únicamente si…"), max_length=300, blank=True, help_text=_("Texto público.")
    )
    condicion = models.JSONField(
        _("condición (regla)"),
        null=True,
        blank=True,
        help_text=_(
            'Vacía: siempre aplica. {"campo": "medidas", "en": ["inmueble"]}; '
            '{"todos": [...]}, {"alguno": [...]}, {"no": {...}}. Campos: calidad, '
            "tipo_identificacion y las claves de las preguntas del trámite."
        ),
    )
    obligatorio = models.BooleanField(_("obligatorio cuando aplica"), default=True)

    class Meta:
        ordering = ["tramite", "orden"]
        verbose_name = _("requisito")
        verbose_name_plural = _("requisitos")

    def __str__(self) -> str:
        return self.nombre

    @property
    def campo(self) -> str:
        """Name of its field in the Ventanilla form."""
        return f"requisito_{self.pk}"

    @property
    def en_ventanilla(self) -> bool:
        return self.canal_virtual and self.forma != self.Forma.PRESENCIAL


class EstadisticaHistorica(models.Model):
    """Monthly figures of the transparency table from before the portal existed (the
    catalogue pages' own numbers). The portal adds its own from its data."""

    tramite = models.ForeignKey(Tramite, on_delete=models.CASCADE, related_name="historico")
    anio = models.PositiveSmallIntegerField(_("año"))
    mes = models.PositiveSmallIntegerField(_("mes"))
    quejas = models.PositiveIntegerField(_("volumen de quejas"), default=0)
    atenciones = models.PositiveIntegerField(_("volumen de atenciones"), default=0)

    class Meta:
        ordering = ["tramite", "anio", "mes"]
        verbose_name = _("estadística histórica")
        verbose_name_plural = _("estadísticas históricas")
        constraints = [
            models.UniqueConstraint(
                fields=["tramite", "anio", "mes"], name="estadistica_unica_por_mes"
            ),
            models.CheckConstraint(condition=Q(mes__gte=1, mes__lte=12), name="estadistica_mes"),
        ]

    def __str__(self) -> str:
        return f"{self.tramite} {self.anio}-{self.mes:02d}"


class ReglaEnrutamiento(models.Model):
    """Which unit attends a request: the active rules are tried by ascending priority
    and the first that matches the request's trámite and province (empty = any) and
    finds an active unit wins. Staff edit them in the admin."""

    tramite = models.ForeignKey(
        Tramite,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reglas",
        help_text=_("Vacío: cualquier trámite."),
    )
    provincia = models.ForeignKey(
        Provincia,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Vacío: cualquier provincia."),
    )
    unidad_tipo = models.CharField(
        _("tipo de unidad"),
        max_length=30,
        choices=Unidad.Tipo.choices,
        blank=True,
        help_text=_("La unidad de este tipo en la provincia de la solicitud (o la nacional)."),
    )
    unidad = models.ForeignKey(
        Unidad,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Una unidad concreta, en lugar de un tipo."),
    )
    prioridad = models.PositiveIntegerField(_("prioridad"), default=100)
    activa = models.BooleanField(_("activa"), default=True)
    nota = models.CharField(_("nota"), max_length=200, blank=True)

    class Meta:
        ordering = ["prioridad", "id"]
        verbose_name = _("regla de enrutamiento")
        verbose_name_plural = _("reglas de enrutamiento")
        constraints = [
            models.CheckConstraint(
                condition=(Q(unidad__isnull=True) & ~Q(unidad_tipo=""))
                | (Q(unidad__isnull=False) & Q(unidad_tipo="")),
                name="regla_unidad_o_tipo",
            ),
        ]

    def __str__(self) -> str:
        destino = self.unidad or self.get_unidad_tipo_display()
        return (
            f"{self.tramite or 'Cualquier trámite'} · {self.provincia or 'cualquier provincia'}"
            f" → {destino}"
        )


class Solicitud(models.Model):
    """A request filed through the Ventanilla Virtual. Its state changes only through
    tramites.services.solicitud_transicion, which writes a HistorialSolicitud row."""

    class Estado(models.TextChoices):
        RECIBIDA = "recibida", _("Recibida")
        ASIGNADA = "asignada", _("Asignada a la unidad")
        EN_ATENCION = "en_atencion", _("En atención")
        OBSERVADA = "observada", _("Requiere información del solicitante")
        ATENDIDA = "atendida", _("Atendida")
        NEGADA = "negada", _("Negada")
        ARCHIVADA = "archivada", _("Archivada")

    class Calidad(models.TextChoices):
        TITULAR = "titular", _("Por mis propios derechos (titular)")
        REPRESENTANTE = "representante_legal", _("Representante legal")
        TERCERO = "tercero_autorizado", _("Tercero autorizado")

    numero = models.CharField(_("número de trámite"), max_length=24, unique=True)
    tramite = models.ForeignKey(Tramite, on_delete=models.PROTECT, related_name="solicitudes")
    provincia = models.ForeignKey(Provincia, on_delete=models.PROTECT, related_name="+")
    estado = models.CharField(
        _("estado"), max_length=12, choices=Estado.choices, default=Estado.RECIBIDA
    )
    unidad = models.ForeignKey(
        Unidad, on_delete=models.PROTECT, null=True, blank=True, related_name="solicitudes"
    )
    regla = models.ForeignKey(
        ReglaEnrutamiento, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    creado_en = models.DateTimeField(_("presentada en"), default=timezone.now)
    recibido_el = models.DateField(
        _("fecha de recepción"), help_text=_("Día hábil desde el que corren los términos.")
    )
    enrutada_en = models.DateTimeField(_("enrutada en"), null=True, blank=True)
    resuelta_en = models.DateTimeField(_("resuelta en"), null=True, blank=True)
    actualizado_en = models.DateTimeField(_("último cambio"), default=timezone.now)

    solicitante_tipo_id = models.CharField(
        _("tipo de identificación"), max_length=12, choices=TIPO_IDENTIFICACION_CHOICES
    )
    solicitante_identificacion = models.CharField(_("identificación"), max_length=20)
    solicitante_nombre = models.CharField(_("nombres y apellidos"), max_length=200)
    email = models.EmailField(_("correo electrónico"))
    telefono = models.CharField(_("teléfono convencional"), max_length=20, blank=True)
    celular = models.CharField(_("teléfono celular"), max_length=20, blank=True)
    direccion = models.CharField(_("dirección"), max_length=250)
    calidad = models.CharField(
        _("actúa como"), max_length=20, choices=Calidad.choices, default=Calidad.TITULAR
    )
    empleador = models.ForeignKey(
        "cartera.Empleador",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="solicitudes",
        help_text=_("El empleador registrado, cuando la identificación corresponde a uno."),
    )
    empleador_identificacion = models.CharField(
        _("RUC o cédula del empleador"), max_length=13, blank=True
    )
    empleador_razon_social = models.CharField(_("razón social"), max_length=200, blank=True)
    sucursal = models.CharField(_("sucursal"), max_length=3, blank=True)
    detalle = models.TextField(_("detalle de la solicitud"))
    respuestas = models.JSONField(_("respuestas del formulario"), default=dict, blank=True)
    cuenta = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="solicitudes",
    )
    acuse = models.OneToOneField(
        DocumentoVerificable,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="solicitud_acuse",
    )
    pendiente_solicitante = models.TextField(
        _("lo que se espera del solicitante"),
        blank=True,
        help_text=_("Público: p. ej. los documentos que debe completar."),
    )
    enrutamiento_intentos = models.PositiveSmallIntegerField(default=0)
    enrutamiento_error = models.TextField(blank=True)
    autorizacion = models.ForeignKey(
        "tramites.AutorizacionTercero",
        verbose_name=_("autorización a terceros"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="solicitudes",
        help_text=_("La autorización vigente con la que un tercero presentó la solicitud."),
    )

    # Back office: who works it and its deadline (tramites.plazos). The deadline status
    # is a date comparison in SQL: the service stores every threshold date on the row
    # and recomputes them when the term starts, is suspended or resumes.
    asignado_a = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="solicitudes_asignadas",
        verbose_name=_("asignada a"),
    )
    asignado_en = models.DateTimeField(_("asignada en"), null=True, blank=True)
    vence_el = models.DateField(
        _("vence el"), null=True, blank=True, help_text=_("Último día del término de atención.")
    )
    alerta_desde = models.DateField(
        _("por vencer desde"), null=True, blank=True, help_text=_("2 días hábiles antes.")
    )
    vencida_3x_desde = models.DateField(_("más de 3 veces vencida desde"), null=True, blank=True)
    dias_suspendidos = models.PositiveSmallIntegerField(_("días hábiles suspendidos"), default=0)
    subsanar_hasta = models.DateField(
        _("subsanar hasta"),
        null=True,
        blank=True,
        help_text=_("Último día del término del solicitante para completar la solicitud."),
    )
    subsanada_en = models.DateTimeField(_("subsanada en"), null=True, blank=True)

    class Meta:
        ordering = ["-creado_en"]
        verbose_name = _("solicitud")
        verbose_name_plural = _("solicitudes")
        permissions = [
            ("asignar_solicitud", _("Asignar solicitudes a funcionarios de la unidad")),
            ("ver_tablero", _("Ver el tablero de solicitudes")),
            ("exportar_auditoria", _("Exportar la auditoría de solicitudes")),
        ]
        indexes = [
            models.Index(fields=["estado", "creado_en"]),
            models.Index(fields=["unidad", "estado"]),
            models.Index(fields=["tramite", "resuelta_en"]),
            models.Index(fields=["solicitante_identificacion"]),
            # The queue: scope (unit / province / all), by due date.
            models.Index(fields=["unidad", "vence_el", "id"], name="solicitud_cola_unidad"),
            models.Index(fields=["provincia", "vence_el", "id"], name="solicitud_cola_provincia"),
            models.Index(fields=["vence_el", "id"], name="solicitud_cola_todas"),
            models.Index(fields=["asignado_a", "estado"], name="solicitud_asignado"),
            models.Index(fields=["estado", "subsanar_hasta"], name="solicitud_subsanar"),
            models.Index(fields=["empleador_identificacion"], name="solicitud_empleador_ident"),
            # Open requests by due date (the deadline filters of every scope). The name
            # prefix searches use text_pattern_ops indexes created by migration 0005 on
            # PostgreSQL (an expression index with an operator class is PostgreSQL-only).
            models.Index(
                fields=["vence_el", "id"],
                condition=Q(estado__in=["recibida", "asignada", "en_atencion"]),
                name="solicitud_abiertas_vence",
            ),
            models.Index(
                fields=["unidad", "vence_el", "id"],
                condition=Q(estado__in=["recibida", "asignada", "en_atencion"]),
                name="solicitud_abiertas_unidad",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(estado="recibida") | Q(unidad__isnull=False),
                name="solicitud_enrutada_tiene_unidad",
            ),
        ]

    def __str__(self) -> str:
        return self.numero

    @property
    def resuelta(self) -> bool:
        return self.estado in {self.Estado.ATENDIDA, self.Estado.NEGADA}


class HistorialSolicitud(AppendOnlyModel):
    """One state change of a request. Public entries form the timeline the filer sees
    on /consulta/; internal notes are for staff only. Assignments and messages to the
    filer are rows too (`tipo`), so the history is the one trail of a request."""

    class Tipo(models.TextChoices):
        ESTADO = "estado", _("Cambio de estado")
        ASIGNACION = "asignacion", _("Asignación")
        MENSAJE = "mensaje", _("Mensaje")
        PLAZO = "plazo", _("Plazo")

    solicitud = models.ForeignKey(Solicitud, on_delete=models.PROTECT, related_name="historial")
    creado_en = models.DateTimeField(_("fecha"), default=timezone.now)
    estado_anterior = models.CharField(
        _("estado anterior"), max_length=12, choices=Solicitud.Estado.choices, blank=True
    )
    estado = models.CharField(_("estado"), max_length=12, choices=Solicitud.Estado.choices)
    unidad = models.ForeignKey(
        Unidad, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nota_publica = models.TextField(_("nota para el solicitante"), blank=True)
    nota_interna = models.TextField(_("nota interna"), blank=True)
    publico = models.BooleanField(_("visible para el solicitante"), default=True)
    tipo = models.CharField(
        _("tipo de movimiento"), max_length=12, choices=Tipo.choices, default=Tipo.ESTADO
    )
    asignado_a = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("asignada a"),
    )

    class Meta:
        ordering = ["creado_en", "id"]
        verbose_name = _("movimiento de la solicitud")
        verbose_name_plural = _("historial de la solicitud")

    def __str__(self) -> str:
        return f"{self.solicitud_id} → {self.estado}"


class DocumentoSolicitud(models.Model):
    """A file of a request: a requisite uploaded by the filer, a later correction, or
    the result issued by the unit. Private: served only through views that check
    permission."""

    class Origen(models.TextChoices):
        SOLICITANTE = "solicitante", _("Presentado con la solicitud")
        SUBSANACION = "subsanacion", _("Presentado para completar la solicitud")
        RESULTADO = "resultado", _("Documento de respuesta")

    solicitud = models.ForeignKey(Solicitud, on_delete=models.PROTECT, related_name="documentos")
    requisito = models.ForeignKey(
        Requisito, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    origen = models.CharField(
        _("origen"), max_length=12, choices=Origen.choices, default=Origen.SOLICITANTE
    )
    nombre = models.CharField(_("documento"), max_length=200)
    nombre_original = models.CharField(_("nombre del archivo"), max_length=160)
    archivo = models.FileField(_("archivo"), storage=private_storage, max_length=200)
    tipo = models.CharField(_("tipo"), max_length=4)
    tamano = models.PositiveIntegerField(_("tamaño (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    paginas = models.PositiveIntegerField(_("páginas"), null=True, blank=True)
    creado_en = models.DateTimeField(_("cargado en"), default=timezone.now)
    subido_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["solicitud", "creado_en", "id"]
        verbose_name = _("documento de la solicitud")
        verbose_name_plural = _("documentos de la solicitud")

    def __str__(self) -> str:
        return f"{self.nombre} ({self.nombre_original})"

    @property
    def content_type(self) -> str:
        return "application/pdf" if self.tipo == "pdf" else "image/jpeg"

    @property
    def download_name(self) -> str:
        base = self.nombre_original.rsplit(".", 1)[0] or "documento"
        return f"{base}.{self.tipo}"


class Queja(models.Model):
    """A complaint about the attention of a request (transparency: complaints per
    trámite and month)."""

    class Estado(models.TextChoices):
        RECIBIDA = "recibida", _("Recibida")
        RESPONDIDA = "respondida", _("Respondida")

    solicitud = models.ForeignKey(Solicitud, on_delete=models.PROTECT, related_name="quejas")
    creado_en = models.DateTimeField(_("presentada en"), default=timezone.now, db_index=True)
    motivo = models.TextField(_("motivo de la queja"))
    estado = models.CharField(
        _("estado"), max_length=12, choices=Estado.choices, default=Estado.RECIBIDA
    )
    respuesta = models.TextField(_("respuesta"), blank=True)

    class Meta:
        ordering = ["-creado_en"]
        verbose_name = _("queja")
        verbose_name_plural = _("quejas")

    def __str__(self) -> str:
        return f"Queja sobre {self.solicitud}"


class PeriodoSuspension(models.Model):
    """A stretch during which the request's término de atención does not run: from the
    request for documents to the filer's answer (COA art. 162: the time between the
    notice of the requirement and its fulfilment is not counted)."""

    solicitud = models.ForeignKey(Solicitud, on_delete=models.PROTECT, related_name="suspensiones")
    desde = models.DateField(_("desde"))
    hasta = models.DateField(_("hasta"), null=True, blank=True)
    dias_habiles = models.PositiveSmallIntegerField(_("días hábiles suspendidos"), default=0)
    motivo = models.CharField(_("motivo"), max_length=200)

    class Meta:
        ordering = ["solicitud", "desde", "id"]
        verbose_name = _("suspensión del término")
        verbose_name_plural = _("suspensiones del término")
        constraints = [
            models.UniqueConstraint(
                fields=["solicitud"],
                condition=Q(hasta__isnull=True),
                name="suspension_abierta_unica",
            ),
            models.CheckConstraint(
                condition=Q(hasta__isnull=True) | Q(hasta__gte=models.F("desde")),
                name="suspension_fechas",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.solicitud_id}: {self.desde} – {self.hasta or '…'}"


class PlantillaMensaje(models.Model):
    """Editable text for what staff tell the filer: a request for documents, the reason
    of an approval or a rejection. Per trámite, or for every trámite (empty). Texts may
    use {numero}, {nombre}, {tramite} and {unidad}."""

    class Tipo(models.TextChoices):
        SUBSANACION = "subsanacion", _("Pedido de documentos o correcciones")
        APROBACION = "aprobacion", _("Aprobación")
        NEGACION = "negacion", _("Negación")

    tramite = models.ForeignKey(
        Tramite,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="plantillas",
        help_text=_("Vacío: sirve para cualquier trámite."),
    )
    tipo = models.CharField(_("tipo"), max_length=12, choices=Tipo.choices)
    nombre = models.CharField(_("nombre"), max_length=120)
    texto = models.TextField(
        _("texto"), help_text=_("Puede usar {numero}, {nombre}, {tramite} y {unidad}.")
    )
    activa = models.BooleanField(_("activa"), default=True)
    orden = models.PositiveSmallIntegerField(_("orden"), default=100)

    class Meta:
        ordering = ["tipo", "orden", "nombre"]
        verbose_name = _("plantilla de mensaje")
        verbose_name_plural = _("plantillas de mensajes")

    def __str__(self) -> str:
        return self.nombre

    def texto_para(self, solicitud: Solicitud) -> str:
        valores = {
            "numero": solicitud.numero,
            "nombre": solicitud.solicitante_nombre,
            "tramite": solicitud.tramite.nombre,
            "unidad": solicitud.unidad.nombre if solicitud.unidad else "",
        }
        texto = self.texto
        for clave, valor in valores.items():
            texto = texto.replace("{" + clave + "}", valor)
        return texto


class AutorizacionTercero(models.Model):
    """An employer authorizes a named person (cédula) to file trámites on its behalf
    until a date (DOMAIN.md §2). Generated in the employer portal with a verifiable PDF
    the third party attaches; revoking it annuls the PDF. The Ventanilla accepts a
    third party's filing only with one in force (tramites.services)."""

    empleador = models.ForeignKey(
        "cartera.Empleador", on_delete=models.PROTECT, related_name="autorizaciones"
    )
    tercero_identificacion = models.CharField(_("cédula del autorizado"), max_length=10)
    tercero_nombre = models.CharField(_("nombres y apellidos del autorizado"), max_length=200)
    tercero_email = models.EmailField(_("correo del autorizado"))
    tramites = models.ManyToManyField(Tramite, related_name="autorizaciones")
    vigente_hasta = models.DateField(_("vigente hasta"))
    creada_en = models.DateTimeField(_("otorgada en"), default=timezone.now)
    revocada_en = models.DateTimeField(_("revocada en"), null=True, blank=True)
    documento = models.OneToOneField(
        DocumentoVerificable,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="autorizacion_tercero",
    )

    class Meta:
        ordering = ["-creada_en", "-id"]
        verbose_name = _("autorización a terceros")
        verbose_name_plural = _("autorizaciones a terceros")
        indexes = [
            models.Index(
                fields=["tercero_identificacion", "vigente_hasta"],
                condition=Q(revocada_en__isnull=True),
                name="autorizacion_vigente",
            )
        ]

    def __str__(self) -> str:
        return f"Autorización a {self.tercero_nombre} ({self.tercero_identificacion})"
