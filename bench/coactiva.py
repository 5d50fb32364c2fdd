"""Benchmark: the coactiva inventory (admin list of processes) at 2,000 and 50,000
processes on PostgreSQL.

    .venv/bin/python bench/coactiva.py [--pequeno 2000] [--grande 50000] [--repeticiones 7]

Creates a database of its own (`bench_coactiva` on the server of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432; dropped when the run ends, kept with
BENCH_CONSERVAR=1), migrates it and loads processes of Pichincha's
coactiva unit (spread over stages, lawyers, ages and términos; one tenth of them in
Guayas). Then, as the head of Pichincha's unit and as one of its Secretarios-Abogados,
it opens the inventory page plain and with each filter (stage, término overdue, age),
first with the small load and again after growing it to the large one. It prints the
median time per page, the queries per page (they must not grow with the data) and the
time ratio large/small.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import basedatos  # noqa: E402

PAGINAS = [
    ("inventario", "/admin/coactiva/juiciocoactivo/"),
    ("etapa=medidas", "/admin/coactiva/juiciocoactivo/?etapa__exact=medidas"),
    ("término vencido", "/admin/coactiva/juiciocoactivo/?termino=vencido"),
    ("antigüedad 365+", "/admin/coactiva/juiciocoactivo/?antiguedad=365%2B"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pequeno", type=int, default=2_000)
    parser.add_argument("--grande", type=int, default=50_000)
    parser.add_argument("--repeticiones", type=int, default=7)
    parser.add_argument("--base", default="bench_coactiva", help="database to (re)create")
    args = parser.parse_args()

    servidor = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    partes = urlparse(servidor)
    if not partes.scheme.startswith("postgres"):
        sys.exit("Este benchmark necesita PostgreSQL (DATABASE_URL=postgres://…).")
    basedatos.recrear(servidor, args.base)
    try:
        os.environ["DATABASE_URL"] = urlunparse(partes._replace(path="/" + args.base))
        os.environ["CELERY_BROKER_URL"] = "memory://"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")
        os.environ.setdefault("LOG_LEVEL", "WARNING")

        import django

        django.setup()
        from django.core.management import call_command

        print(f"Base de datos {args.base}: migrando…", flush=True)
        call_command("migrate", verbosity=0)
        usuarios = _preparar()
        _cargar(args.pequeno, desde=0)
        pequeno = _medir(usuarios, args.repeticiones)
        _cargar(args.grande - args.pequeno, desde=args.pequeno)
        grande = _medir(usuarios, args.repeticiones)
        print()
        print(
            f"{'página':<36}{'ms ' + str(args.pequeno):>12}{'ms ' + str(args.grande):>12}"
            f"{'razón':>8}{'consultas':>12}"
        )
        for clave in pequeno:
            (t1, q1), (t2, q2) = pequeno[clave], grande[clave]
            consultas = f"{q1}" if q1 == q2 else f"{q1}→{q2}"
            print(f"{clave:<36}{t1:>12.1f}{t2:>12.1f}{t2 / t1:>8.2f}{consultas:>12}")

    finally:
        basedatos.borrar(servidor, args.base)


def _preparar() -> dict[str, object]:
    from django.contrib.auth.models import Group

    from coactiva.models import SecretarioAbogado
    from core import roles
    from core.models import Unidad, User

    usuarios: dict[str, object] = {}
    for codigo in ("17-coactiva", "09-coactiva"):
        unidad = Unidad.objects.get(codigo=codigo)
        for i in range(8):
            cuenta = User.objects.create(
                username=f"abogado{i}-{codigo}",
                tipo=User.Tipo.FUNCIONARIO,
                is_staff=True,
                unidad=unidad,
            )
            cuenta.groups.add(Group.objects.get(name=roles.SECRETARIO_ABOGADO))
            SecretarioAbogado.objects.create(unidad=unidad, nombre=f"Abogado {i}", usuario=cuenta)
            if codigo == "17-coactiva" and i == 0:
                usuarios["secretario"] = cuenta
    jefe = User.objects.create(
        username="jefe",
        tipo=User.Tipo.FUNCIONARIO,
        is_staff=True,
        unidad=Unidad.objects.get(codigo="17-coactiva"),
    )
    jefe.groups.add(Group.objects.get(name=roles.JEFE_UNIDAD))
    usuarios["jefe"] = jefe
    return usuarios


def _cargar(n: int, *, desde: int) -> None:
    """n processes (one employer each), bulk-inserted: the list page reads processes,
    employers, lawyers and units only."""
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from cartera.models import Empleador
    from coactiva.models import JuicioCoactivo, SecretarioAbogado
    from core.models import Provincia, Unidad

    empezado = time.monotonic()
    etapas = list(JuicioCoactivo.Etapa.values)
    unidades = {
        u.codigo: u for u in Unidad.objects.filter(codigo__in=["17-coactiva", "09-coactiva"])
    }
    abogados = {
        codigo: list(SecretarioAbogado.objects.filter(unidad=u).order_by("pk"))
        for codigo, u in unidades.items()
    }
    provincias = {p.codigo: p for p in Provincia.objects.filter(codigo__in=["17", "09"])}
    ahora = timezone.now()
    hoy = timezone.localdate()
    lote = 5_000
    with transaction.atomic():
        for inicio in range(desde, desde + n, lote):
            fin = min(inicio + lote, desde + n)
            empleadores = Empleador.objects.bulk_create(
                [
                    Empleador(
                        identificacion=f"{i:010d}001",
                        tipo_persona="sociedad_privada",
                        razon_social=f"Empresa Coactivada {i} S.A.",
                        representante_nombre="Representante de Prueba",
                        representante_identificacion="1710034065",
                        provincia=provincias["09" if i % 10 == 0 else "17"],
                        direccion="Quito",
                        email=f"e{i}@bench.test",
                    )
                    for i in range(inicio, fin)
                ]
            )
            filas = []
            for e, i in zip(empleadores, range(inicio, fin), strict=True):
                codigo = "09-coactiva" if i % 10 == 0 else "17-coactiva"
                etapa = etapas[i % len(etapas)]
                terminal = etapa in JuicioCoactivo.TERMINALES
                abierto = ahora - dt.timedelta(days=i % 900)
                filas.append(
                    JuicioCoactivo(
                        unidad=unidades[codigo],
                        anio=abierto.year,
                        secuencial=i + 1,
                        empleador=e,
                        secretario=abogados[codigo][i % 8],
                        etapa=etapa,
                        etapa_desde=abierto.date(),
                        vence_en=(
                            None
                            if terminal or etapa in JuicioCoactivo.SUSPENDIDAS
                            else hoy + dt.timedelta(days=(i % 30) - 15)
                        ),
                        abierto_en=abierto,
                        cerrado_en=ahora if terminal else None,
                        monto_inicial=1000 + i % 5000,
                    )
                )
            JuicioCoactivo.objects.bulk_create(filas)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    total = JuicioCoactivo.objects.count()
    print(f"{total} procesos cargados ({time.monotonic() - empezado:.1f} s).", flush=True)


def _medir(usuarios: dict[str, object], repeticiones: int) -> dict[str, tuple[float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    resultados: dict[str, tuple[float, int]] = {}
    with override_settings(ALLOWED_HOSTS=["*"], DEBUG=False):
        for perfil in ("jefe", "secretario"):
            cliente = Client()
            cliente.force_login(usuarios[perfil])  # type: ignore[arg-type]
            for nombre, url in PAGINAS:
                assert cliente.get(url).status_code == 200, url  # warm up
                tiempos = []
                for _ in range(repeticiones):
                    with CaptureQueriesContext(connection) as consultas:
                        inicio = time.perf_counter()
                        respuesta = cliente.get(url)
                        tiempos.append((time.perf_counter() - inicio) * 1000)
                    assert respuesta.status_code == 200, url
                resultados[f"{perfil}: {nombre}"] = (
                    statistics.median(tiempos),
                    len(consultas.captured_queries),
                )
    return resultados


if __name__ == "__main__":
    main()
