"""The sorteo's draw as a pure function, so that it can be re-run from its log.

C.D. 497 3.5.3 d asks the unit to assign títulos de crédito to the Secretarios-Abogados
by sorteo, and to follow up their work: the draw is random (a recorded seed) and
balanced (each debtor's process goes to one of the lawyers with the lowest current
load). Same seed and same inputs → same result, on any machine and Python version
(random.Random with a string seed is stable across versions: "version 2" seeding)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

METODO = "carga-minima-v1"


@dataclass(frozen=True)
class Grupo:
    """The títulos of one debtor: they become one process."""

    empleador_id: int
    titulo_ids: tuple[int, ...]


@dataclass(frozen=True)
class Asignacion:
    empleador_id: int
    titulo_ids: tuple[int, ...]
    secretario_id: int


def sortear(*, semilla: str, grupos: Sequence[Grupo], cargas: dict[int, int]) -> list[Asignacion]:
    """Assign each group to a lawyer. `cargas` maps each active lawyer to the number of
    open processes they hold. The groups are taken in a random order; each goes to a
    lawyer drawn at random among those with the lowest load so far."""
    if not cargas:
        raise ValueError("No hay Secretarios-Abogados activos para el sorteo.")
    rng = random.Random(f"{METODO}:{semilla}")  # noqa: S311 - reproducible draw  # nosec B311
    carga = dict(sorted(cargas.items()))
    orden = sorted(grupos, key=lambda g: (g.empleador_id, g.titulo_ids))
    rng.shuffle(orden)
    resultado = []
    for grupo in orden:
        minima = min(carga.values())
        candidatos = [s for s, n in carga.items() if n == minima]
        elegido = rng.choice(candidatos)
        carga[elegido] += 1
        resultado.append(Asignacion(grupo.empleador_id, grupo.titulo_ids, elegido))
    return resultado


def entradas_serializar(grupos: Sequence[Grupo], cargas: dict[int, int]) -> dict[str, object]:
    return {
        "grupos": [[g.empleador_id, list(g.titulo_ids)] for g in grupos],
        "cargas": [[s, n] for s, n in sorted(cargas.items())],
    }


def entradas_leer(entradas: dict[str, object]) -> tuple[list[Grupo], dict[int, int]]:
    grupos = [Grupo(int(e), tuple(int(t) for t in ts)) for e, ts in entradas["grupos"]]  # type: ignore[attr-defined]
    cargas = {int(s): int(n) for s, n in entradas["cargas"]}  # type: ignore[attr-defined]
    return grupos, cargas


def resultado_serializar(asignaciones: Sequence[Asignacion]) -> list[list[object]]:
    return [[a.empleador_id, list(a.titulo_ids), a.secretario_id] for a in asignaciones]
