"""factory_boy factories shared by the suite. One Trait per interesting state."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

import factory
from django.contrib.auth.models import Group

from cartera.models import Empleador, Glosa, Planilla, Sucursal
from cartera.services import fecha_vencimiento, termino_glosa
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


# --- Cartera: obligations -------------------------------------------------------------


def _periodo(n: int) -> dt.date:
    """Past months from December 2024 backwards (eight years, then again), clear of the
    2025-2026 periods that tests name explicitly and within the interest-rate table."""
    from core.calendar import add_plazo

    return add_plazo(dt.date(2024, 12, 1), months=-(n % 96))


class PlanillaFactory(factory.django.DjangoModelFactory):
    """A monthly planilla, PENDIENTE by default; `vencimiento` follows the parameter."""

    class Meta:
        model = Planilla

    empleador = factory.SubFactory(EmpleadorFactory)
    sucursal = factory.LazyAttribute(lambda o: o.empleador.sucursales.order_by("numero").first())
    provincia = factory.LazyAttribute(lambda o: o.empleador.provincia)
    periodo = factory.Sequence(_periodo)
    aporte_personal = Decimal("94.50")
    aporte_patronal = Decimal("111.50")
    fondos_reserva = Decimal("83.33")
    capital = factory.LazyAttribute(
        lambda o: o.aporte_personal + o.aporte_patronal + o.fondos_reserva
    )
    fecha_vencimiento = factory.LazyAttribute(lambda o: fecha_vencimiento(o.periodo))
    mora_desde = factory.LazyAttribute(lambda o: o.fecha_vencimiento + dt.timedelta(days=1))
    intereses_hasta = factory.LazyAttribute(lambda o: o.fecha_vencimiento)

    class Params:
        pagada = factory.Trait(
            estado=Planilla.Estado.PAGADA,
            pagado_capital=factory.LazyAttribute(lambda o: o.capital),
        )


class GlosaFactory(factory.django.DjangoModelFactory):
    """A glosa of an unpaid planilla. Traits give the states reached by notification
    (`notificada`, with its término) and after it; prefer the services to move one."""

    class Meta:
        model = Glosa

    planilla = factory.SubFactory(PlanillaFactory, estado=Planilla.Estado.GLOSADA)
    origen = Glosa.Origen.PLANILLA
    empleador = factory.LazyAttribute(lambda o: o.planilla.empleador)
    sucursal = factory.LazyAttribute(lambda o: o.planilla.sucursal)
    provincia = factory.LazyAttribute(lambda o: o.planilla.provincia)
    canton = factory.LazyAttribute(lambda o: o.planilla.empleador.canton)
    periodo = factory.LazyAttribute(lambda o: o.planilla.periodo)
    capital = factory.LazyAttribute(lambda o: o.planilla.capital)
    mora_desde = factory.LazyAttribute(lambda o: o.planilla.mora_desde)
    intereses_hasta = factory.LazyAttribute(lambda o: o.planilla.intereses_hasta)

    class Params:
        notificada_el = None
        notificada = factory.Trait(
            estado=Glosa.Estado.NOTIFICADA,
            notificada_en=factory.LazyAttribute(
                lambda o: dt.datetime.combine(
                    o.notificada_el or dt.date.today(), dt.time(9), tzinfo=_TZ
                )
            ),
            termino_desde=factory.LazyAttribute(lambda o: o.notificada_en.date()),
            vence_en=factory.LazyAttribute(
                lambda o: termino_glosa(
                    fecha=o.termino_desde, canton_id=o.canton.pk, provincia_id=o.provincia.pk
                )
            ),
        )
        vencida = factory.Trait(notificada=True, estado=Glosa.Estado.VENCIDA)


_TZ = zoneinfo.ZoneInfo("America/Guayaquil")


def momento(dia: dt.date, hora: int = 11) -> dt.datetime:
    """`hora` o'clock of `dia` in Guayaquil (the portal's time zone): an aware datetime
    for the services' `at=` and `en=` arguments."""
    return dt.datetime.combine(dia, dt.time(hora), tzinfo=_TZ)


# --- Coactiva: processes ------------------------------------------------------------------


