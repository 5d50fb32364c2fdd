"""Gestión de Coactiva (DOMAIN.md §4): the coercive processes (juicios coactivos) opened
for títulos de crédito, the Secretarios-Abogados who handle them and the sorteo that
assigns them, the precautionary measures ordered in them and their levantamiento.

States change only through coactiva.services (`juicio_transicion`,
`medida_transicion`); every change appends a history row (Actuacion, MedidaHistorial)."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cartera.models import TituloCredito
from core.models import AppendOnlyModel, Canton, DocumentoVerificable, Unidad
from core.storage import private_storage


class SecretarioAbogado(models.Model):
    """A lawyer who handles coactiva processes for a unit (C.D. 497 3.5.3): staff of
    the unit (interno) or a contracted external lawyer (externo). Only active ones take
    part in the sorteo."""

    class Vinculo(models.TextChoices):
        INTERNO = "interno", _("Interno (funcionario)")
        EXTERNO = "externo", _("Externo (contratado)")

    nombre = models.CharField(_("nombres y apellidos"), max_length=200)
    identificacion = models.CharField(_("cédula"), max_length=13, blank=True)
    vinculo = models.CharField(
        _("vínculo"), max_length=10, choices=Vinculo.choices, default=Vinculo.INTERNO
    )
    unidad = models.ForeignKey(
        Unidad,
        on_delete=models.PROTECT,
        related_name="secretarios_abogados",
        limit_choices_to={"tipo": Unidad.Tipo.COACTIVA},
    )
    usuario = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="secretario_abogado",
        help_text=_("Cuenta del funcionario; con ella ve solo los procesos que tiene asignados."),
    )
    email = models.EmailField(_("correo"), blank=True)
    activo = models.BooleanField(_("activo"), default=True)

    class Meta:
        ordering = ["unidad_id", "nombre"]
        verbose_name = _("secretario-abogado")
        verbose_name_plural = _("secretarios-abogados")

    def __str__(self) -> str:
        return self.nombre


class SorteoRegistro(AppendOnlyModel):
    """One run of the sorteo (C.D. 497 3.5.3 d): the seed, the inputs as they were
    (títulos per debtor, active lawyers and their load) and the result. Re-running
    coactiva.sorteo.sortear on `entradas` with `semilla` must give `resultado`.

    `semilla_origen` says whether the seed came from the system's random source (a
    real draw) or was fixed by a person (tests, demo data): a fixed seed makes the
    result reproducible but not random, so the log says so wherever it is shown."""

    class SemillaOrigen(models.TextChoices):
        SISTEMA = "sistema", _("Generada al azar por el sistema")
        PERSONA = "persona", _("Fijada por una persona: el sorteo NO fue al azar")

    unidad = models.ForeignKey(Unidad, on_delete=models.PROTECT, related_name="sorteos")
    realizado_en = models.DateTimeField(_("realizado en"), default=timezone.now)
    realizado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    metodo = models.CharField(_("método"), max_length=20)
    semilla = models.CharField(_("semilla"), max_length=64)
    semilla_origen = models.CharField(
        _("origen de la semilla"),
        max_length=10,
        choices=SemillaOrigen.choices,
    )
    entradas = models.JSONField(_("entradas"))
    resultado = models.JSONField(_("resultado"))

    class Meta:
        ordering = ["-realizado_en", "-id"]
        verbose_name = _("sorteo")
        verbose_name_plural = _("sorteos")

    def __str__(self) -> str:
        return f"Sorteo N.º {self.pk} ({timezone.localtime(self.realizado_en):%d/%m/%Y %H:%M})"


class JuicioCoactivo(models.Model):
    """A coercive process for one debtor's títulos de crédito, numbered per unit and
    year without gaps, kept numbered, ordered and foliated (C.D. 497 3.5.3)."""

    class Etapa(models.TextChoices):
        ORDEN_COBRO = "orden_cobro", _("Orden de cobro")
        REQUERIMIENTO = "requerimiento", _("Requerimiento de pago voluntario")
        CITACION = "citacion", _("Orden de pago inmediato / citación")
        MEDIDAS = "medidas", _("Medidas cautelares")
        EMBARGO = "embargo", _("Embargo")
        AVALUO = "avaluo", _("Avalúo")
        REMATE = "remate", _("Remate")
        CANCELADO = "cancelado", _("Cancelado")
        ANULADO = "anulado", _("Anulado")
        CONVENIO = "convenio", _("Convenio de pago")
        ARCHIVADO = "archivado", _("Archivado")
        INSOLVENCIA = "insolvencia", _("Remitido a juicio de insolvencia")

    # The process ended: paid, annulled or archived, or its coercive stage culminated
    # without full recovery and it went to the Área de Patrocinio for the juicio de
    # insolvencia (C.D. 497, 6th general disposition). A process in INSOLVENCIA is no
    # longer pursued by its Secretario-Abogado (it is not their load) but stays in the
    # unit's inventory (3.5.3 i) and closes CANCELADO or ANULADO if its títulos are
    # later paid or annulled.
    TERMINALES: ClassVar[tuple[str, ...]] = (
        Etapa.CANCELADO,
        Etapa.ANULADO,
        Etapa.ARCHIVADO,
        Etapa.INSOLVENCIA,
    )
    # Suspended, not ended: an approved payment agreement covers every título still
    # owed. The process waits (measures in force, no término running) and resumes where
    # it was if the agreement breaks (coactiva.services.titulo_convenio_incumplido).
    SUSPENDIDAS: ClassVar[tuple[str, ...]] = (Etapa.CONVENIO,)

    unidad = models.ForeignKey(Unidad, on_delete=models.PROTECT, related_name="juicios")
    anio = models.PositiveSmallIntegerField(_("año"))
    secuencial = models.PositiveIntegerField(_("secuencial"))
    empleador = models.ForeignKey(
        "cartera.Empleador", on_delete=models.PROTECT, related_name="juicios"
    )
    secretario = models.ForeignKey(
        SecretarioAbogado,
        verbose_name=_("secretario-abogado"),
        on_delete=models.PROTECT,
        related_name="juicios",
    )
    sorteo = models.ForeignKey(
        SorteoRegistro, on_delete=models.PROTECT, null=True, blank=True, related_name="juicios"
    )
    titulos: models.ManyToManyField[TituloCredito, JuicioTitulo] = models.ManyToManyField(
        "cartera.TituloCredito", through="JuicioTitulo", related_name="juicios"
    )
    etapa = models.CharField(
        _("etapa"), max_length=16, choices=Etapa.choices, default=Etapa.ORDEN_COBRO
    )
    etapa_desde = models.DateField(_("en la etapa desde"))
    vence_en = models.DateField(
        _("vence el término"),
        null=True,
        blank=True,
        help_text=_("Último día del término de la etapa actual, si la etapa tiene término."),
    )
    etapa_antes_convenio = models.CharField(
        _("se reanuda en la etapa"),
        max_length=16,
        choices=Etapa.choices,
        blank=True,
        help_text=_(
            "Etapa en que estaba el proceso cuando un convenio de pago cubrió sus títulos; "
            "si el convenio se incumple, el proceso se reanuda en ella."
        ),
    )
    abierto_en = models.DateTimeField(_("abierto en"), default=timezone.now)
    cerrado_en = models.DateTimeField(_("cerrado en"), null=True, blank=True)
    monto_inicial = models.DecimalField(
        _("monto al iniciar"), max_digits=14, decimal_places=2, default=0
    )
    insolvencia_remitido_el = models.DateField(
        _("remitido a juicio de insolvencia el"), null=True, blank=True
    )
    insolvencia_saldo = models.DecimalField(
        _("saldo adeudado al remitir"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Capital, intereses, multas y recargos de los títulos aún adeudados."),
    )
    insolvencia_estado = models.CharField(
        _("estado del juicio de insolvencia"),
        max_length=500,
        blank=True,
        help_text=_("Lo último que el Área de Patrocinio informó del juicio."),
    )
    insolvencia_estado_el = models.DateField(_("estado informado el"), null=True, blank=True)

    class Meta:
        ordering = ["-anio", "-secuencial"]
        verbose_name = _("juicio coactivo")
        verbose_name_plural = _("juicios coactivos")
        permissions = [
            ("gestionar_juicio", _("Puede impulsar procesos coactivos (etapas y medidas)")),
            ("sortear_titulos", _("Puede realizar el sorteo de títulos de crédito")),
            ("anular_oficio", _("Puede anular oficios de levantamiento")),
            (
                "firmar_oficio",
                _("Puede firmar oficios de levantamiento (Director Provincial, juez de coactiva)"),
            ),
            ("ver_reportes", _("Puede ver los reportes de coactiva")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["unidad", "anio", "secuencial"], name="juicio_numero_unico"
            ),
            models.CheckConstraint(
                condition=Q(etapa__in=["cancelado", "anulado", "archivado", "insolvencia"])
                | Q(cerrado_en__isnull=True),
                name="juicio_abierto_sin_cierre",
            ),
            models.CheckConstraint(
                condition=Q(insolvencia_saldo__isnull=True) | Q(insolvencia_saldo__gt=0),
                name="juicio_insolvencia_saldo_positivo",
            ),
        ]
        indexes = [
            models.Index(fields=["unidad", "etapa"], name="juicio_unidad_etapa"),
            models.Index(fields=["secretario", "etapa"], name="juicio_secretario_etapa"),
            models.Index(fields=["vence_en"], name="juicio_vence_en"),
            models.Index(fields=["empleador", "-abierto_en"], name="juicio_empleador"),
        ]

    def __str__(self) -> str:
        return f"Juicio coactivo N.º {self.numero}"

    @property
    def numero(self) -> str:
        provincia = self.unidad.provincia_id or "00"
        return f"{provincia}-JC-{self.anio}-{self.secuencial:05d}"

    @property
    def abierto(self) -> bool:
        """Not ended (a process in convenio is still open: it may resume)."""
        return self.etapa not in self.TERMINALES

    @property
    def en_curso(self) -> bool:
        """Open and being pursued: not ended and not suspended by a convenio."""
        return self.abierto and self.etapa not in self.SUSPENDIDAS


class JuicioTitulo(models.Model):
    """The títulos a process covers. A título is in at most one process."""

    juicio = models.ForeignKey(JuicioCoactivo, on_delete=models.PROTECT, related_name="lineas")
    titulo = models.OneToOneField(
        "cartera.TituloCredito",
        verbose_name=_("título de crédito"),
        on_delete=models.PROTECT,
        related_name="juicio_linea",
    )

    class Meta:
        ordering = ["juicio_id", "titulo_id"]
        verbose_name = _("título del proceso")
        verbose_name_plural = _("títulos del proceso")

    def __str__(self) -> str:
        return f"{self.titulo} en {self.juicio}"


def _actuacion_archivo(instance: Actuacion, filename: str) -> str:
    from core.storage import generated_name

    return generated_name("coactiva/actuaciones", "pdf")


class Actuacion(AppendOnlyModel):
    """One entry of the process file, in order: what happened, when, who, and the
    pages it adds to the expediente from folio `folio_desde` (C.D. 497: numbered,
    ordered, foliated). An entry without a file is printed as a one-page record
    ("razón") in the expediente."""

    class Tipo(models.TextChoices):
        APERTURA = "apertura", _("Sorteo y apertura")
        ETAPA = "etapa", _("Cambio de etapa")
        MEDIDA = "medida", _("Medida cautelar")
        TITULO = "titulo", _("Título de crédito")
        LEVANTAMIENTO = "levantamiento", _("Levantamiento de medidas")
        OFICIO = "oficio", _("Oficio")
        ESCRITO = "escrito", _("Escrito o documento")
        INSOLVENCIA = "insolvencia", _("Juicio de insolvencia")

    juicio = models.ForeignKey(JuicioCoactivo, on_delete=models.PROTECT, related_name="actuaciones")
    numero = models.PositiveIntegerField(_("n.º"))
    tipo = models.CharField(_("tipo"), max_length=16, choices=Tipo.choices)
    descripcion = models.CharField(_("descripción"), max_length=1000)
    etapa = models.CharField(
        _("etapa"), max_length=16, choices=JuicioCoactivo.Etapa.choices, blank=True
    )
    en = models.DateTimeField(_("fecha"), default=timezone.now)
    por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    archivo = models.FileField(
        _("documento"), storage=private_storage, upload_to=_actuacion_archivo, blank=True
    )
    documento = models.ForeignKey(
        DocumentoVerificable,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Documento verificable (oficio) cuyo PDF forma parte del expediente."),
    )
    folio_desde = models.PositiveIntegerField(_("folio"))
    paginas = models.PositiveSmallIntegerField(_("fojas"), default=1)

    class Meta:
        ordering = ["juicio_id", "numero"]
        verbose_name = _("actuación")
        verbose_name_plural = _("actuaciones")
        constraints = [
            models.UniqueConstraint(fields=["juicio", "numero"], name="actuacion_numero_unico"),
            models.UniqueConstraint(fields=["juicio", "folio_desde"], name="actuacion_folio_unico"),
            models.CheckConstraint(condition=Q(paginas__gte=1), name="actuacion_con_fojas"),
        ]

    def __str__(self) -> str:
        return f"{self.numero}. {self.descripcion[:80]}"

    @property
    def folio_hasta(self) -> int:
        return self.folio_desde + self.paginas - 1


class Entidad(models.TextChoices):
    """Who must be told to register, and later to lift, a measure."""

    INSTITUCION_FINANCIERA = "institucion_financiera", _("Institución financiera")
    REGISTRO_PROPIEDAD = "registro_propiedad", _("Registro de la Propiedad")
    ANT = "ant", _("Agencia Nacional de Tránsito")
    DEPOSITARIO = "depositario", _("Depositario judicial")


class Levantamiento(models.Model):
    """The lifting of a process's measures before one entity (Reglamento art. 176): one
    oficio (core.DocumentoVerificable, tipo OFICIO_LEVANTAMIENTO) per process and
    entity. Opened automatically when the last título is extinguished, or on the
    debtor's request; the oficio's PDF is rendered by a task and then waits for the
    signature of the Director Provincial (FirmaOficio), which puts it in force and
    lifts the measures. States change only through
    coactiva.services.levantamiento_transicion."""

    class Origen(models.TextChoices):
        AUTOMATICO = "automatico", _("Automático (títulos extinguidos)")
        SOLICITUD = "solicitud", _("Solicitud del deudor (Ventanilla Virtual)")
        MANUAL = "manual", _("Dispuesto por el Secretario-Abogado")

    class Estado(models.TextChoices):
        PENDIENTE = "pendiente", _("Oficio en preparación")
        POR_FIRMAR = "por_firmar", _("Oficio por firmar")
        EMITIDO = "emitido", _("Oficio firmado y emitido")
        ANULADO = "anulado", _("Oficio anulado")

    juicio = models.ForeignKey(
        JuicioCoactivo, on_delete=models.PROTECT, related_name="levantamientos"
    )
    entidad_tipo = models.CharField(_("tipo de entidad"), max_length=30, choices=Entidad.choices)
    entidad_nombre = models.CharField(_("entidad"), max_length=200)
    entidad_clave = models.CharField(max_length=260, editable=False)
    origen = models.CharField(_("origen"), max_length=12, choices=Origen.choices)
    solicitud = models.ForeignKey(
        "tramites.Solicitud",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="levantamientos",
    )
    estado = models.CharField(
        _("estado"), max_length=10, choices=Estado.choices, default=Estado.PENDIENTE
    )
    oficio = models.OneToOneField(
        DocumentoVerificable,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="levantamiento",
    )
    abierto_en = models.DateTimeField(_("abierto en"), default=timezone.now)
    abierto_por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    emitido_en = models.DateTimeField(_("oficio firmado y emitido en"), null=True, blank=True)
    intentos = models.PositiveSmallIntegerField(_("intentos"), default=0)
    ultimo_error = models.TextField(_("último error"), blank=True)

    class Meta:
        ordering = ["-abierto_en", "id"]
        verbose_name = _("levantamiento de medidas")
        verbose_name_plural = _("levantamientos de medidas")
        constraints = [
            models.UniqueConstraint(
                fields=["juicio", "entidad_clave"],
                condition=~Q(estado="anulado"),
                name="un_levantamiento_por_entidad",
            ),
        ]
        indexes = [
            models.Index(
                fields=["abierto_en"],
                condition=Q(estado="pendiente"),
                name="levantamiento_pendiente",
            ),
            models.Index(
                fields=["abierto_en"],
                condition=Q(estado="por_firmar"),
                name="levantamiento_por_firmar",
            ),
        ]

    def __str__(self) -> str:
        return f"Levantamiento ante {self.entidad_nombre} ({self.juicio.numero})"

    @property
    def numero_oficio(self) -> str:
        """The oficio's number as printed on it, e.g. IESS-17-COA-2026-00012-OF."""
        return str(self.oficio.datos_publicos.get("Oficio N.º", "")) if self.oficio else ""


