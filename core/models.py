"""Shared reference data and mechanics: territory, staff accounts, the business-day
calendar's holidays, legal parameters, gap-free sequences, audit trail and the
registry of verifiable documents (QR codes point here)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.storage import private_storage


class AppendOnlyError(Exception):
    """Raised when code tries to rewrite or delete a history row."""


class AppendOnlyModel(models.Model):
    """Base for history rows: they are written once and never changed or deleted."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} es de solo inserción.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError(f"{type(self).__name__} es de solo inserción.")


# --- Territory ------------------------------------------------------------------------


class Provincia(models.Model):
    codigo = models.CharField(_("código"), max_length=2, primary_key=True)
    nombre = models.CharField(_("nombre"), max_length=60, unique=True)
    capital = models.CharField(_("capital"), max_length=60)
    # C.D. 497 art. 3: "nivel 4" provinces get Unidades Provinciales of Cartera and
    # Afiliación; the list is not public, so it is data.
    nivel = models.PositiveSmallIntegerField(
        _("nivel"), validators=[MinValueValidator(1), MaxValueValidator(4)], default=3
    )

    class Meta:
        ordering = ["codigo"]
        verbose_name = _("provincia")
        verbose_name_plural = _("provincias")
        constraints = [
            models.CheckConstraint(
                condition=Q(nivel__gte=1, nivel__lte=4), name="provincia_nivel_1_4"
            )
        ]

    def __str__(self) -> str:
        return self.nombre


class Canton(models.Model):
    codigo = models.CharField(_("código"), max_length=4, primary_key=True)
    provincia = models.ForeignKey(Provincia, on_delete=models.PROTECT, related_name="cantones")
    nombre = models.CharField(_("nombre"), max_length=80)

    class Meta:
        ordering = ["codigo"]
        verbose_name = _("cantón")
        verbose_name_plural = _("cantones")

    def __str__(self) -> str:
        return f"{self.nombre} ({self.provincia.nombre})"


class Unidad(models.Model):
    """An organisational unit that attends work: a provincial unit or group of C.D. 497
    art. 3, a Dirección Provincial, or a national directorate."""

    class Tipo(models.TextChoices):
        DIRECCION_PROVINCIAL = "direccion_provincial", _("Dirección Provincial")
        CARTERA = "cartera", _("Gestión de Cartera")
        COACTIVA = "coactiva", _("Gestión de Coactiva")
        AFILIACION = "afiliacion", _("Afiliación y Cobertura")
        NACIONAL_RECAUDACION = (
            "nacional_recaudacion",
            _("Dirección Nacional de Recaudación y Control de Gestión de Cartera"),
        )
        NACIONAL_AFILIACION = (
            "nacional_afiliacion",
            _("Dirección Nacional de Afiliación y Cobertura"),
        )
        RIESGOS_TRABAJO = "riesgos_trabajo", _("Seguro General de Riesgos del Trabajo")

    class Categoria(models.TextChoices):
        UNIDAD_PROVINCIAL = "unidad_provincial", _("Unidad Provincial")
        GRUPO_TRABAJO = "grupo_trabajo", _("Grupo de Trabajo")
        DIRECCION_PROVINCIAL = "direccion_provincial", _("Dirección Provincial")
        NACIONAL = "nacional", _("Dirección Nacional")

    PROVINCIAL_TIPOS: ClassVar[set[str]] = {
        Tipo.DIRECCION_PROVINCIAL,
        Tipo.CARTERA,
        Tipo.COACTIVA,
        Tipo.AFILIACION,
    }

    codigo = models.SlugField(_("código"), max_length=40, unique=True)
    nombre = models.CharField(_("nombre"), max_length=160)
    tipo = models.CharField(_("tipo"), max_length=30, choices=Tipo.choices)
    categoria = models.CharField(_("categoría"), max_length=30, choices=Categoria.choices)
    provincia = models.ForeignKey(
        Provincia, on_delete=models.PROTECT, null=True, blank=True, related_name="unidades"
    )
    canton = models.ForeignKey(
        Canton,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Sede; sus feriados locales cuentan en los términos de la unidad."),
    )
    email = models.EmailField(_("correo"), blank=True)
    activa = models.BooleanField(_("activa"), default=True)

    class Meta:
        ordering = ["provincia_id", "tipo"]
        verbose_name = _("unidad")
        verbose_name_plural = _("unidades")
        constraints = [
            models.UniqueConstraint(
                fields=["provincia", "tipo"],
                condition=Q(provincia__isnull=False),
                name="unidad_una_por_tipo_y_provincia",
            ),
            models.CheckConstraint(
                condition=(
                    Q(categoria="nacional", provincia__isnull=True)
                    | (~Q(categoria="nacional") & Q(provincia__isnull=False))
                ),
                name="unidad_nacional_sin_provincia",
            ),
        ]

    def __str__(self) -> str:
        return self.nombre


