"""Demo data shared by every app: staff accounts per role and unit, and the context
object that `manage.py seed_demo` hands to each app's demo.seed()."""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.models import Group
from django.core.management.base import OutputWrapper
from tqdm import tqdm

from core import roles
from core.models import Unidad, User

DEMO_PASSWORD = "Demo-IESS-2026"  # noqa: S105 - demo-only, printed on purpose  # nosec B105

T = TypeVar("T")


@dataclass
class DemoContext:
    rng: random.Random
    empleadores: int
    stdout: OutputWrapper
    progress_enabled: bool = True
    logins: list[tuple[str, str]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    def progress(
        self, iterable: Iterable[T], *, total: int | None = None, desc: str = ""
    ) -> Iterator[T]:
        yield from tqdm(
            iterable,
            total=total,
            desc=desc,
            unit="",
            disable=not self.progress_enabled,
            leave=False,
        )

    def login(
        self,
        perfil: str,
        usuario: str,
        clave: str = DEMO_PASSWORD,
        *,
        etiquetas: tuple[str, str] = ("usuario", "clave"),
    ) -> None:
        """Record a demo login for the summary; `etiquetas` name the two values where they
        are not a user name and password (the status lookup's number and identification)."""
        self.logins.append((perfil, f"{etiquetas[0]}: {usuario}  {etiquetas[1]}: {clave}"))


# (username, first, last, unit code, role, profile description)
STAFF = [
    (
        "analista.cartera.17",
        "Andrea",
        "Salazar",
        "17-cartera",
        roles.ANALISTA_CARTERA,
        "Analista de cartera, Pichincha",
    ),
    (
        "jefe.cartera.17",
        "Marcelo",
        "Proaño",
        "17-cartera",
        roles.JEFE_UNIDAD,
        "Jefe de la Unidad Provincial de Gestión de Cartera, Pichincha",
    ),
    (
        "secretario.17",
        "Lucía",
        "Andrade",
        "17-coactiva",
        roles.SECRETARIO_ABOGADO,
        "Secretaria-Abogada de coactiva, Pichincha",
    ),
    (
        "secretario2.17",
        "Diego",
        "Cevallos",
        "17-coactiva",
        roles.SECRETARIO_ABOGADO,
        "Secretario-Abogado de coactiva, Pichincha",
    ),
    (
        "jefe.coactiva.17",
        "Patricio",
        "Vásconez",
        "17-coactiva",
        roles.JEFE_UNIDAD,
        "Jefe de la Unidad Provincial de Gestión de Coactiva, Pichincha",
    ),
    (
        "director.17",
        "Gabriela",
        "Mena",
        "17-direccion",
        roles.DIRECTOR_PROVINCIAL,
        "Directora Provincial, Pichincha",
    ),
    (
        "director.09",
        "Ricardo",
        "Villacís",
        "09-direccion",
        roles.DIRECTOR_PROVINCIAL,
        "Director Provincial, Guayas",
    ),
    (
        "analista.cartera.09",
        "Jorge",
        "Briones",
        "09-cartera",
        roles.ANALISTA_CARTERA,
        "Analista de cartera, Guayas",
    ),
    (
        "secretario.09",
        "Karina",
        "Macías",
        "09-coactiva",
        roles.SECRETARIO_ABOGADO,
        "Secretaria-Abogada de coactiva, Guayas",
    ),
    (
        "jefe.coactiva.09",
        "Xavier",
        "Ordóñez",
        "09-coactiva",
        roles.JEFE_UNIDAD,
        "Jefe de la Unidad Provincial de Gestión de Coactiva, Guayas",
    ),
    (
        "analista.riesgos",
        "Verónica",
        "Jaramillo",
        "nacional-riesgos",
        roles.ANALISTA_CARTERA,
        "Analista, Seguro General de Riesgos del Trabajo",
    ),
    (
        "supervisor.nacional",
        "Fernando",
        "Cárdenas",
        "nacional-recaudacion",
        roles.SUPERVISOR_NACIONAL,
        "Supervisor nacional de recaudación y cartera",
    ),
    (
        "auditor",
        "Silvia",
        "Herrera",
        "nacional-recaudacion",
        roles.AUDITOR,
        "Auditora interna (solo lectura)",
    ),
]


def seed_staff(ctx: DemoContext) -> None:
    unidades = {u.codigo: u for u in Unidad.objects.all()}
    groups = {g.name: g for g in Group.objects.all()}
    for username, first, last, unidad, role, perfil in STAFF:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@demo.iess.test",
                "tipo": User.Tipo.FUNCIONARIO,
                "is_staff": True,
                "unidad": unidades[unidad],
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.add(groups[role])
        ctx.login(perfil, username)

    admin, created = User.objects.get_or_create(
        username="admin",
        defaults={
            "first_name": "Administrador",
            "last_name": "del sistema",
            "email": "admin@demo.iess.test",
            "tipo": User.Tipo.FUNCIONARIO,
            "is_staff": True,
            "is_superuser": True,
        },
    )
    if created:
        admin.set_password(DEMO_PASSWORD)
        admin.save(update_fields=["password"])
    ctx.login("Administrador (superusuario)", "admin")
    ctx.data["staff"] = {u.username: u for u in User.objects.filter(tipo=User.Tipo.FUNCIONARIO)}
