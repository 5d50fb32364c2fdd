"""Conditions of requisites, as data (Requisito.condicion).

A condition is a small JSON rule on the Ventanilla form's answers:

    None or {}                                   always applies
    {"campo": "medidas", "en": ["inmueble"]}     the answer (one value or a list of
                                                 values) includes one of these
    {"todos": [c1, c2]}  {"alguno": [c1, c2]}  {"no": c}

Fields: `calidad` (titular / representante_legal / tercero_autorizado),
`tipo_identificacion` (cedula / ruc / extranjero) and the `clave` of every Pregunta of the
trámite. The same rule decides on the server which slots are required and, when it is a
single `campo`/`en` rule, which slots the browser reveals in place.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError

CAMPOS_GENERALES = {"calidad", "tipo_identificacion"}


def cumple(condicion: Mapping[str, Any] | None, respuestas: Mapping[str, Any]) -> bool:
    if not condicion:
        return True
    if "todos" in condicion:
        return all(cumple(c, respuestas) for c in condicion["todos"])
    if "alguno" in condicion:
        return any(cumple(c, respuestas) for c in condicion["alguno"])
    if "no" in condicion:
        return not cumple(condicion["no"], respuestas)
    valor = respuestas.get(condicion["campo"])
    valores = set(valor) if isinstance(valor, list | tuple | set) else {valor}
    return bool(valores & {str(v) for v in condicion.get("en", [])})


def revelar_cuando(condicion: Mapping[str, Any] | None) -> str:
    """The `data-reveal-when` attribute for static/js/portal.js, or "" when the rule is
    not a single field test (such slots stay visible; the server still decides)."""
    if not condicion or set(condicion) != {"campo", "en"}:
        return ""
    return f"{condicion['campo']}={'|'.join(str(v) for v in condicion['en'])}"


def campos(condicion: Mapping[str, Any] | None) -> set[str]:
    if not condicion:
        return set()
    if "campo" in condicion:
        return {condicion["campo"]}
    hijos: Iterable[Any] = condicion.get("todos") or condicion.get("alguno") or []
    if "no" in condicion:
        hijos = [condicion["no"]]
    return set().union(*(campos(c) for c in hijos)) if hijos else set()


def validar(condicion: Any, *, claves: Iterable[str] = ()) -> None:
    """Raise ValidationError (Spanish) unless `condicion` is a well-formed rule over
    known fields (the admin calls this before saving a requisite)."""
    conocidos = CAMPOS_GENERALES | set(claves)

    def revisar(c: Any, ruta: str) -> None:
        if c in (None, {}):
            return
        if not isinstance(c, dict):
            raise ValidationError(f"La condición {ruta} debe ser un objeto JSON.")
        if "todos" in c or "alguno" in c:
            clave = "todos" if "todos" in c else "alguno"
            if set(c) != {clave} or not isinstance(c[clave], list) or not c[clave]:
                raise ValidationError(
                    f"«{clave}» debe ser la única clave y contener una lista de condiciones."
                )
            for i, hijo in enumerate(c[clave], 1):
                revisar(hijo, f"{ruta}.{clave}[{i}]")
            return
        if "no" in c:
            if set(c) != {"no"}:
                raise ValidationError("«no» debe ser la única clave de su condición.")
            revisar(c["no"], f"{ruta}.no")
            return
        if set(c) != {"campo", "en"}:
            raise ValidationError(
                f"La condición {ruta} debe tener exactamente «campo» y «en» "
                "(o ser «todos», «alguno» o «no»)."
            )
        if c["campo"] not in conocidos:
            raise ValidationError(
                f"El campo «{c['campo']}» no existe en el formulario; use uno de: "
                + ", ".join(sorted(conocidos))
                + "."
            )
        if not isinstance(c["en"], list) or not c["en"]:
            raise ValidationError(f"«en» de la condición {ruta} debe ser una lista de valores.")

    revisar(condicion, "principal")
