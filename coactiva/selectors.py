"""Coactiva reads used by other apps.

`levantamiento_precheck` is the contract the Ventanilla Virtual form calls (issue:
trámite catalogue) before a levantamiento is filed; the coactiva issue implements it
over JuicioCoactivo/MedidaCautelar. Until then it knows no processes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class MedidaResumen:
    id: int
    # MedidaCautelar.Tipo value: retencion_fondos, prohibicion_inmueble, prohibicion_vehiculo, …
    tipo: str
    descripcion: str  # e.g. "Prohibición de enajenar el predio 123456 (Quito, Pichincha)"
    entidad: str  # e.g. "Registro de la Propiedad de Quito"
    estado: str


@dataclass(frozen=True)
class TituloPendiente:
    numero: str
    estado: str
    saldo: Decimal  # still owed today, interest and costs included


@dataclass(frozen=True)
class ProcesoElegibilidad:
    juicio_id: int
    numero: str
    elegible: bool
    motivos: list[str] = field(default_factory=list)  # Spanish, why not (empty when elegible)
    pendientes: list[TituloPendiente] = field(default_factory=list)
    medidas: list[MedidaResumen] = field(default_factory=list)  # vigentes, liftable ones


def levantamiento_precheck(*, empleador: Any) -> list[ProcesoElegibilidad]:
    """The employer's coactiva processes with measures in force, each saying whether its
    measures can be lifted (every título CANCELADO or ANULADO, Reglamento art. 176) and,
    if not, which título still owes how much."""
    return []


@dataclass(frozen=True)
class ProcesoResumen:
    """One of an employer's coactiva processes as the employer portal lists it."""

    juicio_id: int
    numero: str
    etapa: str  # display label of the stage
    unidad: str  # coactiva unit name
    abierto_el: Any  # datetime.date
    saldo: Decimal  # owed today across its títulos
    medidas: list[MedidaResumen] = field(default_factory=list)  # every measure, any state


def procesos_de_empleador(*, empleador: Any) -> list[ProcesoResumen]:
    """The employer's coactiva processes (newest first) with their measures, for
    /empleador/. Implemented by the coactiva issue; knows none until then."""
    return []
