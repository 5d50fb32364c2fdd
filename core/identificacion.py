"""Ecuadorian identifiers (DOMAIN.md §2): cédula, RUC, and the identification code of
foreigners. python-stdnum is the authority on validity; the checks before it exist to
tell the person, in Spanish, exactly what is wrong."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from stdnum.ec import ci as stdnum_ci
from stdnum.ec import ruc as stdnum_ruc


class TipoIdentificacion(StrEnum):
    CEDULA = "cedula"
    RUC = "ruc"
    EXTRANJERO = "extranjero"


class TipoPersona(StrEnum):
    NATURAL = "natural"
    SOCIEDAD_PUBLICA = "sociedad_publica"
    SOCIEDAD_PRIVADA = "sociedad_privada"


TIPO_IDENTIFICACION_CHOICES = [
    (TipoIdentificacion.CEDULA.value, "Cédula"),
    (TipoIdentificacion.RUC.value, "RUC"),
    (TipoIdentificacion.EXTRANJERO.value, "Código de identificación de extranjeros / pasaporte"),
]
TIPO_PERSONA_CHOICES = [
    (TipoPersona.NATURAL.value, "Persona natural"),
    (TipoPersona.SOCIEDAD_PUBLICA.value, "Sociedad pública"),
    (TipoPersona.SOCIEDAD_PRIVADA.value, "Sociedad privada"),
]

_PROVINCIAS_VALIDAS = {f"{n:02d}" for n in range(1, 25)} | {"30"}
_EXTRANJERO_RE = re.compile(r"^[A-Z0-9]{5,20}$")
_PESOS_RUC_PUBLICO = (3, 2, 7, 6, 5, 4, 3, 2, 1)  # digits 1-8 and the check digit


@dataclass(frozen=True)
class Identificacion:
    tipo: TipoIdentificacion
    numero: str
    tipo_persona: TipoPersona


def _limpiar(numero: str) -> str:
    return re.sub(r"[\s.\-]", "", numero or "")


def validar_cedula(numero: str) -> str:
    """Return the cédula compacted, or raise ValidationError naming the problem."""
    numero = _limpiar(numero)
    if not numero:
        raise ValidationError("Ingrese el número de cédula.", code="required")
    if not numero.isdigit():
        raise ValidationError("La cédula solo puede contener dígitos.", code="formato")
    if len(numero) != 10:
        raise ValidationError(
            f"La cédula debe tener 10 dígitos; el número ingresado tiene {len(numero)}.",
            code="longitud",
        )
    if numero[:2] not in _PROVINCIAS_VALIDAS:
        raise ValidationError(
            f"Los dos primeros dígitos de la cédula ({numero[:2]}) no corresponden a una "
            "provincia (01 a 24) ni a ecuatorianos registrados en el exterior (30).",
            code="provincia",
        )
    if numero[2] >= "6":
        raise ValidationError(
            f"El tercer dígito de la cédula debe ser menor que 6; es {numero[2]}.",
            code="tercer_digito",
        )
    if not stdnum_ci.is_valid(numero):
        raise ValidationError(
            "El dígito verificador de la cédula no corresponde; revise el número.",
            code="verificador",
        )
    return numero


def tipo_persona_ruc(numero: str) -> TipoPersona:
    """Classify a RUC by its third digit (0-5 natural, 6 pública, 9 privada)."""
    tercero = numero[2]
    if tercero == "6":
        return TipoPersona.SOCIEDAD_PUBLICA
    if tercero == "9":
        return TipoPersona.SOCIEDAD_PRIVADA
    return TipoPersona.NATURAL


def validar_ruc(numero: str) -> str:
    """Return the RUC compacted, or raise ValidationError naming the problem."""
    numero = _limpiar(numero)
    if not numero:
        raise ValidationError("Ingrese el número de RUC.", code="required")
    if not numero.isdigit():
        raise ValidationError("El RUC solo puede contener dígitos.", code="formato")
    if len(numero) != 13:
        raise ValidationError(
            f"El RUC debe tener 13 dígitos; el número ingresado tiene {len(numero)}.",
            code="longitud",
        )
    if numero[:2] not in _PROVINCIAS_VALIDAS:
        raise ValidationError(
            f"Los dos primeros dígitos del RUC ({numero[:2]}) no corresponden a una provincia.",
            code="provincia",
        )
    tercero = numero[2]
    if tercero in "78":
        raise ValidationError(
            f"El tercer dígito del RUC ({tercero}) no corresponde a ningún tipo de "
            "contribuyente: 0-5 persona natural, 6 sociedad pública, 9 sociedad privada.",
            code="tercer_digito",
        )
    tipo = tipo_persona_ruc(numero)
    if tipo is TipoPersona.SOCIEDAD_PUBLICA:
        if numero[-4:] == "0000":
            raise ValidationError(
                "Los cuatro últimos dígitos del RUC de una sociedad pública (establecimiento) "
                "no pueden ser 0000.",
                code="establecimiento",
            )
    elif numero[-3:] == "000":
        raise ValidationError(
            "Los tres últimos dígitos del RUC (establecimiento) no pueden ser 000.",
            code="establecimiento",
        )
    if tipo is TipoPersona.NATURAL:
        try:
            validar_cedula(numero[:10])
        except ValidationError as exc:
            raise ValidationError(
                "Los diez primeros dígitos del RUC de una persona natural deben ser una cédula "
                f"válida: {exc.messages[0]}",
                code="cedula",
            ) from None
    # python-stdnum accepts a third digit 6 also as a persona natural's RUC (a cédula
    # with third digit 6 plus establishment), which DOMAIN.md §2 rules out (cédulas have
    # a third digit below 6): a sociedad pública must pass its own mod-11 check.
    publico_invalido = (
        tipo is TipoPersona.SOCIEDAD_PUBLICA
        and sum(p * int(d) for p, d in zip(_PESOS_RUC_PUBLICO, numero, strict=False)) % 11 != 0
    )
    if publico_invalido or not stdnum_ruc.is_valid(numero):
        nombre = {
            TipoPersona.SOCIEDAD_PUBLICA: "sociedad pública",
            TipoPersona.SOCIEDAD_PRIVADA: "sociedad privada",
            TipoPersona.NATURAL: "persona natural",
        }[tipo]
        raise ValidationError(
            f"El dígito verificador del RUC ({nombre}) no corresponde; revise el número.",
            code="verificador",
        )
    return numero


def validar_extranjero(numero: str) -> str:
    numero = _limpiar(numero).upper()
    if not _EXTRANJERO_RE.match(numero):
        raise ValidationError(
            "El código de identificación de extranjeros o pasaporte debe tener de 5 a 20 "
            "letras o dígitos, sin espacios ni símbolos.",
            code="formato",
        )
    return numero


def validar(numero: str, tipo: str | TipoIdentificacion) -> Identificacion:
    """Validate `numero` as an identifier of `tipo`."""
    tipo = TipoIdentificacion(tipo)
    if tipo is TipoIdentificacion.CEDULA:
        return Identificacion(tipo, validar_cedula(numero), TipoPersona.NATURAL)
    if tipo is TipoIdentificacion.RUC:
        limpio = validar_ruc(numero)
        return Identificacion(tipo, limpio, tipo_persona_ruc(limpio))
    return Identificacion(tipo, validar_extranjero(numero), TipoPersona.NATURAL)


def validar_empleador(numero: str) -> Identificacion:
    """An employer is identified by its RUC or, for domestic employers and personas
    naturales without RUC, by its cédula: decided by the length entered."""
    limpio = _limpiar(numero)
    if len(limpio) == 10:
        return validar(limpio, TipoIdentificacion.CEDULA)
    return validar(limpio, TipoIdentificacion.RUC)


# --- Generation (demo data and tests) ------------------------------------------------


def _digito_cedula(nueve: str) -> str:
    total = 0
    for i, ch in enumerate(nueve):
        producto = int(ch) * (2 if i % 2 == 0 else 1)
        total += producto - 9 if producto > 9 else producto
    return str((10 - total % 10) % 10)


def generar_cedula(provincia: int, serial: int) -> str:
    """A valid cédula for province `provincia` (1-24) built from `serial` (< 10**7)."""
    base = f"{provincia:02d}{serial % 6}{serial // 6 % 10**6:06d}"
    return base + _digito_cedula(base)


def generar_ruc_privado(provincia: int, serial: int) -> str | None:
    """A valid RUC of a sociedad privada (third digit 9) from `serial` (< 10**6), or None
    for the serials whose mod-11 check digit would be 10 (no such RUC exists)."""
    pesos = [4, 3, 2, 7, 6, 5, 4, 3, 2]
    base = f"{provincia:02d}9{serial % 10**6:06d}"
    resto = sum(p * int(d) for p, d in zip(pesos, base, strict=True)) % 11
    digito = 0 if resto == 0 else 11 - resto
    return None if digito == 10 else f"{base}{digito}001"


def generar_ruc_natural(provincia: int, serial: int) -> str:
    return generar_cedula(provincia, serial) + "001"
