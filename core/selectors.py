"""Who may see what: the territorial scope of a staff member (DOMAIN.md §1).

* Supervisor nacional, auditor and superusers: the whole country.
* Director provincial: every unit of their province.
* Everyone else (analistas, secretarios-abogados, jefes/líderes): their own unit.
* Employers and anonymous users: nothing of the back office.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from core import roles

M = TypeVar("M", bound=Model)


class Nivel(StrEnum):
    NACIONAL = "nacional"
    PROVINCIA = "provincia"
    UNIDAD = "unidad"
    NINGUNO = "ninguno"


@dataclass(frozen=True)
class Alcance:
    nivel: Nivel
    provincia_id: str | None = None
    unidad_id: int | None = None

    def q(self, *, unidad: str | None = "unidad", provincia: str | None = None) -> Q:
        """A filter for rows whose unit is reached through `unidad` (a lookup path) and
        whose province through `provincia` (default: `<unidad>__provincia`)."""
        unidad = unidad or "unidad"
        provincia = provincia or f"{unidad}__provincia"
        if self.nivel is Nivel.NACIONAL:
            return Q()
        if self.nivel is Nivel.PROVINCIA:
            return Q(**{f"{provincia}_id": self.provincia_id})
        if self.nivel is Nivel.UNIDAD:
            return Q(**{f"{unidad}_id": self.unidad_id})
        return Q(pk__in=[])

    def filter(self, queryset: QuerySet[M], **paths: str | None) -> QuerySet[M]:
        return queryset.filter(self.q(**paths))


def group_names(user: Any) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True)) if user.pk else frozenset()
        user._role_names = cached
    return cached


def has_role(user: Any, *names: str) -> bool:
    return bool(group_names(user) & set(names))


def alcance_de(user: Any) -> Alcance:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff", False):
        return Alcance(Nivel.NINGUNO)
    if user.is_superuser or has_role(user, roles.SUPERVISOR_NACIONAL, roles.AUDITOR):
        return Alcance(Nivel.NACIONAL)
    unidad = user.unidad
    if unidad is None:
        return Alcance(Nivel.NINGUNO)
    if has_role(user, roles.DIRECTOR_PROVINCIAL) and unidad.provincia_id:
        return Alcance(Nivel.PROVINCIA, provincia_id=unidad.provincia_id)
    return Alcance(Nivel.UNIDAD, provincia_id=unidad.provincia_id, unidad_id=unidad.pk)


def unidad_que_atiende(*, provincia_id: str, tipo: str) -> Any:
    """The active unit of `tipo` in a province (e.g. Gestión de Coactiva de Pichincha)."""
    from core.models import Unidad

    return Unidad.objects.filter(provincia_id=provincia_id, tipo=tipo, activa=True).first()