# --- Accounts -------------------------------------------------------------------------


class User(AbstractUser):
    """Staff (funcionarios, who work in the admin) and employers (who log in to the
    portal with RUC/cédula and clave patronal) are separate kinds of account."""

    class Tipo(models.TextChoices):
        FUNCIONARIO = "funcionario", _("Funcionario")
        EMPLEADOR = "empleador", _("Empleador")

    tipo = models.CharField(_("tipo de cuenta"), max_length=20, choices=Tipo.choices)
    unidad = models.ForeignKey(
        Unidad,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funcionarios",
        help_text=_("Unidad del funcionario; define qué puede ver."),
    )
    identificacion = models.CharField(_("identificación"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")
        constraints = [
            models.CheckConstraint(
                condition=~Q(tipo="empleador") | Q(is_staff=False, unidad__isnull=True),
                name="user_empleador_no_es_staff",
            ),
        ]

    @property
    def es_funcionario(self) -> bool:
        return self.tipo == self.Tipo.FUNCIONARIO

    @property
    def es_empleador(self) -> bool:
        return self.tipo == self.Tipo.EMPLEADOR


# --- Calendar -------------------------------------------------------------------------


class Feriado(models.Model):
    """A non-business day. National ones come from the `holidays` package (with the
    2017 moved-holiday rule applied); local and decreed ones are entered by staff."""

    class Origen(models.TextChoices):
        LEY = "ley", _("Feriado nacional por ley")
        DECRETO = "decreto", _("Decreto ejecutivo")
        LOCAL = "local", _("Feriado local")

    fecha = models.DateField(_("fecha"))
    nombre = models.CharField(_("nombre"), max_length=120)
    origen = models.CharField(_("origen"), max_length=10, choices=Origen.choices)
    canton = models.ForeignKey(
        Canton,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="feriados",
        help_text=_("Vacío: rige en todo el país."),
    )
    base_legal = models.CharField(_("base legal"), max_length=200, blank=True)

    class Meta:
        ordering = ["fecha"]
        verbose_name = _("feriado")
        verbose_name_plural = _("feriados")
        constraints = [
            models.UniqueConstraint(
                fields=["fecha"], condition=Q(canton__isnull=True), name="feriado_nacional_unico"
            ),
            models.UniqueConstraint(fields=["fecha", "canton"], name="feriado_local_unico"),
            models.CheckConstraint(
                condition=~Q(origen="local") | Q(canton__isnull=False),
                name="feriado_local_con_canton",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fecha:%Y-%m-%d} {self.nombre}"


# --- Parameters -----------------------------------------------------------------------


class Parametro(models.Model):
    """A legal parameter's value from a date on. The value in force on day D is the row
    with the latest `vigente_desde` <= D. Keys and types are declared in
    core.parametros.DEFINICIONES."""

    clave = models.CharField(_("clave"), max_length=60, db_index=True)
    valor = models.JSONField(_("valor"))
    vigente_desde = models.DateField(_("vigente desde"))
    base_legal = models.CharField(_("base legal"), max_length=200, blank=True)
    registrado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    registrado_en = models.DateTimeField(_("registrado en"), default=timezone.now)

    class Meta:
        ordering = ["clave", "-vigente_desde"]
        verbose_name = _("parámetro")
        verbose_name_plural = _("parámetros")
        constraints = [
            models.UniqueConstraint(
                fields=["clave", "vigente_desde"], name="parametro_unico_por_fecha"
            )
        ]

    def __str__(self) -> str:
        return f"{self.clave} = {self.valor} (desde {self.vigente_desde:%Y-%m-%d})"


# --- Sequences ------------------------------------------------------------------------


class Secuencia(models.Model):
    """Gap-free counters (tracking numbers, título and juicio numbers). Incremented under
    a row lock inside the transaction that uses the number, so a rollback returns it."""

    clave = models.CharField(max_length=60, unique=True)
    ultimo = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("secuencia")
        verbose_name_plural = _("secuencias")

    def __str__(self) -> str:
        return f"{self.clave}: {self.ultimo}"


# --- Audit ----------------------------------------------------------------------------


class EventoAuditoria(AppendOnlyModel):
    """Who did what to which object, and when: document views, exports, logins to
    sensitive pages. Domain state changes also have their own history tables."""

    creado_en = models.DateTimeField(_("fecha"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    accion = models.CharField(_("acción"), max_length=60, db_index=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(max_length=40, blank=True)
    objeto = models.CharField(_("objeto"), max_length=200, blank=True)
    detalle = models.JSONField(_("detalle"), default=dict, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-creado_en", "-id"]
        verbose_name = _("evento de auditoría")
        verbose_name_plural = _("eventos de auditoría")
        indexes = [models.Index(fields=["content_type", "object_id", "creado_en"])]

    def __str__(self) -> str:
        return f"{self.creado_en:%Y-%m-%d %H:%M} {self.accion} {self.objeto}"


# --- Verifiable documents -------------------------------------------------------------


class DocumentoVerificable(models.Model):
    """Every document the portal issues with a QR code (oficios, certificates,
    resolutions, receipts, authorizations) is registered here; `/verificar/<codigo>/`
    shows exactly `datos_publicos` (what the document itself states) and whether it is
    in force. A document that an authority must sign (the oficios de levantamiento) is
    registered `pendiente_firma` and is not in force until it is signed."""

    class Tipo(models.TextChoices):
        ACUSE_RECIBO = "acuse_recibo", _("Acuse de recibo")
        RESOLUCION = "resolucion", _("Resolución")
        OFICIO_LEVANTAMIENTO = (
            "oficio_levantamiento",
            _("Oficio de levantamiento de medidas cautelares"),
        )
        CERTIFICADO_CUMPLIMIENTO = (
            "certificado_cumplimiento",
            _("Certificado de cumplimiento de obligaciones patronales"),
        )
        AUTORIZACION_TERCEROS = "autorizacion_terceros", _("Autorización a terceros")

    codigo = models.CharField(_("código de verificación"), max_length=40, unique=True)
    tipo = models.CharField(_("tipo"), max_length=40, choices=Tipo.choices)
    titulo = models.CharField(_("título"), max_length=200)
    datos_publicos = models.JSONField(_("datos publicados"), default=dict)
    emitido_en = models.DateTimeField(_("emitido en"), default=timezone.now)
    vigente_hasta = models.DateField(_("vigente hasta"), null=True, blank=True)
    pendiente_firma = models.BooleanField(
        _("pendiente de firma"),
        default=False,
        help_text=_("Generado pero aún no firmado por la autoridad: no está en vigor."),
    )
    anulado_en = models.DateTimeField(_("anulado en"), null=True, blank=True)
    motivo_anulacion = models.CharField(_("motivo de anulación"), max_length=200, blank=True)
    archivo = models.FileField(
        _("archivo"), storage=private_storage, upload_to="verificables/%Y/%m/", blank=True
    )
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)

    class Meta:
        ordering = ["-emitido_en"]
        verbose_name = _("documento verificable")
        verbose_name_plural = _("documentos verificables")

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} {self.codigo}"

    def estado_en(self, hoy: dt.date) -> str:
        """What /verificar/ says of the document on `hoy`: "anulado", "pendiente_firma"
        (not in force until signed), "vencido" (past `vigente_hasta`) or "vigente", in
        that order of precedence."""
        if self.anulado_en:
            return "anulado"
        if self.pendiente_firma:
            return "pendiente_firma"
        if self.vigente_hasta and self.vigente_hasta < hoy:
            return "vencido"
        return "vigente"


# --- Outgoing e-mail (outbox) ---------------------------------------------------------


class Correo(models.Model):
    """Every e-mail is a row first, sent by a task after commit. If the broker or the
    mail server is down the row stays PENDIENTE and the periodic sweep sends it later,
    so no notice is ever lost."""

    class Estado(models.TextChoices):
        PENDIENTE = "pendiente", _("Pendiente")
        ENVIADO = "enviado", _("Enviado")
        FALLIDO = "fallido", _("Fallido")

    creado_en = models.DateTimeField(_("creado en"), default=timezone.now, db_index=True)
    evento = models.CharField(_("evento"), max_length=60, blank=True)
    para = models.JSONField(_("para"))
    asunto = models.CharField(_("asunto"), max_length=200)
    cuerpo_texto = models.TextField(_("texto"))
    cuerpo_html = models.TextField(_("HTML"), blank=True)
    adjuntos = models.JSONField(
        _("adjuntos"),
        default=list,
        blank=True,
        help_text=_("[{nombre, ruta, tipo}] en almacenamiento privado"),
    )
    estado = models.CharField(
        _("estado"), max_length=10, choices=Estado.choices, default=Estado.PENDIENTE
    )
    intentos = models.PositiveSmallIntegerField(_("intentos"), default=0)
    ultimo_error = models.TextField(_("último error"), blank=True)
    enviado_en = models.DateTimeField(_("enviado en"), null=True, blank=True)
    # Indexed together with object_id below, which also serves the foreign key.
    content_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    object_id = models.CharField(max_length=40, blank=True)

    class Meta:
        ordering = ["-creado_en"]
        verbose_name = _("correo")
        verbose_name_plural = _("correos")
        # Mass notices write a hundred thousand rows a night: only the indexes the
        # outbox's readers use (pending sweep, admin filter by event, per-object lookup).
        indexes = [
            models.Index(fields=["estado", "creado_en"]),
            models.Index(fields=["evento", "creado_en"], name="correo_evento_creado"),
            models.Index(fields=["content_type", "object_id"]),
        ]

    def __str__(self) -> str:
        return f"{self.asunto} → {', '.join(self.para)}"


# --- Batch jobs -------------------------------------------------------------------------


class TrabajoLote(models.Model):
    """A run of a batch job (generar_glosas, emitir_titulos, sorteo, …): its parameters,
    counters and outcome. At most one run per job name is EN_CURSO (database
    constraint), which is the lock that keeps two runs from overlapping."""

    class Estado(models.TextChoices):
        EN_CURSO = "en_curso", _("En curso")
        TERMINADO = "terminado", _("Terminado")
        FALLIDO = "fallido", _("Fallido")

    nombre = models.CharField(_("trabajo"), max_length=60, db_index=True)
    parametros = models.JSONField(_("parámetros"), default=dict, blank=True)
    estado = models.CharField(
        _("estado"), max_length=10, choices=Estado.choices, default=Estado.EN_CURSO
    )
    total = models.PositiveIntegerField(_("total"), default=0)
    procesados = models.PositiveIntegerField(_("procesados"), default=0)
    resumen = models.JSONField(_("resumen"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    iniciado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    iniciado_en = models.DateTimeField(_("iniciado en"), default=timezone.now)
    latido_en = models.DateTimeField(_("última señal"), default=timezone.now)
    terminado_en = models.DateTimeField(_("terminado en"), null=True, blank=True)

    class Meta:
        ordering = ["-iniciado_en"]
        verbose_name = _("trabajo por lotes")
        verbose_name_plural = _("trabajos por lotes")
        constraints = [
            models.UniqueConstraint(
                fields=["nombre"],
                condition=Q(estado="en_curso"),
                name="un_lote_en_curso_por_trabajo",
            )
        ]

    def __str__(self) -> str:
        return f"{self.nombre} {self.iniciado_en:%Y-%m-%d %H:%M} ({self.get_estado_display()})"
