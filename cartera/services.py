"""Cartera services: every write to employers and their obligations goes through here."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cartera.models import Empleador, Sucursal
from core import identificacion as ident
from core.models import Canton, Provincia


def empleador_create(
    *,
    identificacion: str,
    razon_social: str,
    representante_nombre: str,
    representante_identificacion: str,
    provincia: Provincia,
    direccion: str,
    email: str,
    representante_tipo_id: str = Empleador.TipoRepresentanteId.CEDULA,
    canton: Canton | None = None,
    sector: str = Empleador.Sector.PRIVADO,
    extranjero: bool = False,
    telefono: str = "",
    celular: str = "",
    sucursales: list[dict[str, Any]] | None = None,
) -> Empleador:
    """Register an employer (DOMAIN.md §2). The RUC or cédula is validated with
    python-stdnum and classified (persona natural / sociedad pública / privada) by the
    RUC's third digit; the representative's cédula is validated too. Creates sucursal
    001 (or the RUC's own establishment) when none is given."""
    errores: dict[str, list[str]] = {}
    try:
        valido = ident.validar_empleador(identificacion)
    except ValidationError as exc:
        errores["identificacion"] = exc.messages
        valido = None
    try:
        rep = ident.validar(representante_identificacion, representante_tipo_id)
    except ValidationError as exc:
        errores["representante_identificacion"] = exc.messages
        rep = None
    if not razon_social.strip():
        errores["razon_social"] = ["Ingrese la razón social."]
    if errores or valido is None or rep is None:
        raise ValidationError(errores)
    if Empleador.objects.filter(identificacion=valido.numero).exists():
        raise ValidationError(
            {"identificacion": [f"Ya existe un empleador registrado con {valido.numero}."]}
        )
    if (
        sector == Empleador.Sector.PUBLICO
        and valido.tipo_persona != ident.TipoPersona.SOCIEDAD_PUBLICA
    ):
        raise ValidationError(
            {
                "sector": [
                    "Un empleador del sector público debe tener RUC de sociedad pública "
                    "(tercer dígito 6)."
                ]
            }
        )

    with transaction.atomic():
        empleador = Empleador.objects.create(
            identificacion=valido.numero,
            tipo_persona=valido.tipo_persona,
            extranjero=extranjero,
            sector=sector,
            razon_social=razon_social.strip(),
            representante_nombre=representante_nombre.strip(),
            representante_tipo_id=representante_tipo_id,
            representante_identificacion=rep.numero,
            provincia=provincia,
            canton=canton,
            direccion=direccion,
            email=email,
            telefono=telefono,
            celular=celular,
        )
        default_numero = (
            valido.numero[10:13] if valido.tipo is ident.TipoIdentificacion.RUC else "001"
        )
        filas = sucursales or [{"numero": default_numero or "001", "nombre": "Matriz"}]
        Sucursal.objects.bulk_create(
            [
                Sucursal(
                    empleador=empleador,
                    numero=fila["numero"],
                    nombre=fila.get("nombre", ""),
                    direccion=fila.get("direccion", direccion),
                    provincia=fila.get("provincia", provincia),
                    canton=fila.get("canton", canton),
                )
                for fila in filas
            ]
        )
    return empleador
