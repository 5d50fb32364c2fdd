"""Employers and their obligations (DOMAIN.md §2-3)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.identificacion import TIPO_PERSONA_CHOICES
from core.models import Canton, Provincia


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
