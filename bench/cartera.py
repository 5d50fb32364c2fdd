"""Benchmark: generate and notify glosas for N unpaid planillas on PostgreSQL.

    .venv/bin/python bench/cartera.py [--planillas 100000] [--por-empleador 1]

Creates a database of its own (`bench_cartera` on the server of DATABASE_URL, default
postgres://postgres@127.0.0.1:5432; dropped when the run ends, kept with
BENCH_CONSERVAR=1), migrates it, loads N employers' unpaid planillas of
January 2026 and then, in the same run:

1. the baseline: a bare `INSERT … SELECT` of the same glosa rows into the glosa table
   (one statement, committed, so the deferred foreign-key checks count), then removed;
2. the jobs exactly as the management commands run them (lock row, chunks, history rows
   of planillas and glosas, the employer's notice and one e-mail per employer queued in
   the outbox), both ways: `generar_glosas --periodo 2026-01 --notificar` (one pass, what
   the nightly schedule runs) and `generar_glosas` followed by `notificar_glosas`.

It prints the times, their ratio to the baseline (target: within 3×) and the queries
issued. Celery uses an in-memory broker, so queuing the e-mails costs
what it costs and nothing is delivered.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench import basedatos  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--planillas", type=int, default=100_000)
    parser.add_argument(
        "--por-empleador", type=int, default=1, help="planillas (sucursales) per employer"
    )
    parser.add_argument("--base", default="bench_cartera", help="database to (re)create")
    parser.add_argument(
        "--tamano", type=int, default=None, help="rows (employers) per chunk; default the jobs'"
    )
    parser.add_argument(
        "--detalle", action="store_true", help="print the slowest statements of each job"
    )
    args = parser.parse_args()

    servidor = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    partes = urlparse(servidor)
    if not partes.scheme.startswith("postgres"):
        sys.exit("Este benchmark necesita PostgreSQL (DATABASE_URL=postgres://…).")
    basedatos.recrear(servidor, args.base)
    try:
        os.environ["DATABASE_URL"] = urlunparse(partes._replace(path="/" + args.base))
        os.environ["CELERY_BROKER_URL"] = "memory://"
        os.environ["CELERY_TASK_ALWAYS_EAGER"] = "0"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ventanilla.settings")
        os.environ.setdefault("LOG_LEVEL", "WARNING")

        import django

        django.setup()
        from django.core.management import call_command

        print(f"Base de datos {args.base}: migrando…", flush=True)
        call_command("migrate", verbosity=0)
        _cargar(args.planillas, args.por_empleador)
        _medir(args.planillas, args.tamano, args.detalle)

    finally:
        basedatos.borrar(servidor, args.base)


def _cargar(planillas: int, por_empleador: int) -> None:
    from django.db import connection, transaction

    empleadores = -(-planillas // por_empleador)
    print(
        f"Cargando {empleadores:,} empleadores y {planillas:,} planillas impagas de 01/2026…",
        flush=True,
    )
    inicio = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # Employers spread over the 24 provinces, each in its capital canton.
        cursor.execute(
            """
            INSERT INTO cartera_empleador (identificacion, tipo_persona, extranjero, sector,
                razon_social, representante_nombre, representante_tipo_id,
                representante_identificacion, provincia_id, canton_id, direccion, email,
                telefono, celular, creado_en)
            SELECT lpad(g::text, 10, '0') || '001', 'sociedad_privada', false, 'privado',
                'Empresa de prueba ' || g || ' S.A.', 'Representante ' || g, 'cedula',
                lpad(g::text, 10, '0'), p.codigo,
                (SELECT min(c.codigo) FROM core_canton c WHERE c.provincia_id = p.codigo),
                'Calle ' || g, 'empresa' || g || '@correo.test', '', '', now()
            FROM generate_series(1, %s) g
            JOIN (SELECT codigo, row_number() OVER (ORDER BY codigo) - 1 AS i
                  FROM core_provincia) p ON p.i = g %% 24
            """,
            [empleadores],
        )
        cursor.execute(
            """
            INSERT INTO cartera_sucursal (empleador_id, numero, nombre, direccion,
                provincia_id, canton_id)
            SELECT e.id, lpad(s::text, 3, '0'), 'Sucursal ' || s, e.direccion,
                e.provincia_id, e.canton_id
            FROM cartera_empleador e CROSS JOIN generate_series(1, %s) s
            """,
            [por_empleador],
        )
        cursor.execute(
            """
            INSERT INTO cartera_planilla (empleador_id, sucursal_id, provincia_id, periodo,
                aporte_personal, aporte_patronal, fondos_reserva, capital, intereses, multas,
                recargos, pagado_capital, pagado_intereses, pagado_multas, pagado_recargos,
                fecha_vencimiento, mora_desde, intereses_hasta, estado, creada_en)
            SELECT s.empleador_id, s.id, s.provincia_id, '2026-01-01',
                a.personal, a.patronal, a.fondos, a.personal + a.patronal + a.fondos,
                0, 0, 0, 0, 0, 0, 0, '2026-02-15', '2026-02-16', '2026-02-15', 'pendiente',
                now()
            FROM (SELECT * FROM cartera_sucursal ORDER BY id LIMIT %s) s
            CROSS JOIN LATERAL (SELECT (100 + s.id %% 900)::numeric(14,2) AS personal,
                (120 + s.id %% 700)::numeric(14,2) AS patronal,
                (s.id %% 90)::numeric(14,2) AS fondos) a
            """,
            [planillas],
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"  cargado en {time.perf_counter() - inicio:.1f} s", flush=True)


INSERT_DESNUDO = """
INSERT INTO cartera_glosa (origen, planilla_id, empleador_id, sucursal_id, provincia_id,
    canton_id, periodo, detalle, estado, emitida_en, emitida_por_id, lote_id, capital,
    intereses, multas, recargos, pagado_capital, pagado_intereses, pagado_multas,
    pagado_recargos, mora_desde, intereses_hasta)
