"""Cartera demo data: employers at any scale (bulk inserts), two with portal accounts."""

from __future__ import annotations

import random

from cartera.models import Empleador, Sucursal
from cartera.services import empleador_create
from core.demo import DEMO_PASSWORD, DemoContext
from core.identificacion import (
    TipoPersona,
    generar_cedula,
    generar_ruc_natural,
    generar_ruc_privado,
)
from core.models import Canton, Provincia, User

PREFIJOS = [
    "Comercial",
    "Distribuidora",
    "Industrias",
    "Servicios",
    "Constructora",
    "Agrícola",
    "Importadora",
    "Transportes",
    "Farmacéutica",
    "Textiles",
    "Alimentos",
    "Consultora",
]
NUCLEOS = [
    "Andina",
    "del Pacífico",
    "Chimborazo",
    "Amazonas",
    "Cotopaxi",
    "Galápagos",
    "El Sol",
    "La Costa",
    "Sierra Verde",
    "Mitad del Mundo",
    "Los Andes",
    "Tungurahua",
    "Río Guayas",
    "Nueva Esperanza",
    "Cóndor",
    "Orquídea",
    "Pichincha",
    "Santa Lucía",
    "El Cisne",
    "Yasuní",
]
SUFIJOS = ["S.A.", "Cía. Ltda.", "S.A.S."]
NOMBRES = [
    "María",
    "José",
    "Luis",
    "Ana",
    "Carlos",
    "Rosa",
    "Juan",
    "Carmen",
    "Jorge",
    "Patricia",
    "Fernando",
    "Mónica",
    "Diego",
    "Lorena",
    "Santiago",
    "Paola",
]
APELLIDOS = [
    "Pérez",
    "Zambrano",
    "Guerrero",
    "Cedeño",
    "Vera",
    "Torres",
    "Mora",
    "Suárez",
    "Castillo",
    "Ortiz",
    "Andrade",
    "Morales",
    "Chávez",
    "Jaramillo",
    "Benítez",
    "Salazar",
    "Villacís",
]
# Rough share of employers per province (Pichincha and Guayas hold most of them).
PESOS = {"17": 30, "09": 28, "13": 6, "01": 6, "07": 4, "18": 4, "23": 3, "11": 3}

DEMO_EMPLEADORES = [
    {
        "razon_social": "Comercial Andina S.A.",
        "representante_nombre": "María Fernanda Salazar Pérez",
        "provincia": "17",
        "canton": "1701",
        "direccion": "Av. Amazonas N34-120 y Av. República, Quito",
        "email": "contabilidad@comercialandina.demo",
        "telefono": "022555100",
        "celular": "0991234567",
    },
    {
        "razon_social": "Exportadora del Guayas Cía. Ltda.",
        "representante_nombre": "Jorge Luis Cedeño Vera",
        "provincia": "09",
        "canton": "0901",
        "direccion": "Av. 9 de Octubre 1200 y Av. Quito, Guayaquil",
        "email": "gerencia@exportadoraguayas.demo",
        "telefono": "042300400",
        "celular": "0987654321",
    },
]


def _persona(rng: random.Random) -> str:
    return f"{rng.choice(NOMBRES)} {rng.choice(APELLIDOS)} {rng.choice(APELLIDOS)}"


