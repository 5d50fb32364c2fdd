"""Legal parameters (DOMAIN.md §7): every legal value is data with a validity date,
never a literal in code. Code asks for the value in force on a date:

    valor("GLOSA_TERMINO_DIAS", en=fecha_notificacion)

Keys, types and defaults are declared here; the values live in core.Parametro and are
seeded by migration core/0003 with the defaults below. Staff edit them in the admin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.cache import Version


@dataclass(frozen=True)
class Definicion:
    tipo: type  # int, Decimal, str, list, dict
    descripcion: str
    inicial: Any
    base_legal: str = ""


DEFINICIONES: dict[str, Definicion] = {
    "GLOSA_TERMINO_DIAS": Definicion(
        int,
        "Término (días hábiles) para pagar o impugnar una glosa desde su notificación.",
        8,
        "Reglamento C.D. 516, art. 129; catálogo 'Notificación de glosas'",
    ),
    "GLOSA_RECORDATORIO_DIAS_HABILES": Definicion(
        int,
        "Días hábiles antes del último día del término de una glosa en que se recuerda al "
        "empleador pagarla o impugnarla (0: el mismo último día).",
        2,
        "Valor por defecto del portal (aviso opcional, no es una notificación legal)",
    ),
    "APP_TRAMOS_MESES": Definicion(
        list,
        "Tramos de plazo del acuerdo de pagos parciales, en meses: [[desde, hasta], ...].",
        [[1, 12], [13, 36]],
        "Catálogo 'Notificación de glosas' (acuerdos hasta 12 y de 13 a 36 meses)",
    ),
    "APP_CUOTAS_IMPAGAS_RUPTURA": Definicion(
        int, "Cuotas impagas que rompen un acuerdo de pagos parciales.", 1
    ),
    "APP_CUOTA_INICIAL_TERMINO_DIAS": Definicion(
        int,
        "Término (días hábiles) para pagar la cuota inicial de un acuerdo desde su aprobación.",
        8,
        "Valor por defecto (el término de la glosa); no se halló la norma",
    ),
    "SBU": Definicion(Decimal, "Salario básico unificado (USD).", Decimal("470.00")),
    "APP_UMBRAL_DIRECTOR_SBU_NATURAL": Definicion(
        Decimal,
        "Monto (en SBU) sobre el cual el Director Provincial aprueba un APP de persona natural.",
        Decimal("4"),
    ),
    "APP_UMBRAL_DIRECTOR_SBU_JURIDICA": Definicion(
        Decimal,
        "Monto (en SBU) sobre el cual el Director Provincial aprueba un APP de persona jurídica.",
        Decimal("25"),
    ),
    "PURGA_MORA_MAX_ANIOS": Definicion(
        int, "Plazo máximo del convenio de purga de mora (años).", 10
    ),
    "PURGA_MORA_GARANTIA_PCT": Definicion(
        Decimal,
        "Garantía exigida para el convenio de purga de mora (% de la deuda).",
        Decimal("125"),
    ),
    "PURGA_MORA_CUOTAS_IMPAGAS_COACTIVA": Definicion(
        int, "Cuotas impagas del convenio de purga de mora que lo envían a coactiva.", 2
    ),
    "MULTA_AVISO_ENTRADA_PCT": Definicion(
        Decimal, "Multa por aviso de entrada tardío (% del aporte).", Decimal("4")
    ),
    "PLANILLA_DIA_VENCIMIENTO": Definicion(
        int,
        "Día del mes siguiente al periodo hasta el que se paga la planilla sin mora.",
        15,
        "Pago de aportes hasta el día 15 del mes siguiente (DOMAIN.md §3)",
    ),
    "PAGO_ORDEN_IMPUTACION": Definicion(
        list,
        "Orden en que un pago parcial se imputa a los componentes de la deuda "
        "(intereses, capital, multas, recargos).",
        ["intereses", "capital", "multas", "recargos"],
        "Código Tributario, art. 47 (intereses, luego capital, al final multas), por analogía",
    ),
    "CERTIFICADO_VIGENCIA_DIAS": Definicion(
        int, "Vigencia del certificado de cumplimiento de obligaciones patronales (días).", 30
    ),
    "UPLOAD_MAX_BYTES": Definicion(
        int, "Tamaño máximo de cada archivo cargado (bytes).", 1_048_576, "Ventanilla Virtual: 1 MB"
    ),
    "UPLOAD_TIPOS": Definicion(list, "Tipos de archivo aceptados.", ["jpg", "pdf"]),
    "PDF_MAX_PAGINAS": Definicion(int, "Páginas máximas de un PDF cargado.", 50),
    "SUBSANACION_TERMINO_DIAS": Definicion(
        int,
        "Término (días hábiles) del solicitante para completar una solicitud observada; "
        "vencido sin respuesta, la solicitud se archiva.",
        10,
        "COA, art. 140 (subsanación en el término de diez días)",
    ),
    "COACTIVA_TERMINO_PAGO_VOLUNTARIO": Definicion(
        int, "Término del requerimiento de pago voluntario (días hábiles).", 10, "COA"
    ),
    "COACTIVA_TERMINO_CITACION": Definicion(
        int, "Término para pagar o dimitir bienes tras la orden de pago inmediato (días).", 3, "COA"
    ),
    "COACTIVA_FIRMA_RECORDATORIO_DIAS": Definicion(
        int,
        "Días hábiles que un oficio de levantamiento puede esperar la firma del Director "
        "Provincial antes de que se le recuerde cada día.",
        2,
        "Estándar de servicio interno (Reglamento C.D. 516, art. 176: levantamiento sin demora)",
    ),
}

# Part of every cached value's key; bumped when staff change a value (core.services).
VERSION = Version("parametros:version")


class ParametroDesconocido(KeyError):
    pass


class ParametroSinValor(LookupError):
    pass


def convertir(clave: str, crudo: Any) -> Any:
    """Turn a stored JSON value into its declared type, or raise ValidationError."""
    definicion = DEFINICIONES.get(clave)
    if definicion is None:
        raise ValidationError(f"El parámetro «{clave}» no está declarado.")
    tipo = definicion.tipo
    try:
        if tipo is Decimal:
            if isinstance(crudo, float):
                crudo = repr(crudo)
            return Decimal(str(crudo))
        if tipo is int:
            if isinstance(crudo, bool) or (isinstance(crudo, str) and not crudo.strip().isdigit()):
                raise ValueError
            return int(crudo)
        if tipo in (list, dict) and not isinstance(crudo, tipo):
            raise ValueError
        if tipo is str:
            return str(crudo)
        return crudo
    except (ValueError, InvalidOperation, TypeError):
        nombre = {
            int: "un número entero",
            Decimal: "un número",
            list: "una lista",
            dict: "un objeto",
        }
        raise ValidationError(
            f"El valor de «{clave}» debe ser {nombre.get(tipo, tipo.__name__)}."
        ) from None


def serializar(clave: str, valor: Any) -> Any:
    """The JSON form of a typed value (Decimal is stored as a string, never a float)."""
    valor = convertir(clave, valor)
    return str(valor) if isinstance(valor, Decimal) else valor


def invalidar_cache() -> None:
    VERSION.bump()


def valor(clave: str, en: dt.date | None = None) -> Any:
    """The value of parameter `clave` in force on date `en` (today by default)."""
    from core.models import Parametro

    if clave not in DEFINICIONES:
        raise ParametroDesconocido(clave)
    en = en or timezone.localdate()
    key = f"parametros:{VERSION.get()}:{clave}:{en.isoformat()}"
    encontrado = cache.get(key)
    if encontrado is None:
        fila = (
            Parametro.objects.filter(clave=clave, vigente_desde__lte=en)
            .order_by("-vigente_desde")
            .values_list("valor", flat=True)
            .first()
        )
        if fila is None:
            raise ParametroSinValor(
                f"El parámetro «{clave}» no tiene valor vigente al {en:%d/%m/%Y}."
            )
        encontrado = {"v": fila}
        cache.set(key, encontrado, timeout=300)
    return convertir(clave, encontrado["v"])
