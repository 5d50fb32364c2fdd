"""factory_boy factories shared by the suite. One Trait per interesting state."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from cartera.models import Empleador, Sucursal
from core import roles
from core.identificacion import generar_cedula, generar_ruc_privado
from core.models import Canton, Provincia, Unidad, User

PASSWORD = "Clave-de-prueba-2026"


def _ruc(n: int) -> str:
    serial = 500_000 + n
    while (ruc := generar_ruc_privado(17, serial)) is None:
        serial += 1
    return ruc


class EmpleadorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Empleador
        django_get_or_create = ("identificacion",)
        skip_postgeneration_save = True

    identificacion = factory.Sequence(lambda n: _ruc(n * 3))
    tipo_persona = "sociedad_privada"
    razon_social = factory.Sequence(lambda n: f"Empresa de Prueba {n} S.A.")
    representante_nombre = "Ana María Pérez Torres"
    representante_identificacion = factory.Sequence(lambda n: generar_cedula(17, 9000 + n))
    provincia = factory.LazyFunction(lambda: Provincia.objects.get(pk="17"))
    canton = factory.LazyFunction(lambda: Canton.objects.get(pk="1701"))
    direccion = "Av. 10 de Agosto N20-30, Quito"
    email = factory.Sequence(lambda n: f"empresa{n}@correo.test")

    @factory.post_generation
    def sucursal(self, create: bool, extracted: object, **kwargs: object) -> None:
        if create:
            Sucursal.objects.get_or_create(
                empleador=self,
                numero="001",
                defaults={"nombre": "Matriz", "provincia": self.provincia},
            )

    class Params:
        guayas = factory.Trait(
            provincia=factory.LazyFunction(lambda: Provincia.objects.get(pk="09")),
            canton=factory.LazyFunction(lambda: Canton.objects.get(pk="0901")),
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"usuario{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@iess.test")
    first_name = "Prueba"
    last_name = "Usuario"
    tipo = User.Tipo.FUNCIONARIO
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)


def staff(role: str, unidad: str, username: str | None = None, **kwargs: object) -> User:
    """A staff member with `role` in the unit with code `unidad` (e.g. "17-coactiva")."""
    user = UserFactory(
        username=username or f"{role.split()[0].lower()}-{unidad}",
        is_staff=True,
        unidad=Unidad.objects.get(codigo=unidad),
        **kwargs,
    )
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


def empleador_user(empleador: Empleador) -> User:
    user = UserFactory(
        username=empleador.identificacion,
        tipo=User.Tipo.EMPLEADOR,
        identificacion=empleador.identificacion,
    )
    user.save()
    empleador.cuenta = user
    empleador.save(update_fields=["cuenta"])
    return user


ROLE = roles  # re-export for tests: factories.ROLE.JEFE_UNIDAD