SELECT 'planilla', p.id, p.empleador_id, p.sucursal_id, p.provincia_id, e.canton_id,
    p.periodo, '', 'emitida', now(), NULL, %s, p.capital - p.pagado_capital,
    p.intereses - p.pagado_intereses, p.multas - p.pagado_multas,
    p.recargos - p.pagado_recargos, 0, 0, 0, 0, p.mora_desde, p.intereses_hasta
FROM cartera_planilla p JOIN cartera_empleador e ON e.id = p.empleador_id
WHERE p.estado = 'pendiente' AND p.fecha_vencimiento < '2026-03-02'
"""


class Contador:
    """Counts the statements a job issues and how long each kind takes (--detalle)."""

    def __init__(self) -> None:
        self.n = 0
        self.tiempos: dict[str, float] = {}

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        self.n += 1
        inicio = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            clave = " ".join(sql.split())[:90]
            self.tiempos[clave] = self.tiempos.get(clave, 0.0) + time.perf_counter() - inicio


def _medir(planillas: int, tamano: int | None, detalle: bool = False) -> None:
    import datetime as dt

    from django.db import connection, transaction

    from cartera import batch
    from cartera.models import Glosa
    from core.models import TrabajoLote

    hoy = dt.date(2026, 3, 2)

    # The glosas point to a job run, as the job's do.
    lote = TrabajoLote.objects.create(nombre="linea_base", estado=TrabajoLote.Estado.TERMINADO)

    def desnudo(inmediato: bool) -> float:
        inicio = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            if inmediato:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(INSERT_DESNUDO, [lote.pk])
            assert cursor.rowcount == planillas
        duracion = time.perf_counter() - inicio  # includes the commit (deferred FK checks)
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE cartera_glosa CASCADE")
            cursor.execute("VACUUM ANALYZE cartera_glosa")
        return duracion

    print("Línea base: INSERT … SELECT desnudo de las mismas glosas…", flush=True)
    # Foreign keys checked at commit (Django's default) and at the statement's end (what
    # the jobs do); the faster of the two is the baseline.
    tiempos = [desnudo(inmediato) for inmediato in (False, True, False, True)]
    base = min(tiempos)
    print("  " + ", ".join(f"{t:.2f}" for t in tiempos) + f" s → {base:.2f} s", flush=True)

    from cartera.models import NotificacionGlosa, Planilla, PlanillaHistorial
    from core.models import Correo

    def reiniciar() -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE cartera_glosa, cartera_glosahistorial, cartera_notificacionglosa, "
                "cartera_planillahistorial, core_correo CASCADE"
            )
        Planilla.objects.update(estado=Planilla.Estado.PENDIENTE)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM FULL ANALYZE")

    def correr(pasos: list[tuple[str, dict[str, object]]]) -> tuple[float, int]:
        total, consultas = 0.0, 0
        for nombre, parametros in pasos:
            contador = Contador()
            inicio = time.perf_counter()
            with connection.execute_wrapper(contador):
                resumen = batch.ejecutar(nombre, **parametros)
            duracion = time.perf_counter() - inicio
            total += duracion
            consultas += contador.n
            print(f"  {nombre}: {duracion:.2f} s, {contador.n} consultas, {resumen}", flush=True)
            if detalle:
                for sql, t in sorted(contador.tiempos.items(), key=lambda x: -x[1])[:8]:
                    print(f"      {t:6.2f} s  {sql}", flush=True)
        assert Glosa.objects.filter(estado="notificada").count() == planillas
        assert PlanillaHistorial.objects.count() == planillas
        return total, consultas

    periodo: dict[str, object] = {"periodo": dt.date(2026, 1, 1), "hoy": hoy}
    extra: dict[str, object] = {"tamano": tamano} if tamano else {}
    periodo.update(extra)
    print("Dos trabajos: generar_glosas y luego notificar_glosas…", flush=True)
    reiniciar()
    dos, dos_consultas = correr(
        [(batch.GENERAR_GLOSAS, periodo), (batch.NOTIFICAR_GLOSAS, {"hoy": hoy, **extra})]
    )
    print("Una pasada: generar_glosas --notificar (lo que corre cada noche)…", flush=True)
    reiniciar()
    una, una_consultas = correr([(batch.GENERAR_GLOSAS, {**periodo, "notificar": True})])

    print()
    print(f"Planillas impagas:                        {planillas:>10,}")
    avisos, correos = NotificacionGlosa.objects.count(), Correo.objects.count()
    print(f"Avisos en el portal / correos encolados:  {avisos:>10,} / {correos:,}")
    print(f"INSERT … SELECT desnudo (línea base):     {base:>10.2f} s")
    print(
        f"generar_glosas --notificar:               {una:>10.2f} s  {una / base:5.2f} ×"
        f"  ({una_consultas} consultas)"
    )
    print(
        f"generar_glosas + notificar_glosas:        {dos:>10.2f} s  {dos / base:5.2f} ×"
        f"  ({dos_consultas} consultas)"
    )
    print("Meta: ≤ 3 × la línea base.")


if __name__ == "__main__":
    main()