def seed(ctx: DemoContext) -> None:
    provincias = list(Provincia.objects.values_list("codigo", flat=True))
    capital = {c.provincia_id: c.codigo for c in Canton.objects.filter(codigo__endswith="01")}
    pesos = [PESOS.get(p, 1) for p in provincias]
    rng = ctx.rng

    # The two employers people log in as.
    cuentas = []
    for i, datos in enumerate(DEMO_EMPLEADORES):
        prov_num = int(datos["provincia"])
        inicio = 100 + i
        while (ruc := generar_ruc_privado(prov_num, inicio)) is None:
            inicio += 1000
        empleador = empleador_create(
            identificacion=ruc,
            razon_social=datos["razon_social"],
            representante_nombre=datos["representante_nombre"],
            representante_identificacion=generar_cedula(prov_num, 4242 + i),
            provincia=Provincia.objects.get(pk=datos["provincia"]),
            canton=Canton.objects.get(pk=datos["canton"]),
            direccion=datos["direccion"],
            email=datos["email"],
            telefono=datos["telefono"],
            celular=datos["celular"],
            sucursales=[
                {"numero": "001", "nombre": "Matriz"},
                {"numero": "002", "nombre": "Sucursal norte"},
            ],
        )
        cuenta = User.objects.create(
            username=empleador.identificacion,
            first_name=empleador.razon_social[:150],
            email=empleador.email,
            tipo=User.Tipo.EMPLEADOR,
            identificacion=empleador.identificacion,
        )
        cuenta.set_password(DEMO_PASSWORD)
        cuenta.save(update_fields=["password"])
        empleador.cuenta = cuenta
        empleador.save(update_fields=["cuenta"])
        cuentas.append(empleador)
    ctx.data["empleadores_demo"] = cuentas
    logins(ctx)

    # The bulk: valid, unique identifiers from per-province serials.
    total = max(ctx.empleadores - len(cuentas), 0)
    serial = dict.fromkeys(provincias, 1000)
    batch: list[Empleador] = []
    creados = 0
    for _ in ctx.progress(range(total), total=total, desc="empleadores"):
        prov = rng.choices(provincias, weights=pesos)[0]
        natural = rng.random() < 0.25
        ruc = None
        while ruc is None:
            serial[prov] += 1
            ruc = (generar_ruc_natural if natural else generar_ruc_privado)(int(prov), serial[prov])
        nombre = (
            _persona(rng)
            if natural
            else (f"{rng.choice(PREFIJOS)} {rng.choice(NUCLEOS)} {rng.choice(SUFIJOS)}")
        )
        batch.append(
            Empleador(
                identificacion=ruc,
                tipo_persona=TipoPersona.NATURAL if natural else TipoPersona.SOCIEDAD_PRIVADA,
                razon_social=nombre,
                representante_nombre=nombre if natural else _persona(rng),
                representante_identificacion=ruc[:10]
                if natural
                else generar_cedula(int(prov), serial[prov]),
                provincia_id=prov,
                canton_id=capital.get(prov),
                direccion=f"Calle {rng.randint(1, 120)} y Av. {rng.choice(NUCLEOS)}",
                email=f"empleador{serial[prov]}-{prov}@correo.demo",
                celular=f"09{rng.randint(10000000, 99999999)}",
            )
        )
        if len(batch) >= 5000:
            creados += _flush(batch)
            batch = []
    creados += _flush(batch)
    ctx.stdout.write(f"  {creados + len(cuentas)} empleadores con sus sucursales.")


def _flush(batch: list[Empleador]) -> int:
    if not batch:
        return 0
    Empleador.objects.bulk_create(batch, batch_size=5000)
    # bulk_create sets pks on PostgreSQL and SQLite ≥ 3.35; read them back to be sure.
    ids = dict(
        Empleador.objects.filter(identificacion__in=[e.identificacion for e in batch]).values_list(
            "identificacion", "id"
        )
    )
    Sucursal.objects.bulk_create(
        [
            Sucursal(
                empleador_id=ids[e.identificacion],
                numero="001",
                nombre="Matriz",
                direccion=e.direccion,
                provincia_id=e.provincia_id,
                canton_id=e.canton_id,
            )
            for e in batch
        ],
        batch_size=5000,
    )
    return len(batch)


def logins(ctx: DemoContext) -> None:
    for empleador in Empleador.objects.filter(cuenta__isnull=False).order_by("id")[:2]:
        ctx.login(f"Empleador: {empleador.razon_social}", empleador.identificacion)
