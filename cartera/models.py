"""Employers and their obligations (DOMAIN.md §2-3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identificacion import TIPO_PERSONA_CHOICES
from core.models import AppendOnlyModel, Canton, Provincia, Unidad


class Empleador(models.Model):
    """An employer, identified by its RUC or (domestic employers, personas naturales
    without RUC) its cédula. Created through cartera.services.empleador_create, which
    validates the identifiers with python-stdnum."""

    class Sector(models.TextChoices):
        PRIVADO = "privado", _("Privado")
        PUBLICO = "publico", _("Público")
        DOMESTICO = "domestico", _("Doméstico")

    class TipoRepresentanteId(models.TextChoices):
        CEDULA = "cedula", _("Cédula")
        EXTRANJERO = "extranjero", _("Código de identificación de extranjeros")

    identificacion = models.CharField(_("RUC o cédula"), max_length=13, unique=True)
    tipo_persona = models.CharField(
        _("tipo de persona"), max_length=20, choices=TIPO_PERSONA_CHOICES
    )
    extranjero = models.BooleanField(
        _("extranjero"),
        default=False,
        help_text=_("Persona natural extranjera o sociedad extranjera."),
    )
    sector = models.CharField(
        _("sector"), max_length=10, choices=Sector.choices, default=Sector.PRIVADO
    )
    razon_social = models.CharField(_("razón social"), max_length=200, db_index=True)
    representante_nombre = models.CharField(_("representante legal"), max_length=200)
    representante_tipo_id = models.CharField(
        _("tipo de identificación del representante"),
        max_length=12,
        choices=TipoRepresentanteId.choices,
        default=TipoRepresentanteId.CEDULA,
    )
    representante_identificacion = models.CharField(
        _("identificación del representante"), max_length=20
    )
    provincia = models.ForeignKey(Provincia, on_delete=models.PROTECT, related_name="empleadores")
    canton = models.ForeignKey(
        Canton, on_delete=models.PROTECT, null=True, blank=True, related_name="empleadores"
    )
    direccion = models.CharField(_("dirección"), max_length=250)
    email = models.EmailField(_("correo electrónico"))
    telefono = models.CharField(_("teléfono convencional"), max_length=20, blank=True)
    celular = models.CharField(_("teléfono celular"), max_length=20, blank=True)
    cuenta = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="empleador",
        help_text=_("Cuenta con la que el empleador ingresa al portal (clave patronal)."),
    )
    creado_en = models.DateTimeField(_("registrado en"), default=timezone.now)

    class Meta:
        ordering = ["razon_social"]
        verbose_name = _("empleador")
        verbose_name_plural = _("empleadores")
        indexes = [models.Index(fields=["provincia", "razon_social"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(identificacion__regex=r"^[0-9]{10}([0-9]{3})?$"),
                name="empleador_identificacion_10_o_13_digitos",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.razon_social} ({self.identificacion})"

    @property
    def es_persona_juridica(self) -> bool:
        return self.tipo_persona != "natural"


class Sucursal(models.Model):
    """An establishment of the employer: the RUC's 3-digit suffix (usually 001)."""

    empleador = models.ForeignKey(Empleador, on_delete=models.CASCADE, related_name="sucursales")
    numero = models.CharField(_("número"), max_length=3)
    nombre = models.CharField(_("nombre"), max_length=200, blank=True)
    direccion = models.CharField(_("dirección"), max_length=250, blank=True)
    provincia = models.ForeignKey(Provincia, on_delete=models.PROTECT, related_name="+")
    canton = models.ForeignKey(
        Canton, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["empleador_id", "numero"]
        verbose_name = _("sucursal")
        verbose_name_plural = _("sucursales")
        constraints = [
            models.UniqueConstraint(fields=["empleador", "numero"], name="sucursal_unica"),
            models.CheckConstraint(
                condition=Q(numero__regex=r"^[0-9]{3}$"), name="sucursal_numero_3_digitos"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.empleador.identificacion[:10]}-{self.numero} {self.nombre}".strip()


# --- Obligations: planilla → glosa → título de crédito (DOMAIN.md §3) -------------------


def _dinero(verbose_name: Any, **kwargs: Any) -> models.DecimalField[Decimal, Decimal]:
    """Money in US dollars: Decimal with 2 places (never float)."""
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, default=Decimal("0.00"), **kwargs
    )


COMPONENTES = ("capital", "intereses", "multas", "recargos")


def _lote(**kwargs: Any) -> models.ForeignKey[Any, Any]:
    """The batch-job run (core.TrabajoLote) that wrote the row: provenance for the
    audit trail. Job runs are never deleted (read-only in the admin, no service removes
    them), so there is no database constraint, which would cost a lookup per row in jobs
    that write a hundred thousand rows."""
    return models.ForeignKey(
        "core.TrabajoLote",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
        **kwargs,
    )


class Saldo(models.Model):
    """The money of an obligation, kept per component because amnesty laws reduce them
    separately. `intereses` holds the late-payment interest already liquidated (through
    `intereses_hasta`, inclusive); interest keeps accruing on the unpaid capital after
    that day (cartera.interes). `mora_desde` is the first day of mora: the day after the
    planilla's due date."""

    capital = _dinero(_("capital"))
    intereses = _dinero(_("intereses liquidados"))
    multas = _dinero(_("multas"))
    recargos = _dinero(_("recargos"))
    pagado_capital = _dinero(_("capital pagado"))
    pagado_intereses = _dinero(_("intereses pagados"))
    pagado_multas = _dinero(_("multas pagadas"))
    pagado_recargos = _dinero(_("recargos pagados"))
    mora_desde = models.DateField(_("en mora desde"))
    intereses_hasta = models.DateField(_("intereses liquidados hasta"))

    class Meta:
        abstract = True
        constraints = [
            *(
                models.CheckConstraint(
                    condition=Q(**{f"{c}__gte": 0}, **{f"pagado_{c}__gte": 0}),
                    name=f"%(app_label)s_%(class)s_{c}_no_negativo",
                )
                for c in COMPONENTES
            ),
            *(
                models.CheckConstraint(
                    condition=Q(**{f"pagado_{c}__lte": F(c)}),
                    name=f"%(app_label)s_%(class)s_{c}_pagado_no_excede",
                )
                for c in COMPONENTES
            ),
        ]

    def pendiente(self, componente: str) -> Decimal:
        return getattr(self, componente) - getattr(self, f"pagado_{componente}")

    @property
    def saldo_registrado(self) -> Decimal:
        """What is owed without the interest accrued since `intereses_hasta`."""
        return sum((self.pendiente(c) for c in COMPONENTES), Decimal("0.00"))


class Planilla(Saldo):
    """The monthly contribution bill of a sucursal (DOMAIN.md §3), due by the day set
    by PLANILLA_DIA_VENCIMIENTO (15) of the following month. Unpaid after that it is in
    mora; once a glosa is issued for it (GLOSADA) the debt lives on the glosa
    (`planilla.glosa`)."""

    class Estado(models.TextChoices):
        PENDIENTE = "pendiente", _("Pendiente de pago")
        GLOSADA = "glosada", _("Glosada")
        PAGADA = "pagada", _("Pagada")

    empleador = models.ForeignKey(Empleador, on_delete=models.PROTECT, related_name="planillas")
    sucursal = models.ForeignKey(
        Sucursal, on_delete=models.PROTECT, related_name="planillas", db_index=False
    )
    provincia = models.ForeignKey(
        Provincia,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        help_text=_("Dirección Provincial que gestiona la obligación (la del empleador)."),
    )
    periodo = models.DateField(_("periodo"), help_text=_("Primer día del mes del aporte."))
    aporte_personal = _dinero(_("aporte personal"))
    aporte_patronal = _dinero(_("aporte patronal"))
    fondos_reserva = _dinero(_("fondos de reserva"))
    fecha_vencimiento = models.DateField(_("fecha de vencimiento"))
    estado = models.CharField(
        _("estado"), max_length=12, choices=Estado.choices, default=Estado.PENDIENTE
    )
    creada_en = models.DateTimeField(_("emitida en"), default=timezone.now)

    class Meta:
        ordering = ["-periodo", "id"]
        verbose_name = _("planilla")
        verbose_name_plural = _("planillas")
        indexes = [
            models.Index(fields=["periodo"], name="planilla_periodo"),
            # What generar_glosas looks for; rows leave it when they are glosada or paid.
            models.Index(
                fields=["fecha_vencimiento"],
                condition=Q(estado="pendiente"),
                name="planilla_pendiente_vence",
            ),
        ]
        constraints = [
            *Saldo.Meta.constraints,
            models.UniqueConstraint(fields=["sucursal", "periodo"], name="planilla_unica_por_mes"),
            models.CheckConstraint(condition=Q(periodo__day=1), name="planilla_periodo_mes"),
            models.CheckConstraint(
                condition=Q(aporte_personal__gte=0, aporte_patronal__gte=0, fondos_reserva__gte=0),
                name="planilla_aportes_no_negativos",
            ),
            models.CheckConstraint(
                condition=Q(
                    capital=Round(
                        F("aporte_personal") + F("aporte_patronal") + F("fondos_reserva"), 2
                    )
                ),
                name="planilla_capital_es_suma_de_aportes",
            ),
            models.CheckConstraint(
                condition=Q(fecha_vencimiento__gt=F("periodo")),
                name="planilla_vence_despues_del_periodo",
            ),
        ]

    def __str__(self) -> str:
        return f"Planilla N.º {self.pk} ({self.periodo:%m/%Y})"


class NotificacionGlosa(models.Model):
    """The in-portal notice of glosas ("glosas notificadas en línea", seed 002): one per
    employer per notification run, read from the employer's inbox. The e-mail sent with
    it is a core.Correo row pointing here."""

    empleador = models.ForeignKey(
        Empleador, on_delete=models.PROTECT, related_name="notificaciones_glosa", db_index=False
    )
    creada_en = models.DateTimeField(_("notificada en"), default=timezone.now)
    fecha = models.DateField(_("fecha de notificación"))
    vence_en = models.DateField(_("último día para pagar o impugnar"))
    cantidad = models.PositiveIntegerField(_("glosas notificadas"))
    lote = _lote()
    leida_en = models.DateTimeField(_("leída en"), null=True, blank=True)

    class Meta:
        ordering = ["-creada_en", "-id"]
        verbose_name = _("notificación de glosas")
        verbose_name_plural = _("notificaciones de glosas")
        indexes = [models.Index(fields=["empleador", "-creada_en"], name="notif_glosa_empleador")]

    def __str__(self) -> str:
        return f"Notificación {self.fecha:%d/%m/%Y} · {self.cantidad} glosa(s)"


class Glosa(Saldo):
    """The notified debt of an unpaid planilla, a responsabilidad patronal or a multa.
    From its notification the employer has a término (GLOSA_TERMINO_DIAS business days)
    to pay or challenge it. State changes only through cartera.services.glosa_transicion."""

    class Origen(models.TextChoices):
        PLANILLA = "planilla", _("Planilla impaga")
        RESPONSABILIDAD_PATRONAL = "responsabilidad_patronal", _("Responsabilidad patronal")
        MULTA = "multa", _("Multa")

    class Estado(models.TextChoices):
        EMITIDA = "emitida", _("Emitida")
        NOTIFICADA = "notificada", _("Notificada")
        PAGADA = "pagada", _("Pagada")
        IMPUGNADA = "impugnada", _("Impugnada")
        EN_ACUERDO_PAGO = "en_acuerdo_pago", _("En acuerdo de pago")
        VENCIDA = "vencida", _("Vencida")
        ANULADA = "anulada", _("Anulada")
        TITULO_EMITIDO = "titulo_emitido", _("Título de crédito emitido")

    ABIERTOS: ClassVar[tuple[str, ...]] = (
        Estado.EMITIDA,
        Estado.NOTIFICADA,
        Estado.IMPUGNADA,
        Estado.EN_ACUERDO_PAGO,
        Estado.VENCIDA,
    )

    origen = models.CharField(_("origen"), max_length=30, choices=Origen.choices)
    planilla = models.OneToOneField(
        Planilla, on_delete=models.PROTECT, null=True, blank=True, related_name="glosa"
    )
    empleador = models.ForeignKey(
        Empleador, on_delete=models.PROTECT, related_name="glosas", db_index=False
    )
    sucursal = models.ForeignKey(
        Sucursal, on_delete=models.PROTECT, related_name="glosas", db_index=False
    )
    provincia = models.ForeignKey(
        Provincia, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    canton = models.ForeignKey(
        Canton,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        help_text=_(
            "Cantón del domicilio del empleador: sus feriados locales cuentan en el término."
        ),
    )
    periodo = models.DateField(_("periodo"), null=True, blank=True)
    detalle = models.CharField(_("detalle"), max_length=250, blank=True)
    estado = models.CharField(
        _("estado"), max_length=20, choices=Estado.choices, default=Estado.EMITIDA
    )
    emitida_en = models.DateTimeField(_("emitida en"), default=timezone.now)
    emitida_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    lote = _lote(help_text=_("Ejecución del trabajo por lotes que la emitió."))
    # Read through the employer ((empleador, estado) index), so no index of its own.
    notificacion = models.ForeignKey(
        NotificacionGlosa,
        verbose_name=_("notificación"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="glosas",
        db_index=False,
    )
    notificada_en = models.DateTimeField(_("notificada en"), null=True, blank=True)
    termino_desde = models.DateField(
        _("término corre desde"),
        null=True,
        blank=True,
        help_text=_("Fecha de la notificación (o de la resolución que rechazó la impugnación)."),
    )
    vence_en = models.DateField(_("último día del término"), null=True, blank=True)
    recordatorio_vence_en = models.DateField(
        _("recordatorio enviado del término al"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Último día del término del que se recordó al empleador (cartera.batch."
            "glosas_recordar): un recordatorio por término, también si la impugnación "
            "rechazada lo reinicia."
        ),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("glosa")
        verbose_name_plural = _("glosas")
        permissions = [
            ("notificar_glosa", _("Puede notificar glosas")),
            ("impugnacion_registrar", _("Puede registrar impugnaciones de glosas")),
            ("impugnacion_resolver", _("Puede registrar la resolución de una impugnación")),
            ("emitir_titulo", _("Puede emitir títulos de crédito")),
            ("registrar_pago", _("Puede registrar pagos")),
            ("ver_reportes", _("Puede ver los reportes de cartera")),
        ]
        indexes = [
            models.Index(fields=["empleador", "estado"], name="glosa_empleador_estado"),
            models.Index(fields=["estado", "provincia"], name="glosa_estado_provincia"),
        ]
        constraints = [
            *Saldo.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(origen="planilla") | Q(planilla__isnull=False),
                name="glosa_de_planilla_con_planilla",
            ),
            models.CheckConstraint(
                condition=~Q(
                    estado__in=[
                        "notificada",
                        "impugnada",
                        "en_acuerdo_pago",
                        "vencida",
                        "titulo_emitido",
                        "anulada",
                    ]
                )
                | Q(notificada_en__isnull=False, vence_en__isnull=False),
                name="glosa_notificada_con_termino",
            ),
        ]

    def __str__(self) -> str:
        return f"Glosa N.º {self.pk}"

    @property
    def numero(self) -> str:
        return f"{self.pk:08d}" if self.pk else ""


class GlosaHistorial(AppendOnlyModel):
    """Every state change of a glosa: who, when, from, to, why."""

    glosa = models.ForeignKey(Glosa, on_delete=models.PROTECT, related_name="historial")
    de = models.CharField(_("de"), max_length=20, choices=Glosa.Estado.choices)
    a = models.CharField(_("a"), max_length=20, choices=Glosa.Estado.choices)
    en = models.DateTimeField(_("fecha"), default=timezone.now)
    por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    lote = _lote()
    motivo = models.CharField(_("motivo"), max_length=500, blank=True)

    class Meta:
        ordering = ["en", "id"]
        verbose_name = _("cambio de estado de glosa")
        verbose_name_plural = _("historial de glosas")
        indexes = [models.Index(fields=["en"], name="glosa_historial_en")]

    def __str__(self) -> str:
        return f"{self.get_de_display()} → {self.get_a_display()}"


class Impugnacion(models.Model):
    """A challenge of a glosa, received by any provincial Cartera office and registered
    at once (C.D. 497, 5th general disposition); decided by the Comisión Provincial de
    Prestaciones y Controversias. While PENDIENTE no título can be issued."""

    class Estado(models.TextChoices):
        PENDIENTE = "pendiente", _("Pendiente de resolución")
        ACEPTADA = "aceptada", _("Aceptada: glosa anulada")
        RECHAZADA = "rechazada", _("Rechazada: el término corre de nuevo")

    glosa = models.ForeignKey(Glosa, on_delete=models.PROTECT, related_name="impugnaciones")
    presentada_el = models.DateField(_("presentada el"))
    fundamentos = models.TextField(_("fundamentos"))
    registrada_en = models.DateTimeField(_("registrada en"), default=timezone.now)
    registrada_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    estado = models.CharField(
        _("estado"), max_length=12, choices=Estado.choices, default=Estado.PENDIENTE
    )
    resolucion = models.CharField(
        _("resolución N.º"),
        max_length=80,
        blank=True,
        help_text=_(
            "Número de la resolución de la Comisión Provincial de Prestaciones y Controversias."
        ),
    )
    resuelta_el = models.DateField(_("notificada la resolución el"), null=True, blank=True)
    resolucion_detalle = models.TextField(_("motivación"), blank=True)
    resuelta_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-registrada_en"]
        verbose_name = _("impugnación de glosa")
        verbose_name_plural = _("impugnaciones de glosas")
        constraints = [
            models.UniqueConstraint(
                fields=["glosa"],
                condition=Q(estado="pendiente"),
                name="impugnacion_una_pendiente_por_glosa",
            ),
            models.CheckConstraint(
                condition=Q(estado="pendiente") | Q(resuelta_el__isnull=False),
                name="impugnacion_resuelta_con_fecha",
            ),
        ]

    def __str__(self) -> str:
        return f"Impugnación de la glosa N.º {self.glosa_id} ({self.get_estado_display()})"


class TituloCredito(Saldo):
    """A título de crédito: issued by Gestión de Cartera for glosas unpaid after their
    término and sent through the Director Provincial to Coactiva (C.D. 497 3.5.2 i).
    Numbered per province and year without gaps. State changes only through
    cartera.services.titulo_transicion."""

    class Estado(models.TextChoices):
        EMITIDO = "emitido", _("Emitido")
        SORTEADO = "sorteado", _("Sorteado")
        EN_COACTIVA = "en_coactiva", _("En coactiva")
        CANCELADO = "cancelado", _("Cancelado")
        ANULADO = "anulado", _("Anulado")
        EN_CONVENIO = "en_convenio", _("En convenio")

    class MotivoAnulacion(models.TextChoices):
        ERROR_EVIDENTE = "error_evidente", _("Error evidente")
        INEXISTENCIA = "inexistencia", _("Inexistencia de la obligación")
        RESOLUCION = "resolucion", _("Resolución de un órgano de reclamación administrativa")

    ABIERTOS: ClassVar[tuple[str, ...]] = (
        Estado.EMITIDO,
        Estado.SORTEADO,
        Estado.EN_COACTIVA,
        Estado.EN_CONVENIO,
    )

    provincia = models.ForeignKey(Provincia, on_delete=models.PROTECT, related_name="+")
    anio = models.PositiveSmallIntegerField(_("año"))
    secuencial = models.PositiveIntegerField(_("secuencial"))
    empleador = models.ForeignKey(Empleador, on_delete=models.PROTECT, related_name="titulos")
    unidad_coactiva = models.ForeignKey(
        Unidad,
        on_delete=models.PROTECT,
        related_name="titulos_recibidos",
        db_index=False,
        verbose_name=_("enviado a"),
        help_text=_("Unidad o Grupo de Gestión de Coactiva de la Dirección Provincial."),
    )
    estado = models.CharField(
        _("estado"), max_length=12, choices=Estado.choices, default=Estado.EMITIDO
    )
    fecha_emision = models.DateField(_("fecha de emisión"))
    emitido_en = models.DateTimeField(_("emitido en"), default=timezone.now)
    emitido_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    lote = _lote()
    glosas: models.ManyToManyField[Glosa, TituloGlosa] = models.ManyToManyField(
        Glosa, through="TituloGlosa", related_name="titulos"
    )
    motivo_anulacion = models.CharField(
        _("motivo de anulación"), max_length=20, choices=MotivoAnulacion.choices, blank=True
    )
    anulacion_detalle = models.TextField(_("fundamento de la anulación"), blank=True)

    class Meta:
        ordering = ["-anio", "provincia_id", "-secuencial"]
        verbose_name = _("título de crédito")
        verbose_name_plural = _("títulos de crédito")
        permissions = [("anular_titulo", _("Puede anular títulos de crédito"))]
        indexes = [models.Index(fields=["estado", "provincia"], name="titulo_estado_provincia")]
        constraints = [
            *Saldo.Meta.constraints,
            models.UniqueConstraint(
                fields=["provincia", "anio", "secuencial"], name="titulo_numero_unico"
            ),
            models.CheckConstraint(
                condition=~Q(estado="anulado") | ~Q(motivo_anulacion=""),
                name="titulo_anulado_con_motivo",
            ),
        ]

    def __str__(self) -> str:
        return f"Título de crédito N.º {self.numero}"

    @property
    def numero(self) -> str:
        return f"{self.provincia_id}-{self.anio}-{self.secuencial:06d}"


class TituloGlosa(models.Model):
    """The glosas a título covers and the amounts taken from each. `vigente` is true
    while the título is open, which lets the database hold "one open título per
    glosa"."""

    titulo = models.ForeignKey(
        TituloCredito, verbose_name=_("título"), on_delete=models.PROTECT, related_name="lineas"
    )
    glosa = models.ForeignKey(Glosa, on_delete=models.PROTECT, related_name="lineas_titulo")
    capital = _dinero(_("capital"))
    intereses = _dinero(_("intereses"))
    multas = _dinero(_("multas"))
    recargos = _dinero(_("recargos"))
    vigente = models.BooleanField(_("título abierto"), default=True)

    class Meta:
        ordering = ["titulo_id", "glosa_id"]
        verbose_name = _("glosa del título")
        verbose_name_plural = _("glosas del título")
        constraints = [
            models.UniqueConstraint(
                fields=["glosa"], condition=Q(vigente=True), name="un_titulo_abierto_por_glosa"
            ),
            models.UniqueConstraint(fields=["titulo", "glosa"], name="titulo_glosa_unica"),
            models.CheckConstraint(
                condition=Q(capital__gte=0, intereses__gte=0, multas__gte=0, recargos__gte=0),
                name="titulo_glosa_montos_no_negativos",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.titulo} · glosa N.º {self.glosa_id}"


class TituloHistorial(AppendOnlyModel):
    """Every state change of a título de crédito: who, when, from, to, why."""

    titulo = models.ForeignKey(
        TituloCredito, verbose_name=_("título"), on_delete=models.PROTECT, related_name="historial"
    )
    de = models.CharField(_("de"), max_length=12, choices=TituloCredito.Estado.choices)
    a = models.CharField(_("a"), max_length=12, choices=TituloCredito.Estado.choices)
    en = models.DateTimeField(_("fecha"), default=timezone.now)
    por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    lote = _lote()
    motivo = models.CharField(_("motivo"), max_length=500, blank=True)

    class Meta:
        ordering = ["en", "id"]
        verbose_name = _("cambio de estado de título")
        verbose_name_plural = _("historial de títulos")
        indexes = [models.Index(fields=["en"], name="titulo_historial_en")]

    def __str__(self) -> str:
        return f"{self.get_de_display()} → {self.get_a_display()}"


class PlanillaHistorial(AppendOnlyModel):
    """State changes of a planilla (PENDIENTE → PAGADA)."""

    planilla = models.ForeignKey(Planilla, on_delete=models.PROTECT, related_name="historial")
    de = models.CharField(_("de"), max_length=12, choices=Planilla.Estado.choices)
    a = models.CharField(_("a"), max_length=12, choices=Planilla.Estado.choices)
    en = models.DateTimeField(_("fecha"), default=timezone.now)
    por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    motivo = models.CharField(_("motivo"), max_length=500, blank=True)

    class Meta:
        ordering = ["en", "id"]
        verbose_name = _("cambio de estado de planilla")
        verbose_name_plural = _("historial de planillas")
        indexes = [models.Index(fields=["en"], name="planilla_historial_en")]

    def __str__(self) -> str:
        return f"{self.get_de_display()} → {self.get_a_display()}"


class Pago(AppendOnlyModel):
    """A payment and how it was applied to one obligation's components (order set by
    the PAGO_ORDEN_IMPUTACION parameter). Payments are ledger entries: never edited."""

    class Canal(models.TextChoices):
        VENTANILLA_BANCARIA = "ventanilla_bancaria", _("Ventanilla de institución financiera")
        PAGO_EN_LINEA = "pago_en_linea", _("Pago en línea")
        DEBITO = "debito", _("Débito bancario")
        TRANSFERENCIA = "transferencia", _("Transferencia")
        COACTIVA = "coactiva", _("Recaudación en proceso coactivo")

    empleador = models.ForeignKey(Empleador, on_delete=models.PROTECT, related_name="pagos")
    fecha = models.DateField(_("fecha del pago"))
    monto = models.DecimalField(_("monto"), max_digits=14, decimal_places=2)
    canal = models.CharField(_("canal"), max_length=20, choices=Canal.choices)
    referencia = models.CharField(
        _("comprobante"),
        max_length=60,
        blank=True,
        help_text=_("Número de comprobante o de transacción."),
    )
    planilla = models.ForeignKey(
        Planilla, on_delete=models.PROTECT, null=True, blank=True, related_name="pagos"
    )
    glosa = models.ForeignKey(
        Glosa, on_delete=models.PROTECT, null=True, blank=True, related_name="pagos"
    )
    titulo = models.ForeignKey(
        TituloCredito,
        verbose_name=_("título de crédito"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pagos",
    )
    intereses_liquidados = _dinero(
        _("intereses liquidados al pagar"),
        help_text=_("Interés de mora devengado hasta la fecha del pago."),
    )
    aplicado_capital = _dinero(_("a capital"))
    aplicado_intereses = _dinero(_("a intereses"))
    aplicado_multas = _dinero(_("a multas"))
    aplicado_recargos = _dinero(_("a recargos"))
    registrado_en = models.DateTimeField(_("registrado en"), default=timezone.now)
    registrado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-fecha", "-id"]
        verbose_name = _("pago")
        verbose_name_plural = _("pagos")
        constraints = [
            models.CheckConstraint(condition=Q(monto__gt=0), name="pago_monto_positivo"),
            models.CheckConstraint(
                condition=Q(
                    aplicado_capital__gte=0,
                    aplicado_intereses__gte=0,
                    aplicado_multas__gte=0,
                    aplicado_recargos__gte=0,
                ),
                name="pago_aplicado_no_negativo",
            ),
            models.CheckConstraint(
                condition=(
                    Q(planilla__isnull=False, glosa__isnull=True, titulo__isnull=True)
                    | Q(planilla__isnull=True, glosa__isnull=False, titulo__isnull=True)
                    | Q(planilla__isnull=True, glosa__isnull=True, titulo__isnull=False)
                ),
                name="pago_a_una_obligacion",
            ),
            models.UniqueConstraint(
                fields=["canal", "referencia"],
                condition=~Q(referencia=""),
                name="pago_comprobante_unico",
            ),
        ]

    def __str__(self) -> str:
        return f"Pago de {self.monto} el {self.fecha:%d/%m/%Y}"

    @property
    def obligacion(self) -> Planilla | Glosa | TituloCredito:
        return self.planilla or self.glosa or self.titulo  # type: ignore[return-value]


class TasaInteresMora(models.Model):
    """Annual late-payment interest rate in force in a month (DOMAIN.md §3, default:
    staff-editable). A month without its own row uses the latest earlier one."""

    mes = models.DateField(_("mes"), unique=True, help_text=_("Primer día del mes."))
    tasa_anual = models.DecimalField(
        _("tasa anual (%)"),
        max_digits=7,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0"))],
    )
    fuente = models.CharField(_("fuente"), max_length=200, blank=True)
    registrado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    registrado_en = models.DateTimeField(_("registrado en"), default=timezone.now)

    class Meta:
        ordering = ["-mes"]
        verbose_name = _("tasa de interés de mora")
        verbose_name_plural = _("tasas de interés de mora")
        constraints = [
            models.CheckConstraint(condition=Q(mes__day=1), name="tasa_mes_primer_dia"),
            models.CheckConstraint(condition=Q(tasa_anual__gte=0), name="tasa_no_negativa"),
        ]

    def __str__(self) -> str:
        return f"{self.mes:%m/%Y}: {self.tasa_anual} % anual"


# --- Employer portal: payment agreements, certificates, notice preferences ----------------


class AcuerdoPago(models.Model):
    """A payment facility requested from the employer portal after a glosa is notified
    (seed 002; DOMAIN.md §3): an *acuerdo de pagos parciales* (APP, for glosas or títulos
    before the sorteo) or a *convenio de purga de mora* (proven fuerza mayor, with a
    guarantee). Both share the lifecycle and the installments, so they are one model
    with a `tipo`; the rules that differ (terms, guarantee, installments missed before
    it breaks) are parameters. State changes only through
    cartera.acuerdos.acuerdo_transicion."""

    class Tipo(models.TextChoices):
        APP = "app", _("Acuerdo de pagos parciales")
        PURGA_MORA = "purga_mora", _("Convenio de purga de mora")

    class Estado(models.TextChoices):
        SOLICITADO = "solicitado", _("Solicitado")
        VIGENTE = "vigente", _("Vigente")
        CUMPLIDO = "cumplido", _("Cumplido")
        INCUMPLIDO = "incumplido", _("Incumplido")
        NEGADO = "negado", _("Negado")

    class Aprueba(models.TextChoices):
        JEFE_UNIDAD = "jefe_unidad", _("Responsable de la Unidad de Gestión de Cartera")
        DIRECTOR_PROVINCIAL = "director_provincial", _("Director Provincial")

    empleador = models.ForeignKey(Empleador, on_delete=models.PROTECT, related_name="acuerdos")
    tipo = models.CharField(_("tipo"), max_length=12, choices=Tipo.choices)
    estado = models.CharField(
        _("estado"), max_length=12, choices=Estado.choices, default=Estado.SOLICITADO
    )
    solicitud = models.OneToOneField(
        "tramites.Solicitud",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acuerdo_pago",
    )
    glosas = models.ManyToManyField(Glosa, blank=True, related_name="acuerdos")
    titulos = models.ManyToManyField(TituloCredito, blank=True, related_name="acuerdos")
    monto = _dinero(_("deuda a financiar"))
    cuota_inicial = _dinero(_("cuota inicial"))
    meses = models.PositiveSmallIntegerField(_("plazo (meses)"))
    tasa_anual = models.DecimalField(_("tasa anual (%)"), max_digits=7, decimal_places=4)
    aprueba = models.CharField(
        _("aprueba"),
        max_length=20,
        choices=Aprueba.choices,
        help_text=_("Según el monto en SBU y el tipo de persona (umbrales vigentes)."),
    )
    monto_en_sbu = models.DecimalField(_("monto en SBU"), max_digits=10, decimal_places=2)
    fuerza_mayor = models.TextField(_("causa de fuerza mayor"), blank=True)
    garantia_tipo = models.CharField(_("tipo de garantía"), max_length=120, blank=True)
    garantia_valor = _dinero(_("valor de la garantía"))
    creado_en = models.DateTimeField(_("solicitado en"), default=timezone.now)
    vigente_desde = models.DateField(_("vigente desde"), null=True, blank=True)
    terminado_en = models.DateTimeField(_("terminado en"), null=True, blank=True)

    class Meta:
        ordering = ["-creado_en", "-id"]
        verbose_name = _("acuerdo de pago")
        verbose_name_plural = _("acuerdos de pago")
        indexes = [models.Index(fields=["estado", "empleador"], name="acuerdo_estado_empleador")]
        constraints = [
            models.CheckConstraint(condition=Q(monto__gt=0), name="acuerdo_monto_positivo"),
            models.CheckConstraint(
                condition=Q(cuota_inicial__gte=0, cuota_inicial__lt=F("monto")),
                name="acuerdo_cuota_inicial_menor_al_monto",
            ),
            models.CheckConstraint(condition=Q(meses__gte=1), name="acuerdo_meses_positivo"),
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} N.º {self.pk}"


class CuotaAcuerdo(models.Model):
    """One installment of the amortization table (cuota 0 is the cuota inicial)."""

    acuerdo = models.ForeignKey(AcuerdoPago, on_delete=models.CASCADE, related_name="cuotas")
    numero = models.PositiveSmallIntegerField(_("cuota N.º"))
    vence_el = models.DateField(_("vence el"))
    capital = _dinero(_("capital"))
    interes = _dinero(_("interés"))
    valor = _dinero(_("valor de la cuota"))
    saldo = _dinero(_("saldo después de la cuota"))
    pagada_el = models.DateField(_("pagada el"), null=True, blank=True)
    aviso_previo_en = models.DateTimeField(null=True, blank=True)
    aviso_vencida_en = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["acuerdo_id", "numero"]
        verbose_name = _("cuota")
        verbose_name_plural = _("cuotas")
        indexes = [
            models.Index(
                fields=["vence_el"], condition=Q(pagada_el__isnull=True), name="cuota_impaga_vence"
            )
        ]
        constraints = [
            models.UniqueConstraint(fields=["acuerdo", "numero"], name="cuota_unica"),
            models.CheckConstraint(
                # Rounded like the planilla's sum: SQLite (the embedded default) keeps
                # decimals as floats, where 0.10 + 0.20 is not 0.30.
                condition=Q(valor=Round(F("capital") + F("interes"), 2)),
                name="cuota_valor_es_suma",
            ),
        ]

    def __str__(self) -> str:
        return f"Cuota {self.numero} de {self.acuerdo}"


class AcuerdoHistorial(AppendOnlyModel):
    """Every state change of a payment agreement."""

    acuerdo = models.ForeignKey(AcuerdoPago, on_delete=models.PROTECT, related_name="historial")
    de = models.CharField(_("de"), max_length=12, choices=AcuerdoPago.Estado.choices)
    a = models.CharField(_("a"), max_length=12, choices=AcuerdoPago.Estado.choices)
    en = models.DateTimeField(_("fecha"), default=timezone.now)
    por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    motivo = models.CharField(_("motivo"), max_length=500, blank=True)

    class Meta:
        ordering = ["en", "id"]
        verbose_name = _("cambio de estado del acuerdo")
        verbose_name_plural = _("historial de acuerdos")

    def __str__(self) -> str:
        return f"{self.get_de_display()} → {self.get_a_display()}"


class CertificadoCumplimiento(models.Model):
    """A certificado de cumplimiento de obligaciones patronales (DOMAIN.md §5): the
    employer's state on the day it was issued, valid CERTIFICADO_VIGENCIA_DIAS days,
    verifiable at /verificar/<codigo>/ through its DocumentoVerificable."""

    class Estado(models.TextChoices):
        AL_DIA = "al_dia", _("Al día en sus obligaciones patronales")
        EN_MORA = "en_mora", _("En mora")
        EN_TRAMITE_DE_PAGO = "en_tramite_de_pago", _("En trámite de pago (acuerdo vigente)")

    empleador = models.ForeignKey(Empleador, on_delete=models.PROTECT, related_name="certificados")
    documento = models.OneToOneField(
        "core.DocumentoVerificable", on_delete=models.PROTECT, related_name="certificado"
    )
    estado = models.CharField(_("estado certificado"), max_length=20, choices=Estado.choices)
    emitido_en = models.DateTimeField(_("emitido en"), default=timezone.now)
    vigente_hasta = models.DateField(_("vigente hasta"))

    class Meta:
        ordering = ["-emitido_en"]
        verbose_name = _("certificado de cumplimiento")
        verbose_name_plural = _("certificados de cumplimiento")

    def __str__(self) -> str:
        return f"Certificado {self.documento.codigo}"


class PreferenciasAviso(models.Model):
    """Which optional e-mails the employer wants. Legal notices (glosas notified,
    títulos de crédito issued, the coactiva process and its measures, a request that
    needs documents, a resolution) are always sent."""

    empleador = models.OneToOneField(
        Empleador, on_delete=models.CASCADE, related_name="preferencias_aviso"
    )
    cuota_por_vencer = models.BooleanField(_("cuota de un acuerdo por vencer"), default=True)
    cuota_vencida = models.BooleanField(_("cuota de un acuerdo vencida"), default=True)
    acuerdo_incumplido = models.BooleanField(_("acuerdo de pago incumplido"), default=True)
    certificado_emitido = models.BooleanField(
        _("se emitió un certificado de cumplimiento"), default=True
    )
    glosa_por_vencer = models.BooleanField(
        _("recordatorio antes del último día para pagar o impugnar una glosa"), default=True
    )
    actualizado_en = models.DateTimeField(_("actualizado en"), auto_now=True)

    class Meta:
        verbose_name = _("preferencias de aviso")
        verbose_name_plural = _("preferencias de aviso")

    def __str__(self) -> str:
        return f"Preferencias de {self.empleador}"
