"""Per-trámite resolution hooks.

When staff approve or reject a Ventanilla Virtual request (back office), the trámite's
resolutor, if one is registered, does the domain work of that trámite and returns the
output documents: coactiva registers the levantamiento (oficios per entity), cartera
registers the impugnación de glosa and the payment agreements. A trámite without a
resolutor gets the generic resolution letter.

Apps register in their AppConfig.ready(), so no app imports another's services here:

    from tramites import resolutores
    resolutores.registrar("levantamiento-medidas-cautelares", levantamiento_resolver)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol


class Resolutor(Protocol):
    def __call__(self, *, solicitud: Any, aprobada: bool, motivo: str, por: Any) -> Sequence[Any]:
        """Runs inside the resolution's transaction. Returns the DocumentoVerificable
        rows (with their PDF attached) to hand to the filer, or an empty sequence to
        fall back to the generic resolution letter. Raises ValidationError with a
        Spanish message to refuse the resolution (nothing is saved)."""
        ...


_REGISTRO: dict[str, Callable[..., Sequence[Any]]] = {}


def registrar(slug: str, resolutor: Resolutor) -> None:
    _REGISTRO[slug] = resolutor


def resolutor_de(slug: str) -> Callable[..., Sequence[Any]] | None:
    return _REGISTRO.get(slug)