class SecretarioAbogadoFactory(factory.django.DjangoModelFactory):
    """An active Secretario-Abogado of Pichincha's coactiva unit, with a staff login
    in the group SECRETARIO_ABOGADO unless `usuario=None` is passed."""

    class Meta:
        model = "coactiva.SecretarioAbogado"

    nombre = factory.Sequence(lambda n: f"Abogada de Prueba {n}")
    unidad = factory.LazyFunction(lambda: Unidad.objects.get(codigo="17-coactiva"))
    usuario = factory.LazyAttributeSequence(
        lambda o, n: staff(roles.SECRETARIO_ABOGADO, o.unidad.codigo, username=f"abogado{n}")
    )


MEDIDAS_DE_PRUEBA = [
    {
        "tipo": "retencion_fondos",
        "entidad_tipo": "institucion_financiera",
        "entidad_nombre": "Banco del Pichincha C.A.",
        "cuenta": "2200123456",
        "monto": Decimal("1500.00"),
    },
    {
        "tipo": "prohibicion_inmueble",
        "entidad_tipo": "registro_propiedad",
        "entidad_nombre": "Registro de la Propiedad de Quito",
        "predio": "1234567",
        "canton": "1701",
    },
    {
        "tipo": "prohibicion_vehiculo",
        "entidad_tipo": "ant",
        "entidad_nombre": "Agencia Nacional de Tránsito",
        "placa": "PBA-1234",
    },
]


class JuicioCoactivoFactory(factory.django.DjangoModelFactory):
    """A coactiva process built the way production builds one: `n_titulos` títulos de
    crédito issued by cartera for vencida glosas of one employer, then the unit's
    sorteo (which assigns one of its active Secretarios-Abogados; one is created when
    the unit has none). Traits: `en_medidas` (advanced to the measures stage) and
    `con_medidas` (plus a measure in force at a bank, a Registro de la Propiedad and
    the ANT)."""

    class Meta:
        model = "coactiva.JuicioCoactivo"

    empleador = factory.SubFactory(EmpleadorFactory)
    n_titulos = 3
    etapa = None
    medidas = factory.LazyFunction(list)

    class Params:
        en_medidas = factory.Trait(etapa="medidas")
        con_medidas = factory.Trait(etapa="medidas", medidas=MEDIDAS_DE_PRUEBA)

    @classmethod
    def _create(cls, model_class: type, *args: object, **kwargs: object) -> object:
        from cartera.services import titulo_emitir
        from coactiva import services as coactiva_services
        from coactiva.models import JuicioCoactivo, SecretarioAbogado

        empleador = kwargs["empleador"]
        titulos = [
            titulo_emitir(
                glosas=[
                    GlosaFactory(
                        planilla__empleador=empleador,
                        vencida=True,
                        notificada_el=dt.date(2025, 3, 3),
                    )
                ]
            )
            for _ in range(int(kwargs["n_titulos"]))  # type: ignore[call-overload]
        ]
        unidad = titulos[0].unidad_coactiva
        if not SecretarioAbogado.objects.filter(unidad=unidad, activo=True).exists():
            SecretarioAbogadoFactory(unidad=unidad)
        coactiva_services.sorteo_realizar(unidad=unidad, titulos=[t.pk for t in titulos])
        juicio = JuicioCoactivo.objects.get(lineas__titulo=titulos[0])
        camino = ["requerimiento", "citacion", "medidas", "embargo", "avaluo", "remate"]
        destino = kwargs.get("etapa")
        for etapa in camino[: camino.index(destino) + 1] if destino else []:  # type: ignore[arg-type]
            juicio = coactiva_services.juicio_transicion(juicio=juicio, a=etapa)
        for datos in kwargs.get("medidas") or []:  # type: ignore[attr-defined]
            datos = dict(datos)
            if "canton" in datos:
                datos["canton"] = Canton.objects.get(pk=datos["canton"])
            medida = coactiva_services.medida_ordenar(juicio=juicio, **datos)
            coactiva_services.medida_registrar_vigencia(medida=medida)
        juicio.refresh_from_db()
        return juicio