class LevantamientoHistorial(AppendOnlyModel):
    """Every state change of a levantamiento (its oficio prepared, signed, annulled)."""

    levantamiento = models.ForeignKey(
        Levantamiento, on_delete=models.PROTECT, related_name="historial"
    )
    de = models.CharField(_("de"), max_length=10, choices=Levantamiento.Estado.choices)
    a = models.CharField(_("a"), max_length=10, choices=Levantamiento.Estado.choices)
    en = models.DateTimeField(_("fecha"), default=timezone.now)
    por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    motivo = models.CharField(_("motivo"), max_length=500, blank=True)

    class Meta:
        ordering = ["en", "id"]
        verbose_name = _("cambio de estado de levantamiento")
        verbose_name_plural = _("historial de levantamientos")

    def __str__(self) -> str:
        return f"{self.get_de_display()} → {self.get_a_display()}"


def _firma_archivo(instance: FirmaOficio, filename: str) -> str:
    from core.storage import generated_name

    return generated_name("coactiva/oficios-revisados", "pdf")


class FirmaOficio(AppendOnlyModel):
    """The signature of an oficio de levantamiento by the authority that holds the
    coercive jurisdiction (the Director Provincial, DOMAIN.md §4): who, as what, when,
    and which PDF. The PDF the signer reviewed is kept as it was (its SHA-256 too), and
    the signed one differs from it only by the stamp in its signature space.

    No certified electronic signature is involved (there is no e-signature
    infrastructure here): this row is the platform's record of the signing act, and
    /verificar/ shows the oficio in force from it. Rows of oficios issued before the
    signing step existed (origen IMPRESO) hold the authority printed on them."""

    class Origen(models.TextChoices):
        PLATAFORMA = "plataforma", _("Firmado en la plataforma")
        IMPRESO = "impreso", _("Firmante impreso en el oficio (emitido antes de la firma)")

    levantamiento = models.OneToOneField(
        Levantamiento, on_delete=models.PROTECT, related_name="firma"
    )
    origen = models.CharField(_("origen"), max_length=10, choices=Origen.choices)
    firmado_por = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("usuario firmante"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    nombre = models.CharField(_("firmante"), max_length=200, blank=True)
    cargo = models.CharField(_("cargo"), max_length=200)
    firmado_en = models.DateTimeField(_("firmado en"))
    archivo_revisado = models.FileField(
        _("PDF revisado (antes de la firma)"),
        storage=private_storage,
        upload_to=_firma_archivo,
        blank=True,
    )
    sha256_revisado = models.CharField(_("SHA-256 del PDF revisado"), max_length=64, blank=True)
    sha256_firmado = models.CharField(_("SHA-256 del PDF firmado"), max_length=64, blank=True)

    class Meta:
        ordering = ["-firmado_en", "-id"]
        verbose_name = _("firma de oficio")
        verbose_name_plural = _("firmas de oficios")
        constraints = [
            models.CheckConstraint(
                condition=~Q(origen="plataforma") | Q(firmado_por__isnull=False),
                name="firma_plataforma_con_usuario",
            )
        ]

    def __str__(self) -> str:
        cuando = timezone.localtime(self.firmado_en)
        return f"Firma de {self.nombre or self.cargo} ({cuando:%d/%m/%Y %H:%M})"


class OficioPorFirmar(Levantamiento):
    """The signer's queue: levantamientos whose oficio is rendered and waits for the
    Director Provincial's signature (Levantamiento seen from the signing desk)."""

    class Meta:
        proxy = True
        verbose_name = _("oficio por firmar")
        verbose_name_plural = _("oficios por firmar")


class MedidaCautelar(models.Model):
    """A precautionary measure ordered in a process (DOMAIN.md §4), addressed to the
    entity that must register it and later be told to lift it."""

    class Tipo(models.TextChoices):
        RETENCION_FONDOS = "retencion_fondos", _("Retención de fondos")
        PROHIBICION_INMUEBLE = "prohibicion_inmueble", _("Prohibición de enajenar inmueble")
        PROHIBICION_VEHICULO = "prohibicion_vehiculo", _("Prohibición de enajenar vehículo")
        SECUESTRO = "secuestro", _("Secuestro")
        EMBARGO = "embargo", _("Embargo")

    class Estado(models.TextChoices):
        ORDENADA = "ordenada", _("Ordenada")
        VIGENTE = "vigente", _("Vigente")
        LEVANTAMIENTO_SOLICITADO = "levantamiento", _("Levantamiento solicitado")
        LEVANTADA = "levantada", _("Levantada")

    EN_FIRME: ClassVar[tuple[str, ...]] = (Estado.ORDENADA, Estado.VIGENTE)

    juicio = models.ForeignKey(JuicioCoactivo, on_delete=models.PROTECT, related_name="medidas")
    tipo = models.CharField(_("tipo"), max_length=24, choices=Tipo.choices)
    entidad_tipo = models.CharField(_("tipo de entidad"), max_length=30, choices=Entidad.choices)
    entidad_nombre = models.CharField(
        _("entidad"),
        max_length=200,
        help_text=_("P. ej. «Banco del Pichincha C.A.» o «Registro de la Propiedad de Quito»."),
    )
    entidad_clave = models.CharField(max_length=260, editable=False)
    cuenta = models.CharField(_("número de cuenta"), max_length=30, blank=True)
    predio = models.CharField(_("número de predio"), max_length=30, blank=True)
    canton = models.ForeignKey(
        Canton, verbose_name=_("cantón"), on_delete=models.PROTECT, null=True, blank=True
    )
    placa = models.CharField(_("placa"), max_length=10, blank=True)
    bien = models.CharField(_("descripción del bien"), max_length=300, blank=True)
    monto = models.DecimalField(
        _("monto retenido o garantizado"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    estado = models.CharField(
        _("estado"), max_length=14, choices=Estado.choices, default=Estado.ORDENADA
    )
    ordenada_en = models.DateTimeField(_("ordenada en"), default=timezone.now)
    levantamiento = models.ForeignKey(
        Levantamiento, on_delete=models.PROTECT, null=True, blank=True, related_name="medidas"
    )

    class Meta:
        ordering = ["juicio_id", "id"]
        verbose_name = _("medida cautelar")
        verbose_name_plural = _("medidas cautelares")
        indexes = [models.Index(fields=["estado"], name="medida_estado")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(tipo="retencion_fondos") | ~Q(cuenta=""),
                name="medida_retencion_con_cuenta",
            ),
            models.CheckConstraint(
                condition=~Q(tipo="prohibicion_inmueble")
                | (~Q(predio="") & Q(canton__isnull=False)),
                name="medida_inmueble_con_predio",
            ),
            models.CheckConstraint(
                condition=~Q(tipo="prohibicion_vehiculo") | ~Q(placa=""),
                name="medida_vehiculo_con_placa",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_tipo_display()} · {self.entidad_nombre}"

    @property
    def descripcion(self) -> str:
        """What the measure is on, as the oficio states it."""
        if self.tipo == self.Tipo.RETENCION_FONDOS:
            return f"Retención de fondos de la cuenta N.º {self.cuenta}"
        if self.tipo == self.Tipo.PROHIBICION_INMUEBLE:
            lugar = f"{self.canton.nombre}, {self.canton.provincia.nombre}" if self.canton else ""
            return f"Prohibición de enajenar el predio N.º {self.predio} ({lugar})"
        if self.tipo == self.Tipo.PROHIBICION_VEHICULO:
            return f"Prohibición de enajenar el vehículo de placa {self.placa}"
        return f"{self.get_tipo_display()}: {self.bien}"


class MedidaHistorial(AppendOnlyModel):
    """Every state change of a measure."""

    medida = models.ForeignKey(MedidaCautelar, on_delete=models.PROTECT, related_name="historial")
    de = models.CharField(_("de"), max_length=14, choices=MedidaCautelar.Estado.choices)
    a = models.CharField(_("a"), max_length=14, choices=MedidaCautelar.Estado.choices)
    en = models.DateTimeField(_("fecha"), default=timezone.now)
    por = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    motivo = models.CharField(_("motivo"), max_length=500, blank=True)

    class Meta:
        ordering = ["en", "id"]
        verbose_name = _("cambio de estado de medida")
        verbose_name_plural = _("historial de medidas")
        indexes = [models.Index(fields=["a", "en"], name="medida_historial_a_en")]

    def __str__(self) -> str:
        return f"{self.get_de_display()} → {self.get_a_display()}"


class TituloRecibido(TituloCredito):
    """The coactiva unit's inbox: títulos de crédito received from cartera that no
    process covers yet (cartera.TituloCredito seen from coactiva), where the sorteo is
    run from."""

    class Meta:
        proxy = True
        verbose_name = _("título recibido para sorteo")
        verbose_name_plural = _("títulos recibidos para sorteo")
